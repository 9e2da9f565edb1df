// append_json_string writes a string as serialize() writes it: the same escapes for every byte,
// U+FFFD for what is not UTF-8 (the broadcast of an edit is built from it, rooms/edit_message.cpp).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "protocol/json_text.hpp"
#include "protocol/protocol.hpp"
#include "text_samples.hpp"

using namespace samen;
using nlohmann::json;

TEST_CASE("append_json_string writes what serialize writes", "[json_text]") {
    for (int c = 0; c < 256; ++c) {
        const std::string s(1, static_cast<char>(c));
        std::string out;
        protocol::append_json_string(out, s);
        CHECK(out == protocol::serialize(json(s)));
    }
    for (const std::string& s : test::text_samples::json_awkward()) {
        std::string out = "x";
        protocol::append_json_string(out, s);
        CHECK(out == "x" + protocol::serialize(json(s)));
    }
}

TEST_CASE("append_json_number writes what serialize writes", "[json_text]") {
    for (std::uint64_t n :
         {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{1} << 53, ~std::uint64_t{0}}) {
        std::string out;
        protocol::append_json_number(out, n);
        CHECK(out == protocol::serialize(json(n)));
    }
}
