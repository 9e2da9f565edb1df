// How samen-bench turns what it measured into figures: milliseconds, percentiles, rounding; and
// what it records about the machine and itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common.hpp"

namespace samen::bench {

double ms(Clock::duration d);
double round_to(double v, int digits);
/// Nearest-rank percentiles of latencies in milliseconds: {p50, p95, p99, max, samples}, or null
/// when there are none.
json percentiles(std::vector<double> v);
json optional_number(std::optional<std::uint64_t> v);
std::optional<std::int64_t> difference(std::optional<std::uint64_t> a,
                                       std::optional<std::uint64_t> b);
json load_average();
std::string cpu_model();
/// This process's utime + stime in microseconds.
std::uint64_t own_cpu_us();
/// This thread's CPU in microseconds (CLOCK_THREAD_CPUTIME_ID): around a write and its sync, the
/// kernel's work for them.
double thread_cpu_us();
/// One line on standard error.
void progress(const std::string& line);

}  // namespace samen::bench
