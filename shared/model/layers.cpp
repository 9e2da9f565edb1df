#include "model/layers.hpp"

#include "model/merge.hpp"
#include "model/refused.hpp"
#include "text/utf8.hpp"

namespace samen::model {
namespace {

using Why = Refused::Why;

/// The section whose state of `code` is to change: one with a common text, in a document that
/// `code` takes part in.
Section& shared_section(Document& doc, const std::string& section, const std::string& code,
                        std::string_view action) {
    if (!is_municipality_code(code) || !doc.takes_part(code)) {
        throw Refused(Why::not_found,
                      "'" + code + "' is not a municipality taking part in '" + doc.id + "'");
    }
    Section* s = doc.section(section);
    if (!s) throw Refused(Why::not_found, "no section '" + section + "'");
    if (s->owner) {
        throw Refused(Why::invalid, "'" + section + "' is a local-only section of " + *s->owner +
                                        ": it has no common text to " + std::string(action));
    }
    return *s;
}

/// Keeps a dropped layer's text and base in the log, so the history can bring it back.
void keep_dropped(nlohmann::json& data, const Layer& dropped) {
    data["text"] = dropped.text;
    if (dropped.base) data["base"] = *dropped.base;
}

}  // namespace

std::string_view to_string(LayerAction action) noexcept {
    switch (action) {
        case LayerAction::diverge:
            return "diverge";
        case LayerAction::revert:
            return "revert";
        case LayerAction::omit:
            return "omit";
        case LayerAction::include:
            return "include";
        case LayerAction::acknowledge:
            return "acknowledge";
    }
    return "diverge";
}

LayerChange change_layer(Document& doc, LayerAction action, const std::string& section_id,
                         const std::string& code) {
    Section& section = shared_section(doc, section_id, code, to_string(action));
    auto current = section.layers.find(code);
    const bool inherits = current == section.layers.end();
    const bool overrides = !inherits && current->second.state == LayerState::override_;
    const bool omits = !inherits && current->second.state == LayerState::omit;
    auto refuse = [](const std::string& why) { throw Refused(Why::conflict, why); };
    switch (action) {
        case LayerAction::diverge:
            if (!inherits) refuse(code + " already has its own state of this section");
            break;
        case LayerAction::revert:
            if (!overrides) refuse(code + " has no override of this section");
            break;
        case LayerAction::omit:
            if (omits) refuse(code + " omits this section already");
            break;
        case LayerAction::include:
            if (!omits) refuse(code + " does not omit this section");
            break;
        case LayerAction::acknowledge:
            if (!(overrides && section.is_stale(code))) {
                refuse("the override of " + code + " is not stale");
            }
            break;
    }

    LayerChange change;
    change.rev = ++doc.rev;
    switch (action) {
        case LayerAction::diverge: {
            Layer l;
            l.state = LayerState::override_;
            l.text = section.layers.at(std::string(common_layer)).text;
            l.base = change.rev;
            l.life = change.rev;
            l.changed_rev = change.rev;
            section.layers[code] = l;
            change.stored = l;
            break;
        }
        case LayerAction::revert:
            keep_dropped(change.data, current->second);
            section.layers.erase(current);
            break;
        case LayerAction::include:
            section.layers.erase(current);
            break;
        case LayerAction::omit: {
            if (!inherits) keep_dropped(change.data, current->second);
            Layer l;
            l.state = LayerState::omit;
            l.life = change.rev;
            l.changed_rev = change.rev;
            section.layers[code] = l;
            change.stored = l;
            break;
        }
        case LayerAction::acknowledge: {
            Layer& l = current->second;
            if (l.base) change.data["from"] = *l.base;
            l.base = change.rev;
            change.stored = l;
            break;
        }
    }
    if (!change.data.empty()) change.data["kind"] = to_string(action);
    return change;
}

const Layer& rebasable_override(const Document& doc, const std::string& section,
                                const std::string& code) {
    if (!doc.takes_part(code)) {
        throw Refused(Why::not_found, "'" + code + "' is not a municipality taking part");
    }
    const Section* s = doc.section(section);
    if (!s) throw Refused(Why::not_found, "no section '" + section + "'");
    const Layer* own = s->layer(code);
    if (!own || own->state != LayerState::override_ || s->owner) {
        throw Refused(Why::not_found, code + " has no override of this section");
    }
    if (!s->is_stale(code)) {
        throw Refused(Why::conflict,
                      "the override of " + code + " is not stale: nothing to rebase");
    }
    return *own;
}

Rebased rebase(Document& doc, const std::string& section_id, const std::string& code,
               const std::string& text, Rev preview_rev, std::size_t max_text_bytes) {
    rebasable_override(doc, section_id, code);
    Section& section = *doc.section(section_id);
    Layer& own = section.layers.at(code);
    const Layer& common = section.layers.at(std::string(common_layer));
    if (preview_rev > doc.rev) throw Refused(Why::invalid, "rev is ahead of the document");
    if (common.changed_rev > preview_rev || own.changed_rev > preview_rev) {
        throw Refused(Why::conflict,
                      "the text changed since that preview: preview the rebase again");
    }
    if (!utf8::valid(text)) throw Refused(Why::invalid, "the text is not valid UTF-8");
    if (text.size() > max_text_bytes) {
        throw Refused(Why::too_large, "the text is longer than a layer may hold");
    }
    Rebased r;
    r.op = ot::make_invertible(diff_op(own.text, text), own.text);
    r.rev = ++doc.rev;
    r.old_base = own.base;
    own.text = text;
    own.changed_rev = r.rev;
    own.base = r.rev;
    return r;
}

}  // namespace samen::model
