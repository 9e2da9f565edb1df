// The floor: the same clients, workload and seed against samen-relay, a bare relay with the same
// Beast (tests/bench/relay.cpp), and samen-server's figures divided by the relay's
// (docs/performance.md, "Against the floor").
#pragma once

#include <map>
#include <string>

#include "common.hpp"
#include "connection.hpp"
#include "options.hpp"
#include "workload.hpp"

namespace samen::bench {

/// Starts samen-relay with `snapshot` (what samen-server answered to `open` of --doc) and runs
/// the workgroup against it with the same tokens.
WorkloadResult run_on_relay(Loop& loop, const Options& o,
                            std::map<std::string, std::string>& tokens,
                            const std::string& snapshot);

/// {cpu_per_op, ack_p50, ack_p99, e2e_p50, e2e_p99}: samen-server / samen-relay (CPU from the
/// threads' schedstat); null where either figure is missing or the relay's is 0.
json floor_ratios(const json& samen, const json& relay);

}  // namespace samen::bench
