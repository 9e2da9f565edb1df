// samen-bench's options and its --help text.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server_process.hpp"

namespace samen::bench {

// Two per municipality, as in a workgroup session; more clients reuse these users.
inline const std::vector<std::string> workgroup = {
    "steenwijkerland-editor", "steenwijkerland-coordinator",
    "zwartewaterland-editor", "zwartewaterland-coordinator",
    "staphorst-editor",       "staphorst-coordinator",
    "kampen-editor",          "kampen-coordinator"};

enum class Mode { open, closed };

struct Options {
    Mode mode = Mode::closed;
    double rate = 40;  // keystrokes per second over all clients (open loop)
    std::size_t clients = 8;
    double seconds = 10;
    double warmup = 1;
    std::uint64_t seed = 0;
    std::size_t window = 0;          // edits in flight per client (closed loop); 0: one per section
    std::size_t client_threads = 1;  // the typists spread over this many threads
    std::string doc = "ivp-2023-2026";
    std::size_t sections = 20;
    std::string server_path = test::ServerProcess::executable();
    std::optional<std::uint16_t> port;
    std::optional<pid_t> server_pid;
    std::string password = "samen-demo";
    std::size_t idle_connections = 200;
    std::size_t large_kib = 512;  // 0: no large document
    std::size_t cold_opens = 3;
    std::string large_doc = "startnotitie-ivp-2023";
    std::size_t flood_diffs = 0;  // 0: no flooding viewer
    std::size_t churn_edits = 0;  // 0: no churn
    std::size_t churn_kib = 200;
    double churn_wait = 0;
    std::vector<std::string> server_args;
    std::size_t fsync_samples = 500;  // 0: the disk's sync latency is not measured
    double fsync_gap_ms = 5;
    std::size_t connect_batch = 500;  // idle connections signing in at once
    // --floor: the same workload against samen-relay too (docs/performance.md, "Against the floor")
    bool floor = false;
    bool batches = true;  // the clients' hello asks for `batch` messages
    std::string relay_path;
    std::size_t relay_threads = 1;
    // The multi-document workload: `docs` documents made from --doc, each typed into by
    // `clients_per_doc` clients at `rate_per_client` keystrokes a second (0: the workgroup instead)
    std::size_t docs = 0;
    std::size_t clients_per_doc = 4;
    double rate_per_client = 2;
};

extern const char* const usage_text;

/// Throws std::invalid_argument for what it cannot use.
Options parse_options(const std::vector<std::string>& args);

}  // namespace samen::bench
