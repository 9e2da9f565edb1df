// The workload: the typists on their schedule (open loop) or as fast as acks come (closed loop),
// measured over a window after a warm-up, then drained and checked for convergence.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common.hpp"
#include "connection.hpp"
#include "options.hpp"
#include "server.hpp"

namespace samen::bench {

struct WorkloadResult {
    json figures;
    bool ok = true;
};

/// Who types where: each of `docs` by `clients_per_doc` clients, each at `rate_per_client`
/// keystrokes a second in the open loop.
struct Plan {
    std::vector<std::string> docs;
    std::size_t clients_per_doc = 0;
    double rate_per_client = 0;
    /// Against samen-relay: no /metrics, and the clients only time what the others typed.
    bool relayed = false;
};

/// The workgroup: --clients on --doc, --rate over them all.
Plan workgroup_plan(const Options& o);

WorkloadResult run_workload(Loop& loop, const Server& server, const Options& o,
                            std::map<std::string, std::string>& tokens, const Plan& plan);

}  // namespace samen::bench
