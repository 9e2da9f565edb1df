// The data disk's own sync latency: the floor under a durable ack (docs/performance.md, "Against
// the floor").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common.hpp"

namespace samen::bench {

/// Times `samples` writes of one SQLite WAL frame (24-byte header + a 4096-byte page), each
/// followed by fdatasync, on average `gap_ms` apart (drawn from `seed`), in a scratch file in
/// `dir`, as samen-server's store commits in WAL mode with synchronous=FULL (server/store/db.cpp).
/// Returns {dir, samples, bytes_per_sync, gap_ms_mean, p50, p95, p99, max} in milliseconds; throws
/// when it cannot write.
json measure_fsync(const std::string& dir, std::size_t samples, double gap_ms, std::uint64_t seed);

}  // namespace samen::bench
