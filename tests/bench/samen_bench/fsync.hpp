// The data disk's own sync latency: the floor under a durable ack (docs/performance.md, "Against
// the floor").
#pragma once

#include <cstddef>
#include <string>

#include "common.hpp"

namespace samen::bench {

/// Times `samples` appends of one SQLite WAL frame (24-byte header + a 4096-byte page), each
/// followed by fdatasync, to a scratch file in `dir`, as samen-server's store commits in WAL mode
/// with synchronous=FULL (server/store/db.cpp). Returns {dir, samples, bytes_per_sync, p50, p95,
/// p99, max} in milliseconds; throws when the file cannot be written.
json measure_fsync(const std::string& dir, std::size_t samples);

}  // namespace samen::bench
