// The one way a fuzz harness says an invariant broke: what broke and the input that broke it on
// stderr, then abort, which libFuzzer reports as a crash (and the replay test as a failure).
#pragma once

#include <cstdio>
#include <string_view>

namespace samen::fuzz {

[[noreturn]] inline void broken(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()),
                 what.data());
    if (!detail.empty()) {
        std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size()), detail.data());
    }
    __builtin_trap();
}

inline void require(bool holds, std::string_view what, std::string_view detail = {}) {
    if (!holds) broken(what, detail);
}

}  // namespace samen::fuzz
