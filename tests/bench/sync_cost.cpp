// samen-bench-sync: what making 4 KiB durable costs this machine's data disk, by each way Linux
// offers, and what its parts cost: the CPU of the thread that waits (CLOCK_THREAD_CPUTIME_ID: the
// kernel's work for it, and on a virtual machine the host's, which the guest counts as the
// thread's) and the latency. The floor under a durable ack that no server on this machine can go
// below, whichever way it writes. One JSON line per way on stdout. Figures and command:
// docs/performance/keystroke-cpu.md, "What a sync costs, whichever way".
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "command_line.hpp"
#include "samen_bench/figures.hpp"
#include "tool_main.hpp"

namespace samen::bench {
namespace {

struct Options {
    std::string dir;
    std::size_t samples = 300;
    double gap_ms = 5;
    std::uint64_t seed = 1;
    std::size_t rounds = 1;
};

const char* usage = R"(samen-bench-sync: what a durable write of 4 KiB costs, whichever way

usage: samen-bench-sync [options]

  --dir PATH       where the scratch file goes (default $TMPDIR, else /tmp: the server's data
                   directory in samen-bench)
  --samples N      writes per way (default 300)
  --gap-ms X       the mean pause between writes, drawn at random from 0 to twice it (default 5:
                   a workgroup's commits come a few milliseconds apart)
  --seed N         the pauses' seed (default 1)
  --rounds N       every way this many times, in turn (default 1)

The ways, each over a 4 MiB file written and synced beforehand, at a new place each time:
  fdatasync         one SQLite WAL frame (24 + 4096 bytes) through the page cache, then
                    fdatasync: what samen-server's store does per commit
  o_dsync           the same frame written to a file opened O_DSYNC
  rwf_dsync         the same frame written with pwritev2(RWF_DSYNC)
  o_direct_dsync    4096 bytes from an aligned buffer, to a file opened O_DIRECT | O_DSYNC
and the parts of a sync:
  o_direct          4096 bytes written O_DIRECT, not synced: one write request to the disk
  flush             fdatasync with nothing written: the request to flush the disk's cache
)";

Options parse(const std::vector<std::string>& args) {
    Options o;
    const char* tmp = std::getenv("TMPDIR");
    o.dir = tmp && *tmp ? tmp : "/tmp";
    for (test::Args arg(args); arg.next();) {
        const std::string& a = arg.flag();
        if (a == "--dir")
            o.dir = arg.value();
        else if (a == "--samples")
            o.samples = arg.number<std::size_t>(1, 100000);
        else if (a == "--gap-ms")
            o.gap_ms = arg.number<double>(0, 1000);
        else if (a == "--seed")
            o.seed = arg.number<std::uint64_t>(0, UINT64_MAX);
        else if (a == "--rounds")
            o.rounds = arg.number<std::size_t>(1, 100);
        else
            throw std::invalid_argument("unknown option " + a);
    }
    return o;
}

struct Way {
    const char* name;
    int open_flags;  // besides O_RDWR
    bool direct;     // 4096 aligned bytes instead of a WAL frame
    bool write;      // writes at all (flush: no)
    bool fdatasync;  // calls fdatasync after the write
    bool rwf_dsync;  // pwritev2(RWF_DSYNC) instead of pwrite
};

constexpr Way ways[] = {
    {"fdatasync", 0, false, true, true, false},
    {"o_dsync", O_DSYNC, false, true, false, false},
    {"rwf_dsync", 0, false, true, false, true},
    {"o_direct_dsync", O_DIRECT | O_DSYNC, true, true, false, false},
    {"o_direct", O_DIRECT, true, true, false, false},
    {"flush", 0, false, false, true, false},
};

constexpr std::size_t kFileBytes = 4 << 20;
constexpr std::size_t kStride = 8192;  // a frame spans two pages; each write starts a new one

/// A scratch file of kFileBytes in `dir`, written and synced; run() removes it when it ends.
std::string make_file(const std::string& dir) {
    std::string path = dir + "/samen-bench-sync-XXXXXX";
    const int fd = mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("cannot create a file in " + dir + ": " + strerror(errno));
    const std::string zeros(1 << 20, '\0');
    for (std::size_t at = 0; at < kFileBytes; at += zeros.size()) {
        if (pwrite(fd, zeros.data(), zeros.size(), static_cast<off_t>(at)) !=
            static_cast<ssize_t>(zeros.size()))
            throw std::runtime_error("cannot write " + path + ": " + strerror(errno));
    }
    if (fsync(fd) != 0) throw std::runtime_error("cannot sync " + path + ": " + strerror(errno));
    close(fd);
    return path;
}

json measure(const Way& way, const Options& o, const std::string& path) {
    // A filesystem that does not take O_DIRECT (tmpfs before Linux 6.6) refuses the open or the
    // first write with EINVAL: that way is skipped, said so in its line.
    const auto skipped = [&] {
        return json{{"way", way.name},
                    {"skipped", std::string("not here: ") + strerror(EINVAL)},
                    {"dir", o.dir}};
    };
    const int fd = open(path.c_str(), O_RDWR | way.open_flags);
    if (fd < 0 && errno == EINVAL && way.direct) return skipped();
    if (fd < 0)
        throw std::runtime_error(std::string("cannot open with ") + way.name + ": " +
                                 strerror(errno));
    const std::size_t bytes = way.direct ? 4096 : 24 + 4096;
    std::unique_ptr<void, decltype(&std::free)> buffer(std::aligned_alloc(4096, kStride),
                                                       &std::free);
    std::memset(buffer.get(), 'w', kStride);
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> pause(0, 2 * o.gap_ms);
    std::vector<double> cpu, latency;
    for (std::size_t i = 0; i < o.samples; ++i) {
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(pause(rng)));
        const auto at = static_cast<off_t>((i * kStride) % kFileBytes);
        const double cpu_start = thread_cpu_us();
        const auto start = Clock::now();
        ssize_t written = static_cast<ssize_t>(bytes);
        if (way.rwf_dsync) {
            iovec v{buffer.get(), bytes};
            written = pwritev2(fd, &v, 1, at, RWF_DSYNC);
        } else if (way.write) {
            written = pwrite(fd, buffer.get(), bytes, at);
        }
        if (written < 0 && errno == EINVAL && way.direct && i == 0) {
            close(fd);
            return skipped();
        }
        if (written != static_cast<ssize_t>(bytes) || (way.fdatasync && fdatasync(fd) != 0)) {
            const std::string error = strerror(errno);
            close(fd);
            throw std::runtime_error(std::string(way.name) + " failed: " + error);
        }
        latency.push_back(ms(Clock::now() - start));
        cpu.push_back(thread_cpu_us() - cpu_start);
    }
    close(fd);
    double cpu_sum = 0;
    for (double c : cpu) cpu_sum += c;
    return {{"way", way.name},
            {"bytes", way.write ? bytes : 0},
            {"samples", o.samples},
            {"cpu_us",
             {{"p50", round_to(percentiles(cpu)["p50"].get<double>(), 1)},
              {"mean", round_to(cpu_sum / static_cast<double>(cpu.size()), 1)}}},
            {"latency_ms", percentiles(std::move(latency))},
            {"dir", o.dir}};
}

int run(const Options& o) {
    const std::string path = make_file(o.dir);
    struct Unlink {
        const std::string& path;
        ~Unlink() { unlink(path.c_str()); }
    } unlink_at_end{path};
    for (std::size_t round = 1; round <= o.rounds; ++round) {
        for (const Way& way : ways) {
            json line = measure(way, o, path);
            line["round"] = round;
            std::cout << line.dump() << std::endl;
        }
    }
    return 0;
}

}  // namespace
}  // namespace samen::bench

int main(int argc, char** argv) {
    return samen::bench::tool_main("samen-bench-sync", samen::bench::usage, argc, argv,
                                   samen::bench::parse, samen::bench::run);
}
