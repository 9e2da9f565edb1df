// What every part of samen-bench shares: the JSON type and the one clock.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>

namespace samen::bench {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

}  // namespace samen::bench
