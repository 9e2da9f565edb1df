// samen-bench's view of the server: the real samen-server as a child process on a free loopback
// port, and what /proc tells about a server process (its CPU time and resident memory).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace samen::bench {

class ServerChild {
  public:
    /// Starts `<executable> --demo --port 0 --data <fresh temp dir>` plus `extra_args` and waits
    /// (at most 60 s) until it listens. Throws std::runtime_error when it does not start.
    ServerChild(std::string executable, std::vector<std::string> extra_args);
    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its data directory.
    ~ServerChild();
    ServerChild(const ServerChild&) = delete;
    ServerChild& operator=(const ServerChild&) = delete;

    pid_t pid() const { return pid_; }
    std::uint16_t port() const { return port_; }
    /// The whole command line, for the record.
    std::vector<std::string> command() const;

    /// Stops the server in order and starts it again on the same data (on a new port): every
    /// document is then loaded from disk when it is first opened.
    void restart();

  private:
    void start();
    void stop();

    std::string executable_;
    std::vector<std::string> extra_args_;
    std::filesystem::path data_dir_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
};

/// utime + stime of every thread of the process, in microseconds (clock-tick resolution).
std::optional<std::uint64_t> process_cpu_us(pid_t pid);
/// The time every current thread of the process spent on a CPU, in nanoseconds, from
/// /proc/<pid>/task/*/schedstat: finer than clock ticks, for short windows.
std::optional<std::uint64_t> process_cpu_ns(pid_t pid);
/// VmRSS in KiB.
std::optional<std::uint64_t> process_rss_kib(pid_t pid);

}  // namespace samen::bench
