// The workload: the typists on their schedule (open loop) or as fast as acks come (closed loop),
// measured over a window after a warm-up, then drained and checked for convergence.
#pragma once

#include <map>
#include <string>

#include "common.hpp"
#include "connection.hpp"
#include "options.hpp"
#include "server.hpp"

namespace samen::bench {

struct WorkloadResult {
    json figures;
    bool ok = true;
};

WorkloadResult run_workload(Loop& loop, const Server& server, const Options& o,
                            std::map<std::string, std::string>& tokens);

}  // namespace samen::bench
