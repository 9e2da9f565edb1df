// A small document built in code, with every kind of section and layer, for the unit tests of the
// model's changes (tests/unit/model) and of authorization (tests/unit/auth); and the views that
// compare and print documents in those tests.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/document.hpp"
#include "model/history.hpp"
#include "model/refused.hpp"

namespace samen::test {

inline const std::string kampen = "GM0166";
inline const std::string staphorst = "GM0180";
inline const std::string zwolle = "GM0193";

inline model::Layer common_text(std::string text, model::Rev changed) {
    model::Layer l;
    l.text = std::move(text);
    l.life = changed;
    l.changed_rev = changed;
    return l;
}

inline model::Layer override_text(std::string text, std::optional<model::Rev> base,
                                  model::Rev changed) {
    model::Layer l;
    l.state = model::LayerState::override_;
    l.text = std::move(text);
    l.base = base;
    l.life = base.value_or(changed);
    l.changed_rev = changed;
    return l;
}

inline model::Layer omitted(model::Rev life) {
    model::Layer l;
    l.state = model::LayerState::omit;
    l.life = life;
    l.changed_rev = life;
    return l;
}

/// A section with a common text, or (with `owner`) a local-only one with its owner's text.
inline model::Section make_section(std::string id, std::string parent, std::int64_t position,
                                   std::string text, std::optional<std::string> owner = {}) {
    model::Section s;
    s.id = std::move(id);
    s.parent = std::move(parent);
    s.position = position;
    s.title = s.id;
    s.title.front() = static_cast<char>(s.title.front() - 'a' + 'A');
    s.owner = std::move(owner);
    s.layers[s.text_layer()] =
        s.owner ? override_text(std::move(text), std::nullopt, 2) : common_text(std::move(text), 2);
    return s;
}

/// At revision 20, with Kampen, Staphorst and Zwolle taking part:
///
///     inleiding      Kampen overrides it (up to date)
///     velden         Staphorst omits it
///       jeugd        Kampen overrides it (stale: the common text changed at 12, after its base 8)
///       eigen        local-only of Staphorst
///     slot           an open proposal (1) of a new common text, approved by Kampen
///       bijlage      local-only of Kampen
///
/// Deleted: oud with oud-sub under it, and weg (local-only of Staphorst). One named version.
inline model::Document sample_document() {
    model::Document d;
    d.id = "ivp";
    d.title = "IVP";
    d.rev = 20;
    d.municipalities = {{kampen, "Kampen"}, {staphorst, "Staphorst"}, {zwolle, "Zwolle"}};

    model::Section inleiding = make_section("inleiding", "", 0, "Samen veilig.");
    inleiding.layers[kampen] = override_text("Kampen veilig.", 4, 6);
    model::Section velden = make_section("velden", "", 1, "Vijf velden.");
    velden.layers[staphorst] = omitted(7);
    model::Section jeugd = make_section("jeugd", "velden", 0, "Jeugd.");
    jeugd.layers["common"] = common_text("Jeugd en sport.", 12);
    jeugd.layers[kampen] = override_text("Jeugd in Kampen.", 8, 9);
    model::Section eigen = make_section("eigen", "velden", 1, "Ondermijning.", staphorst);
    model::Section slot = make_section("slot", "", 2, "Einde.");
    model::Section bijlage = make_section("bijlage", "slot", 0, "Kaarten.", kampen);
    d.sections = {inleiding, velden, jeugd, eigen, slot, bijlage};

    model::Section oud = make_section("oud", "", 3, "Oud.");
    model::Section oud_sub = make_section("oud-sub", "oud", 0, "Ouder.");
    model::Section weg = make_section("weg", "", 3, "Weg.", staphorst);
    for (model::Section* s : {&oud, &oud_sub, &weg}) s->deleted = true;
    d.deleted = {oud, oud_sub, weg};

    model::Proposal p;
    p.id = 1;
    p.section = "slot";
    p.layer = "common";
    p.text = "Einde, samen.";
    p.common_text = "Einde.";
    p.base = 15;
    p.proposer = {11, "kampen-coordinator", "Fatima el Amrani", kampen};
    p.created_at = "2026-01-05T10:00:00Z";
    p.votes[kampen] = "approve";
    d.proposals = {p};
    d.next_proposal = 2;
    d.versions = {{5, "Concept", p.proposer, "2026-01-02T09:00:00Z"}};
    return d;
}

inline nlohmann::json layer_view(const model::Layer& l, bool with_revs) {
    nlohmann::json j = {{"state", model::to_string(l.state)}, {"text", l.text}};
    j["base"] = l.base ? nlohmann::json(*l.base) : nlohmann::json();
    if (with_revs) {
        j["life"] = l.life;
        j["changed_rev"] = l.changed_rev;
    }
    return j;
}

inline nlohmann::json section_view(const model::Section& s, bool with_revs) {
    nlohmann::json layers = nlohmann::json::object();
    for (const auto& [name, l] : s.layers) layers[name] = layer_view(l, with_revs);
    return {{"id", s.id},
            {"parent", s.parent},
            {"position", s.position},
            {"title", s.title},
            {"owner", s.owner ? nlohmann::json(*s.owner) : nlohmann::json()},
            {"deleted", s.deleted},
            {"layers", std::move(layers)}};
}

/// What model::undo brings back: the title, the tree (the deleted sections in any order) and each
/// layer's state, text and base. The revisions of a layer's life and last change are read from
/// the log instead (model::set_changed_revs), and proposals, votes and versions are not rewound.
inline nlohmann::json past_view(const model::Document& d) {
    nlohmann::json sections = nlohmann::json::array();
    for (const auto& s : d.sections) sections.push_back(section_view(s, false));
    std::vector<model::Section> deleted = d.deleted;
    std::sort(deleted.begin(), deleted.end(),
              [](const model::Section& a, const model::Section& b) { return a.id < b.id; });
    nlohmann::json gone = nlohmann::json::array();
    for (const auto& s : deleted) gone.push_back(section_view(s, false));
    return {{"title", d.title},
            {"rev", d.rev},
            {"archived", d.archived},
            {"sections", std::move(sections)},
            {"deleted", std::move(gone)}};
}

/// Why `change(doc)` is refused ("invalid", "not_found", "conflict", "too_large"), or "accepted".
/// A refused change leaves the document exactly as it was, and says why in words.
template <class Change>
std::string refusal_of(model::Document& doc, Change change) {
    const model::Document before = doc;
    try {
        change(doc);
    } catch (const model::Refused& r) {
        CHECK(doc == before);
        CHECK(std::string(r.what()) != "");
        switch (r.why) {
            case model::Refused::Why::invalid:
                return "invalid";
            case model::Refused::Why::not_found:
                return "not_found";
            case model::Refused::Why::conflict:
                return "conflict";
            case model::Refused::Why::too_large:
                return "too_large";
        }
    }
    return "accepted";
}

/// A change as the store logs it and reads it back (rooms/document_changes.cpp and
/// document_past.cpp): empty data is not kept.
inline model::Change as_logged(model::Rev rev, std::string kind, std::optional<std::string> section,
                               std::optional<std::string> layer, const nlohmann::json& data,
                               std::optional<ot::Op> op = std::nullopt) {
    model::Change c;
    c.rev = rev;
    c.kind = std::move(kind);
    c.section = std::move(section);
    c.layer = std::move(layer);
    c.op = std::move(op);
    if (!data.empty()) c.data = nlohmann::json::parse(data.dump());
    return c;
}

/// Everything a document holds, for printing it when a check fails.
inline nlohmann::json full_view(const model::Document& d) {
    nlohmann::json j = {{"id", d.id}, {"title", d.title}, {"rev", d.rev}, {"archived", d.archived}};
    for (const auto& m : d.municipalities) j["municipalities"].push_back(model::to_json(m));
    for (const auto& s : d.sections) j["sections"].push_back(section_view(s, true));
    for (const auto& s : d.deleted) j["deleted"].push_back(section_view(s, true));
    for (const auto& p : d.proposals) {
        nlohmann::json pj = model::to_json(p);
        pj["common_text"] = p.common_text;
        j["proposals"].push_back(std::move(pj));
    }
    j["next_proposal"] = d.next_proposal;
    for (const auto& v : d.versions) j["versions"].push_back(model::to_json(v));
    return j;
}

}  // namespace samen::test

namespace Catch {
template <>
struct StringMaker<samen::model::Document> {
    static std::string convert(const samen::model::Document& d) {
        return samen::test::full_view(d).dump(1);
    }
};
}  // namespace Catch
