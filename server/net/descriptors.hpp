// The process's limit on open file descriptors: every connection holds one, so it bounds how many
// connections the server can take before accept() fails with "Too many open files".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace samen::net {

struct DescriptorLimit {
    std::uint64_t soft_before = 0;  // the soft limit the process started with
    std::uint64_t soft = 0;         // the soft limit now
    std::uint64_t hard = 0;
    std::string error;  // why the soft limit could not be raised; empty when it was
};

/// Raises RLIMIT_NOFILE's soft limit to the hard limit (to fs.nr_open when the hard limit is
/// unlimited): many systems start services with a soft limit of 1024, which a thousand idle
/// sockets use up.
DescriptorLimit raise_descriptor_limit();

/// The descriptors `limit` leaves for connections: it keeps 64 for what the server holds anyway
/// (standard streams, the listener, the data file with its WAL and shared memory, SQLite's
/// temporary files, a backup, epoll, timers and signal pipes), `refusals` for connections being
/// refused, and an eighth of the limit for static files being sent (each holds a descriptor
/// besides its connection's). A limit too small for that gets a quarter of it.
std::size_t connections_for_descriptors(std::uint64_t limit, std::size_t refusals);

}  // namespace samen::net
