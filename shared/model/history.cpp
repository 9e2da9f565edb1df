#include "model/history.hpp"

#include <algorithm>

#include "model/merge.hpp"
#include "text/utf8.hpp"

namespace samen::model {

namespace {

Section* find_any(Document& doc, const std::string& id) {
    if (Section* s = doc.section(id)) return s;
    for (auto& s : doc.deleted) {
        if (s.id == id) return &s;
    }
    return nullptr;
}

Section& need(Document& doc, const std::optional<std::string>& id, Rev rev) {
    Section* s = id ? find_any(doc, *id) : nullptr;
    if (!s) {
        throw HistoryError("revision " + std::to_string(rev) +
                           " names a section that is not there");
    }
    return *s;
}

/// The live children of `parent` but `except`, by position.
std::vector<Section*> children(Document& doc, const std::string& parent,
                               const std::string& except) {
    std::vector<Section*> out;
    for (auto& s : doc.sections) {
        if (s.parent == parent && s.id != except) out.push_back(&s);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Section* a, const Section* b) { return a->position < b->position; });
    return out;
}

void renumber(Document& doc, const std::string& parent) {
    std::int64_t i = 0;
    for (Section* s : children(doc, parent, {})) s->position = i++;
}

/// Puts live section `id` at `position` among the children of `parent`, numbering them again.
void place(Document& doc, const std::string& id, const std::string& parent, std::int64_t position) {
    Section* moved = doc.section(id);
    moved->parent = parent;
    auto siblings = children(doc, parent, id);
    const auto at = static_cast<std::size_t>(
        std::clamp<std::int64_t>(position, 0, static_cast<std::int64_t>(siblings.size())));
    siblings.insert(siblings.begin() + static_cast<std::ptrdiff_t>(at), moved);
    std::int64_t i = 0;
    for (Section* s : siblings) s->position = i++;
}

std::string string_or(const nlohmann::json& data, const char* key, std::string fallback = {}) {
    if (data.is_object()) {
        auto it = data.find(key);
        if (it != data.end() && it->is_string()) return it->get<std::string>();
    }
    return fallback;
}

Layer override_from(const nlohmann::json& data) {
    Layer l;
    l.state = LayerState::override_;
    l.text = string_or(data, "text");
    if (data.is_object() && data.contains("base") && data["base"].is_number_unsigned()) {
        l.base = data["base"].get<Rev>();
    }
    return l;
}

}  // namespace

void undo(Document& doc, const Change& c) {
    const std::string& k = c.kind;
    const std::string code = c.layer.value_or("");
    if (k == "edit") {
        Section& s = need(doc, c.section, c.rev);
        auto layer = s.layers.find(code);
        if (layer == s.layers.end() || !c.op) {
            throw HistoryError("revision " + std::to_string(c.rev) +
                               " edits a layer that is not there");
        }
        if (!ot::is_invertible(*c.op)) {
            throw HistoryError("the text before revision " + std::to_string(c.rev) +
                               " cannot be read back");
        }
        if (c.data.is_object() && c.data.contains("rebased_from") &&
            c.data["rebased_from"].is_number_unsigned()) {
            layer->second.base = c.data["rebased_from"].get<Rev>();
        }
        try {
            layer->second.text = ot::apply(layer->second.text, ot::invert(*c.op));
        } catch (const ot::OpError& e) {
            throw HistoryError("revision " + std::to_string(c.rev) + " does not undo: " + e.what());
        }
    } else if (k == "diverge") {
        need(doc, c.section, c.rev).layers.erase(code);
    } else if (k == "revert") {
        need(doc, c.section, c.rev).layers[code] = override_from(c.data);
    } else if (k == "omit") {
        Section& s = need(doc, c.section, c.rev);
        if (c.data.is_object() && c.data.contains("text")) {
            s.layers[code] = override_from(c.data);
        } else {
            s.layers.erase(code);
        }
    } else if (k == "include") {
        Layer l;
        l.state = LayerState::omit;
        need(doc, c.section, c.rev).layers[code] = l;
    } else if (k == "acknowledge") {
        if (c.data.is_object() && c.data.contains("from") && c.data["from"].is_number_unsigned()) {
            need(doc, c.section, c.rev).layers[code].base = c.data["from"].get<Rev>();
        }
    } else if (k == "section.create") {
        Section& s = need(doc, c.section, c.rev);
        const std::string parent = s.parent;
        const std::string id = s.id;
        std::erase_if(doc.sections, [&](const Section& x) { return x.id == id; });
        std::erase_if(doc.deleted, [&](const Section& x) { return x.id == id; });
        renumber(doc, parent);
    } else if (k == "section.rename") {
        need(doc, c.section, c.rev).title = string_or(c.data, "from");
    } else if (k == "section.move") {
        Section& s = need(doc, c.section, c.rev);
        const std::string now_parent = s.parent;
        const nlohmann::json from =
            c.data.is_object() ? c.data.value("from", nlohmann::json()) : nlohmann::json();
        const std::string parent = string_or(from, "parent");
        const std::int64_t position =
            from.is_object() && from.contains("position") && from["position"].is_number_integer()
                ? from["position"].get<std::int64_t>()
                : 0;
        place(doc, s.id, parent, position);
        renumber(doc, now_parent);
    } else if (k == "section.delete") {
        const auto ids = c.data.is_object() ? c.data.value("sections", std::vector<std::string>{})
                                            : std::vector<std::string>{};
        for (const auto& id : ids) {
            auto it = std::find_if(doc.deleted.begin(), doc.deleted.end(),
                                   [&](const Section& x) { return x.id == id; });
            if (it == doc.deleted.end()) continue;
            it->deleted = false;
            it->deleted_rev.reset();
            doc.sections.push_back(std::move(*it));
            doc.deleted.erase(it);
        }
        if (Section* top = c.section ? doc.section(*c.section) : nullptr) {
            place(doc, top->id, top->parent, top->position);
        }
    } else if (k == "section.restore") {
        const auto ids = c.data.is_object() ? c.data.value("sections", std::vector<std::string>{})
                                            : std::vector<std::string>{};
        std::string parent;
        if (Section* top = c.section ? doc.section(*c.section) : nullptr) {
            parent = top->parent;
            if (c.data.contains("from") && c.data["from"].is_number_integer()) {
                top->position = c.data["from"].get<std::int64_t>();
            }
            if (c.data.contains("parent") && c.data["parent"].is_string()) {
                top->parent = c.data["parent"].get<std::string>();
            }
        }
        if (c.data.is_object() && c.data.contains("positions") && c.data["positions"].is_object()) {
            for (const auto& [id, position] : c.data["positions"].items()) {
                Section* s = doc.section(id);
                if (s && position.is_number_integer()) s->position = position.get<std::int64_t>();
            }
        }
        for (const auto& id : ids) {
            auto it = std::find_if(doc.sections.begin(), doc.sections.end(),
                                   [&](const Section& x) { return x.id == id; });
            if (it == doc.sections.end()) continue;
            it->deleted = true;
            if (c.data.contains("deleted_rev") && c.data["deleted_rev"].is_number_unsigned()) {
                it->deleted_rev = c.data["deleted_rev"].get<Rev>();
            }
            doc.deleted.push_back(std::move(*it));
            doc.sections.erase(it);
        }
        renumber(doc, parent);
    } else if (k == "document.rename") {
        doc.title = string_or(c.data, "from", doc.title);
    } else if (k == "document.archive") {
        if (c.data.is_object() && c.data.contains("from") && c.data["from"].is_boolean()) {
            doc.archived = c.data["from"].get<bool>();
        }
    } else if (k == "priorities.set") {
        if (c.data.is_object() && c.data.contains("from") && c.data["from"].is_array()) {
            auto from = c.data["from"].get<std::vector<std::string>>();
            if (from.empty()) {
                doc.priorities.erase(code);
            } else {
                doc.priorities[code] = std::move(from);
            }
        }
    } else if (k == "adoption.set") {
        if (c.data.is_object() && c.data.contains("from") && c.data["from"].is_object()) {
            doc.adoption[code] = adoption_from_json(c.data["from"]);
        } else {
            doc.adoption.erase(code);
        }
    }
    // propose, vote, tag: no text and no tree changed. Only a tree change reorders sections.
    if (k.rfind("section.", 0) == 0) sort_tree(doc.sections);
    doc.rev = c.rev - 1;
}

Document rewind(Document doc, std::vector<Change> changes, Rev rev) {
    std::sort(changes.begin(), changes.end(),
              [](const Change& a, const Change& b) { return a.rev > b.rev; });
    for (const Change& c : changes) {
        if (c.rev <= rev || c.rev > doc.rev) continue;
        if (c.rev != doc.rev) {
            throw HistoryError("revision " + std::to_string(doc.rev) +
                               " is missing from the history");
        }
        undo(doc, c);
    }
    if (doc.rev > rev) {
        throw HistoryError("revision " + std::to_string(doc.rev) + " is missing from the history");
    }
    return doc;
}

void set_changed_revs(Document& doc,
                      const std::map<std::pair<std::string, std::string>, Rev>& last) {
    auto lookup = [&](const std::string& section, const std::string& layer) -> Rev {
        auto it = last.find({section, layer});
        return it == last.end() ? 0 : it->second;
    };
    auto fix = [&](Section& s) {
        for (auto& [name, layer] : s.layers) {
            Rev r = lookup(s.id, name);
            if (name == s.text_layer()) r = std::max(r, lookup(s.id, ""));
            layer.changed_rev = r;
        }
    };
    for (auto& s : doc.sections) fix(s);
    for (auto& s : doc.deleted) fix(s);
}

LayerAt layer_at(const Document& doc, const std::string& section, const std::string& layer) {
    const Section* s = doc.section(section);
    if (!s) {
        for (const auto& d : doc.deleted) {
            if (d.id == section) s = &d;
        }
    }
    if (!s) return {"absent", ""};
    if (const Layer* l = s->layer(layer)) {
        return {std::string(to_string(l->state)), l->text};
    }
    if (layer == common_layer || s->owner) return {"absent", ""};
    const Layer* common = s->layer(common_layer);
    return {"inherit", common ? common->text.str() : std::string()};
}

EditSize edit_size(const ot::Op& op) {
    EditSize out;
    for (const auto& c : op) {
        if (const auto* ins = std::get_if<ot::Insert>(&c)) out.inserted += utf8::count(ins->text);
        if (const auto* del = std::get_if<ot::Delete>(&c)) out.deleted += del->n;
    }
    return out;
}

nlohmann::json diff_parts(const std::string& a, const std::string& b) {
    auto parts = nlohmann::json::array();
    auto add = [&](const char* kind, std::string_view text) {
        if (text.empty()) return;
        if (!parts.empty() && parts.back()["kind"] == kind) {
            parts.back()["text"] = parts.back()["text"].get<std::string>() + std::string(text);
        } else {
            parts.push_back({{"kind", kind}, {"text", std::string(text)}});
        }
    };
    // Byte offsets of code point positions, read once.
    auto slice = [](const std::string& s, std::size_t from, std::size_t len) {
        const std::size_t start = utf8::byte_offset(s, from);
        const std::size_t end = start + utf8::byte_offset(std::string_view(s).substr(start), len);
        return std::string_view(s).substr(start, end - start);
    };
    std::size_t a_at = 0;
    for (const DiffHunk& h : diff(a, b)) {
        add("same", slice(a, a_at, h.a_start - a_at));
        add("delete", slice(a, h.a_start, h.a_len));
        add("insert", slice(b, h.b_start, h.b_len));
        a_at = h.a_start + h.a_len;
    }
    add("same", slice(a, a_at, utf8::count(a) - a_at));
    return parts;
}

}  // namespace samen::model
