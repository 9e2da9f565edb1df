#include <catch2/catch.hpp>
#include <string>

#include "model/history.hpp"
#include "model/layers.hpp"
#include "ot/text.hpp"
#include "sample_document.hpp"

using namespace samen::model;
using namespace samen::test;

namespace {

const Layer* layer_of(const Document& d, const std::string& section, const std::string& code) {
    const Section* s = d.section(section);
    REQUIRE(s);
    return s->layer(code);
}

/// Changes the layer, checks what every change does alike (one revision, the stored row is the
/// layer now, nothing else changed) and that undoing it as the log keeps it brings `d` back.
LayerChange change(Document& d, LayerAction action, const std::string& section,
                   const std::string& code) {
    const Document before = d;
    LayerChange c = change_layer(d, action, section, code);
    CHECK(c.rev == before.rev + 1);
    CHECK(d.rev == c.rev);
    const Layer* now = layer_of(d, section, code);
    CHECK(c.stored.has_value() == (now != nullptr));
    if (c.stored && now) CHECK(*c.stored == *now);
    Document others = d;
    others.rev = before.rev;
    others.section(section)->layers = before.section(section)->layers;
    CHECK(others == before);

    Document undone = d;
    undo(undone, as_logged(c.rev, std::string(to_string(action)), section, code, c.data));
    CHECK(past_view(undone) == past_view(before));
    return c;
}

}  // namespace

TEST_CASE("layer actions have the names of their log kinds", "[model][layers]") {
    CHECK(to_string(LayerAction::diverge) == "diverge");
    CHECK(to_string(LayerAction::revert) == "revert");
    CHECK(to_string(LayerAction::omit) == "omit");
    CHECK(to_string(LayerAction::include) == "include");
    CHECK(to_string(LayerAction::acknowledge) == "acknowledge");
}

TEST_CASE("diverge copies the common text into an override based now", "[model][layers]") {
    Document d = sample_document();
    const LayerChange c = change(d, LayerAction::diverge, "inleiding", staphorst);
    CHECK(c.data == nlohmann::json::object());
    Layer expected = override_text("Samen veilig.", c.rev, c.rev);
    CHECK(*layer_of(d, "inleiding", staphorst) == expected);
    CHECK_FALSE(d.section("inleiding")->is_stale(staphorst));
}

TEST_CASE("revert drops an override and logs its text and base", "[model][layers]") {
    Document d = sample_document();
    SECTION("an up-to-date override") {
        const LayerChange c = change(d, LayerAction::revert, "inleiding", kampen);
        CHECK(c.data ==
              nlohmann::json{{"kind", "revert"}, {"text", "Kampen veilig."}, {"base", 4}});
        CHECK_FALSE(c.stored);
        CHECK_FALSE(layer_of(d, "inleiding", kampen));
    }
    SECTION("a stale override") {
        const LayerChange c = change(d, LayerAction::revert, "jeugd", kampen);
        CHECK(c.data ==
              nlohmann::json{{"kind", "revert"}, {"text", "Jeugd in Kampen."}, {"base", 8}});
        CHECK_FALSE(d.section("jeugd")->is_stale(kampen));
    }
}

TEST_CASE("omit leaves a section out, logging an override it dropped", "[model][layers]") {
    Document d = sample_document();
    SECTION("an inherited section") {
        const LayerChange c = change(d, LayerAction::omit, "slot", zwolle);
        CHECK(c.data == nlohmann::json::object());
        Layer omitted;
        omitted.state = LayerState::omit;
        omitted.life = c.rev;
        omitted.changed_rev = c.rev;
        CHECK(*layer_of(d, "slot", zwolle) == omitted);
    }
    SECTION("an overridden section") {
        const LayerChange c = change(d, LayerAction::omit, "inleiding", kampen);
        CHECK(c.data == nlohmann::json{{"kind", "omit"}, {"text", "Kampen veilig."}, {"base", 4}});
        CHECK(layer_of(d, "inleiding", kampen)->state == LayerState::omit);
        CHECK(layer_of(d, "inleiding", kampen)->text.empty());
        CHECK_FALSE(layer_of(d, "inleiding", kampen)->base);
    }
}

TEST_CASE("include brings an omitted section back to the common text", "[model][layers]") {
    Document d = sample_document();
    const LayerChange c = change(d, LayerAction::include, "velden", staphorst);
    CHECK(c.data == nlohmann::json::object());
    CHECK_FALSE(c.stored);
    CHECK_FALSE(layer_of(d, "velden", staphorst));
}

TEST_CASE("acknowledge moves a stale override's base to now and keeps its text",
          "[model][layers]") {
    Document d = sample_document();
    REQUIRE(d.section("jeugd")->is_stale(kampen));
    const Layer was = *layer_of(d, "jeugd", kampen);
    const LayerChange c = change(d, LayerAction::acknowledge, "jeugd", kampen);
    CHECK(c.data == nlohmann::json{{"kind", "acknowledge"}, {"from", 8}});
    Layer expected = was;
    expected.base = c.rev;
    CHECK(*layer_of(d, "jeugd", kampen) == expected);
    CHECK_FALSE(d.section("jeugd")->is_stale(kampen));

    // Undone, it is stale again: staleness is judged by the common text's last change.
    Document undone = d;
    undo(undone, as_logged(c.rev, "acknowledge", "jeugd", kampen, c.data));
    CHECK(undone.section("jeugd")->is_stale(kampen));
}

TEST_CASE("change_layer refusals", "[model][layers]") {
    struct Row {
        LayerAction action;
        const char* section;
        std::string code;
        const char* why;
    };
    const Row rows[] = {
        // The state does not allow it now.
        {LayerAction::diverge, "inleiding", kampen, "conflict"},
        {LayerAction::diverge, "velden", staphorst, "conflict"},
        {LayerAction::revert, "slot", zwolle, "conflict"},
        {LayerAction::revert, "velden", staphorst, "conflict"},
        {LayerAction::omit, "velden", staphorst, "conflict"},
        {LayerAction::include, "inleiding", kampen, "conflict"},
        {LayerAction::include, "slot", zwolle, "conflict"},
        {LayerAction::acknowledge, "inleiding", kampen, "conflict"},
        {LayerAction::acknowledge, "slot", zwolle, "conflict"},
        {LayerAction::acknowledge, "velden", staphorst, "conflict"},
        // A local-only section has no common text.
        {LayerAction::diverge, "eigen", kampen, "invalid"},
        {LayerAction::omit, "eigen", staphorst, "invalid"},
        {LayerAction::revert, "bijlage", kampen, "invalid"},
        // No such section or municipality.
        {LayerAction::diverge, "nergens", kampen, "not_found"},
        {LayerAction::omit, "oud", kampen, "not_found"},
        {LayerAction::diverge, "slot", "GM0999", "not_found"},
        {LayerAction::omit, "slot", "common", "not_found"},
        {LayerAction::include, "slot", "kampen", "not_found"},
    };
    Document d = sample_document();
    for (const auto& row : rows) {
        INFO(to_string(row.action) << " " << row.section << " " << row.code);
        CHECK(refusal_of(d, [&](Document& x) {
                  change_layer(x, row.action, row.section, row.code);
              }) == row.why);
    }
}

TEST_CASE("rebasable_override is a stale override", "[model][layers]") {
    Document d = sample_document();
    CHECK(&rebasable_override(d, "jeugd", kampen) == layer_of(d, "jeugd", kampen));
    auto rebasable = [](const char* section, std::string code) {
        return [=](Document& x) { rebasable_override(x, section, code); };
    };
    CHECK(refusal_of(d, rebasable("inleiding", kampen)) == "conflict");   // up to date
    CHECK(refusal_of(d, rebasable("slot", zwolle)) == "not_found");       // inherits
    CHECK(refusal_of(d, rebasable("velden", staphorst)) == "not_found");  // omits
    CHECK(refusal_of(d, rebasable("eigen", staphorst)) == "not_found");   // local-only
    CHECK(refusal_of(d, rebasable("nergens", kampen)) == "not_found");
    CHECK(refusal_of(d, rebasable("jeugd", "GM0999")) == "not_found");
}

TEST_CASE("rebase sets a stale override's text and moves its base to now", "[model][layers]") {
    Document d = sample_document();
    const Document before = d;
    const std::string text = "Jeugd, sport en Kampen.";
    const Rebased r = rebase(d, "jeugd", kampen, text, d.rev, 1000);
    CHECK(r.rev == before.rev + 1);
    CHECK(d.rev == r.rev);
    CHECK(r.old_base == 8u);
    CHECK(samen::ot::is_invertible(r.op));
    CHECK(samen::ot::apply("Jeugd in Kampen.", r.op) == text);
    Layer expected = *layer_of(before, "jeugd", kampen);
    expected.text = text;
    expected.base = r.rev;
    expected.changed_rev = r.rev;
    CHECK(*layer_of(d, "jeugd", kampen) == expected);
    CHECK_FALSE(d.section("jeugd")->is_stale(kampen));

    // The store logs a rebase as an edit of the override that remembers the base it had.
    Document undone = d;
    undo(undone, as_logged(r.rev, "edit", "jeugd", kampen, {{"rebased_from", *r.old_base}}, r.op));
    CHECK(past_view(undone) == past_view(before));
}

TEST_CASE("rebase refusals", "[model][layers]") {
    Document d = sample_document();
    auto rebased = [](std::string text, Rev preview, std::size_t max = 1000,
                      const char* section = "jeugd") {
        return [=](Document& x) { rebase(x, section, kampen, text, preview, max); };
    };
    CHECK(refusal_of(d, rebased("Nieuw.", d.rev + 1)) == "invalid");  // a preview not made yet
    CHECK(refusal_of(d, rebased("Nieuw.", 11)) == "conflict");  // before the common text's change
    CHECK(refusal_of(d, rebased("Kapot \xC3", d.rev)) == "invalid");
    CHECK(refusal_of(d, rebased("Nieuw.", d.rev, 5)) == "too_large");
    CHECK(refusal_of(d, rebased("Nieuw.", d.rev, 1000, "inleiding")) == "conflict");  // not stale
    CHECK(refusal_of(d, rebased("Nieuw.", d.rev, 1000, "nergens")) == "not_found");

    // The override changed after the preview.
    d.section("jeugd")->layers.at(kampen).changed_rev = 15;
    CHECK(refusal_of(d, rebased("Nieuw.", 14)) == "conflict");
    CHECK(refusal_of(d, rebased("Nieuw.", 15, 6)) == "accepted");  // exactly at the bound
}
