#include <catch2/catch.hpp>

#include "log/log.hpp"

using samen::in_quotes;
using samen::printable;

TEST_CASE("printable keeps text and escapes what a terminal or a log would act on", "[log]") {
    CHECK(printable("kampen-editor") == "kampen-editor");
    CHECK(printable("Zwartewaterland, één café 🛡") == "Zwartewaterland, één café 🛡");
    CHECK(printable("a\nb\r\tc") == "a\\x0ab\\x0d\\x09c");
    CHECK(printable("\x1b[31mred") == "\\x1b[31mred");
    CHECK(printable("del\x7f") == "del\\x7f");
    CHECK(printable("c1 \xc2\x9b") == "c1 \\xc2\\x9b");    // U+009B, the 8-bit CSI
    CHECK(printable("bad \xff\xc3") == "bad \\xff\\xc3");  // not UTF-8
    CHECK(printable(std::string("nul\0x", 5)) == "nul\\x00x");
    CHECK(printable(R"(a "b" \c)") == R"(a "b" \c)");
}

TEST_CASE("in_quotes shows where the text ends", "[log]") {
    CHECK(in_quotes("anna") == "\"anna\"");
    CHECK(in_quotes(R"(a "b" \c)") == R"("a \"b\" \\c")");
    CHECK(in_quotes("x\nuser \"admin\" signed in") == R"("x\x0auser \"admin\" signed in")");
    CHECK(in_quotes("") == "\"\"");
}
