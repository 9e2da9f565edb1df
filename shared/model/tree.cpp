#include "model/tree.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "model/markdown_import.hpp"
#include "model/measures.hpp"
#include "model/refused.hpp"

namespace samen::model {
namespace {

using Why = Refused::Why;

/// The rows a change touched, by id: each written once, as it ends up.
using Touched = std::map<std::string, Section>;

Section& existing(Document& doc, const std::string& id) {
    Section* s = doc.section(id);
    if (!s) throw Refused(Why::not_found, "no section '" + id + "'");
    return *s;
}

/// The section that is to be the parent (nullopt: the top level); throws when there is none.
const Section* parent_of(const Document& doc, const std::optional<std::string>& parent) {
    if (!parent) return nullptr;
    const Section* p = doc.section(*parent);
    if (!p) throw Refused(Why::not_found, "no section '" + *parent + "'");
    return p;
}

void check_owner_under(const Section* parent, const std::optional<std::string>& owner) {
    if (parent && parent->owner && parent->owner != owner) {
        throw Refused(Why::invalid,
                      "a section under a local-only section belongs to its municipality");
    }
}

/// Measures stand under prose (a chapter such as "Uitvoeringsplan 2023"), fields under a measure,
/// and nothing else under either: the uitvoeringsplan stays a table (model/measures.hpp).
void check_kind_under(const Section* parent, SectionKind kind) {
    const SectionKind above = parent ? parent->kind : SectionKind::text;
    if (kind == SectionKind::field) {
        if (above != SectionKind::maatregel) {
            throw Refused(Why::invalid, "a field belongs to a measure (maatregel)");
        }
    } else if (kind == SectionKind::maatregel && !parent) {
        throw Refused(Why::invalid, "a measure (maatregel) stands in a chapter of the plan");
    } else if (above != SectionKind::text) {
        throw Refused(Why::invalid, above == SectionKind::maatregel
                                        ? "a measure (maatregel) holds only its fields"
                                        : "a field holds no sections");
    }
}

std::vector<Section*> children(Document& doc, const std::string& parent, const Section* except) {
    std::vector<Section*> out;
    for (auto& s : doc.sections) {
        if (s.parent == parent && &s != except) out.push_back(&s);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Section* a, const Section* b) { return a->position < b->position; });
    return out;
}

/// Numbers the children of `parent` 0..n-1 again after one left.
void renumber(Document& doc, const std::string& parent, Touched& touched) {
    auto siblings = children(doc, parent, nullptr);
    for (std::size_t i = 0; i < siblings.size(); ++i) {
        if (siblings[i]->position != static_cast<std::int64_t>(i)) {
            siblings[i]->position = static_cast<std::int64_t>(i);
            touched[siblings[i]->id] = *siblings[i];
        }
    }
}

/// Puts `id` at `position` among the children of `parent` and numbers them 0..n-1 again.
void place(Document& doc, const std::string& id, const std::string& parent, std::int64_t position,
           Touched& touched) {
    Section* moving = doc.section(id);
    auto siblings = children(doc, parent, moving);
    const auto at = static_cast<std::size_t>(
        std::clamp<std::int64_t>(position, 0, static_cast<std::int64_t>(siblings.size())));
    siblings.insert(siblings.begin() + static_cast<std::ptrdiff_t>(at), moving);
    moving->parent = parent;
    for (std::size_t i = 0; i < siblings.size(); ++i) {
        siblings[i]->position = static_cast<std::int64_t>(i);
    }
    for (auto* s : siblings) touched[s->id] = *s;
}

TreeChange finish(Document& doc, TreeChange change, Touched touched) {
    sort_tree(doc.sections);
    for (auto& [id, s] : touched) change.rows.push_back(std::move(s));
    return change;
}

}  // namespace

const Section* deleted_section(const Document& doc, const std::string& id) {
    auto it = std::find_if(doc.deleted.begin(), doc.deleted.end(),
                           [&](const Section& s) { return s.id == id; });
    return it == doc.deleted.end() ? nullptr : &*it;
}

TreeChange create_section(Document& doc, const std::string& title,
                          const std::optional<std::string>& parent, std::int64_t position,
                          const std::optional<std::string>& owner_asked, SectionKind kind) {
    if (owner_asked && !doc.takes_part(*owner_asked)) {
        throw Refused(Why::not_found, "'" + *owner_asked + "' is not a municipality taking part");
    }
    const Section* above = parent_of(doc, parent);
    check_kind_under(above, kind);
    std::optional<std::string> owner = owner_asked;
    std::string base_id = slugify(title);
    if (kind == SectionKind::field) {
        const auto slug = field_slug(title);
        if (!slug) throw Refused(Why::invalid, "'" + title + "' is not a field of a measure");
        for (const Section& s : doc.sections) {
            if (s.parent == above->id && field_slug(s.title) == slug) {
                throw Refused(Why::conflict, "measure '" + above->id + "' has its " +
                                                 std::string(*slug) + " already");
            }
        }
        if (!owner) owner = above->owner;  // a local measure's fields are its owner's
        base_id = above->id + "-" + std::string(*slug);
    }
    check_owner_under(above, owner);

    TreeChange change;
    change.rev = ++doc.rev;
    if (base_id.empty()) base_id = "sectie";
    std::string id = base_id;
    for (int n = 2; doc.has_section_id(id); ++n) id = base_id + "-" + std::to_string(n);
    Section s;
    s.id = id;
    s.title = title;
    s.owner = owner;
    s.kind = kind;
    Layer text;
    text.state = owner ? LayerState::override_ : LayerState::common;
    text.life = change.rev;
    text.changed_rev = change.rev;
    s.layers[s.text_layer()] = text;
    change.new_layers.emplace_back(s.text_layer(), text);
    change.section = id;
    doc.sections.push_back(std::move(s));
    Touched touched;
    place(doc, id, parent.value_or(""), position, touched);
    return finish(doc, std::move(change), std::move(touched));
}

TreeChange rename_section(Document& doc, const std::string& id, const std::string& title) {
    Section& s = existing(doc, id);
    TreeChange change;
    change.rev = ++doc.rev;
    change.section = id;
    change.data["from"] = s.title;
    s.title = title;
    change.rows.push_back(s);
    return change;
}

TreeChange move_section(Document& doc, const std::string& id,
                        const std::optional<std::string>& parent, std::int64_t position) {
    const Section& s = existing(doc, id);
    if (const Section* p = parent_of(doc, parent)) {
        auto below = doc.descendants(id);
        if (p->id == id || std::find(below.begin(), below.end(), p->id) != below.end()) {
            throw Refused(Why::invalid, "a section cannot move under itself");
        }
        check_owner_under(p, s.owner);
    }
    if (s.kind == SectionKind::field && parent.value_or("") != s.parent) {
        throw Refused(Why::invalid, "a field stays with its measure");
    }
    check_kind_under(parent_of(doc, parent), s.kind);
    TreeChange change;
    change.rev = ++doc.rev;
    change.section = id;
    const std::string old_parent = s.parent;
    change.data["from"] = {
        {"parent", old_parent.empty() ? nlohmann::json() : nlohmann::json(old_parent)},
        {"position", s.position}};
    Touched touched;
    place(doc, id, parent.value_or(""), position, touched);
    renumber(doc, old_parent, touched);
    return finish(doc, std::move(change), std::move(touched));
}

TreeChange delete_section(Document& doc, const std::string& id) {
    const std::string parent = existing(doc, id).parent;
    TreeChange change;
    change.rev = ++doc.rev;
    change.section = id;
    change.sections = doc.descendants(id);
    change.sections.insert(change.sections.begin(), id);
    Touched touched;
    for (const auto& gone : change.sections) {
        auto s = std::find_if(doc.sections.begin(), doc.sections.end(),
                              [&](const Section& x) { return x.id == gone; });
        s->deleted = true;
        s->deleted_rev = change.rev;
        touched[gone] = *s;
        doc.deleted.push_back(std::move(*s));
        doc.sections.erase(s);
    }
    renumber(doc, parent, touched);
    change.data["sections"] = change.sections;
    return finish(doc, std::move(change), std::move(touched));
}

std::vector<std::string> restore_set(const Document& doc, const std::string& id) {
    const Section* top = deleted_section(doc, id);
    if (!top) return {};
    // What was deleted under it before, on its own, is not this delete's to bring back.
    std::vector<std::string> back{id};
    for (std::size_t i = 0; i < back.size(); ++i) {
        for (const auto& s : doc.deleted) {
            if (s.parent == back[i] && s.deleted_rev == top->deleted_rev) back.push_back(s.id);
        }
    }
    return back;
}

TreeChange restore_section(Document& doc, const std::string& id) {
    const Section* top = deleted_section(doc, id);
    if (!top) throw Refused(Why::not_found, "no deleted section '" + id + "'");
    if (top->kind != SectionKind::text && !doc.section(top->parent) && !top->parent.empty()) {
        throw Refused(Why::invalid, top->kind == SectionKind::field
                                        ? "a field comes back with its measure: restore the measure"
                                        : "a measure comes back with its chapter: restore that");
    }
    TreeChange change;
    if (top->deleted_rev) change.data["deleted_rev"] = *top->deleted_rev;
    change.sections = restore_set(doc, id);
    change.rev = ++doc.rev;
    change.section = id;
    const std::vector<std::string>& back = change.sections;
    for (const auto& b : back) {
        auto s = std::find_if(doc.deleted.begin(), doc.deleted.end(),
                              [&](const Section& x) { return x.id == b; });
        s->deleted = false;
        s->deleted_rev.reset();
        doc.sections.push_back(std::move(*s));
        doc.deleted.erase(s);
    }
    Section& restored = *doc.section(id);
    change.data["from"] = restored.position;
    const std::string parent = doc.section(restored.parent) ? restored.parent : std::string();
    // With its parent gone it comes back at the top level; the log keeps the parent it had, so
    // that the past shows it there (model::undo).
    if (parent != restored.parent) change.data["parent"] = restored.parent;
    Touched touched;
    place(doc, id, parent, std::numeric_limits<std::int64_t>::max(), touched);
    // A subsection deleted on its own before its parent comes back with it too, into a place its
    // old siblings have filled since: they are numbered again, and the log keeps the places they
    // had (model::undo).
    nlohmann::json places = nlohmann::json::object();
    for (const auto& b : back) {
        auto siblings = children(doc, b, nullptr);
        for (std::size_t i = 0; i < siblings.size(); ++i) {
            const auto at = static_cast<std::int64_t>(i);
            if (siblings[i]->position != at) {
                places[siblings[i]->id] = std::exchange(siblings[i]->position, at);
            }
        }
    }
    if (!places.empty()) change.data["positions"] = std::move(places);
    for (const auto& b : back) touched[b] = *doc.section(b);
    change.data["sections"] = back;
    return finish(doc, std::move(change), std::move(touched));
}

}  // namespace samen::model
