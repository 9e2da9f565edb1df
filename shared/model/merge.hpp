// The three-way merge behind rebase (docs/protocol.md, `rebase.preview`): base = the common text at
// the override's `base`, theirs = the common text now, ours = the override. Changes that do not
// overlap merge by themselves; overlapping ones come back as conflicts, to be resolved before
// anything is written.
//
// Text is compared as a sequence of tokens: words (letters, digits, combining marks), runs of
// whitespace, and single other code points (punctuation, symbols, emoji). A token never splits a
// UTF-8 sequence, so every boundary below is a code point boundary.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ot/text.hpp"

namespace samen::model {

/// One changed region: a[a_start, a_start + a_len) became b[b_start, b_start + b_len).
/// Positions and lengths count Unicode code points (as OT ops do) and always fall on token
/// boundaries. An insertion has a_len == 0, a deletion b_len == 0.
struct DiffHunk {
    std::size_t a_start = 0;
    std::size_t a_len = 0;
    std::size_t b_start = 0;
    std::size_t b_len = 0;

    friend bool operator==(const DiffHunk&, const DiffHunk&) = default;
};

/// Above this many inserted plus deleted tokens the diff stops searching for the shortest edit
/// script and reports everything between the common prefix and suffix as one hunk: correct, only
/// coarser, and it bounds time and memory on texts that have little in common.
inline constexpr std::size_t default_max_edits = 2000;

/// The token diff of `a` to `b` (Myers' O(ND) algorithm), as hunks in code points, in order,
/// never overlapping and never adjacent. Throws std::invalid_argument when either text is not
/// valid UTF-8.
std::vector<DiffHunk> diff(std::string_view a, std::string_view b,
                           std::size_t max_edits = default_max_edits);

/// The op that turns `a` into `b`, made of the token diff's hunks: each hunk deletes and inserts
/// only what changed there, so text that two versions share keeps its place. Use this, not
/// ot::diff_to_op (one hunk from the first to the last difference), for an op that others'
/// concurrent ops are transformed through: a position outside the changed words stays where its
/// words are. Throws std::invalid_argument when either text is not valid UTF-8.
ot::Op diff_op(std::string_view a, std::string_view b, std::size_t max_edits = default_max_edits);

/// What `merged` holds at a conflict.
enum class Kept {
    ours,  // our text: both sides changed the same words differently
    both,  // their text, then ours (both_texts): both sides only inserted, at the same place
};

struct MergeConflict {
    std::size_t position = 0;  // code points into `merged` where the kept text starts
    std::string base;
    std::string ours;
    std::string theirs;
    Kept kept = Kept::ours;
};

struct MergeResult {
    /// Every change that does not conflict applied; at a conflict what `kept` says. Never
    /// contains conflict markers: the conflicts are only in `conflicts`.
    std::string merged;
    std::vector<MergeConflict> conflicts;  // in order of position

    bool clean() const noexcept { return conflicts.empty(); }
};

/// Both texts of a conflict, theirs (the common text) first: joined with a space where a word
/// would otherwise run into the next.
std::string both_texts(std::string_view theirs, std::string_view ours);

/// Merges the changes base -> ours and base -> theirs (docs/decisions/0013-rebase-keeps-words.md).
/// Each side's changes are first joined where only white space and punctuation lie between them:
/// a phrase rewritten is one change, never applied half-way. A region changed by one side takes
/// that side's text; a region changed identically by both takes it once; where both only inserted
/// at the same place, both are kept (theirs first) and reported as a conflict with Kept::both;
/// other regions changed differently by both that overlap or touch are a conflict keeping ours.
/// Throws std::invalid_argument when any text is not valid UTF-8.
MergeResult merge3(std::string_view base, std::string_view ours, std::string_view theirs);

}  // namespace samen::model
