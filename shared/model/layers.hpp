// Changes of a municipality's state of a section: diverge (an override, copied from the common
// text), revert (back to the common text), omit and include, acknowledge (keep the override,
// move its base to now) and rebase (the override's new text after a three-way merge). Pure
// functions of the document, like model/tree.hpp: each throws model::Refused before it changes
// anything, applies the change at the document's next revision and returns what the log needs.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "model/document.hpp"
#include "ot/text.hpp"

namespace samen::model {

enum class LayerAction { diverge, revert, omit, include, acknowledge };
std::string_view to_string(LayerAction action) noexcept;

struct LayerChange {
    Rev rev = 0;
    /// What the log keeps to undo it: the text a revert or omit dropped with its base, the base
    /// an acknowledge moved from.
    nlohmann::json data = nlohmann::json::object();
    std::optional<Layer> stored;  // the layer's row afterwards; nullopt: deleted (inherits)
};

/// `code` is a municipality taking part; `section` a section with a common text.
LayerChange change_layer(Document& doc, LayerAction action, const std::string& section,
                         const std::string& code);

/// The override of `code` that a rebase would merge: it exists and is stale. Throws otherwise.
const Layer& rebasable_override(const Document& doc, const std::string& section,
                                const std::string& code);

struct Rebased {
    Rev rev = 0;
    ot::Op op;  // invertible, from the old text to the new: an ordinary edit of the override
    std::optional<Rev> old_base;
};

/// Sets the stale override to `text`, resolved against the preview made at `preview_rev`, and
/// moves its base to now. Refused when either text changed after the preview, or when `text` is
/// longer than `max_text_bytes`.
Rebased rebase(Document& doc, const std::string& section, const std::string& code,
               const std::string& text, Rev preview_rev, std::size_t max_text_bytes);

}  // namespace samen::model
