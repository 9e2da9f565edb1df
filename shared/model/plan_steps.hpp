// The steps from startnotitie to raadsbesluit that are not text (docs/plan-steps.md): each
// municipality's priorities among the document's themes, and where its plan stands (concept, or
// adopted by its college or its raad). Pure changes of the document like model/tree.hpp's: refused
// with model::Refused before anything changes, applied at the next revision, returning what the
// log keeps to undo them (model::undo).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/document.hpp"

namespace samen::model {

/// True when `section` may be one of `municipality`'s priorities: a theme of its plan, i.e. prose
/// (not a measure or a field) that is common or its own local section.
bool can_be_priority(const Section& section, std::string_view municipality);

/// Sets `municipality`'s priorities (section ids, in order; empty clears them). Returns what the
/// log keeps: {"municipality", "sections", "from": the previous list}.
nlohmann::json set_priorities(Document& doc, const std::string& municipality,
                              const std::vector<std::string>& sections);

struct AdoptionChange {
    nlohmann::json data;             // what the log keeps: {"municipality", ..., "from"}
    std::optional<Version> version;  // a decision names the plan as it stood: a version
};

/// Records `municipality`'s decision ("concept", "college" or "raad"). A decision names the plan
/// as it stands as a version, labelled as adoption_label says.
AdoptionChange set_adoption(Document& doc, const std::string& municipality,
                            const std::string& state, const std::string& date,
                            const std::string& reference, const UserRef& author,
                            const std::string& created_at);

/// "Vastgesteld door de gemeenteraad van Kampen, 28 maart 2023" (or "het college van B&W").
std::string adoption_label(const std::string& state, const std::string& municipality_name,
                           const std::string& date);
/// "28 maart 2023" for "2023-03-28"; the text itself when it is no such date.
std::string dutch_date(const std::string& iso_date);

}  // namespace samen::model
