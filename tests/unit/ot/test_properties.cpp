// The laws the OT core must keep on any input: convergence, compose, invert, positions. Random
// documents of Dutch text, combining marks and emoji, random valid ops, fixed printed seeds
// (SAMEN_TEST_SEED=N replays or explores another).
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "ot/json.hpp"
#include "ot/text.hpp"
#include "ot_catch.hpp"
#include "ot_random.hpp"
#include "text/utf8.hpp"

namespace ot = samen::ot;
namespace utf8 = samen::utf8;
using ot::Op;
using ot::Side;
using samen::test::cp_length;
using samen::test::random_doc;
using samen::test::random_op;
using samen::test::show;

namespace {

constexpr int cases = 4000;

std::string quoted(const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Throws (and so fails the test with the op in the message) unless `op` is normalized.
void require_normalized(const Op& op, const char* what) {
    INFO(what << ": " << show(op));
    REQUIRE_NOTHROW(ot::check(op));
}

}  // namespace

TEST_CASE("random ops are valid for their documents", "[ot][property]") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0001);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < cases; ++i) {
        const std::string doc = random_doc(rng);
        const Op op = random_op(rng, doc);
        INFO("case " << i << " doc " << quoted(doc) << " op " << show(op));
        REQUIRE(utf8::valid(doc));
        REQUIRE(utf8::count(doc) == cp_length(doc));
        require_normalized(op, "op");
        REQUIRE(ot::input_length(op) <= utf8::count(doc));
        const std::string after = ot::apply(doc, op);
        REQUIRE(utf8::valid(after));
        REQUIRE(utf8::count(after) == ot::output_length(op, utf8::count(doc)));
        REQUIRE(ot::op_from_json(ot::to_json(op)) == op);
    }
}

TEST_CASE("transform converges", "[ot][property][transform]") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0002);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < cases; ++i) {
        const std::string doc = random_doc(rng);
        const Op a = random_op(rng, doc);
        const Op b = random_op(rng, doc);
        INFO("case " << i << " doc " << quoted(doc) << " a " << show(a) << " b " << show(b));
        const Op b_after_a = ot::transform(b, a, Side::right);
        const Op a_after_b = ot::transform(a, b, Side::left);
        require_normalized(b_after_a, "transform(b, a, right)");
        require_normalized(a_after_b, "transform(a, b, left)");
        // Deleted text carried along must still be what the document holds (apply checks it).
        const std::string via_a = ot::apply(ot::apply(doc, a), b_after_a);
        const std::string via_b = ot::apply(ot::apply(doc, b), a_after_b);
        REQUIRE(via_a == via_b);
        // Invertibility survives a transform, and the deleted text does not change its shape.
        if (ot::is_invertible(a) && ot::is_invertible(b)) REQUIRE(ot::is_invertible(a_after_b));
        REQUIRE(ot::strip_invertible(a_after_b) ==
                ot::transform(ot::strip_invertible(a), ot::strip_invertible(b), Side::left));
        // Transforming by nothing changes nothing.
        REQUIRE(ot::transform(a, Op{}, Side::left) == a);
        REQUIRE(ot::transform(Op{}, a, Side::right) == Op{});
    }
}

TEST_CASE("compose is apply in sequence", "[ot][property][compose]") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0003);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < cases; ++i) {
        const std::string doc = random_doc(rng);
        const Op a = random_op(rng, doc);
        const std::string middle = ot::apply(doc, a);
        const Op b = random_op(rng, middle);
        INFO("case " << i << " doc " << quoted(doc) << " a " << show(a) << " b " << show(b));
        const Op ab = ot::compose(a, b);
        require_normalized(ab, "compose(a, b)");
        REQUIRE(ot::apply(doc, ab) == ot::apply(middle, b));
        if (ot::is_invertible(a) && ot::is_invertible(b)) REQUIRE(ot::is_invertible(ab));
        REQUIRE(ot::strip_invertible(ab) ==
                ot::compose(ot::strip_invertible(a), ot::strip_invertible(b)));
        REQUIRE(ot::compose(a, Op{}) == a);
        REQUIRE(ot::compose(Op{}, a) == a);
        // Associative, on a third op.
        const Op c = random_op(rng, ot::apply(middle, b));
        INFO("c " << show(c));
        REQUIRE(ot::apply(doc, ot::compose(ab, c)) ==
                ot::apply(doc, ot::compose(a, ot::compose(b, c))));
    }
}

TEST_CASE("compose commutes with transform", "[ot][property][compose][transform]") {
    // What the client does with its buffer: transforming a composed op gives the same document
    // as transforming its parts one after the other.
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0004);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < cases; ++i) {
        const std::string doc = random_doc(rng);
        const Op a = random_op(rng, doc);
        const Op b = random_op(rng, ot::apply(doc, a));
        const Op other = random_op(rng, doc);
        INFO("case " << i << " doc " << quoted(doc) << " a " << show(a) << " b " << show(b)
                     << " other " << show(other));
        const Op ab_after = ot::transform(ot::compose(a, b), other, Side::left);
        const Op a_after = ot::transform(a, other, Side::left);
        const Op other_after_a = ot::transform(other, a, Side::right);
        const Op b_after = ot::transform(b, other_after_a, Side::left);
        const std::string base = ot::apply(doc, other);
        REQUIRE(ot::apply(base, ab_after) == ot::apply(ot::apply(base, a_after), b_after));
    }
}

TEST_CASE("invert undoes an op", "[ot][property][invert]") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0005);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < cases; ++i) {
        const std::string doc = random_doc(rng);
        const Op a = random_op(rng, doc);
        INFO("case " << i << " doc " << quoted(doc) << " a " << show(a));
        const Op full = ot::make_invertible(a, doc);
        require_normalized(full, "make_invertible(a, doc)");
        REQUIRE(ot::is_invertible(full));
        REQUIRE(ot::strip_invertible(full) == ot::strip_invertible(a));
        REQUIRE(ot::make_invertible(full, doc) == full);
        // make_invertible does not change what the op does.
        const std::string after = ot::apply(doc, a);
        REQUIRE(ot::apply(doc, full) == after);
        const Op inverse = ot::invert(full);
        require_normalized(inverse, "invert(make_invertible(a, doc))");
        REQUIRE(ot::apply(after, inverse) == doc);
        REQUIRE(ot::invert(inverse) == full);
        // An op composed with its inverse does nothing to the document.
        REQUIRE(ot::apply(doc, ot::compose(full, inverse)) == doc);
        require_normalized(ot::strip_invertible(full), "strip_invertible");
        if (!ot::is_invertible(a)) REQUIRE_THROWS_AS(ot::invert(a), ot::OpError);
    }
}

TEST_CASE("transform_position stays in the document and keeps order", "[ot][property][position]") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0006);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < cases; ++i) {
        const std::string doc = random_doc(rng);
        const Op op = random_op(rng, doc);
        const std::size_t doc_length = utf8::count(doc);
        const std::size_t result_length = utf8::count(ot::apply(doc, op));
        INFO("case " << i << " doc " << quoted(doc) << " op " << show(op));
        std::size_t previous = 0;
        for (std::size_t pos = 0; pos <= doc_length; ++pos) {
            INFO("pos " << pos);
            const std::size_t moved = ot::transform_position(pos, op);
            REQUIRE(moved <= result_length);
            REQUIRE(moved >= previous);
            previous = moved;
            // A cursor lands where a one-letter insert typed there lands (side left: the cursor
            // stays before text the other inserts at the same place).
            const Op typed = pos == 0 ? Op{ot::Insert{"|"}} : Op{ot::Skip{pos}, ot::Insert{"|"}};
            const Op typed_after = ot::transform(typed, op, Side::left);
            const std::size_t at = std::holds_alternative<ot::Skip>(typed_after.front())
                                       ? std::get<ot::Skip>(typed_after.front()).n
                                       : 0;
            REQUIRE(at == moved);
            const ot::Selection sel = ot::transform_selection({pos, doc_length - pos}, op);
            REQUIRE(sel.anchor == moved);
            REQUIRE(sel.head == ot::transform_position(doc_length - pos, op));
        }
    }
}

TEST_CASE("normalize undoes any way of writing an op", "[ot][property][normalize]") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0007);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < cases; ++i) {
        const std::string doc = random_doc(rng);
        const Op op = random_op(rng, doc);
        const Op scattered = samen::test::random_unnormalized(rng, op);
        INFO("case " << i << " op " << show(op) << " scattered " << show(scattered));
        REQUIRE(ot::normalize(scattered) == op);
        REQUIRE(ot::normalize(op) == op);
        REQUIRE(ot::op_from_json_lax(ot::to_json(scattered)) == op);
        if (scattered != op) REQUIRE_THROWS_AS(ot::check(scattered), ot::OpError);
    }
}

TEST_CASE("apply_in_place is apply and make_invertible in one", "[ot][property][apply]") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0009);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 2000; ++i) {
        const std::string doc = random_doc(rng);
        const Op a = random_op(rng, doc);
        INFO("case " << i << " doc " << quoted(doc) << " a " << show(a));
        std::string text = doc;
        const Op full = ot::apply_in_place(text, a);
        REQUIRE(text == ot::apply(doc, a));
        REQUIRE(full == ot::make_invertible(a, doc));
        // Over the bound: refused, and the text is as it was.
        if (text.size() > 0) {
            std::string kept = doc;
            REQUIRE_THROWS_AS(ot::apply_in_place(kept, a, text.size() - 1), ot::TextTooLarge);
            REQUIRE(kept == doc);
        }
    }
}

TEST_CASE("apply_in_place from a position hint is the walk from the start",
          "[ot][property][apply]") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3e0010);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int run = 0; run < 200; ++run) {
        // Long enough for the walks of 128 bytes at a time, forward and back; 2, 3 and 4-byte
        // characters throughout (ot_alphabet).
        std::string text = samen::test::random_text(rng, 0, 1500);
        ot::TextPosition hint;  // the start: a place in any text
        for (int step = 0; step < 60; ++step) {
            Op op;
            if (rng() % 3 == 0) {
                op = random_op(rng, text, {.invertible = 0.5, .max_steps = 8, .max_insert = 6});
            } else {
                // A keystroke or a small delete near the last place, as an editor types.
                op = samen::test::typing_op(rng, text, hint.code_points);
            }
            INFO("run " << run << " step " << step << " hint " << hint.code_points << "/"
                        << hint.bytes << " op " << show(op));
            std::string plain = text;
            const Op want = ot::apply_in_place(plain, op);
            ot::TextPosition before = hint;
            const Op got =
                ot::apply_in_place(text, op, std::numeric_limits<std::size_t>::max(), &hint);
            REQUIRE(text == plain);
            REQUIRE(got == want);
            // The hint is a place in the new text: after the op's last change.
            const auto starts = samen::test::code_point_starts(text);
            REQUIRE(hint.code_points < starts.size());
            REQUIRE(hint.bytes == starts[hint.code_points]);
            std::size_t last = 0;  // the input code points the op reads, and what it inserts
            for (const ot::Component& c : op) {
                if (const auto* s = std::get_if<ot::Skip>(&c)) last += s->n;
                if (const auto* i = std::get_if<ot::Insert>(&c)) last += cp_length(i->text);
            }
            REQUIRE(hint.code_points == (op.empty() ? before.code_points : last));
            // An op that reaches past the end: refused from the hint too, text and hint kept.
            if (rng() % 8 == 0) {
                const Op over{ot::Skip{cp_length(text) + 1}, ot::Insert{"x"}};
                const std::string kept = text;
                const ot::TextPosition kept_hint = hint;
                REQUIRE_THROWS_AS(
                    ot::apply_in_place(text, over, std::numeric_limits<std::size_t>::max(), &hint),
                    ot::OpError);
                REQUIRE(text == kept);
                REQUIRE(hint == kept_hint);
            }
        }
    }
}

TEST_CASE("apply_in_place ignores a hint that is no place in the text", "[ot][apply]") {
    const Op op{ot::Skip{2}, ot::Insert{"x"}};
    for (const ot::TextPosition bad : {ot::TextPosition{1, 1}, ot::TextPosition{9, 40}}) {
        std::string text = "\xC3\xA9\xC3\xA9\xC3\xA9";  // "ééé": byte 1 is inside a character
        ot::TextPosition hint = bad;
        ot::apply_in_place(text, op, std::numeric_limits<std::size_t>::max(), &hint);
        REQUIRE(text == "\xC3\xA9\xC3\xA9x\xC3\xA9");
        REQUIRE(hint == ot::TextPosition{3, 5});
    }
}
