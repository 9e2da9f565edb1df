#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "ot/json.hpp"
#include "ot/text_diff.hpp"
#include "ot_random.hpp"

using namespace samen;
using ot::diff_to_op;

namespace {
nlohmann::json j(const ot::Op& op) {
    return ot::to_json(op);
}
}  // namespace

TEST_CASE("diff_to_op keeps the common prefix and suffix", "[ot][diff]") {
    CHECK(diff_to_op("", "").empty());
    CHECK(diff_to_op("same", "same").empty());
    CHECK(j(diff_to_op("", "new")) == nlohmann::json::parse(R"(["new"])"));
    CHECK(j(diff_to_op("old", "")) == nlohmann::json::parse(R"([{"d": 3}])"));
    CHECK(j(diff_to_op("hello world", "hello brave world")) ==
          nlohmann::json::parse(R"([6, "brave "])"));
    CHECK(j(diff_to_op("abcdef", "abXYef")) == nlohmann::json::parse(R"([2, {"d": 2}, "XY"])"));
    CHECK(j(diff_to_op("aaaa", "aa")) == nlohmann::json::parse(R"([2, {"d": 2}])"));
    CHECK(j(diff_to_op("text\n", "text")) == nlohmann::json::parse(R"([4, {"d": 1}])"));
}

TEST_CASE("diff_to_op never splits a code point", "[ot][diff]") {
    // é is C3 A9 and è is C3 A8: equal first bytes must not become a skip of half a letter.
    CHECK(j(diff_to_op("café", "cafè")) == nlohmann::json::parse(R"([3, {"d": 1}, "è"])"));
    // 😀 F0 9F 98 80 and 😁 F0 9F 98 81 differ in the last byte only.
    CHECK(j(diff_to_op("a😀b", "a😁b")) == nlohmann::json::parse(R"([1, {"d": 1}, "😁"])"));
    // Common trailing bytes of different code points (ä C3 A4, Ĥ C4 A4) stay out of the suffix.
    CHECK(j(diff_to_op("xä", "xĤ")) == nlohmann::json::parse(R"([1, {"d": 1}, "Ĥ"])"));
    CHECK(j(diff_to_op("ĳsselland", "ĳssel")) == nlohmann::json::parse(R"([5, {"d": 4}])"));
}

TEST_CASE("diff_to_op refuses text that is not UTF-8", "[ot][diff]") {
    CHECK_THROWS_AS(diff_to_op("ok", "bad \xC3"), ot::OpError);
    CHECK_THROWS_AS(diff_to_op("\xFF", "ok"), ot::OpError);
}

TEST_CASE("diff_to_op turns any text into any other", "[ot][diff][random]") {
    for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
        INFO("seed " << seed);
        std::mt19937_64 rng(seed);
        std::string before = test::random_doc(rng, 30);
        // Mostly small edits of the same text, sometimes a different text altogether.
        std::string after = rng() % 4 == 0 ? test::random_doc(rng, 30)
                                           : ot::apply(before, test::random_op(rng, before));
        ot::Op op = diff_to_op(before, after);
        REQUIRE_NOTHROW(ot::check(op));
        CHECK(ot::apply(before, op) == after);
        CHECK(op.size() <= 3);
    }
}
