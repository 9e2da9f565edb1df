#include "rooms/document_store.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ot/json.hpp"
#include "store/db.hpp"
#include "store/repo.hpp"
#include "store/time.hpp"

namespace samen::rooms {

using protocol::ErrorCode;
using protocol::ProtocolError;

model::Document load_document(store::Db& db, std::string_view doc) {
    auto record = store::get_document(db, doc);
    if (!record || record->archived) {
        throw ProtocolError(ErrorCode::not_found, "no document '" + std::string(doc) + "'");
    }
    model::Document d;
    d.id = record->id;
    d.title = record->title;
    d.rev = static_cast<Rev>(record->rev);
    for (const auto& code : record->municipalities) {
        auto m = store::find_municipality(db, code);
        d.municipalities.push_back({code, m ? m->name : code});
    }
    for (auto& s : store::list_sections(db, doc)) {
        model::Section section;
        section.id = std::move(s.id);
        section.parent = s.parent.value_or("");
        section.position = s.position;
        section.title = std::move(s.title);
        section.owner = std::move(s.owner);
        section.deleted = s.deleted;
        (s.deleted ? d.deleted : d.sections).push_back(std::move(section));
    }
    for (auto& l : store::load_layers(db, doc)) {
        model::Section* s = d.section(l.section);
        if (!s) {
            auto it = std::find_if(d.deleted.begin(), d.deleted.end(),
                                   [&](const model::Section& x) { return x.id == l.section; });
            if (it == d.deleted.end()) continue;
            s = &*it;
        }
        model::Layer layer;
        layer.state = model::parse_layer_state(l.state).value_or(model::LayerState::common);
        layer.text = std::move(l.text);
        if (l.base) layer.base = static_cast<Rev>(*l.base);
        layer.life = static_cast<Rev>(l.life);
        layer.changed_rev = static_cast<Rev>(l.changed_rev);
        s->layers.emplace(l.layer, std::move(layer));
    }
    return d;
}

std::vector<DocumentSummary> list_documents(store::Db& db,
                                            const std::optional<std::string>& municipality) {
    std::vector<DocumentSummary> out;
    for (auto& d : store::list_documents(db)) {
        if (d.archived) continue;
        if (municipality && std::find(d.municipalities.begin(), d.municipalities.end(),
                                      *municipality) == d.municipalities.end()) {
            continue;
        }
        out.push_back({d.id, d.title, static_cast<Rev>(d.rev), d.municipalities});
    }
    return out;
}


namespace {

/// Refuses to store revision `rev` unless the document stands at the one before: a failed change
/// must never leave a gap that a later one fills.
void check_next_rev(store::Db& db, std::string_view doc, std::int64_t rev) {
    auto current = store::get_document(db, doc);
    if (!current || current->rev != rev - 1) {
        throw store::StoreError(0, "document " + std::string(doc) + " is not at revision " +
                                       std::to_string(rev - 1));
    }
}

}  // namespace

namespace {

store::LayerRecord layer_record(const std::string& section, const std::string& code,
                                const model::Layer& layer) {
    store::LayerRecord l;
    l.section = section;
    l.layer = code;
    l.state = std::string(model::to_string(layer.state));
    l.text = layer.text;
    if (layer.base) l.base = static_cast<std::int64_t>(*layer.base);
    l.life = static_cast<std::int64_t>(layer.life);
    l.changed_rev = static_cast<std::int64_t>(layer.changed_rev);
    return l;
}

void append_structural(store::Db& db, std::string_view doc, std::int64_t rev,
                       const std::string& kind, const std::string& section,
                       const std::optional<std::string>& layer, const nlohmann::json& data,
                       std::int64_t author) {
    check_next_rev(db, doc, rev);
    store::ChangeRecord change;
    change.doc = doc;
    change.rev = rev;
    change.kind = kind;
    change.section = section;
    change.layer = layer;
    if (!data.empty()) change.data = data.dump();
    change.author = author;
    change.at = store::now_string();
    store::append_change(db, change);
}

}  // namespace

void append_tree_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                        const std::string& section, const nlohmann::json& data,
                        std::int64_t author, const std::vector<model::Section>& sections,
                        const std::vector<std::pair<std::string, model::Layer>>& new_layers) {
    const auto r = static_cast<std::int64_t>(rev);
    append_structural(db, doc, r, kind, section, std::nullopt, data, author);
    for (const auto& s : sections) {
        store::SectionRecord row;
        row.id = s.id;
        if (!s.parent.empty()) row.parent = s.parent;
        row.position = s.position;
        row.title = s.title;
        row.owner = s.owner;
        row.deleted = s.deleted;
        if (!store::update_section(db, doc, row)) store::insert_section(db, doc, row);
    }
    for (const auto& [code, layer] : new_layers) {
        store::put_layer(db, doc, layer_record(section, code, layer));
    }
    store::set_document_rev(db, doc, r);
}

void append_layer_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                         const std::string& section, const std::string& code,
                         const nlohmann::json& data, std::int64_t author,
                         const std::optional<model::Layer>& layer) {
    const auto r = static_cast<std::int64_t>(rev);
    append_structural(db, doc, r, kind, section, code, data, author);
    if (layer) {
        store::put_layer(db, doc, layer_record(section, code, *layer));
    } else {
        store::delete_layer(db, doc, section, code);
    }
    store::set_document_rev(db, doc, r);
}

void append_edit(store::Db& db, std::string_view doc, const AppliedEdit& edit,
                 std::string_view new_text) {
    const auto rev = static_cast<std::int64_t>(edit.rev);
    check_next_rev(db, doc, rev);
    store::ChangeRecord change;
    change.doc = doc;
    change.rev = rev;
    change.kind = "edit";
    change.section = edit.section;
    change.layer = edit.layer;
    change.op = ot::to_json(edit.op).dump();
    change.author = edit.author;
    change.opid = edit.opid;
    change.at = store::now_string();
    store::append_change(db, change);
    if (!store::set_layer_text(db, doc, edit.section, edit.layer, new_text, rev)) {
        throw store::StoreError(0, "no layer " + edit.layer + " in section " + edit.section);
    }
    store::set_document_rev(db, doc, rev);
}

std::vector<AppliedEdit> load_edits(store::Db& db, std::string_view doc, std::string_view section,
                                    std::string_view layer, Rev after, Rev upto) {
    std::vector<AppliedEdit> out;
    for (auto& c : store::list_layer_edits(db, doc, section, layer, static_cast<std::int64_t>(after))) {
        if (static_cast<Rev>(c.rev) > upto) break;
        AppliedEdit e;
        e.rev = static_cast<Rev>(c.rev);
        e.section = section;
        e.layer = layer;
        e.op = ot::op_from_json(nlohmann::json::parse(c.op.value_or("[]")));
        e.opid = c.opid.value_or("");
        e.author = c.author.value_or(0);
        out.push_back(std::move(e));
    }
    return out;
}

std::optional<Rev> find_edit_by_opid(store::Db& db, std::string_view doc, std::int64_t author,
                                     std::string_view opid) {
    auto rev = store::find_change_by_opid(db, doc, author, opid);
    if (!rev) return std::nullopt;
    return static_cast<Rev>(*rev);
}

}  // namespace samen::rooms
