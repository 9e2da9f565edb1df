// The real samen-server as a child process on a free loopback port, with a data directory of its
// own: what every integration test talks to, and what samen-bench measures.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace samen::test {

struct ServerOptions {
    /// Flags after `--demo --port 0 --data <dir>`.
    std::vector<std::string> args;
    /// The samen-server to run; empty: the one of this build.
    std::string executable;
    /// How long stop() waits for the exit before it falls back to SIGKILL.
    std::chrono::seconds stop_timeout{60};
    /// Where the server's log (its standard error) goes; empty: the test's standard error.
    std::filesystem::path log_file;
    /// RLIMIT_NOFILE's soft and hard limits for the server, set before it starts (as a shell's
    /// `ulimit -Sn` / `-Hn` would); unset: the test's own.
    std::optional<std::uint64_t> soft_descriptor_limit;
    std::optional<std::uint64_t> hard_descriptor_limit;
    /// The test reads the server's resident memory: under AddressSanitizer freed memory waits in
    /// a quarantine (256 MiB by default) before it is reused, so RSS would count what the server
    /// has already let go. True turns the quarantine off for this server; other builds ignore it.
    bool memory_measured = false;
};

class ServerProcess {
  public:
    /// Starts `samen-server --demo --port 0 --data <fresh temp dir>` plus `extra_args`, and waits
    /// (at most 60 s) until it listens. Throws std::runtime_error when it does not start.
    explicit ServerProcess(std::vector<std::string> extra_args = {});
    explicit ServerProcess(ServerOptions options);
    /// Kills the server if it still runs and removes the data directory.
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    std::uint16_t port() const { return port_; }
    /// The server's process id while it runs, -1 after it stopped.
    pid_t pid() const { return pid_; }
    const std::filesystem::path& data_dir() const { return data_dir_.path(); }
    bool running() const { return pid_ > 0; }
    /// The whole command line, for the record.
    std::vector<std::string> command() const;
    std::vector<std::string> environment() const;
    /// What the server has logged so far, when ServerOptions::log_file was set.
    std::string log() const;

    /// Sends `signal` and waits (at most the stop timeout) for the exit; returns the exit status
    /// as waitpid gives it.
    int stop(int signal = 15);
    /// SIGKILL: no chance to clean up, as in a crash or power loss.
    void kill();
    /// Stops the server in order and starts it again on the same data directory (with a new
    /// port): every document is then loaded from disk when it is first opened.
    void restart();

    /// POST /api/v1/session; throws unless it answers 200.
    std::string sign_in(const std::string& user, const std::string& password = "samen-demo") const;
    /// The value of one sample in GET /metrics (e.g. "samen_connections_open"), asked from
    /// 127.0.0.254; nullopt when the server does not answer 200 or has no such sample.
    std::optional<double> metric(const std::string& name) const;

    /// The path of samen-server, from the build.
    static std::string executable();

  private:
    void start();

    ServerOptions options_;
    TempDir data_dir_{"samen-server"};
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    std::uint16_t port_ = 0;
};

/// Runs a command to completion (at most `timeout`) and returns its exit code and output.
struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout and stderr together
};
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = {},
                          std::chrono::seconds timeout = std::chrono::seconds(60));

// What /proc tells about a process (the server, whether a ServerProcess started it or not).

/// utime + stime of every thread of the process, in microseconds (clock-tick resolution).
std::optional<std::uint64_t> process_cpu_us(pid_t pid);
/// The time every current thread of the process spent on a CPU, in nanoseconds, from
/// /proc/<pid>/task/*/schedstat: finer than clock ticks, for short windows.
std::optional<std::uint64_t> process_cpu_ns(pid_t pid);
/// VmRSS in KiB.
std::optional<std::uint64_t> process_rss_kib(pid_t pid);
/// "Max open files" of /proc/<pid>/limits: the soft and the hard limit.
struct DescriptorLimits {
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
};
std::optional<DescriptorLimits> process_descriptor_limits(pid_t pid);

}  // namespace samen::test
