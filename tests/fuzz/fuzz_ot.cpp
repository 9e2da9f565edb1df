// The laws of the OT core (shared/ot/text.hpp, json.hpp) on ops the fuzzer makes. Two ways in:
//  - an input that starts with '{' is JSON, {"doc": "...", "a": op, "b": op}: the ops are read
//    strictly (op_from_json) and laxly (op_from_json_lax) as the protocol and the tools read them;
//  - any other input is a recipe: its bytes pick a document from a small alphabet of tricky code
//    points, then the components of two ops on it (skips, inserts, deletes with or without their
//    text), which may not be normalized and may not fit the document.
// Each op is first checked the way the room checks an edit (make_invertible against the text);
// for ops that pass, apply must work and every law must hold between a and b: convergence (TP1)
// on both sides, compose, transform_position, invert, normalize.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "ot/json.hpp"
#include "ot/text.hpp"
#include "text/utf8.hpp"

namespace {

namespace ot = samen::ot;
namespace utf8 = samen::utf8;
using nlohmann::json;
using ot::Op;
using ot::Side;
using samen::fuzz::require;

std::string show(const Op& op) {
    return ot::to_json(op).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string show(const std::string& doc, const Op& a, const Op& b) {
    return "doc " + json(doc).dump(-1, ' ', false, json::error_handler_t::replace) + " a " +
           show(a) + " b " + show(b);
}

// ---- The recipe ------------------------------------------------------------------------------

/// Reads the input byte by byte; zeros once it is used up, so that every input is a recipe.
class Recipe {
  public:
    Recipe(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
    bool done() const { return at_ >= size_; }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

/// Code points that break naive code: multi-byte letters, a combining mark, astral emoji, the
/// last code point, NUL, newlines.
constexpr std::string_view alphabet[] = {
    "a",
    "b",
    "c",
    " ",
    "\n",
    "\xC3\xA9" /* é */,
    "\xE2\x82\xAC" /* € */,
    "\xCC\x81" /* combining acute */,
    "\xF0\x9F\x98\x80" /* 😀 */,
    "\xF4\x8F\xBF\xBF" /* U+10FFFF */,
    std::string_view("\0", 1),
    "\xE2\x80\xA8" /* U+2028 */,
};
constexpr std::size_t alphabet_size = std::size(alphabet);

std::string recipe_text(Recipe& r, std::size_t max_cps) {
    std::string text;
    for (std::size_t n = r.byte() % (max_cps + 1); n > 0; --n) {
        text += alphabet[r.byte() % alphabet_size];
    }
    return text;
}

/// Up to 8 components over `doc`. Skips and deletes mostly stay within the document, but may
/// reach past it; a delete may carry its text, or a text that is not the document's.
Op recipe_op(Recipe& r, std::string_view doc) {
    const std::size_t length = utf8::count(doc);
    Op op;
    std::size_t at = 0;  // code points of doc read so far
    for (std::size_t parts = r.byte() % 9; parts > 0 && !r.done(); --parts) {
        const std::uint8_t how = r.byte();
        const std::size_t left = length - std::min(at, length);
        // One in sixteen counts may pass the end of the document.
        const std::size_t n = (how & 0xF0) == 0xF0 ? 1 + r.byte() % 8 : r.byte() % (left + 1);
        switch (how % 4) {
            case 0:
                op.emplace_back(ot::Skip{n});
                at += n;
                break;
            case 1:
                op.emplace_back(ot::Insert{recipe_text(r, 4)});
                break;
            case 2:
                op.emplace_back(ot::Delete{n, std::nullopt});
                at += n;
                break;
            default: {
                const std::size_t from = utf8::byte_offset(doc, at);
                std::string removed(doc.substr(from, utf8::byte_offset(doc, at + n) - from));
                // Past the end of the document, or one time in eight: not the document's text.
                if (utf8::count(removed) != n || (how & 0x70) == 0x70) removed = recipe_text(r, 4);
                const std::size_t cps = utf8::count(removed);
                op.emplace_back(ot::Delete{cps, std::move(removed)});
                at += cps;
            }
        }
    }
    return op;
}

// ---- The laws --------------------------------------------------------------------------------

/// The room's check of an edit: make_invertible against the text. When it passes, apply must
/// too and give what the invertible op gives; when it refuses, so must apply.
std::optional<Op> validated(const std::string& doc, const Op& op) {
    Op invertible;
    try {
        invertible = ot::make_invertible(op, doc);
    } catch (const ot::OpError&) {
        try {
            ot::apply(doc, op);
        } catch (const ot::OpError&) {
            return std::nullopt;
        }
        samen::fuzz::broken("make_invertible refused an op that apply takes",
                            show(doc, op, invertible));
    }
    const std::string after = ot::apply(doc, op);
    require(ot::apply(doc, invertible) == after, "the invertible op does something else",
            show(doc, op, invertible));
    require(utf8::valid(after), "apply made invalid UTF-8", show(doc, op, invertible));
    require(utf8::count(after) == ot::output_length(op, utf8::count(doc)),
            "output_length is not the length apply gives", show(doc, op, invertible));
    require(ot::input_length(op) <= utf8::count(doc), "an op that fits reads past the end",
            show(doc, op, invertible));
    return invertible;
}

/// Components as they came (possibly empty, adjacent or trailing): normalize must give a valid
/// op, the same twice, and the same as reading the components' JSON laxly.
std::optional<Op> normalized(const Op& raw) {
    Op once;
    try {
        once = ot::normalize(raw);
    } catch (const ot::OpError&) {
        return std::nullopt;
    }
    ot::check(once);
    require(ot::normalize(once) == once, "normalize is not idempotent", show(once));
    require(ot::op_from_json(ot::to_json(once)) == once, "an op's JSON does not read back",
            show(once));
    require(ot::op_from_json_lax(ot::to_json(raw)) == once, "lax JSON and normalize differ",
            show(raw));
    return once;
}

/// Where a cursor goes, as an insert at the cursor that yields to inserts at the same place.
void check_position(const std::string& doc, const Op& op, std::size_t pos) {
    const Op marker = ot::normalize({ot::Skip{pos}, ot::Insert{"|"}});
    const Op moved = ot::transform(marker, op, Side::left);
    const std::size_t expected = ot::input_length(moved);
    require(ot::transform_position(pos, op) == expected,
            "transform_position disagrees with transform",
            show(doc, op, marker) + " pos " + std::to_string(pos));
    const auto sel = ot::transform_selection({pos, 0}, op);
    require(sel.anchor == expected && sel.head == ot::transform_position(0, op),
            "transform_selection disagrees with transform_position");
}

void check_laws(const std::string& doc, const Op& a, const Op& b) {
    const std::string detail = show(doc, a, b);
    const std::string after_a = ot::apply(doc, a);
    const std::string after_b = ot::apply(doc, b);

    // TP1, with either op winning a tie.
    for (const Side side : {Side::left, Side::right}) {
        const Side other = side == Side::left ? Side::right : Side::left;
        const Op a2 = ot::transform(a, b, side);
        const Op b2 = ot::transform(b, a, other);
        ot::check(a2);
        ot::check(b2);
        require(ot::apply(after_b, a2) == ot::apply(after_a, b2), "transform does not converge",
                detail);
        // Compose: a then b's transform is one op.
        require(ot::apply(doc, ot::compose(a, b2)) == ot::apply(after_a, b2),
                "compose differs from applying both", detail);
        require(ot::apply(doc, ot::compose(b, a2)) == ot::apply(after_b, a2),
                "compose differs from applying both", detail);
    }

    // Invert: the invertible form undoes, and inverting twice gives it back.
    const Op ai = ot::make_invertible(a, doc);
    require(ot::is_invertible(ai), "make_invertible left a delete without its text", detail);
    require(ot::strip_invertible(ai) == ot::strip_invertible(a),
            "make_invertible changed the op's shape", detail);
    const Op undo = ot::invert(ai);
    require(ot::apply(after_a, undo) == doc, "invert does not undo", detail);
    require(ot::invert(undo) == ai, "invert twice is not the op", detail);
    require(ot::apply(doc, ot::compose(ai, undo)) == doc, "an op and its inverse do nothing",
            detail);

    // Cursors at every place of a short document, at its end and past it.
    const std::size_t length = utf8::count(doc);
    for (std::size_t pos = 0; pos <= std::min<std::size_t>(length + 1, 24); ++pos) {
        check_position(doc, a, pos);
    }
}

void run_laws(const std::string& doc, const Op& a_raw, const Op& b_raw) {
    const auto a = normalized(a_raw);
    const auto b = normalized(b_raw);
    if (!a || !b) return;
    const auto a_fits = validated(doc, *a);
    const auto b_fits = validated(doc, *b);
    if (!a_fits || !b_fits) return;
    check_laws(doc, *a, *b);
    // The same with the deleted text carried along, as the server stores and sends ops.
    check_laws(doc, *a_fits, *b_fits);
}

// ---- The JSON form ---------------------------------------------------------------------------

/// The op at `key`: as the protocol reads it (strict) when it is normalized, and as read laxly
/// otherwise; nullopt when neither reads it. Both readers agree on what both take.
std::optional<Op> read_op(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    std::optional<Op> lax;
    try {
        lax = ot::op_from_json_lax(*it);
        ot::check(*lax);
    } catch (const ot::OpError&) {
    }
    try {
        Op strict = ot::op_from_json(*it);
        require(lax && *lax == strict, "op_from_json takes what op_from_json_lax refuses",
                it->dump());
        return strict;
    } catch (const ot::OpError&) {
        return lax;
    }
}

void run_json(std::string_view text) {
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return;
    const auto doc = j.find("doc");
    if (doc == j.end() || !doc->is_string()) return;
    const auto a = read_op(j, "a");
    const auto b = read_op(j, "b");
    run_laws(doc->get<std::string>(), a.value_or(Op{}), b.value_or(Op{}));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 0 && data[0] == '{') {
        run_json(std::string_view(reinterpret_cast<const char*>(data), size));
        return 0;
    }
    Recipe recipe(data, size);
    const std::string doc = recipe_text(recipe, 24);
    const Op a = recipe_op(recipe, doc);
    const Op b = recipe_op(recipe, doc);
    run_laws(doc, a, b);
    return 0;
}
