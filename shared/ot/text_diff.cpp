#include "ot/text_diff.hpp"

#include <algorithm>
#include <string>

namespace samen::ot {
namespace {

bool continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

}  // namespace

ot::Op diff_to_op(std::string_view before, std::string_view after) {
    if (!ot::valid_utf8(before)) throw ot::OpError("the original text is not valid UTF-8");
    if (!ot::valid_utf8(after)) throw ot::OpError("the new text is not valid UTF-8");

    const std::size_t shorter = std::min(before.size(), after.size());
    std::size_t prefix = 0;
    while (prefix < shorter && before[prefix] == after[prefix]) ++prefix;
    // Equal bytes may end inside a code point that differs in a later byte: back up to its start.
    auto inside = [](std::string_view s, std::size_t at) {
        return at < s.size() && continuation(s[at]);
    };
    while (prefix > 0 && (inside(before, prefix) || inside(after, prefix))) --prefix;

    std::size_t suffix = 0;
    while (suffix < shorter - prefix &&
           before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) {
        ++suffix;
    }
    // The suffix bytes are the same in both texts; its first byte must start a code point.
    while (suffix > 0 && continuation(before[before.size() - suffix])) --suffix;

    const std::string_view removed = before.substr(prefix, before.size() - prefix - suffix);
    const std::string_view added = after.substr(prefix, after.size() - prefix - suffix);
    ot::Op op;
    if (prefix > 0) op.emplace_back(ot::Skip{ot::length(before.substr(0, prefix))});
    if (!removed.empty()) op.emplace_back(ot::Delete{ot::length(removed), std::nullopt});
    if (!added.empty()) op.emplace_back(ot::Insert{std::string(added)});
    return ot::normalize(op);
}

}  // namespace samen::ot
