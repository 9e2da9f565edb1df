#include "net/descriptors.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace samen::net {
namespace {

std::uint64_t as_number(rlim_t value) {
    return value == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(value);
}

/// The most a process may raise RLIMIT_NOFILE to on Linux, whatever its hard limit says.
rlim_t kernel_ceiling() {
    std::ifstream in("/proc/sys/fs/nr_open");
    unsigned long long most = 0;
    if (in >> most && most > 0) return static_cast<rlim_t>(most);
    return 1024 * 1024;
}

}  // namespace

DescriptorLimit raise_descriptor_limit() {
    DescriptorLimit result;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        result.error = std::string("getrlimit: ") + std::strerror(errno);
        return result;
    }
    result.soft_before = as_number(limit.rlim_cur);
    result.soft = result.soft_before;
    result.hard = as_number(limit.rlim_max);
    const rlim_t wanted = limit.rlim_max == RLIM_INFINITY ? kernel_ceiling() : limit.rlim_max;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur >= wanted) return result;
    limit.rlim_cur = wanted;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        result.error = std::string("setrlimit: ") + std::strerror(errno);
        return result;
    }
    result.soft = as_number(wanted);
    return result;
}

std::size_t connections_for_descriptors(std::uint64_t limit, std::size_t refusals) {
    const std::uint64_t reserve = 64 + refusals + limit / 8;
    const std::uint64_t connections =
        limit > reserve + 16 ? limit - reserve : std::max<std::uint64_t>(limit / 4, 1);
    return static_cast<std::size_t>(std::min<std::uint64_t>(connections, SIZE_MAX));
}

}  // namespace samen::net
