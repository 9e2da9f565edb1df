// The JSON form of text ops: what the wire carries, so every malformed form must be refused with
// an OpError before it reaches the OT core.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "ot/json.hpp"
#include "ot_catch.hpp"
#include "text/utf8.hpp"

namespace ot = samen::ot;
namespace utf8 = samen::utf8;
using nlohmann::json;
using ot::Delete;
using ot::Insert;
using ot::Op;
using ot::OpError;
using ot::Skip;
using samen::test::del;

TEST_CASE("op_from_json reads every component form", "[ot][json]") {
    CHECK(ot::op_from_json(json::parse("[]")) == Op{});
    CHECK(ot::op_from_json(json::parse(R"([3, "hi", {"d": 2}])")) ==
          Op{Skip{3}, Insert{"hi"}, del(2)});
    CHECK(ot::op_from_json(json::parse(R"([{"d": "xy"}, "ĳ"])")) ==
          Op{Delete{2, "xy"}, Insert{"ĳ"}});
    // Escapes, astral code points as surrogate pair escapes, and combining marks.
    CHECK(ot::op_from_json(json::parse(R"(["\ud83d\ude00", 1, {"d": "e\u0301"}])")) ==
          Op{Insert{"\xF0\x9F\x98\x80"}, Skip{1}, Delete{2, "e\xCC\x81"}});
    CHECK(ot::op_from_json(json::parse(R"(["a\u0000b"])")) == Op{Insert{std::string("a\0b", 3)}});
    // The largest count a JavaScript client can send exactly (Number.MAX_SAFE_INTEGER).
    CHECK(ot::op_from_json(json::parse("[9007199254740991, \"x\"]")) ==
          Op{Skip{9007199254740991ULL}, Insert{"x"}});
}

TEST_CASE("to_json writes the reference's form and round-trips", "[ot][json]") {
    const Op op{Skip{3}, Insert{"hé"}, del(2), Skip{1}, Delete{1, "\xF0\x9F\x9A\xB2"}};
    CHECK(ot::to_json(op) == json::parse(R"([3, "hé", {"d": 2}, 1, {"d": "🚲"}])"));
    CHECK(ot::op_from_json(ot::to_json(op)) == op);
    CHECK(ot::to_json(Op{}) == json::array());
    CHECK(ot::to_json(Op{}).dump() == "[]");
}

TEST_CASE("op_from_json refuses everything that is not a normalized op", "[ot][json]") {
    // clang-format off
    const char* malformed[] = {
        // not an array
        "{}", R"("abc")", "3", "null", "true", R"({"d": 1})",
        // skips that are not positive integers
        "[0, \"x\"]", "[-1, \"x\"]", "[1.5, \"x\"]", "[true, \"x\"]", "[false]", "[null]",
        "[1e300, \"x\"]", "[-0.0, \"x\"]",
        // empty components
        R"([""])", R"([{"d": 0}])", R"([{"d": ""}])", R"([1, ""])",
        // deletes that are not a positive count or a text
        R"([{"d": -1}])", R"([{"d": 1.5}])", R"([{"d": true}])", R"([{"d": null}])",
        R"([{"d": [1]}])", R"([{"d": {"d": 1}}])",
        // objects other than {"d": ...}
        "[{}]", R"([{"e": 1}])", R"([{"d": 1, "x": 2}])", R"([{"D": 1}])",
        // components of no kind
        "[[1]]", "[[]]",
        // adjacent like components
        "[1, 2, \"x\"]", R"(["a", "b"])", R"([{"d": 1}, {"d": 1}])", R"([{"d": "a"}, {"d": 1}])",
        R"([{"d": "a"}, {"d": "b"}])",
        // a trailing skip
        "[3]", R"(["x", 2])", R"([{"d": 1}, 5])",
    };
    // clang-format on
    for (const char* text : malformed) {
        INFO(text);
        CHECK_THROWS_AS(ot::op_from_json(json::parse(text)), OpError);
    }
}

TEST_CASE("op_from_json refuses invalid UTF-8 in inserts and deletes", "[ot][json]") {
    // nlohmann's parser refuses these bytes already; a json value built in code can hold them.
    const std::string bad[] = {
        "\xC3\x28",          // a lead byte without its continuation
        "\xC0\xAF",          // overlong '/'
        "\xED\xA0\x80",      // surrogate U+D800
        "\xF4\x90\x80\x80",  // U+110000
        "\xFF",
        "ok\xE2\x82",  // truncated
    };
    for (const std::string& s : bad) {
        INFO(json(s).dump(-1, ' ', true, json::error_handler_t::replace));
        CHECK_THROWS_AS(ot::op_from_json(json::array({s})), OpError);
        CHECK_THROWS_AS(ot::op_from_json(json::array({1, json{{"d", s}}})), OpError);
        CHECK_THROWS_AS(ot::op_from_json_lax(json::array({s})), OpError);
        CHECK_THROWS_AS(ot::op_from_json_lax(json::array({json{{"d", s}}})), OpError);
        // The message must be fit to send back: no raw bytes of the input in it.
        try {
            ot::op_from_json(json::array({s}));
        } catch (const OpError& e) {
            CHECK(utf8::valid(e.what()));
        }
    }
}

TEST_CASE("op_from_json_lax normalizes what a client might send", "[ot][json][normalize]") {
    CHECK(ot::op_from_json_lax(json::parse("[]")) == Op{});
    CHECK(ot::op_from_json_lax(json::parse(R"([0, "", {"d": 0}, {"d": ""}])")) == Op{});
    CHECK(ot::op_from_json_lax(json::parse(R"([1, 2, "a", "b", {"d": 1}, {"d": "x"}, 3])")) ==
          Op{Skip{3}, Insert{"ab"}, del(2)});
    CHECK(ot::op_from_json_lax(json::parse(R"([{"d": "é"}, {"d": "ĳ"}])")) == Op{Delete{2, "éĳ"}});
    CHECK(ot::op_from_json_lax(
              json::parse(R"([2, 0, "", 3, "x", {"d": ""}, "y", {"d": 0}, 4, 0])")) ==
          Op{Skip{5}, Insert{"xy"}});
    CHECK(ot::op_from_json_lax(json::parse("[5]")) == Op{});
}

TEST_CASE("op_from_json_lax takes every op op_from_json takes", "[ot][json][normalize]") {
    for (const char* text : {"[9007199254740991, \"x\"]", R"([{"d": 9007199254740991}, "x"])",
                             R"([9007199254740990, "xy", {"d": 1}])"}) {
        INFO(text);
        CHECK(ot::op_from_json_lax(json::parse(text)) == ot::op_from_json(json::parse(text)));
    }
}

TEST_CASE("op_from_json_lax still refuses what no op can hold", "[ot][json][normalize]") {
    // clang-format off
    const char* malformed[] = {
        "{}", "\"x\"", "null",
        "[-1]", "[1.5]", "[true]", "[null]",
        R"([{"d": -1}])", R"([{"d": 0.5}])", R"([{"d": false}])",
        "[{}]", R"([{"x": 1}])", R"([{"d": 1, "x": 1}])", "[[1]]",
    };
    // clang-format on
    for (const char* text : malformed) {
        INFO(text);
        CHECK_THROWS_AS(ot::op_from_json_lax(json::parse(text)), OpError);
    }
}
