// The real samen-server as a child process on a free loopback port, with a data directory of its
// own: what every integration test talks to.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace samen::test {

class ServerProcess {
  public:
    /// Starts `samen-server --demo --port 0 --data <fresh temp dir>` plus `extra_args`, and waits
    /// (at most 60 s) until it listens. Throws std::runtime_error when it does not start.
    explicit ServerProcess(std::vector<std::string> extra_args = {});
    /// Kills the server if it still runs and removes the data directory.
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    std::uint16_t port() const { return port_; }
    const std::filesystem::path& data_dir() const { return data_dir_; }
    bool running() const { return pid_ > 0; }

    /// Sends `signal` and waits (at most 60 s) for the exit; returns the exit status as
    /// waitpid gives it.
    int stop(int signal = 15);
    /// SIGKILL: no chance to clean up, as in a crash or power loss.
    void kill();
    /// Starts again on the same data directory (with a new port).
    void restart();

    /// POST /api/v1/session; throws unless it answers 200.
    std::string sign_in(const std::string& user, const std::string& password = "samen-demo") const;

    /// The path of samen-server, from the build.
    static std::string executable();

  private:
    void start();

    std::vector<std::string> args_;
    std::filesystem::path data_dir_;
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

}  // namespace samen::test
