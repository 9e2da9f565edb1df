#include "model/document.hpp"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "model/refused.hpp"

namespace samen::model {

bool is_municipality_code(std::string_view s) noexcept {
    return s.size() == 6 && s.substr(0, 2) == "GM" &&
           std::all_of(s.begin() + 2, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view to_string(LayerState s) noexcept {
    switch (s) {
        case LayerState::common:
            return "common";
        case LayerState::override_:
            return "override";
        case LayerState::omit:
            return "omit";
    }
    return "common";
}

std::optional<LayerState> parse_layer_state(std::string_view s) noexcept {
    if (s == "common") return LayerState::common;
    if (s == "override") return LayerState::override_;
    if (s == "omit") return LayerState::omit;
    return std::nullopt;
}

std::string_view to_string(SectionKind k) noexcept {
    switch (k) {
        case SectionKind::text:
            return "text";
        case SectionKind::maatregel:
            return "maatregel";
        case SectionKind::field:
            return "field";
    }
    return "text";
}

std::optional<SectionKind> parse_section_kind(std::string_view s) noexcept {
    if (s == "text") return SectionKind::text;
    if (s == "maatregel") return SectionKind::maatregel;
    if (s == "field") return SectionKind::field;
    return std::nullopt;
}

const Layer* Section::layer(std::string_view name) const {
    auto it = layers.find(name);
    return it == layers.end() ? nullptr : &it->second;
}

bool Section::is_stale(std::string_view municipality) const {
    const Layer* local = layer(municipality);
    const Layer* common = layer(common_layer);
    if (!local || !common || local->state != LayerState::override_ || !local->base) return false;
    return *local->base < common->changed_rev;
}

bool Document::takes_part(std::string_view municipality) const {
    return std::any_of(municipalities.begin(), municipalities.end(),
                       [&](const Municipality& m) { return m.code == municipality; });
}

Section* Document::section(std::string_view section_id) {
    auto it = std::find_if(sections.begin(), sections.end(),
                           [&](const Section& s) { return s.id == section_id; });
    return it == sections.end() ? nullptr : &*it;
}

const Section* Document::section(std::string_view section_id) const {
    return const_cast<Document*>(this)->section(section_id);
}

const Municipality* Document::municipality(std::string_view code) const {
    auto it = std::find_if(municipalities.begin(), municipalities.end(),
                           [&](const Municipality& m) { return m.code == code; });
    return it == municipalities.end() ? nullptr : &*it;
}

bool Document::has_section_id(std::string_view section_id) const {
    auto same = [&](const Section& s) { return s.id == section_id; };
    return std::any_of(sections.begin(), sections.end(), same) ||
           std::any_of(deleted.begin(), deleted.end(), same);
}

std::vector<std::string> Document::descendants(std::string_view section_id) const {
    std::vector<std::string> out;
    std::vector<std::string> todo{std::string(section_id)};
    while (!todo.empty() && out.size() <= sections.size()) {
        std::string parent = std::move(todo.back());
        todo.pop_back();
        for (const Section& s : sections) {
            if (s.parent == parent) {
                out.push_back(s.id);
                todo.push_back(s.id);
            }
        }
    }
    return out;
}

const Version& add_version(Document& doc, const std::string& label, std::optional<Rev> rev,
                           const UserRef& author, const std::string& created_at) {
    if (rev && *rev > doc.rev) {
        throw Refused(Refused::Why::invalid,
                      "rev " + std::to_string(*rev) + " is ahead of the document");
    }
    for (const auto& v : doc.versions) {
        if (v.label == label) {
            throw Refused(Refused::Why::conflict,
                          "there is a version named '" + label + "' already");
        }
    }
    doc.versions.push_back({rev.value_or(doc.rev), label, author, created_at});
    ++doc.rev;
    return doc.versions.back();
}

nlohmann::json rename_document(Document& doc, const std::string& title) {
    nlohmann::json data = {{"from", doc.title}, {"title", title}};
    doc.title = title;
    ++doc.rev;
    return data;
}

nlohmann::json set_archived(Document& doc, bool archived) {
    if (doc.archived == archived) {
        throw Refused(Refused::Why::conflict, archived ? "the document is archived already"
                                                       : "the document is not archived");
    }
    doc.archived = archived;
    ++doc.rev;
    return {{"from", !archived}, {"archived", archived}};
}

void sort_tree(std::vector<Section>& sections) {
    std::map<std::string, std::vector<const Section*>> children;
    for (const Section& s : sections) children[s.parent].push_back(&s);
    for (auto& [parent, list] : children) {
        std::stable_sort(list.begin(), list.end(), [](const Section* a, const Section* b) {
            return a->position < b->position;
        });
    }
    std::vector<Section> ordered;
    ordered.reserve(sections.size());
    std::function<void(const std::string&, std::size_t)> walk = [&](const std::string& parent,
                                                                    std::size_t depth) {
        auto it = children.find(parent);
        if (it == children.end() || depth > sections.size()) return;  // depth guards a cycle
        for (const Section* s : it->second) {
            ordered.push_back(*s);
            walk(s->id, depth + 1);
        }
    };
    walk("", 0);
    // Sections whose parent is missing (never expected) keep their place at the end.
    if (ordered.size() < sections.size()) {
        for (const Section& s : sections) {
            bool placed = std::any_of(ordered.begin(), ordered.end(),
                                      [&](const Section& o) { return o.id == s.id; });
            if (!placed) ordered.push_back(s);
        }
    }
    sections = std::move(ordered);
}

nlohmann::json to_json(const Municipality& m) {
    return {{"code", m.code}, {"name", m.name}};
}

nlohmann::json to_json(const Section& s) {
    auto layers = nlohmann::json::object();
    for (const auto& [name, layer] : s.layers) {
        nlohmann::json l;
        if (name == common_layer) {
            l = {{"text", layer.text}, {"changed_rev", layer.changed_rev}};
        } else if (layer.state == LayerState::omit) {
            l = {{"state", "omit"}};
        } else {
            l = {{"state", "override"},
                 {"text", layer.text},
                 {"changed_rev", layer.changed_rev},
                 {"stale", s.is_stale(name)}};
            l["base"] = layer.base ? nlohmann::json(*layer.base) : nlohmann::json(nullptr);
        }
        layers[name] = std::move(l);
    }
    nlohmann::json out = {
        {"id", s.id},
        {"parent", s.parent.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.parent)},
        {"position", s.position},
        {"title", s.title},
        {"owner", s.owner ? nlohmann::json(*s.owner) : nlohmann::json(nullptr)},
        {"layers", std::move(layers)}};
    // Prose is the default and goes without saying, so that older clients read it unchanged.
    if (s.kind != SectionKind::text) out["kind"] = to_string(s.kind);
    return out;
}

nlohmann::json to_json(const UserRef& u) {
    return {{"id", u.id},
            {"name", u.name},
            {"display_name", u.display_name},
            {"municipality", u.municipality ? nlohmann::json(*u.municipality) : nlohmann::json()}};
}

nlohmann::json to_json(const Proposal& p) {
    nlohmann::json j = {{"id", p.id},
                        {"section", p.section},
                        {"layer", p.layer},
                        {"text", p.text},
                        {"base", p.base},
                        {"proposer", to_json(p.proposer)},
                        {"created_at", p.created_at},
                        {"votes", p.votes},
                        {"state", p.state}};
    if (p.closed_rev) j["closed_rev"] = *p.closed_rev;
    return j;
}

nlohmann::json to_json(const Version& v) {
    return {{"rev", v.rev},
            {"label", v.label},
            {"author", to_json(v.author)},
            {"created_at", v.created_at}};
}

nlohmann::json to_json(const Thread& t) {
    auto comments = nlohmann::json::array();
    for (const ThreadComment& c : t.comments) {
        comments.push_back({{"id", c.id},
                            {"author", to_json(c.author)},
                            {"text", c.text},
                            {"created_at", c.created_at}});
    }
    nlohmann::json j = {{"id", t.id},          {"section", t.section}, {"layer", t.layer},
                        {"from", t.from},      {"to", t.to},           {"resolved", t.resolved},
                        {"comments", comments}};
    j["municipality"] = t.municipality ? nlohmann::json(*t.municipality) : nlohmann::json();
    j["proposal"] = t.proposal ? nlohmann::json(*t.proposal) : nlohmann::json();
    return j;
}

UserRef user_ref_from_json(const nlohmann::json& u) {
    UserRef r;
    r.id = u.at("id").get<std::int64_t>();
    r.name = u.at("name").get<std::string>();
    r.display_name = u.value("display_name", std::string());
    if (auto m = u.find("municipality"); m != u.end() && m->is_string()) r.municipality = *m;
    return r;
}

Thread thread_from_json(const nlohmann::json& j) {
    Thread t;
    t.id = j.at("id").get<std::int64_t>();
    t.section = j.at("section").get<std::string>();
    t.layer = j.at("layer").get<std::string>();
    t.from = j.at("from").get<std::size_t>();
    t.to = j.at("to").get<std::size_t>();
    if (auto m = j.find("municipality"); m != j.end() && m->is_string()) t.municipality = *m;
    if (auto p = j.find("proposal"); p != j.end() && p->is_number_integer()) t.proposal = *p;
    t.resolved = j.value("resolved", false);
    for (const auto& c : j.at("comments")) {
        t.comments.push_back({c.at("id").get<std::int64_t>(), user_ref_from_json(c.at("author")),
                              c.at("text").get<std::string>(),
                              c.value("created_at", std::string())});
    }
    return t;
}

nlohmann::json to_json(const Adoption& a) {
    nlohmann::json j = {{"state", a.state}, {"rev", a.rev}};
    if (a.state != "concept") {
        j["date"] = a.date;
        j["reference"] = a.reference;
    }
    return j;
}

Adoption adoption_from_json(const nlohmann::json& j) {
    Adoption a;
    a.state = j.value("state", std::string("concept"));
    a.date = j.value("date", std::string());
    a.reference = j.value("reference", std::string());
    a.rev = j.value("rev", Rev{0});
    return a;
}

Section section_from_json(const nlohmann::json& j) {
    Section s;
    s.id = j.at("id").get<std::string>();
    if (j.contains("parent") && j["parent"].is_string()) s.parent = j["parent"].get<std::string>();
    s.position = j.value("position", std::int64_t{0});
    s.title = j.at("title").get<std::string>();
    if (j.contains("owner") && j["owner"].is_string()) s.owner = j["owner"].get<std::string>();
    if (j.contains("kind") && j["kind"].is_string()) {
        s.kind = parse_section_kind(j["kind"].get<std::string>()).value_or(SectionKind::text);
    }
    for (const auto& [name, l] : j.at("layers").items()) {
        Layer layer;
        if (name == common_layer) {
            layer.state = LayerState::common;
        } else {
            layer.state =
                parse_layer_state(l.at("state").get<std::string>()).value_or(LayerState::override_);
        }
        layer.text = l.value("text", std::string());
        layer.changed_rev = l.value("changed_rev", Rev{0});
        if (l.contains("base") && l["base"].is_number_unsigned()) layer.base = l["base"].get<Rev>();
        s.layers.emplace(name, std::move(layer));
    }
    return s;
}

}  // namespace samen::model
