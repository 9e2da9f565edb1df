#include "protocol/json_text.hpp"

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <variant>

#include "protocol/protocol.hpp"
#include "text/utf8.hpp"

namespace samen::protocol {

void append_json_string(std::string& out, std::string_view s) {
    if (!utf8::valid(s)) {
        out += serialize(nlohmann::json(std::string(s)));  // with U+FFFD, as serialize() does
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    std::size_t plain = 0;  // the start of the bytes not yet copied
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s, plain, i - plain);
        plain = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xf];
        }
    }
    out.append(s, plain, s.size() - plain);
    out += '"';
}

void append_json_number(std::string& out, std::uint64_t n) {
    std::array<char, 24> buf{};
    auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
    (void)ec;  // 24 characters hold every 64-bit number
    out.append(buf.data(), end);
}

void append_json_op(std::string& out, const ot::Op& op) {
    out += '[';
    for (std::size_t i = 0; i < op.size(); ++i) {
        if (i > 0) out += ',';
        if (const auto* skip = std::get_if<ot::Skip>(&op[i])) {
            append_json_number(out, std::uint64_t{skip->n});
        } else if (const auto* insert = std::get_if<ot::Insert>(&op[i])) {
            append_json_string(out, insert->text);
        } else {
            const auto& del = std::get<ot::Delete>(op[i]);
            out += "{\"d\":";
            if (del.text) {
                append_json_string(out, *del.text);
            } else {
                append_json_number(out, std::uint64_t{del.n});
            }
            out += '}';
        }
    }
    out += ']';
}

}  // namespace samen::protocol
