#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "model/effective.hpp"

using namespace samen::model;

namespace {

Layer text_layer(LayerState state, std::string text, std::optional<Rev> base = std::nullopt,
                 Rev changed = 0) {
    Layer l;
    l.state = state;
    l.text = std::move(text);
    l.base = base;
    l.changed_rev = changed;
    return l;
}

/// Inleiding; Velden > (Jeugd, Staphorst's own); Slot. Kampen overrides Inleiding (stale),
/// Staphorst omits Velden (and so everything below it).
Document sample() {
    Document d;
    d.id = "ivp";
    d.title = "IVP";
    d.rev = 9;
    d.municipalities = {{"GM0166", "Kampen"}, {"GM0180", "Staphorst"}};
    Section inleiding{"inleiding", "", 0, "Inleiding", std::nullopt, false, {}, {}};
    inleiding.layers["common"] = text_layer(LayerState::common, "Samen veilig.", std::nullopt, 8);
    inleiding.layers["GM0166"] = text_layer(LayerState::override_, "Kampen veilig.", 5, 6);
    Section velden{"velden", "", 1, "Velden", std::nullopt, false, {}, {}};
    velden.layers["common"] = text_layer(LayerState::common, "Vijf velden.");
    velden.layers["GM0180"] = text_layer(LayerState::omit, "");
    Section jeugd{"jeugd", "velden", 0, "Jeugd", std::nullopt, false, {}, {}};
    jeugd.layers["common"] = text_layer(LayerState::common, "Jeugd.");
    Section eigen{"eigen", "velden", 1, "Eigen keuzes", std::string("GM0180"), false, {}, {}};
    eigen.layers["GM0180"] = text_layer(LayerState::override_, "Ondermijning.");
    Section slot{"slot", "", 2, "Slot", std::nullopt, false, {}, {}};
    slot.layers["common"] = text_layer(LayerState::common, "Einde.");
    d.sections = {inleiding, velden, jeugd, eigen, slot};
    return d;
}

std::vector<std::string> ids(const std::vector<EffectiveSection>& sections) {
    std::vector<std::string> out;
    for (const auto& s : sections) out.push_back(s.id);
    return out;
}

}  // namespace

TEST_CASE(
    "the effective plan takes overrides, skips omitted and foreign sections with their "
    "children",
    "[model][effective]") {
    const Document d = sample();
    auto kampen = effective_document(d, "GM0166");
    CHECK(ids(kampen) == std::vector<std::string>{"inleiding", "velden", "jeugd", "slot"});
    CHECK(kampen[0].text == "Kampen veilig.");
    CHECK(kampen[0].source == TextSource::override_);
    CHECK(kampen[0].stale);
    CHECK(kampen[2].depth == 1);

    auto staphorst = effective_document(d, "GM0180");
    CHECK(ids(staphorst) == std::vector<std::string>{"inleiding", "slot"});  // velden omitted
    CHECK(staphorst[0].text == "Samen veilig.");

    const std::string md = effective_markdown(d, "GM0166");
    CHECK(md.rfind("# IVP\n", 0) == 0);
    CHECK(md.find("## Inleiding\n\nKampen veilig.\n") != std::string::npos);
    CHECK(md.find("### Jeugd\n") != std::string::npos);
}

TEST_CASE("the divergence matrix names every state and the common share", "[model][effective]") {
    Document d = sample();
    d.sections[1].layers.erase("GM0180");  // Staphorst includes the fields again
    const Divergence m = divergence(d);
    REQUIRE(m.rows.size() == 5);
    CHECK(m.rows[0].cells.at("GM0166") == CellState::stale);
    CHECK(m.rows[0].cells.at("GM0180") == CellState::inherit);
    CHECK(m.rows[3].cells.at("GM0180") == CellState::local);
    CHECK(m.rows[3].cells.at("GM0166") == CellState::absent);
    // Kampen: 14 of 14+12+6+6 code points are its own.
    CHECK(m.common_share.at("GM0166") == Approx(24.0 / 38.0));
    d.sections[1].layers["GM0180"] = text_layer(LayerState::omit, "");
    CHECK(divergence(d).rows[1].cells.at("GM0180") == CellState::omit);
    auto j = to_json(m);
    CHECK(j["rows"][0]["cells"]["GM0166"] == "stale");
}
