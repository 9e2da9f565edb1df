#include "fsync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "figures.hpp"

namespace samen::bench {

json measure_fsync(const std::string& dir, std::size_t samples, double gap_ms, std::uint64_t seed) {
    // One WAL frame per sync, overwritten in a file written and synced beforehand: in steady
    // state SQLite reuses its WAL after each checkpoint, so a commit writes its frames into
    // blocks the file has (a keystroke's group commit writes a few, then one fdatasync, which is
    // what SQLite calls on Linux with synchronous=FULL). The pause between samples is there
    // because on a virtual disk back-to-back syncs queue behind each other and measure the
    // queue: a workgroup's commits come a few milliseconds apart. The pause is drawn at random
    // (uniform, 0 to twice `gap_ms`), since a disk that flushes on a clock would make a fixed
    // one measure always the same phase of it.
    constexpr std::size_t frame = 24 + 4096;
    constexpr std::size_t frames = 1000;  // SQLite's wal_autocheckpoint default, in pages
    std::string path = dir + "/samen-bench-fsync-XXXXXX";
    int fd = mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("cannot create a file in " + dir + ": " + strerror(errno));
    unlink(path.c_str());  // gone when closed, whatever happens
    const std::vector<char> page(frame, 'w');
    std::vector<double> latencies;
    latencies.reserve(samples);
    double cpu_us = 0;  // this thread's CPU in the writes and syncs (the kernel's work for them)
    auto fail = [&](const char* what) {
        const std::string error = strerror(errno);
        close(fd);
        throw std::runtime_error(std::string(what) + " in " + dir + " failed: " + error);
    };
    for (std::size_t i = 0; i < frames; ++i) {
        if (write(fd, page.data(), page.size()) != static_cast<ssize_t>(page.size())) {
            fail("writing");
        }
    }
    if (fdatasync(fd) != 0) fail("fdatasync");
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> pause(0, 2 * gap_ms);
    for (std::size_t i = 0; i < samples; ++i) {
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(pause(rng)));
        const auto offset = static_cast<off_t>((i % frames) * frame);
        const double cpu_start = thread_cpu_us();
        const auto start = Clock::now();
        if (pwrite(fd, page.data(), page.size(), offset) != static_cast<ssize_t>(page.size())) {
            fail("writing");
        }
        if (fdatasync(fd) != 0) fail("fdatasync");
        latencies.push_back(ms(Clock::now() - start));
        cpu_us += thread_cpu_us() - cpu_start;
    }
    close(fd);
    json f = percentiles(std::move(latencies));
    f["cpu_us_per_sync"] = samples > 0 ? round_to(cpu_us / static_cast<double>(samples), 1) : 0.0;
    f["dir"] = dir;
    f["bytes_per_sync"] = frame;
    f["gap_ms_mean"] = gap_ms;
    return f;
}

}  // namespace samen::bench
