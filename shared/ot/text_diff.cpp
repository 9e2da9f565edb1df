#include "ot/text_diff.hpp"

#include <algorithm>
#include <string>

#include "text/utf8.hpp"

namespace samen::ot {

ot::Op diff_to_op(std::string_view before, std::string_view after) {
    if (!utf8::valid(before)) throw ot::OpError("the original text is not valid UTF-8");
    if (!utf8::valid(after)) throw ot::OpError("the new text is not valid UTF-8");

    const std::size_t shorter = std::min(before.size(), after.size());
    std::size_t prefix = 0;
    while (prefix < shorter && before[prefix] == after[prefix]) ++prefix;
    // Equal bytes may end inside a code point that differs in a later byte: back up to its start.
    auto inside = [](std::string_view s, std::size_t at) {
        return at < s.size() && utf8::is_continuation(s[at]);
    };
    while (prefix > 0 && (inside(before, prefix) || inside(after, prefix))) --prefix;

    std::size_t suffix = 0;
    while (suffix < shorter - prefix &&
           before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) {
        ++suffix;
    }
    // The suffix bytes are the same in both texts; its first byte must start a code point.
    while (suffix > 0 && utf8::is_continuation(before[before.size() - suffix])) --suffix;

    const std::string_view removed = before.substr(prefix, before.size() - prefix - suffix);
    const std::string_view added = after.substr(prefix, after.size() - prefix - suffix);
    ot::Op op;
    if (prefix > 0) op.emplace_back(ot::Skip{utf8::count(before.substr(0, prefix))});
    if (!removed.empty()) op.emplace_back(ot::Delete{utf8::count(removed), std::nullopt});
    if (!added.empty()) op.emplace_back(ot::Insert{std::string(added)});
    return ot::normalize(op);
}

}  // namespace samen::ot
