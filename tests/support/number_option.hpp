// The value of a numeric command-line option of the benchmarks, checked against its bounds.
#pragma once

#include <charconv>
#include <sstream>
#include <stdexcept>
#include <string>

namespace samen::test {

/// `text` as a T from `min` to `max`; std::invalid_argument naming `flag` otherwise.
template <class T>
T number_option(const std::string& flag, const std::string& text, T min, T max) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
        std::ostringstream bounds;
        bounds << min << " to " << max;
        throw std::invalid_argument(flag + " needs a number from " + bounds.str() + ", not '" +
                                    text + "'");
    }
    return value;
}

}  // namespace samen::test
