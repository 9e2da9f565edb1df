// The command lines of the benchmarks and tools in tests/: a flag at a time, numbers checked
// against their bounds.
#pragma once

#include <charconv>
#include <cstddef>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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

/// The words of a command line, read flag by flag:
///
///     for (test::Args args(words); args.next();) {
///         if (args.flag() == "--seconds") o.seconds = args.number<double>(0.1, 3600);
///         else if (args.flag() == "--name") o.name = args.value();
///         else throw std::invalid_argument("unknown option " + args.flag());
///     }
class Args {
  public:
    explicit Args(std::vector<std::string> words) : words_(std::move(words)) {}

    /// Moves to the next flag; false when there is none.
    bool next() { return ++at_ < words_.size(); }
    /// The word `next` moved to.
    const std::string& flag() const { return words_.at(at_); }
    /// The word after the flag, which it consumes; std::invalid_argument when there is none.
    const std::string& value() {
        if (at_ + 1 >= words_.size()) throw std::invalid_argument(flag() + " needs a value");
        return words_[++at_];
    }
    /// The word after the flag as a T from `min` to `max` (number_option).
    template <class T>
    T number(T min, T max) {
        const std::string& f = flag();
        return number_option<T>(f, value(), min, max);
    }
    /// Every word after the current one, which it consumes (what follows a `--`).
    std::vector<std::string> rest() {
        std::vector<std::string> out(words_.begin() + static_cast<std::ptrdiff_t>(at_) + 1,
                                     words_.end());
        at_ = words_.size();
        return out;
    }

  private:
    std::vector<std::string> words_;
    std::size_t at_ = static_cast<std::size_t>(-1);  // next() moves to 0 first
};

}  // namespace samen::test
