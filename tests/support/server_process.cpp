#include "server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "raw_socket.hpp"
#include "transport/http_client.hpp"

namespace samen::test {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> c_args(std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (auto& a : argv) out.push_back(a.data());
    out.push_back(nullptr);
    return out;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Waits for the child with a bound; SIGKILLs it when the bound passes.
int wait_bounded(pid_t pid, std::chrono::seconds timeout) {
    auto deadline = Clock::now() + timeout;
    int status = 0;
    while (true) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0) return -1;
        if (Clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

std::string ServerProcess::executable() {
    // Another build's server (e.g. to show that a test fails without a fix).
    if (const char* other = std::getenv("SAMEN_TEST_SERVER"); other && *other) return other;
    return SAMEN_SERVER_PATH;
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : ServerProcess([&] {
          ServerOptions options;
          options.args = std::move(extra_args);
          return options;
      }()) {}

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
    if (options_.executable.empty()) options_.executable = executable();
    start();
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) kill();
    if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::vector<std::string> ServerProcess::command() const {
    std::vector<std::string> argv = {options_.executable, "--demo", "--port", "0", "--data",
                                     data_dir().string()};
    argv.insert(argv.end(), options_.args.begin(), options_.args.end());
    return argv;
}

/// The environment the server starts with: the test's own, plus what options ask for.
std::vector<std::string> ServerProcess::environment() const {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        if (options_.memory_measured && std::string_view(*e).starts_with("ASAN_OPTIONS=")) continue;
        env.emplace_back(*e);
    }
    if (options_.memory_measured) {
        const char* asan = std::getenv("ASAN_OPTIONS");
        env.push_back(std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
                      "quarantine_size_mb=0:thread_local_quarantine_size_kb=0");
    }
    return env;
}

void ServerProcess::start() {
    std::vector<std::string> argv = command();
    std::vector<std::string> env = environment();
    auto args = c_args(argv);  // made before fork(): the child only calls what is safe there
    auto envp = c_args(env);
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        // A test or benchmark killed half-way must not leave a server behind. (The signal comes
        // when the thread that forked ends: every ServerProcess is made on the main thread.)
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        if (options_.soft_descriptor_limit || options_.hard_descriptor_limit) {
            rlimit limit{};
            getrlimit(RLIMIT_NOFILE, &limit);
            if (options_.hard_descriptor_limit) limit.rlim_max = *options_.hard_descriptor_limit;
            if (options_.soft_descriptor_limit) limit.rlim_cur = *options_.soft_descriptor_limit;
            if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(126);
        }
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (!options_.log_file.empty()) {
            int log = open(options_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (log < 0) _exit(126);
            dup2(log, STDERR_FILENO);
            close(log);
        }
        execve(args[0], args.data(), envp.data());
        _exit(127);
    }
    close(fds[1]);
    pid_ = pid;
    if (stdout_fd_ >= 0) close(stdout_fd_);
    stdout_fd_ = fds[0];

    // Read stdout until the line that names the port.
    static const std::regex listening(R"(listening on http://[^ ]*:(\d+)/)");
    std::string seen;
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
        pollfd p{stdout_fd_, POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            char buf[1024];
            ssize_t n = read(stdout_fd_, buf, sizeof buf);
            if (n <= 0) break;  // the server exited
            seen.append(buf, static_cast<std::size_t>(n));
            std::smatch m;
            if (std::regex_search(seen, m, listening)) {
                port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
                // Later output (shutdown lines) must never block the server on a full pipe.
                fcntl(stdout_fd_, F_SETFL, O_NONBLOCK);
                return;
            }
        }
    }
    kill();
    throw std::runtime_error(options_.executable + " did not start; it printed: " + seen);
}

std::string ServerProcess::log() const {
    return options_.log_file.empty() ? std::string() : read_file(options_.log_file);
}

int ServerProcess::stop(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    // Drain stdout while waiting, so the server never blocks on writing it.
    auto deadline = Clock::now() + options_.stop_timeout;
    int status = 0;
    std::string printed;
    while (true) {
        char buf[1024];
        for (ssize_t n; (n = read(stdout_fd_, buf, sizeof buf)) > 0;) {
            printed.append(buf, static_cast<std::size_t>(n));
        }
        pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || r < 0) break;
        if (Clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            std::cerr << "samen-server did not stop within " << options_.stop_timeout.count()
                      << " s of signal " << signal << "; killed. It printed since it listened:\n"
                      << printed << std::endl;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    return status;
}

void ServerProcess::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

void ServerProcess::restart() {
    if (pid_ > 0) stop();
    start();
}

std::string ServerProcess::sign_in(const std::string& user, const std::string& password) const {
    nlohmann::json body = {{"user", user}, {"password", password}};
    auto r = transport::http_request("127.0.0.1", port_, "POST", "/api/v1/session", body.dump());
    if (r.status != 200) {
        throw std::runtime_error("sign-in of " + user + " failed: " + std::to_string(r.status) +
                                 " " + r.body);
    }
    return nlohmann::json::parse(r.body).at("token").get<std::string>();
}

std::optional<double> ServerProcess::metric(const std::string& name) const {
    // From an address of its own, so that the probe never counts against, nor is refused by,
    // the bound on the connections of the address a test uses.
    const RawResponse r = raw_get(port_, "/metrics", "127.0.0.254");
    if (r.status != 200) return std::nullopt;
    std::istringstream lines(r.text.substr(r.text.find("\r\n\r\n") + 4));
    for (std::string line; std::getline(lines, line);) {
        if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
            line[name.size()] == ' ') {
            return std::stod(line.substr(name.size() + 1));
        }
    }
    return std::nullopt;
}

CommandResult run_command(const std::vector<std::string>& argv_in, const std::string& input,
                          std::chrono::seconds timeout) {
    std::vector<std::string> argv = argv_in;
    int in_pipe[2], out_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(in_pipe[0], STDIN_FILENO);
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(out_pipe[1], STDERR_FILENO);
        close(in_pipe[0]);
        close(in_pipe[1]);
        close(out_pipe[0]);
        close(out_pipe[1]);
        auto args = c_args(argv);
        execv(args[0], args.data());
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    if (!input.empty()) {
        ssize_t ignored = write(in_pipe[1], input.data(), input.size());
        (void)ignored;
    }
    close(in_pipe[1]);
    CommandResult result;
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        pollfd p{out_pipe[0], POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            char buf[4096];
            ssize_t n = read(out_pipe[0], buf, sizeof buf);
            if (n <= 0) break;
            result.out.append(buf, static_cast<std::size_t>(n));
        }
    }
    close(out_pipe[0]);
    int status = wait_bounded(pid, std::chrono::seconds(5));
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::optional<std::uint64_t> process_cpu_us(pid_t pid) {
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    // The command name in parentheses may hold spaces: count fields after the last ')'.
    auto paren = stat.rfind(')');
    if (paren == std::string::npos) return std::nullopt;
    std::istringstream in(stat.substr(paren + 1));
    std::string field;
    std::uint64_t utime = 0, stime = 0;
    // Fields 3 (state) onwards; utime and stime are fields 14 and 15.
    for (int i = 3; i <= 15 && (in >> field); ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    if (!in) return std::nullopt;
    const long ticks = sysconf(_SC_CLK_TCK);
    if (ticks <= 0) return std::nullopt;
    return (utime + stime) * 1'000'000 / static_cast<std::uint64_t>(ticks);
}

std::optional<std::uint64_t> process_cpu_ns(pid_t pid) {
    std::error_code ec;
    std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", ec);
    if (ec) return std::nullopt;
    std::uint64_t total = 0;
    for (const auto& task : tasks) {
        std::istringstream in(read_file(task.path() / "schedstat"));
        std::uint64_t on_cpu = 0;
        if (in >> on_cpu) total += on_cpu;
    }
    return total;
}

std::optional<std::uint64_t> process_rss_kib(pid_t pid) {
    std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            std::istringstream fields(line.substr(6));
            std::uint64_t kib = 0;
            if (fields >> kib) return kib;
        }
    }
    return std::nullopt;
}

std::optional<DescriptorLimits> process_descriptor_limits(pid_t pid) {
    std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/limits"));
    auto number = [](const std::string& field) {
        return field == "unlimited" ? UINT64_MAX : std::stoull(field);
    };
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("Max open files", 0) != 0) continue;
        std::istringstream fields(line.substr(std::string("Max open files").size()));
        std::string soft, hard;
        if (fields >> soft >> hard) return DescriptorLimits{number(soft), number(hard)};
    }
    return std::nullopt;
}

}  // namespace samen::test
