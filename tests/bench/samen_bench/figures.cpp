#include "figures.hpp"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>

namespace samen::bench {

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

double round_to(double v, int digits) {
    const double f = std::pow(10.0, digits);
    return std::round(v * f) / f;
}

json percentiles(std::vector<double> v) {
    if (v.empty()) return nullptr;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
        return round_to(v[std::clamp<std::size_t>(rank, 1, v.size()) - 1], 3);
    };
    return {{"p50", at(0.50)},
            {"p95", at(0.95)},
            {"p99", at(0.99)},
            {"max", at(1.0)},
            {"samples", v.size()}};
}

json optional_number(std::optional<std::uint64_t> v) {
    return v ? json(*v) : json();
}

std::optional<std::int64_t> difference(std::optional<std::uint64_t> a,
                                       std::optional<std::uint64_t> b) {
    if (!a || !b) return std::nullopt;
    return static_cast<std::int64_t>(*a) - static_cast<std::int64_t>(*b);
}

json load_average() {
    std::ifstream in("/proc/loadavg");
    double one = 0, five = 0, fifteen = 0;
    if (!(in >> one >> five >> fifteen)) return nullptr;
    return {one, five, fifteen};
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(std::min(colon + 2, line.size()));
        }
    }
    return "unknown";
}

std::uint64_t own_cpu_us() {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    auto us = [](const timeval& t) {
        return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000 +
               static_cast<std::uint64_t>(t.tv_usec);
    };
    return us(r.ru_utime) + us(r.ru_stime);
}

double thread_cpu_us() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

void progress(const std::string& line) {
    std::cerr << "samen-bench: " << line << std::endl;
}
}  // namespace samen::bench
