// The text OT type of Samen: the semantics and JSON form of ShareDB's `text-unicode` type
// (npm `ot-text-unicode` 4.0.0), over UTF-8 strings, with positions in Unicode code points.
//
// An op is a list of components applied left to right over the document:
//   Skip{n}           keep the next n code points
//   Insert{text}      insert text (non-empty, valid UTF-8)
//   Delete{n, text}   remove the next n code points; `text`, when present, is what they are
//                     (the invertible form `{"d": "str"}`), and then n == utf8::count(*text)
// A normalized op has no empty components, no two adjacent components of the same kind and no
// trailing skip. Every function here takes normalized ops (see `check`) and returns normalized ops.
//
// Every function that can fail throws `ot::OpError` with a message fit for a protocol error.
//
// Call these qualified (`ot::apply(doc, op)`): Op is a std::vector, so an unqualified `apply`
// also finds std::apply by argument-dependent lookup, and that template wins.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace samen::ot {

class OpError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

struct Skip {
    std::size_t n = 0;
    bool operator==(const Skip&) const = default;
};

struct Insert {
    std::string text;
    bool operator==(const Insert&) const = default;
};

struct Delete {
    std::size_t n = 0;
    std::optional<std::string> text;  // present in the invertible form
    bool operator==(const Delete&) const = default;
};

using Component = std::variant<Skip, Insert, Delete>;
using Op = std::vector<Component>;

enum class Side { left, right };

/// The largest count an op may hold, and the largest sum of its counts: 2^53 - 1, the largest
/// integer a JavaScript client sends exactly. Bounding them keeps every sum far from overflow.
inline constexpr std::size_t max_count = (std::size_t{1} << 53) - 1;

/// Where a selection's anchor and head are, in code points.
struct Selection {
    std::size_t anchor = 0;
    std::size_t head = 0;
    bool operator==(const Selection&) const = default;
};

// ---- The type ---------------------------------------------------------------------------------

/// Throws OpError unless `op` is normalized, every text in it is valid UTF-8, and its skips and
/// deletes, and its inserts, each add up to at most max_count code points.
void check(const Op& op);
/// Merges adjacent like components, drops empty ones and a trailing skip. Strings must be
/// valid UTF-8 (throws otherwise). Two adjacent deletes keep their text only if both have it.
Op normalize(const Op& op);

/// Code points the op reads from the document it applies to (skips and deletes).
std::size_t input_length(const Op& op);
/// The length of the document after applying `op` to one of `doc_length` code points.
std::size_t output_length(const Op& op, std::size_t doc_length);

/// The document after `op`. Throws when the op reaches past the end of `doc` or a `{"d": "str"}`
/// is not the text the document holds there.
std::string apply(std::string_view doc, const Op& op);

/// A text that would grow past apply_in_place's bound.
class TextTooLarge : public std::length_error {
  public:
    using std::length_error::length_error;
};

/// A place in a text: `code_points` from its start, which are its first `bytes` bytes.
struct TextPosition {
    std::size_t code_points = 0;
    std::size_t bytes = 0;
    bool operator==(const TextPosition&) const = default;
};

/// Applies `op` to `doc` where it stands, and returns `op` with the deleted text filled in (what
/// make_invertible returns), in one walk to the op's places: a keystroke moves the text behind it
/// instead of copying all of it. Throws OpError as apply does, or TextTooLarge when the result
/// would hold more than `max_bytes`; `doc` and `hint` are unchanged then.
///
/// `hint`, when given, is a place in `doc` that the caller knows: the walk to the op's first
/// place starts there (forward, or back when that is shorter than from the start) instead of at
/// the start of the text, and afterwards `hint` is the place after the op's last change in the
/// new text, where the next keystroke most likely lands. Typing deep into a long section then
/// walks only from one keystroke to the next. A hint whose byte offset is not the start of a
/// character of `doc` (or its end) is ignored; one whose count of code points is wrong gives a
/// wrong result, so the caller must know that the text did not change since
/// (docs/performance/section-size.md, "A keystroke by the size of its section").
Op apply_in_place(std::string& doc, const Op& op,
                  std::size_t max_bytes = std::numeric_limits<std::size_t>::max(),
                  TextPosition* hint = nullptr);

/// `op` rewritten to apply after `other` (both made on the same document). When both insert at
/// the same place, the op of the `left` side goes first.
Op transform(const Op& op, const Op& other, Side side);

/// One op with the effect of `a` followed by `b`.
Op compose(const Op& a, const Op& b);

/// Where a cursor at `pos` is after `op`. An insert exactly at the cursor stays after it.
std::size_t transform_position(std::size_t pos, const Op& op) noexcept;
Selection transform_selection(Selection sel, const Op& op) noexcept;

bool is_invertible(const Op& op) noexcept;
/// The op that undoes `op`. Throws unless every delete carries its text (see make_invertible).
Op invert(const Op& op);
/// `op` with the deleted text of every delete filled in from `doc`, the document it applies to.
/// Throws when the op does not fit `doc` (as apply does).
Op make_invertible(const Op& op, std::string_view doc);
/// `op` with the deleted text dropped.
Op strip_invertible(const Op& op);

}  // namespace samen::ot
