#include "samen_bench_server.hpp"

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace samen::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "samen-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

ServerChild::ServerChild(std::string executable, std::vector<std::string> extra_args)
    : executable_(std::move(executable)),
      extra_args_(std::move(extra_args)),
      data_dir_(make_temp_dir()) {
    try {
        start();
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove_all(data_dir_, ec);
        throw;
    }
}

ServerChild::~ServerChild() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
}

std::vector<std::string> ServerChild::command() const {
    std::vector<std::string> argv = {executable_, "--demo", "--port",
                                     "0",         "--data", data_dir_.string()};
    argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
    return argv;
}

void ServerChild::start() {
    std::vector<std::string> argv = command();
    const std::filesystem::path out_file = data_dir_ / "server.out";
    std::filesystem::remove(out_file);
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        // A benchmark killed half-way must not leave a server behind.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        // stdout to a file: the server never blocks on a pipe nobody reads. stderr stays ours,
        // so that the server's complaints show up next to the benchmark's progress.
        FILE* out = freopen(out_file.c_str(), "w", stdout);
        if (out == nullptr) _exit(127);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    pid_ = pid;

    static const std::regex listening(R"(listening on http://[^ ]*:(\d+)/)");
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    std::string seen;
    while (Clock::now() < deadline) {
        seen = read_file(out_file);
        std::smatch m;
        if (std::regex_search(seen, m, listening)) {
            port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
            return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error(executable_ +
                                     " exited before it listened; it printed: " + seen);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error(executable_ + " did not start in 60 s; it printed: " + seen);
}

void ServerChild::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    // Every acknowledged edit is on disk already, so a server that does not stop in order loses
    // nothing to SIGKILL; the wait is only for the orderly case.
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (true) {
        pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || r < 0) break;
        if (Clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            std::cerr << "samen-bench: samen-server did not stop within 5 s of SIGTERM; killed. "
                         "It printed:\n"
                      << read_file(data_dir_ / "server.out") << std::endl;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
}

void ServerChild::restart() {
    stop();
    start();
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

}  // namespace samen::bench
