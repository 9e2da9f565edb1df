// Priorities, adoption and the uitvoeringsplan's measures as model changes (model/plan_steps.hpp,
// model/measures.hpp), on the sample document of tests/support.
#include <catch2/catch.hpp>

#include "model/effective.hpp"
#include "model/measures.hpp"
#include "model/plan_steps.hpp"
#include "model/tree.hpp"
#include "sample_document.hpp"

using namespace samen::model;
using namespace samen::test;

namespace {

const UserRef fatima{11, "kampen-coordinator", "Fatima el Amrani", kampen};

/// A measure under `parent` with every field, its texts given in measure_fields' order.
std::string add_measure(Document& d, const std::string& title, const std::string& parent,
                        const std::vector<std::string>& texts,
                        const std::optional<std::string>& owner = std::nullopt) {
    const std::string id =
        create_section(d, title, parent, 1000, owner, SectionKind::maatregel).section;
    std::size_t i = 0;
    for (const auto& f : measure_fields) {
        auto field =
            create_section(d, std::string(f.name), id, 1000, std::nullopt, SectionKind::field);
        d.section(field.section)->layers.begin()->second.text = i < texts.size() ? texts[i] : "";
        ++i;
    }
    return id;
}

}  // namespace

TEST_CASE("priorities: at most a theme each, in order, own local themes only, and undone",
          "[model][plan-steps]") {
    Document d = sample_document();
    const Rev before = d.rev;
    auto data = set_priorities(d, kampen, {"jeugd", "inleiding", "bijlage"});
    CHECK(d.rev == before + 1);
    CHECK(d.priorities.at(kampen) == std::vector<std::string>{"jeugd", "inleiding", "bijlage"});
    CHECK(data["from"] == nlohmann::json::array());

    // Staphorst's local section is no theme of Kampen's plan; no such section; no such
    // municipality.
    CHECK(refusal_of(d, [](Document& x) { set_priorities(x, kampen, {"eigen"}); }) == "invalid");
    CHECK(refusal_of(d, [](Document& x) { set_priorities(x, kampen, {"nergens"}); }) ==
          "not_found");
    CHECK(refusal_of(d, [](Document& x) { set_priorities(x, "GM0001", {"jeugd"}); }) ==
          "not_found");
    CHECK(refusal_of(d, [](Document& x) { set_priorities(x, staphorst, {"eigen"}); }) ==
          "accepted");

    // The history undoes it: back to the list before, and to none.
    Document now = d;
    undo(now, as_logged(d.rev, "priorities.set", std::nullopt, staphorst,
                        {{"municipality", staphorst},
                         {"sections", {"eigen"}},
                         {"from", nlohmann::json::array()}}));
    CHECK(now.priorities.count(staphorst) == 0);
    auto second = set_priorities(d, kampen, {"slot"});
    undo(d, as_logged(d.rev, "priorities.set", std::nullopt, kampen, second));
    CHECK(d.priorities.at(kampen) == std::vector<std::string>{"jeugd", "inleiding", "bijlage"});
}

TEST_CASE("adoption names the plan as it stood as a version, in Dutch, and concept takes it back",
          "[model][plan-steps]") {
    Document d = sample_document();
    const Rev adopted = d.rev + 1;
    auto change = set_adoption(d, kampen, "raad", "2023-03-28", "2023-017", fatima, "t");
    REQUIRE(change.version);
    CHECK(change.version->label == "Vastgesteld door de gemeenteraad van Kampen, 28 maart 2023");
    CHECK(change.version->rev == adopted);
    CHECK(d.versions.back() == *change.version);
    CHECK(d.adoption.at(kampen) == Adoption{"raad", "2023-03-28", "2023-017", adopted});
    CHECK(d.rev == adopted);

    auto college = set_adoption(d, staphorst, "college", "2023-02-14", "", fatima, "t");
    CHECK(college.version->label ==
          "Vastgesteld door het college van B&W van Staphorst, 14 februari 2023");
    // The same decision recorded twice (a correction) gets a label of its own.
    auto again = set_adoption(d, staphorst, "college", "2023-02-14", "B&W 12", fatima, "t");
    CHECK(again.version->label ==
          "Vastgesteld door het college van B&W van Staphorst, 14 februari 2023 (2)");

    auto back = set_adoption(d, kampen, "concept", "", "", fatima, "t");
    CHECK_FALSE(back.version);
    CHECK(d.adoption.count(kampen) == 0);
    undo(d, as_logged(d.rev, "adoption.set", std::nullopt, kampen, back.data));
    CHECK(d.adoption.at(kampen).state == "raad");
    CHECK(refusal_of(d, [](Document& x) {
              set_adoption(x, "GM0001", "raad", "2023-03-28", "", fatima, "t");
          }) == "not_found");
}

TEST_CASE("a measure is a section of fields: where each may stand", "[model][plan-steps]") {
    Document d = sample_document();
    const std::string m = create_section(d, "Keurmerk Veilig Ondernemen", std::string("velden"), 9,
                                         std::nullopt, SectionKind::maatregel)
                              .section;
    auto trekker = create_section(d, "Trekker", m, 0, std::nullopt, SectionKind::field);
    CHECK(trekker.section == m + "-trekker");
    CHECK(d.section(trekker.section)->kind == SectionKind::field);

    auto kind_refused = [&](const std::string& title, const std::optional<std::string>& parent,
                            SectionKind kind) {
        return refusal_of(
            d, [&](Document& x) { create_section(x, title, parent, 0, std::nullopt, kind); });
    };
    CHECK(kind_refused("Trekker", m, SectionKind::field) == "conflict");  // twice
    CHECK(kind_refused("Kleur", m, SectionKind::field) == "invalid");     // no such field
    CHECK(kind_refused("Budget", std::string("velden"), SectionKind::field) == "invalid");
    CHECK(kind_refused("Tekst", m, SectionKind::text) == "invalid");  // prose in a row
    CHECK(kind_refused("Los", std::nullopt, SectionKind::maatregel) == "invalid");  // no chapter
    CHECK(kind_refused("Rij", m, SectionKind::maatregel) == "invalid");
    CHECK(kind_refused("Onder", trekker.section, SectionKind::text) == "invalid");
    CHECK(refusal_of(d, [&](Document& x) { move_section(x, trekker.section, "inleiding", 0); }) ==
          "invalid");
    CHECK(refusal_of(d, [&](Document& x) { move_section(x, "inleiding", m, 0); }) == "invalid");
    CHECK(refusal_of(d, [&](Document& x) { move_section(x, m, std::string("slot"), 0); }) ==
          "accepted");

    // A local measure's fields are its owner's.
    const std::string local = create_section(d, "Buurtpreventie", std::string("velden"), 9, kampen,
                                             SectionKind::maatregel)
                                  .section;
    auto budget = create_section(d, "Budget", local, 0, std::nullopt, SectionKind::field);
    CHECK(d.section(budget.section)->owner == kampen);
    CHECK(refusal_of(d, [&](Document& x) {
              create_section(x, "Doel", local, 0, staphorst, SectionKind::field);
          }) == "invalid");

    // A field comes back only with its measure.
    delete_section(d, m);
    CHECK(refusal_of(d, [&](Document& x) { restore_section(x, trekker.section); }) == "invalid");
    CHECK(refusal_of(d, [&](Document& x) { restore_section(x, m); }) == "accepted");

    // Its kind travels in the protocol's JSON, and prose says nothing.
    CHECK(to_json(*d.section(m))["kind"] == "maatregel");
    CHECK(section_from_json(to_json(*d.section(trekker.section))).kind == SectionKind::field);
    CHECK_FALSE(to_json(*d.section("inleiding")).contains("kind"));
}

TEST_CASE(
    "the uitvoeringsplan per municipality: shared rows, own fields, omitted and local rows, "
    "budgets summed",
    "[model][plan-steps]") {
    Document d = sample_document();
    const std::string plan =
        create_section(d, "Uitvoeringsplan 2023", std::nullopt, 9, std::nullopt).section;
    const std::string kvo = add_measure(
        d, "KVO", plan,
        {"Veilige woon- en leefomgeving", "Minder inbraken", "Keurmerk Veilig Ondernemen",
         "Drie winkelgebieden", "Gemeente", "Politie, ondernemers", "2023", "€ 25.000"});
    const std::string jeugd =
        add_measure(d, "Jongerenwerk", plan,
                    {"Jeugd en veiligheid", "Minder overlast", "Straathoekwerk", "", "Gemeente",
                     "Jongerenwerk", "2023-2024", "€ 40.000,50"});
    const std::string pm = add_measure(
        d, "Cameratoezicht", plan, {"Veilige woon- en leefomgeving", "", "", "", "", "", "", "PM"});
    add_measure(
        d, "Buurtpreventie", plan,
        {"Veilige woon- en leefomgeving", "", "Buurt-WhatsApp", "", "Wijkagent", "", "", "€ 5.000"},
        kampen);

    // Kampen has its own trekker and budget for the KVO; Staphorst leaves the youth work out.
    d.section(kvo + "-trekker")->layers[kampen] = override_text("Stadsmarketing Kampen", 20, 21);
    d.section(kvo + "-budget")->layers[kampen] = override_text("€ 30.000", 20, 21);
    d.section(jeugd)->layers[staphorst] = omitted(22);

    auto kampen_rows = measure_rows(d, plan, kampen);
    REQUIRE(kampen_rows.size() == 4);
    CHECK(kampen_rows[0].fields.at("trekker") == "Stadsmarketing Kampen");
    CHECK(kampen_rows[0].diverged);
    CHECK(kampen_rows[3].local);
    CHECK(kampen_rows[3].fields.at("maatregel") == "Buurt-WhatsApp");

    auto staphorst_rows = measure_rows(d, plan, staphorst);
    REQUIRE(staphorst_rows.size() == 2);
    CHECK(staphorst_rows[0].fields.at("trekker") == "Gemeente");
    CHECK(staphorst_rows[1].id == pm);

    auto k = budget_totals(d, kampen);
    CHECK(k.total == 30'000'00 + 40'000'50 + 5'000'00);
    CHECK(k.by_thema.at("Veilige woon- en leefomgeving") == 35'000'00);
    CHECK(k.without_amount == 1);
    auto s = budget_totals(d, staphorst);
    CHECK(s.total == 25'000'00);
    CHECK(format_amount(k.total) == "€ 75.000,50");

    // The plan as Markdown: the priorities first, the measures as one table with its total; no
    // heading per measure or field.
    set_priorities(d, kampen, {"jeugd", "inleiding"});
    const std::string md = effective_markdown(d, kampen);
    CHECK(md.find("## Prioriteiten van Kampen\n\n1. Jeugd\n2. Inleiding\n") != std::string::npos);
    CHECK(md.find("| Thema | Doel | Maatregel | Beoogd resultaat | Trekker | Partners | Planning | "
                  "Budget |") != std::string::npos);
    CHECK(
        md.find("| Veilige woon- en leefomgeving | Minder inbraken | Keurmerk Veilig Ondernemen | "
                "Drie winkelgebieden | Stadsmarketing Kampen | Politie, ondernemers | 2023 | "
                "€ 30.000 |") != std::string::npos);
    CHECK(md.find("**€ 75.000,50**") != std::string::npos);
    CHECK(md.find("# KVO") == std::string::npos);
    CHECK(md.find("# Trekker") == std::string::npos);
    CHECK(effective_markdown(d, staphorst).find("Straathoekwerk") == std::string::npos);
    // A deleted theme leaves the chapter until it is restored.
    Document without = d;
    delete_section(without, "jeugd");
    CHECK(effective_priorities(without, kampen).size() == 1);
    const auto j = effective_json(d, kampen);
    CHECK(j["budget"]["total"] == 7'500'050);
    CHECK(j["priorities"][0]["title"] == "Jeugd");
}

TEST_CASE("amounts as Dutch budgets write them", "[model][plan-steps]") {
    CHECK(parse_amount("€ 25.000") == 2'500'000);
    CHECK(parse_amount("€25.000,-") == 2'500'000);
    CHECK(parse_amount("€ 1.250,5") == 125'050);
    CHECK(parse_amount("EUR 1.200 per jaar") == 120'000);
    CHECK(parse_amount("12.000 euro") == 1'200'000);
    CHECK(parse_amount("ca. € 3.000 (incidenteel)") == 300'000);
    CHECK_FALSE(parse_amount("PM"));
    CHECK_FALSE(parse_amount("binnen bestaand budget"));
    CHECK_FALSE(parse_amount("2023"));
    CHECK_FALSE(parse_amount("€ 99999999999999999999"));
    CHECK(format_amount(2'500'000) == "€ 25.000");
    CHECK(format_amount(125'050) == "€ 1.250,50");
    CHECK(dutch_date("2023-03-28") == "28 maart 2023");
}
