#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/history.hpp"
#include "model/tree.hpp"
#include "ot_random.hpp"
#include "sample_document.hpp"

using namespace samen::model;
using namespace samen::test;

namespace {

std::vector<std::string> ids(const std::vector<Section>& sections) {
    std::vector<std::string> out;
    for (const auto& s : sections) out.push_back(s.id);
    return out;
}

std::int64_t position(const Document& d, const std::string& id) {
    const Section* s = d.section(id);
    REQUIRE(s);
    return s->position;
}

/// The first invariant of the section tree that `d` breaks, or "" when it keeps them all.
std::string broken_invariant(const Document& d) {
    std::set<std::string> live;
    for (const auto& s : d.sections) {
        if (!live.insert(s.id).second) return "two live sections are '" + s.id + "'";
        if (s.deleted) return "live section '" + s.id + "' is marked deleted";
    }
    std::map<std::string, std::vector<std::int64_t>> positions;
    std::set<std::string> seen;
    for (const auto& s : d.sections) {
        if (!s.parent.empty()) {
            if (!live.count(s.parent)) return "the parent of '" + s.id + "' is not there";
            if (!seen.count(s.parent)) return "'" + s.id + "' comes before its parent";
            const Section* parent = d.section(s.parent);
            if (parent->owner && parent->owner != s.owner) {
                return "'" + s.id + "' is under a local-only section of another owner";
            }
        }
        seen.insert(s.id);
        positions[s.parent].push_back(s.position);
    }
    for (auto& [parent, list] : positions) {
        std::sort(list.begin(), list.end());
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (list[i] != static_cast<std::int64_t>(i)) {
                return "the children of '" + parent + "' are not numbered 0..n-1";
            }
        }
    }
    std::vector<Section> sorted = d.sections;
    sort_tree(sorted);
    if (ids(sorted) != ids(d.sections)) return "the sections are not in tree order";
    std::set<std::string> gone;
    for (const auto& s : d.deleted) {
        if (!s.deleted) return "deleted section '" + s.id + "' is not marked deleted";
        if (live.count(s.id)) return "deleted section '" + s.id + "' is live too";
        if (!gone.insert(s.id).second) return "two deleted sections are '" + s.id + "'";
    }
    return "";
}

/// The rows a change reports are the sections as they are now, by id.
void check_rows(const Document& d, const TreeChange& c, const std::vector<std::string>& expected) {
    CHECK(ids(c.rows) == expected);
    for (const auto& row : c.rows) {
        INFO(row.id);
        const Section* now = d.section(row.id);
        if (!now) now = deleted_section(d, row.id);
        REQUIRE(now);
        CHECK(row == *now);
    }
}

/// Undoing `c` as the log keeps it brings `d` back to `before`.
void check_undo(Document d, const TreeChange& c, const std::string& kind, const Document& before) {
    undo(d, as_logged(c.rev, kind, c.section, std::nullopt, c.data));
    CHECK(past_view(d) == past_view(before));
}

}  // namespace

TEST_CASE("the sample document keeps the tree's invariants", "[model][tree]") {
    CHECK(broken_invariant(sample_document()) == "");
}

TEST_CASE("create_section places a new section among its siblings", "[model][tree]") {
    Document d = sample_document();
    const Document before = d;

    const TreeChange c = create_section(d, "Nieuwe velden", std::string("velden"), 1, std::nullopt);
    CHECK(c.rev == before.rev + 1);
    CHECK(d.rev == c.rev);
    CHECK(c.section == "nieuwe-velden");
    CHECK(ids(d.sections) == std::vector<std::string>{"inleiding", "velden", "jeugd",
                                                      "nieuwe-velden", "eigen", "slot", "bijlage"});
    const Section& s = *d.section("nieuwe-velden");
    CHECK(s.parent == "velden");
    CHECK(s.position == 1);
    CHECK(s.title == "Nieuwe velden");
    CHECK_FALSE(s.owner);
    CHECK_FALSE(s.deleted);
    Layer text;
    text.life = c.rev;
    text.changed_rev = c.rev;
    REQUIRE(s.layers.size() == 1);
    CHECK(s.layers.at("common") == text);
    CHECK(c.new_layers == std::vector<std::pair<std::string, Layer>>{{"common", text}});
    CHECK(position(d, "jeugd") == 0);
    CHECK(position(d, "eigen") == 2);
    check_rows(d, c, {"eigen", "jeugd", "nieuwe-velden"});
    CHECK(c.data == nlohmann::json::object());
    CHECK(c.sections.empty());
    CHECK(broken_invariant(d) == "");
    check_undo(d, c, "section.create", before);
}

TEST_CASE("create_section makes unique ids and clamps the position", "[model][tree]") {
    Document d = sample_document();
    // "oud" is a deleted section's id: restoring it must not clash.
    CHECK(create_section(d, "Oud", std::nullopt, 0, std::nullopt).section == "oud-2");
    CHECK(create_section(d, "Inleiding", std::nullopt, 0, std::nullopt).section == "inleiding-2");
    CHECK(create_section(d, "!!!", std::nullopt, 0, std::nullopt).section == "sectie");
    CHECK(create_section(d, "???", std::nullopt, 0, std::nullopt).section == "sectie-2");
    CHECK(d.rev == 24);

    const TreeChange last =
        create_section(d, "Achteraan", std::nullopt, std::int64_t{1'000'000}, std::nullopt);
    CHECK(position(d, last.section) == 7);
    CHECK(ids(d.sections).back() == "achteraan");
    CHECK(ids(d.sections)[d.sections.size() - 2] == "bijlage");  // slot's child, after slot
    const TreeChange first = create_section(d, "Vooraan", std::nullopt, -5, std::nullopt);
    CHECK(position(d, first.section) == 0);
    CHECK(d.sections.front().id == "vooraan");
    CHECK(broken_invariant(d) == "");
}

TEST_CASE("create_section makes a local-only section with its owner's text", "[model][tree]") {
    Document d = sample_document();
    const Document before = d;
    const TreeChange c = create_section(d, "Extra", std::string("eigen"), 0, staphorst);
    const Section& s = *d.section(c.section);
    CHECK(s.owner == staphorst);
    CHECK(s.parent == "eigen");
    Layer text;
    text.state = LayerState::override_;
    text.life = c.rev;
    text.changed_rev = c.rev;
    REQUIRE(s.layers.size() == 1);
    CHECK(s.layers.at(staphorst) == text);
    CHECK(c.new_layers == std::vector<std::pair<std::string, Layer>>{{staphorst, text}});
    CHECK(broken_invariant(d) == "");
    check_undo(d, c, "section.create", before);

    // A local-only section may stand under a common one, and at the top level.
    create_section(d, "Kamper bijlage", std::string("velden"), 0, kampen);
    create_section(d, "Kamper hoofdstuk", std::nullopt, 0, kampen);
    CHECK(broken_invariant(d) == "");
}

TEST_CASE("create_section refusals", "[model][tree]") {
    Document d = sample_document();
    auto create = [](std::optional<std::string> parent, std::optional<std::string> owner) {
        return [=](Document& doc) { create_section(doc, "Nieuw", parent, 0, owner); };
    };
    CHECK(refusal_of(d, create(std::nullopt, std::string("GM0999"))) == "not_found");
    CHECK(refusal_of(d, create(std::string("nergens"), std::nullopt)) == "not_found");
    CHECK(refusal_of(d, create(std::string("oud"), std::nullopt)) == "not_found");  // deleted
    CHECK(refusal_of(d, create(std::string("eigen"), std::nullopt)) == "invalid");
    CHECK(refusal_of(d, create(std::string("eigen"), kampen)) == "invalid");
    CHECK(refusal_of(d, create(std::string("bijlage"), staphorst)) == "invalid");
    CHECK(refusal_of(d, create(std::string("eigen"), staphorst)) == "accepted");
}

TEST_CASE("rename_section changes the title and keeps where it came from", "[model][tree]") {
    Document d = sample_document();
    const Document before = d;
    const TreeChange c = rename_section(d, "slot", "Tot slot");
    CHECK(c.rev == before.rev + 1);
    CHECK(d.rev == c.rev);
    CHECK(c.section == "slot");
    CHECK(c.data == nlohmann::json{{"from", "Slot"}});
    CHECK(d.section("slot")->title == "Tot slot");
    CHECK(ids(d.sections) == ids(before.sections));
    check_rows(d, c, {"slot"});
    check_undo(d, c, "section.rename", before);

    CHECK(refusal_of(d, [](Document& x) { rename_section(x, "nergens", "Titel"); }) == "not_found");
    CHECK(refusal_of(d, [](Document& x) { rename_section(x, "oud", "Titel"); }) == "not_found");
}

TEST_CASE("move_section moves a section with what is under it", "[model][tree]") {
    Document d = sample_document();
    const Document before = d;

    SECTION("under another parent") {
        const TreeChange c = move_section(d, "slot", std::string("velden"), 0);
        CHECK(c.rev == before.rev + 1);
        CHECK(d.rev == c.rev);
        CHECK(c.section == "slot");
        CHECK(c.data == nlohmann::json{{"from", {{"parent", nullptr}, {"position", 2}}}});
        CHECK(ids(d.sections) ==
              std::vector<std::string>{"inleiding", "velden", "slot", "bijlage", "jeugd", "eigen"});
        CHECK(d.section("slot")->parent == "velden");
        CHECK(position(d, "slot") == 0);
        CHECK(position(d, "jeugd") == 1);
        CHECK(position(d, "eigen") == 2);
        CHECK(d.section("bijlage")->parent == "slot");
        check_rows(d, c, {"eigen", "jeugd", "slot"});
        CHECK(broken_invariant(d) == "");
        check_undo(d, c, "section.move", before);
    }
    SECTION("among its siblings") {
        const TreeChange c = move_section(d, "inleiding", std::nullopt, 2);
        CHECK(c.data == nlohmann::json{{"from", {{"parent", nullptr}, {"position", 0}}}});
        CHECK(ids(d.sections) ==
              std::vector<std::string>{"velden", "jeugd", "eigen", "slot", "bijlage", "inleiding"});
        CHECK(position(d, "velden") == 0);
        CHECK(position(d, "slot") == 1);
        CHECK(position(d, "inleiding") == 2);
        check_rows(d, c, {"inleiding", "slot", "velden"});
        CHECK(broken_invariant(d) == "");
        check_undo(d, c, "section.move", before);
    }
    SECTION("to the top level, its old siblings numbered again") {
        const TreeChange c = move_section(d, "jeugd", std::nullopt, 0);
        CHECK(c.data == nlohmann::json{{"from", {{"parent", "velden"}, {"position", 0}}}});
        CHECK(d.section("jeugd")->parent == "");
        CHECK(position(d, "jeugd") == 0);
        CHECK(position(d, "eigen") == 0);
        CHECK(position(d, "slot") == 3);
        check_rows(d, c, {"eigen", "inleiding", "jeugd", "slot", "velden"});
        CHECK(broken_invariant(d) == "");
        check_undo(d, c, "section.move", before);
    }
    SECTION("a local-only section under a common one") {
        const TreeChange c = move_section(d, "eigen", std::string("slot"), 5);
        CHECK(d.section("eigen")->parent == "slot");
        CHECK(position(d, "eigen") == 1);
        CHECK(broken_invariant(d) == "");
        check_undo(d, c, "section.move", before);
    }
}

TEST_CASE("move_section refusals", "[model][tree]") {
    Document d = sample_document();
    auto move = [](std::string id, std::optional<std::string> parent) {
        return [=](Document& doc) { move_section(doc, id, parent, 0); };
    };
    CHECK(refusal_of(d, move("nergens", std::nullopt)) == "not_found");
    CHECK(refusal_of(d, move("oud", std::nullopt)) == "not_found");
    CHECK(refusal_of(d, move("slot", std::string("nergens"))) == "not_found");
    CHECK(refusal_of(d, move("slot", std::string("oud"))) == "not_found");
    CHECK(refusal_of(d, move("velden", std::string("velden"))) == "invalid");
    CHECK(refusal_of(d, move("velden", std::string("jeugd"))) == "invalid");
    CHECK(refusal_of(d, move("slot", std::string("bijlage"))) == "invalid");
    CHECK(refusal_of(d, move("jeugd", std::string("eigen"))) == "invalid");
    CHECK(refusal_of(d, move("bijlage", std::string("eigen"))) == "invalid");
}

TEST_CASE("delete_section deletes a section with everything under it", "[model][tree]") {
    Document d = sample_document();
    const Document before = d;

    const TreeChange c = delete_section(d, "velden");
    CHECK(c.rev == before.rev + 1);
    CHECK(d.rev == c.rev);
    CHECK(c.section == "velden");
    REQUIRE(c.sections.size() == 3);
    CHECK(c.sections.front() == "velden");
    CHECK(std::set<std::string>(c.sections.begin(), c.sections.end()) ==
          std::set<std::string>{"velden", "jeugd", "eigen"});
    CHECK(c.data == nlohmann::json{{"sections", c.sections}});
    CHECK(ids(d.sections) == std::vector<std::string>{"inleiding", "slot", "bijlage"});
    CHECK(position(d, "slot") == 1);
    for (const char* id : {"velden", "jeugd", "eigen"}) {
        INFO(id);
        const Section* gone = deleted_section(d, id);
        REQUIRE(gone);
        CHECK(gone->deleted);
        Section was = *before.section(id);
        was.deleted = true;
        was.deleted_rev = c.rev;  // which delete removed it: what a restore brings back
        CHECK(*gone == was);      // its place and its layers are kept for a restore
    }
    check_rows(d, c, {"eigen", "jeugd", "slot", "velden"});
    CHECK(broken_invariant(d) == "");
    check_undo(d, c, "section.delete", before);

    CHECK(refusal_of(d, [](Document& x) { delete_section(x, "velden"); }) == "not_found");
    CHECK(refusal_of(d, [](Document& x) { delete_section(x, "nergens"); }) == "not_found");
}

TEST_CASE("restore_section brings a section back at the end of its parent", "[model][tree]") {
    Document d = sample_document();
    const Document before = d;

    SECTION("with what was deleted under it") {
        const TreeChange c = restore_section(d, "oud");
        CHECK(c.rev == before.rev + 1);
        CHECK(d.rev == c.rev);
        CHECK(c.section == "oud");
        CHECK(c.sections == std::vector<std::string>{"oud", "oud-sub"});
        CHECK(c.data == nlohmann::json{{"from", 3}, {"sections", c.sections}});
        CHECK(ids(d.sections) == std::vector<std::string>{"inleiding", "velden", "jeugd", "eigen",
                                                          "slot", "bijlage", "oud", "oud-sub"});
        CHECK(position(d, "oud") == 3);
        CHECK(d.section("oud-sub")->parent == "oud");
        CHECK_FALSE(d.section("oud")->deleted);
        CHECK(ids(d.deleted) == std::vector<std::string>{"weg"});
        check_rows(d, c, {"inleiding", "oud", "oud-sub", "slot", "velden"});
        CHECK(broken_invariant(d) == "");
        check_undo(d, c, "section.restore", before);
    }
    SECTION("under its parent again") {
        const TreeChange deleted = delete_section(d, "jeugd");
        const Document after_delete = d;
        const TreeChange c = restore_section(d, "jeugd");
        CHECK(d.section("jeugd")->parent == "velden");
        CHECK(position(d, "eigen") == 0);
        CHECK(position(d, "jeugd") == 1);
        CHECK(broken_invariant(d) == "");
        check_undo(d, c, "section.restore", after_delete);
        check_undo(after_delete, deleted, "section.delete", before);
    }
    SECTION("at the top level when its parent is gone, and back under it in the past") {
        const TreeChange first = delete_section(d, "jeugd");
        const Document one = d;
        const TreeChange second = delete_section(d, "velden");
        const Document two = d;
        const TreeChange c = restore_section(d, "jeugd");
        CHECK(d.section("jeugd")->parent == "");
        CHECK(position(d, "jeugd") == 2);
        CHECK(c.data == nlohmann::json{{"deleted_rev", first.rev},
                                       {"from", 0},
                                       {"parent", "velden"},
                                       {"sections", {"jeugd"}}});
        CHECK(broken_invariant(d) == "");
        // Undone one by one, newest first, as the history reads the past.
        Document past = d;
        undo(past, as_logged(c.rev, "section.restore", c.section, std::nullopt, c.data));
        CHECK(past_view(past) == past_view(two));
        undo(past,
             as_logged(second.rev, "section.delete", second.section, std::nullopt, second.data));
        CHECK(past_view(past) == past_view(one));
        undo(past, as_logged(first.rev, "section.delete", first.section, std::nullopt, first.data));
        CHECK(past_view(past) == past_view(before));
    }
}

TEST_CASE("restore_section brings back what its delete removed, not what was deleted before",
          "[model][tree]") {
    Document d = sample_document();
    const Document before = d;
    const TreeChange first = delete_section(d, "jeugd");  // eigen moves to place 0
    const Document one = d;
    const TreeChange second = delete_section(d, "velden");
    const Document two = d;

    CHECK(restore_set(d, "velden") == std::vector<std::string>{"velden", "eigen"});
    CHECK(restore_set(d, "jeugd") == std::vector<std::string>{"jeugd"});
    CHECK(restore_set(d, "slot").empty());
    const TreeChange c = restore_section(d, "velden");
    CHECK(c.sections == std::vector<std::string>{"velden", "eigen"});
    CHECK(c.data["deleted_rev"] == second.rev);
    CHECK(d.section("eigen")->parent == "velden");
    CHECK(position(d, "eigen") == 0);
    REQUIRE(deleted_section(d, "jeugd"));  // deleted on its own, before: it stays deleted
    CHECK(deleted_section(d, "jeugd")->deleted_rev == first.rev);
    CHECK_FALSE(d.section("velden")->deleted_rev);
    CHECK(broken_invariant(d) == "");
    for (const auto& row : c.rows) CHECK(row == *d.section(row.id));

    Document past = d;
    undo(past, as_logged(c.rev, "section.restore", c.section, std::nullopt, c.data));
    CHECK(past_view(past) == past_view(two));
    undo(past, as_logged(second.rev, "section.delete", second.section, std::nullopt, second.data));
    CHECK(past_view(past) == past_view(one));
    undo(past, as_logged(first.rev, "section.delete", first.section, std::nullopt, first.data));
    CHECK(past_view(past) == past_view(before));

    // Its own restore brings it back under its parent.
    restore_section(d, "jeugd");
    CHECK(d.section("jeugd")->parent == "velden");
    CHECK(broken_invariant(d) == "");
}

TEST_CASE("restore_section refusals", "[model][tree]") {
    Document d = sample_document();
    CHECK(refusal_of(d, [](Document& x) { restore_section(x, "slot"); }) == "not_found");
    CHECK(refusal_of(d, [](Document& x) { restore_section(x, "nergens"); }) == "not_found");
}

TEST_CASE("deleted_section finds deleted sections only", "[model][tree]") {
    const Document d = sample_document();
    REQUIRE(deleted_section(d, "oud-sub"));
    CHECK(deleted_section(d, "oud-sub")->parent == "oud");
    CHECK_FALSE(deleted_section(d, "slot"));
    CHECK_FALSE(deleted_section(d, "nergens"));
}

TEST_CASE("random tree changes keep the tree's invariants and undo", "[model][tree][property]") {
    const std::vector<std::string> titles = {"Inleiding", "Velden",   "Nieuw", "Nieuw",
                                             "!!",        "Één twee", "Slot"};
    for (std::uint64_t fallback : {1u, 2u, 20261203u}) {
        const std::uint64_t seed = samen::test::test_seed(fallback);
        INFO("seed " << seed << " (replay with SAMEN_TEST_SEED=" << seed << ")");
        std::mt19937_64 rng(seed);
        auto pick = [&](std::size_t n) {
            return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
        };
        // A live section, a deleted one, one that never was, or the top level.
        auto any_id = [&](const Document& d) -> std::optional<std::string> {
            switch (pick(4)) {
                case 0:
                    if (!d.sections.empty()) return d.sections[pick(d.sections.size())].id;
                    return std::string("nergens");
                case 1:
                    if (!d.deleted.empty()) return d.deleted[pick(d.deleted.size())].id;
                    return std::nullopt;
                case 2:
                    if (!d.sections.empty()) return d.sections[pick(d.sections.size())].id;
                    return std::nullopt;
                default:
                    return pick(8) == 0 ? std::optional<std::string>("nergens") : std::nullopt;
            }
        };
        const std::vector<std::optional<std::string>> owners = {
            std::nullopt, std::nullopt, std::nullopt, kampen, staphorst, std::string("GM0999")};
        // Creates and moves are drawn twice as often: many of them are refused.
        const std::vector<const char*> kinds = {
            "section.create",  "section.rename", "section.move", "section.delete",
            "section.restore", "section.create", "section.move"};

        Document d = sample_document();
        std::map<std::string, int> applied;
        for (int step = 0; step < 400; ++step) {
            const char* kind = kinds[pick(kinds.size())];
            const std::optional<std::string> target = any_id(d);
            const std::optional<std::string> parent = any_id(d);
            const auto at = static_cast<std::int64_t>(pick(d.sections.size() + 3));
            INFO("step " << step << ": " << kind << " " << target.value_or("-") << " under "
                         << parent.value_or("-") << " at " << at);
            const Document before = d;
            std::optional<TreeChange> change;
            const std::string why = refusal_of(d, [&](Document& x) {
                const std::string id = target.value_or("nergens");
                const std::string_view k = kind;
                if (k == "section.create") {
                    change = create_section(x, titles[pick(titles.size())], parent, at,
                                            owners[pick(owners.size())]);
                } else if (k == "section.rename") {
                    change = rename_section(x, id, titles[pick(titles.size())]);
                } else if (k == "section.move") {
                    change = move_section(x, id, parent, at);
                } else if (k == "section.delete") {
                    change = delete_section(x, id);
                } else {
                    change = restore_section(x, id);
                }
            });
            if (why != "accepted") continue;
            ++applied[kind];
            REQUIRE(change);
            CHECK(change->rev == before.rev + 1);
            CHECK(d.rev == change->rev);
            REQUIRE(broken_invariant(d) == "");
            Document undone = d;
            undo(undone, as_logged(change->rev, kind, change->section, std::nullopt, change->data));
            REQUIRE(past_view(undone) == past_view(before));
        }
        for (const char* kind : kinds) {
            INFO(kind);
            CHECK(applied[kind] >= 10);
        }
    }
}
