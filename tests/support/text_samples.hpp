// Code points that are more than one byte in UTF-8 (and, for the astral ones, two UTF-16 units
// in the browser): positions must count each of them once.
#pragma once

#include <string>
#include <vector>

namespace samen::test::text_samples {

inline const std::string e_acute = "é";              // U+00E9
inline const std::string e_combining = "e\xCC\x81";  // e + U+0301: two code points
inline const std::string ij = "ĳ";                   // U+0133, the Dutch ligature
inline const std::string apostrophe = "’";           // U+2019
inline const std::string grin = "\xF0\x9F\x98\x80";  // U+1F600
inline const std::string bike = "\xF0\x9F\x9A\xB2";  // U+1F6B2
inline const std::string flag_nl = "\xF0\x9F\x87\xB3\xF0\x9F\x87\xB1";  // two regional indicators

/// Strings as a user may write them that JSON text must escape or replace: quotes, backslashes,
/// control characters (a NUL among them), Dutch and emoji, and bytes that are not UTF-8.
inline const std::vector<std::string>& json_awkward() {
    static const std::vector<std::string> strings = {
        "",
        "ivp-2023",
        "\"quoted\"",
        "back\\slash",
        "tab\there",
        "line\nbreak\r\n",
        std::string("nul\0byte", 8),
        "\x01\x02\x1f\x7f",
        "\b\f",
        "ĳsselmeer " + flag_nl + " café’s",
        "\xff\xfe",
        "</script>",
    };
    return strings;
}

}  // namespace samen::test::text_samples
