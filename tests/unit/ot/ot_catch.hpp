// Lets Catch print ops in their JSON form when an assertion fails.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ot/json.hpp"
#include "ot/text.hpp"

namespace Catch {
template <>
struct StringMaker<samen::ot::Op> {
    static std::string convert(const samen::ot::Op& op) {
        return samen::ot::to_json(op).dump(-1, ' ', false,
                                           nlohmann::json::error_handler_t::replace);
    }
};
template <>
struct StringMaker<samen::ot::Selection> {
    static std::string convert(const samen::ot::Selection& s) {
        return "[" + std::to_string(s.anchor) + ", " + std::to_string(s.head) + "]";
    }
};
}  // namespace Catch

namespace samen::test {
/// A delete without its text: `Delete{2}` alone trips -Wmissing-field-initializers.
inline ot::Delete del(std::size_t n) {
    return ot::Delete{n, std::nullopt};
}

inline std::string show(const ot::Op& op) {
    return Catch::StringMaker<ot::Op>::convert(op);
}
}  // namespace samen::test
