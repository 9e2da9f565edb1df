// The UTF-8 module against an encoder written here from the standard's table (RFC 3629), over
// every code point, every two-byte string and every ill-formed shape the standard names.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "text/utf8.hpp"
#include "text_samples.hpp"

namespace utf8 = samen::utf8;
using namespace samen::test::text_samples;

namespace {

/// `cp` in `bytes` bytes (1 to 4), whether or not that is its shortest form.
std::string encode(std::uint32_t cp, int bytes) {
    std::string out;
    switch (bytes) {
        case 1:
            out += static_cast<char>(cp);
            break;
        case 2:
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
            break;
        case 3:
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
            break;
        default:
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

int shortest_length(std::uint32_t cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

bool is_surrogate(std::uint32_t cp) {
    return cp >= 0xD800 && cp <= 0xDFFF;
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<utf8::Decoded> {
    static std::string convert(const utf8::Decoded& d) {
        return "{U+" + std::to_string(static_cast<std::uint32_t>(d.code_point)) + " (decimal), " +
               std::to_string(d.length) + " bytes}";
    }
};
}  // namespace Catch

// Usable where the compiler evaluates: nothing in the module needs run time.
static_assert(utf8::valid("Samen \xC3\xA9\xE2\x80\x99"));
static_assert(!utf8::valid("\xC0\xAF"));
static_assert(utf8::decode("\xE2\x80\x99", 0) == utf8::Decoded{0x2019, 3});
static_assert(utf8::count("h\xC3\xA9") == 2);

TEST_CASE("is_continuation is true for 10xxxxxx only", "[utf8]") {
    for (int b = 0; b < 256; ++b) {
        INFO("byte " << b);
        CHECK(utf8::is_continuation(static_cast<char>(b)) == (b >= 0x80 && b <= 0xBF));
    }
}

TEST_CASE("decode reads every scalar value in its shortest form", "[utf8]") {
    std::uint32_t checked = 0;
    for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (is_surrogate(cp)) continue;
        const int bytes = shortest_length(cp);
        const std::string s = encode(cp, bytes) + "x";
        const utf8::Decoded d = utf8::decode(s, 0);
        if (d.code_point != cp || d.length != static_cast<std::size_t>(bytes)) {
            FAIL("U+" << std::hex << cp << " decoded as " << Catch::Detail::stringify(d));
        }
        ++checked;
    }
    CHECK(checked == 0x110000 - 0x800);
}

TEST_CASE("decode finds the boundaries between one to four bytes", "[utf8]") {
    const auto at = [](std::string_view s) { return utf8::decode(s, 0); };
    CHECK(at(std::string_view("\0", 1)) == utf8::Decoded{0, 1});
    CHECK(at("\x7F") == utf8::Decoded{0x7F, 1});
    CHECK(at("\xC2\x80") == utf8::Decoded{0x80, 2});
    CHECK(at("\xDF\xBF") == utf8::Decoded{0x7FF, 2});
    CHECK(at("\xE0\xA0\x80") == utf8::Decoded{0x800, 3});
    CHECK(at("\xED\x9F\xBF") == utf8::Decoded{0xD7FF, 3});  // just below the surrogates
    CHECK(at("\xEE\x80\x80") == utf8::Decoded{0xE000, 3});  // just above them
    CHECK(at("\xEF\xBF\xBF") == utf8::Decoded{0xFFFF, 3});
    CHECK(at("\xF0\x90\x80\x80") == utf8::Decoded{0x10000, 4});
    CHECK(at("\xF4\x8F\xBF\xBF") == utf8::Decoded{0x10FFFF, 4});  // the last code point
    // In the middle of a string, from where it is asked.
    CHECK(utf8::decode("a" + grin + "b", 1) == utf8::Decoded{0x1F600, 4});
    CHECK(utf8::decode("a" + grin + "b", 5) == utf8::Decoded{'b', 1});
}

TEST_CASE("decode refuses overlong forms of every code point", "[utf8]") {
    for (std::uint32_t cp = 0; cp < 0x10000; ++cp) {
        for (int bytes = shortest_length(cp) + 1; bytes <= 4; ++bytes) {
            if (utf8::decode(encode(cp, bytes), 0).length != 0) {
                FAIL("U+" << std::hex << cp << " in " << bytes << " bytes was accepted");
            }
        }
    }
    CHECK(utf8::decode("\xC0\xAF", 0).length == 0);          // '/'
    CHECK(utf8::decode("\xC1\xBF", 0).length == 0);          // U+7F
    CHECK(utf8::decode("\xE0\x9F\xBF", 0).length == 0);      // U+7FF
    CHECK(utf8::decode("\xF0\x8F\xBF\xBF", 0).length == 0);  // U+FFFF
}

TEST_CASE("decode refuses surrogates and what lies above U+10FFFF", "[utf8]") {
    for (std::uint32_t cp = 0xD800; cp <= 0xDFFF; ++cp) {
        if (utf8::decode(encode(cp, 3), 0).length != 0) FAIL("surrogate U+" << std::hex << cp);
    }
    // Every four-byte sequence the encoding's bits can hold beyond U+10FFFF (leads F4 to F7).
    for (std::uint32_t cp = 0x110000; cp <= 0x1FFFFF; ++cp) {
        if (utf8::decode(encode(cp, 4), 0).length != 0) FAIL("U+" << std::hex << cp);
    }
    // Leads of the old five- and six-byte forms, and the bytes that are never UTF-8.
    for (const char* s : {"\xF8\x88\x80\x80\x80", "\xFC\x84\x80\x80\x80\x80", "\xFE", "\xFF"}) {
        CHECK(utf8::decode(s, 0).length == 0);
    }
}

TEST_CASE("decode refuses truncated sequences and lone continuation bytes", "[utf8]") {
    for (const std::string& whole : {e_acute, apostrophe, grin}) {
        for (std::size_t cut = 1; cut < whole.size(); ++cut) {
            INFO("first " << cut << " bytes of " << whole);
            CHECK(utf8::decode(whole.substr(0, cut), 0).length == 0);
            // Cut short by an ASCII byte rather than by the end of the string.
            CHECK(utf8::decode(whole.substr(0, cut) + "a", 0).length == 0);
        }
    }
    for (int b = 0x80; b <= 0xBF; ++b) {
        CHECK(utf8::decode(std::string(1, static_cast<char>(b)) + "a", 0).length == 0);
    }
    CHECK(utf8::decode(grin, 1).length == 0);  // inside a code point
}

TEST_CASE("valid agrees with decode on every string of two bytes", "[utf8]") {
    for (int b0 = 0; b0 < 256; ++b0) {
        for (int b1 = 0; b1 < 256; ++b1) {
            const std::string s{static_cast<char>(b0), static_cast<char>(b1)};
            const bool ascii = b0 < 0x80 && b1 < 0x80;
            const bool two_byte = b0 >= 0xC2 && b0 <= 0xDF && b1 >= 0x80 && b1 <= 0xBF;
            if (utf8::valid(s) != (ascii || two_byte)) FAIL("bytes " << b0 << " " << b1);
        }
    }
}

TEST_CASE("valid accepts well-formed text and refuses the rest", "[utf8]") {
    CHECK(utf8::valid(""));
    CHECK(utf8::valid("Samen waar het kan, lokaal waar het moet"));
    CHECK(utf8::valid(e_acute + ij + apostrophe + e_combining + grin + flag_nl));
    CHECK(utf8::valid(std::string("a\0b", 3)));
    CHECK_FALSE(utf8::valid("\xC3\x28"));  // lead byte without its continuation
    CHECK_FALSE(utf8::valid("\xE2\x82"));  // truncated at the end
    CHECK_FALSE(utf8::valid(std::string("ab\xE2\x82") + "c"));  // truncated in the middle
    CHECK_FALSE(utf8::valid(e_acute + "\xC3"));
    CHECK_FALSE(utf8::valid("\xED\xA0\x80\xED\xB0\x80"));  // a UTF-16 surrogate pair (CESU-8)
}

TEST_CASE("find_invalid gives the byte where well-formed text stops", "[utf8]") {
    CHECK(utf8::find_invalid("") == std::string_view::npos);
    CHECK(utf8::find_invalid(e_acute + grin) == std::string_view::npos);
    CHECK(utf8::find_invalid("abc\x80") == 3);
    CHECK(utf8::find_invalid(e_acute + "\xC3") == 2);
    CHECK(utf8::find_invalid("a" + grin.substr(0, 3) + "b") == 1);
    CHECK(utf8::find_invalid(ij + "\xF4\x90\x80\x80") == 2);
}

TEST_CASE("count counts code points, not bytes or graphemes", "[utf8]") {
    CHECK(utf8::count("") == 0);
    CHECK(utf8::count("IVP") == 3);
    CHECK(utf8::count("hé" + e_acute) == 3);
    CHECK(utf8::count(ij + "s") == 2);
    CHECK(utf8::count(apostrophe) == 1);
    CHECK(utf8::count(grin) == 1);
    CHECK(utf8::count(e_combining) == 2);
    CHECK(utf8::count(flag_nl) == 2);
}

TEST_CASE("byte_offset finds code points and stops at the end", "[utf8]") {
    const std::string s = "a" + e_acute + grin + "b";  // bytes: 1 + 2 + 4 + 1
    CHECK(utf8::byte_offset(s, 0) == 0);
    CHECK(utf8::byte_offset(s, 1) == 1);
    CHECK(utf8::byte_offset(s, 2) == 3);
    CHECK(utf8::byte_offset(s, 3) == 7);
    CHECK(utf8::byte_offset(s, 4) == 8);
    CHECK(utf8::byte_offset(s, 5) == s.size());
    CHECK(utf8::byte_offset(s, std::numeric_limits<std::size_t>::max()) == s.size());
    CHECK(utf8::byte_offset("", 0) == 0);
    CHECK(utf8::byte_offset("", 3) == 0);
}
