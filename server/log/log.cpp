#include "log/log.hpp"

#include <cstdio>

#include "text/utf8.hpp"

namespace samen {

namespace {

void append_escaped(std::string& out, std::string_view text, bool escape_quotes) {
    static constexpr char hex[] = "0123456789abcdef";
    auto escape = [&out](char c) {
        const auto byte = static_cast<unsigned char>(c);
        out += "\\x";
        out += hex[byte >> 4];
        out += hex[byte & 0xF];
    };
    for (std::size_t i = 0; i < text.size();) {
        const utf8::Decoded d = utf8::decode(text, i);
        const char32_t cp = d.code_point;
        if (d.length == 0) {
            escape(text[i++]);
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            for (std::size_t k = 0; k < d.length; ++k) escape(text[i + k]);
        } else {
            if (escape_quotes && (cp == '\\' || cp == '"')) out += '\\';
            out.append(text.substr(i, d.length));
        }
        i += d.length;
    }
}

}  // namespace

void log_line(std::string_view line) {
    std::string text(line);
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), stderr);
}

std::string printable(std::string_view text) {
    std::string out;
    append_escaped(out, text, false);
    return out;
}

std::string in_quotes(std::string_view text) {
    std::string out = "\"";
    append_escaped(out, text, true);
    out += '"';
    return out;
}

}  // namespace samen
