// Times in storage are RFC 3339 UTC strings with second precision ("2026-11-26T03:40:00Z"):
// readable in the data file, and ordered the same way as text and as time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace samen::store {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

/// "2026-11-26T03:40:00Z"; sub-second parts are dropped.
std::string format_time(TimePoint t);
/// Accepts exactly the form format_time writes; nullopt for anything else.
std::optional<TimePoint> parse_time(std::string_view text);
std::string now_string();

}  // namespace samen::store
