// Changes of a document's section tree: create, rename, move, delete, restore. Pure functions of
// the document: each checks what the document allows (throwing model::Refused before it changes
// anything), applies the change at the document's next revision, and returns what the log and
// the data file need. Who may make them is auth's question, asked before.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/document.hpp"

namespace samen::model {

struct TreeChange {
    Rev rev = 0;
    std::string section;  // the section it is about (a new section's id for a create)
    /// What the log keeps to undo it (model::undo): a title or place it came from, the sections
    /// a delete or restore took along.
    nlohmann::json data = nlohmann::json::object();
    std::vector<Section> rows;  // every section whose row changed, by id, as it is now
    std::vector<std::pair<std::string, Layer>> new_layers;  // a create: the new section's layer
    std::vector<std::string> sections;  // delete, restore: the section and those under it
};

/// A new section under `parent` (nullopt: the top level) at `position` among its siblings; with
/// `owner`, a local-only section of that municipality. Its id is the title's slug, made unique.
/// A measure (kind maatregel) stands under prose; a field stands under a measure,
/// is titled with a field's name (model/measures.hpp), once per measure, belongs to the measure's
/// owner and has the id "<measure>-<field>".
TreeChange create_section(Document& doc, const std::string& title,
                          const std::optional<std::string>& parent, std::int64_t position,
                          const std::optional<std::string>& owner,
                          SectionKind kind = SectionKind::text);
TreeChange rename_section(Document& doc, const std::string& id, const std::string& title);
TreeChange move_section(Document& doc, const std::string& id,
                        const std::optional<std::string>& parent, std::int64_t position);
/// Deletes the section with everything under it (they can be restored).
TreeChange delete_section(Document& doc, const std::string& id);
/// Brings a deleted section back at the end of its parent (the top level when its parent is
/// gone), with exactly what the same delete removed under it: restore_set.
TreeChange restore_section(Document& doc, const std::string& id);
/// The deleted section and the sections the same delete removed under it (its first element is
/// `id`); empty when there is no such deleted section. What was deleted under it before, by an
/// earlier delete, stays deleted.
std::vector<std::string> restore_set(const Document& doc, const std::string& id);

/// The deleted section with this id, or null.
const Section* deleted_section(const Document& doc, const std::string& id);

}  // namespace samen::model
