// Reading the past (docs/decisions/0007-history-read-by-rewinding.md): a document as it stood at
// any revision, found by undoing its changes one by one from the state it has now, newest first.
// Every change in the log carries what is needed to undo it: an edit its invertible op, a dropped
// layer its text, a rename or a move where it came from
// (docs/decisions/0006-history-ops-invertible.md).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/document.hpp"
#include "ot/text.hpp"

namespace samen::model {

/// One accepted change as the log holds it.
struct Change {
    Rev rev = 0;
    std::string kind;  // "edit", "diverge", "section.move", "propose", ...
    std::optional<std::string> section;
    std::optional<std::string> layer;
    std::optional<ot::Op> op;  // kind "edit": an invertible op
    nlohmann::json data;       // other kinds: what the change replaced (may be null)
    std::optional<UserRef> author;
    std::string at;
};

/// Thrown when a change cannot be undone (an op without its deleted text, a section missing).
struct HistoryError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Undoes `change` on `doc`, which stands at `change.rev`; afterwards it stands at
/// `change.rev - 1`. Proposals, votes and versions are not rewound: only the text and the tree.
void undo(Document& doc, const Change& change);

/// `doc` (standing at its `rev`) rewound to `rev` by undoing `changes`, which must be every
/// change with a revision in (rev, doc.rev], in any order.
Document rewind(Document doc, std::vector<Change> changes, Rev rev);

/// Sets every layer's `changed_rev` from `last`: for each (section, layer) the revision of its last
/// text change ("" as the layer: the section's creation), as the log tells up to the document's
/// revision. Staleness is judged by these, and undo() cannot know them.
void set_changed_revs(Document& doc,
                      const std::map<std::pair<std::string, std::string>, Rev>& last);

/// The state and text of one section layer at the document's revision: "common", "override",
/// "omit", "inherit" (text: the common text) or "absent" (no such section; text empty).
struct LayerAt {
    std::string state;
    std::string text;
};
LayerAt layer_at(const Document& doc, const std::string& section, const std::string& layer);

/// Code points an edit inserted and deleted.
struct EditSize {
    std::size_t inserted = 0;
    std::size_t deleted = 0;
};
EditSize edit_size(const ot::Op& op);

/// The parts of a diff from `a` to `b` (protocol `diff_part`): runs of "same", "delete", "insert"
/// text, in order, a delete before the insert that replaces it.
nlohmann::json diff_parts(const std::string& a, const std::string& b);

}  // namespace samen::model
