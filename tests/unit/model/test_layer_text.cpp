// model::LayerText: the text of a layer with a gap where it was last edited, against the same ops
// applied to a plain string with ot::apply_in_place.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>

#include "../ot/ot_catch.hpp"
#include "model/layer_text.hpp"
#include "ot/text.hpp"
#include "ot_random.hpp"

namespace ot = samen::ot;
using samen::model::LayerText;
using samen::test::cp_length;
using samen::test::random_op;
using samen::test::show;

namespace {

constexpr std::size_t kNoBound = std::numeric_limits<std::size_t>::max();

/// What an editor does next (typing_op, with replacements and pastes now and then), and one time
/// in five an op of several places.
ot::Op typing(std::mt19937_64& rng, const std::string& text, std::size_t near) {
    if (rng() % 5 == 0) {
        return random_op(rng, text, {.invertible = 0.5, .max_steps = 8, .max_insert = 6});
    }
    return samen::test::typing_op(rng, text, near, {.replace_one_in = 4, .paste_one_in = 10});
}

}  // namespace

TEST_CASE("A layer text applies ops as apply_in_place does on a string, gap or not",
          "[model][layer_text][property]") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0011);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int run = 0; run < 150; ++run) {
        std::string plain = samen::test::random_text(rng, 0, 3000);
        LayerText text(plain);
        ot::TextPosition plain_hint;
        ot::TextPosition hint;
        for (int step = 0; step < 80; ++step) {
            const ot::Op op = typing(rng, plain, plain_hint.code_points);
            INFO("run " << run << " step " << step << " hint " << hint.code_points << "/"
                        << hint.bytes << " op " << show(op));
            // Now and then from the start, as after a reload: the text is the same.
            if (rng() % 16 == 0) hint = plain_hint = {};
            const ot::Op want = ot::apply_in_place(plain, op, kNoBound, &plain_hint);
            const ot::Op got = text.apply(op, kNoBound, &hint);
            REQUIRE(got == want);
            REQUIRE(text.size() == plain.size());
            REQUIRE(hint.code_points == plain_hint.code_points);
            REQUIRE(hint.bytes == plain_hint.bytes);
            switch (rng() % 8) {
                case 0:  // read: the gap closes
                    REQUIRE(text.str() == plain);
                    break;
                case 1: {  // a copy is the text, and closed; the original keeps its gap
                    const LayerText copy = text;
                    REQUIRE(copy == plain);
                    break;
                }
                case 2: {  // moved away and back
                    LayerText moved = std::move(text);
                    text = std::move(moved);
                    break;
                }
                default:
                    break;
            }
            // Refused (past the end, a wrong deleted text, over the bound): the text is kept.
            if (rng() % 6 == 0) {
                const std::size_t length = cp_length(plain);
                const ot::TextPosition kept = hint;
                REQUIRE_THROWS_AS(
                    text.apply(ot::Op{ot::Skip{length + 1}, ot::Insert{"x"}}, kNoBound, &hint),
                    ot::OpError);
                if (length > 0) {
                    REQUIRE_THROWS_AS(
                        text.apply(ot::Op{ot::Skip{length - 1}, ot::Delete{2, std::string("xy")}},
                                   kNoBound, &hint),
                        ot::OpError);
                }
                samen::test::OpBuilder grow;
                grow.skip(length / 2);
                grow.insert("abc");
                REQUIRE_THROWS_AS(text.apply(std::move(grow).build(), plain.size() + 2, &hint),
                                  ot::TextTooLarge);
                REQUIRE(hint == kept);
                REQUIRE(text.size() == plain.size());
                REQUIRE(text.str() == plain);
            }
        }
        REQUIRE(text.str() == plain);
    }
}

TEST_CASE("A layer text ignores a hint that is no place in it", "[model][layer_text]") {
    const ot::Op op{ot::Skip{2}, ot::Insert{"x"}};
    for (const ot::TextPosition bad : {ot::TextPosition{1, 1}, ot::TextPosition{9, 40}}) {
        LayerText text("\xC3\xA9\xC3\xA9\xC3\xA9");  // "ééé": byte 1 is inside a character
        ot::TextPosition hint = bad;
        text.apply(op, kNoBound, &hint);
        CHECK(text == "\xC3\xA9\xC3\xA9x\xC3\xA9");
        CHECK(hint == ot::TextPosition{3, 5});
    }
}

TEST_CASE("A layer text is read, compared and assigned as a string", "[model][layer_text]") {
    LayerText text("Samen waar het kan");
    ot::TextPosition hint;
    text.apply(ot::Op{ot::Skip{5}, ot::Insert{","}}, kNoBound, &hint);
    CHECK(text.size() == 19);
    CHECK(text == std::string("Samen, waar het kan"));
    const std::string& read = text;
    CHECK(read == "Samen, waar het kan");
    text = std::string("lokaal waar het moet");
    CHECK(text.str() == "lokaal waar het moet");
    CHECK_FALSE(text.empty());
}
