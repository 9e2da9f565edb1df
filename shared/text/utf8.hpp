// UTF-8, the one encoding of every text in Samen: OT positions count code points (as the browser's
// ot-text-unicode does), the model splits words and makes slugs from code points, and every text
// that comes in is checked once at the edge.
//
// Header only: the OT core calls these per byte or per code point over sections of 50,000 code
// points, so they must inline into its loops.
#pragma once

#include <cstddef>
#include <string_view>

namespace samen::utf8 {

/// True for the bytes 10xxxxxx that continue a code point; in valid UTF-8 every other byte starts
/// one.
constexpr bool is_continuation(char byte) noexcept {
    return (static_cast<unsigned char>(byte) & 0xC0U) == 0x80U;
}

/// A code point and the number of bytes that encode it.
struct Decoded {
    char32_t code_point = 0;
    std::size_t length = 0;  // 0: the bytes are not well-formed UTF-8
    bool operator==(const Decoded&) const = default;
};

/// The code point that starts at byte `at` of `s` (`at < s.size()`). Its length is 0 unless the
/// bytes there are the shortest encoding of a Unicode scalar value: no overlong form, no surrogate,
/// nothing above U+10FFFF, no sequence cut short, no lone continuation byte.
constexpr Decoded decode(std::string_view s, std::size_t at) noexcept {
    const auto lead = static_cast<unsigned char>(s[at]);
    if (lead < 0x80U) return {lead, 1};
    std::size_t length = 0;
    char32_t cp = 0;
    if (lead >= 0xC2U && lead <= 0xDFU) {
        length = 2;
        cp = lead & 0x1FU;
    } else if (lead >= 0xE0U && lead <= 0xEFU) {
        length = 3;
        cp = lead & 0x0FU;
    } else if (lead >= 0xF0U && lead <= 0xF4U) {
        length = 4;
        cp = lead & 0x07U;
    } else {
        return {};  // a continuation byte, an overlong lead (C0, C1) or a lead beyond F4
    }
    if (s.size() - at < length) return {};
    for (std::size_t k = 1; k < length; ++k) {
        if (!is_continuation(s[at + k])) return {};
        cp = (cp << 6) | (static_cast<unsigned char>(s[at + k]) & 0x3FU);
    }
    if ((length == 3 && cp < 0x800U) || (length == 4 && cp < 0x10000U)) return {};  // overlong
    if (cp >= 0xD800U && cp <= 0xDFFFU) return {};                                  // surrogate
    if (cp > 0x10FFFFU) return {};
    return {cp, length};
}

/// Byte offset of the first code point of `s` that is not well-formed; `npos` when `s` is valid.
constexpr std::size_t find_invalid(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t length = decode(s, i).length;
        if (length == 0) return i;
        i += length;
    }
    return std::string_view::npos;
}

/// True when `s` is well-formed UTF-8.
constexpr bool valid(std::string_view s) noexcept {
    return find_invalid(s) == std::string_view::npos;
}

/// Number of code points of valid UTF-8 `s`.
constexpr std::size_t count(std::string_view s) noexcept {
    std::size_t n = 0;
    for (const char c : s) n += is_continuation(c) ? 0 : 1;
    return n;
}

/// Byte offset of code point `n` of valid UTF-8 `s`; `s.size()` when `n >= count(s)`.
constexpr std::size_t byte_offset(std::string_view s, std::size_t n) noexcept {
    std::size_t i = 0;
    while (n > 0 && i < s.size()) {
        ++i;
        while (i < s.size() && is_continuation(s[i])) ++i;
        --n;
    }
    return i;
}

}  // namespace samen::utf8
