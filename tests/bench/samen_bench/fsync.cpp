#include "fsync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "figures.hpp"

namespace samen::bench {

json measure_fsync(const std::string& dir, std::size_t samples) {
    // One WAL frame per commit: a keystroke's group commit writes a page or two and syncs the
    // WAL once. SQLite on Linux syncs with fdatasync; appending (the WAL growing, as between
    // checkpoints) also makes it write the file's new size, the dearer case of the two.
    constexpr std::size_t frame = 24 + 4096;
    std::string path = dir + "/samen-bench-fsync-XXXXXX";
    int fd = mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("cannot create a file in " + dir + ": " + strerror(errno));
    unlink(path.c_str());  // gone when closed, whatever happens
    const std::vector<char> page(frame, 'w');
    std::vector<double> latencies;
    latencies.reserve(samples);
    try {
        for (std::size_t i = 0; i < samples; ++i) {
            const auto start = Clock::now();
            if (write(fd, page.data(), page.size()) != static_cast<ssize_t>(page.size()) ||
                fdatasync(fd) != 0) {
                throw std::runtime_error("writing in " + dir + " failed: " + strerror(errno));
            }
            latencies.push_back(ms(Clock::now() - start));
        }
    } catch (...) {
        close(fd);
        throw;
    }
    close(fd);
    json f = percentiles(std::move(latencies));
    f["dir"] = dir;
    f["bytes_per_sync"] = frame;
    return f;
}

}  // namespace samen::bench
