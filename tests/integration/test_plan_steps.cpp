// The steps from startnotitie to raadsbesluit with the real server (docs/plan-steps.md): priorities
// per municipality, the uitvoeringsplan's measures as sections of fields (a field diverged, made
// stale and rebased; budgets summed per municipality), and a decision recorded as a version that
// can still be read as adopted after later edits; with who may do what, and a restart.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;
using samen::transport::http_request;

namespace {

const std::string doc = "startnotitie-ivp-2023";
const std::string kampen = "GM0166";
const std::string staphorst = "GM0180";

json priorities(const std::string& code, json sections) {
    return {
        {"type", "priorities.set"}, {"doc", doc}, {"municipality", code}, {"sections", sections}};
}

json create(const std::string& title, json parent, const std::string& kind, json owner = nullptr) {
    return {{"type", "section.create"}, {"doc", doc},   {"parent", parent}, {"position", 1000},
            {"title", title},           {"kind", kind}, {"owner", owner}};
}

/// Creates a measure with its fields under `parent` and returns the measure's id.
std::string add_measure(ProtocolClient& c, const std::string& title, const std::string& parent,
                        const std::map<std::string, std::string>& texts, json owner = nullptr) {
    auto made = c.request(create(title, parent, "maatregel", owner));
    REQUIRE(made["type"] == "ack");
    std::string id;
    for (;;) {
        auto seen = c.next_of_type("section.create");
        REQUIRE(seen);
        if ((*seen)["rev"] == made["rev"]) {
            id = (*seen)["section"]["id"];
            break;
        }
    }
    for (const std::string field : {"Thema", "Doel", "Maatregel", "Beoogd resultaat", "Trekker",
                                    "Partners", "Planning", "Budget"}) {
        auto f = c.request(create(field, id, "field"));
        REQUIRE(f["type"] == "ack");
        auto text = texts.find(field);
        if (text == texts.end()) continue;
        static const std::map<std::string, std::string> slug = {
            {"Thema", "thema"},         {"Doel", "doel"},
            {"Maatregel", "maatregel"}, {"Beoogd resultaat", "resultaat"},
            {"Trekker", "trekker"},     {"Partners", "partners"},
            {"Planning", "planning"},   {"Budget", "budget"}};
        // A local measure's fields are its owner's: their text is in the owner's layer.
        const std::string layer = owner.is_null() ? "common" : owner.get<std::string>();
        auto e = c.request(edit_request(doc, id + "-" + slug.at(field), layer, f["rev"],
                                        json::array({text->second}), id + field));
        REQUIRE(e["type"] == "ack");
    }
    return id;
}

}  // namespace

TEST_CASE("priorities: a coordinator's own, at most four, seen by all, kept over a restart",
          "[integration][plan-steps]") {
    ServerProcess server;
    ProtocolClient k(server.port()), s(server.port()), admin(server.port()), editor(server.port());
    k.hello(server.sign_in("kampen-coordinator"));
    s.hello(server.sign_in("staphorst-coordinator"));
    admin.hello(server.sign_in("admin"));
    editor.hello(server.sign_in("kampen-editor"));
    for (auto* c : {&k, &s, &admin, &editor}) c->open(doc);

    const json four = {"jeugd-en-veiligheid", "veilige-woon-en-leefomgeving", "fysieke-veiligheid",
                       "integriteit-en-veiligheid"};
    auto set = k.request(priorities(kampen, four));
    REQUIRE(set["type"] == "ack");
    auto seen = s.next_of_type("priorities.set");
    REQUIRE(seen);
    CHECK((*seen)["municipality"] == kampen);
    CHECK((*seen)["sections"] == four);
    CHECK((*seen)["rev"] == set["rev"]);

    // Five are refused at the edge; another municipality's are not Kampen's to set; an editor may
    // not; an unknown section is not found; Staphorst's local section is its own theme only.
    json five = four;
    five.push_back("bedrijvigheid-en-veiligheid");
    CHECK(k.request(priorities(kampen, five))["code"] == "bad_request");
    CHECK(k.request(priorities(staphorst, {"jeugd-en-veiligheid"}))["code"] == "forbidden");
    CHECK(editor.request(priorities(kampen, {"jeugd-en-veiligheid"}))["code"] == "forbidden");
    CHECK(k.request(priorities(kampen, {"nergens"}))["code"] == "not_found");
    CHECK(k.request(priorities(kampen, {"keuzes-staphorst"}))["code"] == "bad_request");
    CHECK(s.request(priorities(staphorst, {"keuzes-staphorst", "jeugd-en-veiligheid"}))["type"] ==
          "ack");
    CHECK(admin.request(priorities("GM1708", {"werkgroep"}))["type"] == "ack");

    // Nothing refused changed anything; all of it is there after a restart.
    server.restart();
    ProtocolClient again(server.port());
    again.hello(server.sign_in("zwartewaterland-viewer"));
    const json snapshot = again.open(doc);
    CHECK(snapshot["priorities"][kampen] == four);
    CHECK(snapshot["priorities"][staphorst] ==
          json::array({"keuzes-staphorst", "jeugd-en-veiligheid"}));
    CHECK(snapshot["priorities"]["GM1708"] == json::array({"werkgroep"}));

    // The plan opens with them, in order.
    auto plan = again.request({{"type", "effective"}, {"doc", doc}, {"municipality", kampen}});
    REQUIRE(plan["priorities"].size() == 4);
    CHECK(plan["priorities"][0]["title"] == "Jeugd en veiligheid");
}

TEST_CASE(
    "adoption: a version of the municipality's plan, visible to all, readable as adopted "
    "after later edits",
    "[integration][plan-steps]") {
    ServerProcess server;
    ProtocolClient k(server.port()), z(server.port()), admin(server.port());
    const std::string token = server.sign_in("kampen-coordinator");
    k.hello(token);
    z.hello(server.sign_in("zwartewaterland-editor"));
    admin.hello(server.sign_in("admin"));
    const json snapshot = k.open(doc);
    z.open(doc);
    admin.open(doc);
    const std::string before = layer_text(snapshot, "werkgroep", "common");

    auto adopted = k.request({{"type", "adoption.set"},
                              {"doc", doc},
                              {"municipality", kampen},
                              {"state", "raad"},
                              {"date", "2023-03-28"},
                              {"reference", "Raadsbesluit 2023-017"}});
    REQUIRE(adopted["type"] == "ack");
    auto seen = z.next_of_type("adoption.set");
    REQUIRE(seen);
    CHECK((*seen)["adoption"]["state"] == "raad");
    CHECK((*seen)["version"]["label"] ==
          "Vastgesteld door de gemeenteraad van Kampen, 28 maart 2023");
    const auto adopted_rev = (*seen)["adoption"]["rev"].get<std::uint64_t>();
    CHECK((*seen)["version"]["rev"] == adopted_rev);

    // Who may not: the admin has no municipality, Zwartewaterland's editor is no coordinator, and
    // a bad date or state is refused at the edge.
    json other = {{"type", "adoption.set"},
                  {"doc", doc},
                  {"municipality", kampen},
                  {"state", "college"},
                  {"date", "2023-02-01"}};
    CHECK(admin.request(other)["code"] == "forbidden");
    other["municipality"] = "GM1896";
    CHECK(z.request(other)["code"] == "forbidden");
    other["date"] = "2023-02-30x";
    CHECK(k.request(other)["code"] == "bad_request");

    // Later edits change today's plan, not the plan as adopted.
    auto edit = k.request(edit_request(doc, "werkgroep", "common", adopted["rev"],
                                       json::array({"Gewijzigd na vaststelling. "}), "after"));
    REQUIRE(edit["type"] == "ack");
    auto now = k.request({{"type", "effective"}, {"doc", doc}, {"municipality", kampen}});
    auto then = k.request(
        {{"type", "effective"}, {"doc", doc}, {"municipality", kampen}, {"rev", adopted_rev}});
    auto text_of = [](const json& plan, const std::string& id) {
        for (const auto& s : plan["sections"])
            if (s["id"] == id) return s["text"].get<std::string>();
        return std::string();
    };
    CHECK(text_of(now, "werkgroep") == "Gewijzigd na vaststelling. " + before);
    CHECK(text_of(then, "werkgroep") == before);
    CHECK(then["adoption"]["state"] == "raad");

    // Kept over a restart, in the snapshot and among the versions of the document list.
    server.restart();
    ProtocolClient again(server.port());
    again.hello(server.sign_in("steenwijkerland-viewer"));
    const json after = again.open(doc);
    CHECK(after["adoption"][kampen]["reference"] == "Raadsbesluit 2023-017");
    CHECK(after["adoption"][kampen]["rev"] == adopted_rev);
    CHECK(after["adoption"].count("GM1708") == 0);
    bool listed = false;
    for (const auto& v : after["versions"]) listed = listed || v["rev"] == adopted_rev;
    CHECK(listed);
    auto list = again.request({{"type", "list"}});
    bool in_list = false;
    for (const auto& d : list["documents"]) {
        if (d["id"] == doc) in_list = d["adoption"][kampen]["state"] == "raad";
    }
    CHECK(in_list);

    // Back to concept.
    ProtocolClient k2(server.port());
    k2.hello(server.sign_in("kampen-coordinator"));
    k2.open(doc);
    auto concept_again = k2.request(
        {{"type", "adoption.set"}, {"doc", doc}, {"municipality", kampen}, {"state", "concept"}});
    CHECK(concept_again["type"] == "ack");
    CHECK(k2.request({{"type", "effective"},
                      {"doc", doc},
                      {"municipality", kampen}})["adoption"]["state"] == "concept");
}

TEST_CASE(
    "the uitvoeringsplan as rows: a shared measure with Kampen's own trekker, rebased, a "
    "row Staphorst omits, a local row, budgets per municipality",
    "[integration][plan-steps]") {
    ServerProcess server;
    ProtocolClient k(server.port()), s(server.port()), z(server.port());
    k.hello(server.sign_in("kampen-coordinator"));
    s.hello(server.sign_in("staphorst-coordinator"));
    z.hello(server.sign_in("zwartewaterland-coordinator"));
    for (auto* c : {&k, &s, &z}) c->open(doc);

    auto chapter = k.request(create("Uitvoeringsplan 2023", nullptr, "text"));
    REQUIRE(chapter["type"] == "ack");
    const std::string plan = "uitvoeringsplan-2023";
    const std::string kvo = add_measure(k, "Keurmerk Veilig Ondernemen", plan,
                                        {{"Thema", "Bedrijvigheid en veiligheid"},
                                         {"Trekker", "Gemeente, afdeling Veiligheid"},
                                         {"Budget", "€ 25.000"}});
    CHECK(kvo == "keurmerk-veilig-ondernemen");
    const std::string jw = add_measure(k, "Jongerenwerk", plan,
                                       {{"Thema", "Jeugd en veiligheid"}, {"Budget", "€ 40.000"}});
    const std::string local =
        add_measure(z, "Buurtpreventie Genemuiden", plan,
                    {{"Thema", "Veilige woon- en leefomgeving"}, {"Budget", "€ 5.000"}}, "GM1896");
    CHECK(section_of(k.open(doc), local + "-budget")["owner"] == "GM1896");

    // Refused: a field twice, a field outside a measure, prose inside one.
    CHECK(k.request(create("Budget", kvo, "field"))["code"] == "conflict");
    CHECK(k.request(create("Budget", plan, "field"))["code"] == "bad_request");
    CHECK(k.request(create("Toelichting", kvo, "text"))["code"] == "bad_request");

    // Kampen diverges the trekker and budget of the KVO; Staphorst leaves the youth work out.
    const std::string trekker = kvo + "-trekker";
    REQUIRE(
        k.request(
            {{"type", "diverge"}, {"doc", doc}, {"section", trekker}, {"layer", kampen}})["type"] ==
        "ack");
    json snap = k.open(doc);
    auto own = k.request(edit_request(doc, trekker, kampen, snap["rev"],
                                      json::array({{{"d", 8}}, "Stadsmarketing Kampen"}), "k-own"));
    REQUIRE(own["type"] == "ack");
    REQUIRE(k.request({{"type", "diverge"},
                       {"doc", doc},
                       {"section", kvo + "-budget"},
                       {"layer", kampen}})["type"] == "ack");
    snap = k.open(doc);
    REQUIRE(k.request(edit_request(doc, kvo + "-budget", kampen, snap["rev"],
                                   json::array({2, {{"d", 6}}, "30.000"}), "k-budget"))["type"] ==
            "ack");
    REQUIRE(s.request(
                {{"type", "omit"}, {"doc", doc}, {"section", jw}, {"layer", staphorst}})["type"] ==
            "ack");

    // The common trekker changes: Kampen's field falls behind, and is rebased keeping its words.
    snap = k.open(doc);
    REQUIRE(layer_text(snap, trekker, kampen) == "Stadsmarketing Kampen, afdeling Veiligheid");
    REQUIRE(z.request(edit_request(doc, trekker, "common", snap["rev"],
                                   json::array({10, {{"d", 19}}, "team Openbare Orde"}),
                                   "z-common"))["type"] == "ack");
    snap = k.open(doc);
    CHECK(layers_of(snap, trekker)[kampen]["stale"] == true);
    auto preview = k.request(
        {{"type", "rebase.preview"}, {"doc", doc}, {"section", trekker}, {"layer", kampen}});
    REQUIRE(preview["type"] == "rebase.preview");
    const std::string merged = preview["merged"];
    CHECK(merged == "Stadsmarketing Kampen, team Openbare Orde");
    auto commit = k.request({{"type", "rebase.commit"},
                             {"doc", doc},
                             {"section", trekker},
                             {"layer", kampen},
                             {"rev", preview["rev"]},
                             {"text", merged}});
    REQUIRE(commit["type"] == "ack");
    snap = k.open(doc);
    CHECK(layers_of(snap, trekker)[kampen]["stale"] == false);

    // Each municipality's table and totals.
    auto effective = [&](const std::string& code) {
        return k.request({{"type", "effective"}, {"doc", doc}, {"municipality", code}});
    };
    const json kp = effective(kampen), sp = effective(staphorst), zp = effective("GM1896");
    CHECK(kp["budget"]["total"] == 3'000'000 + 4'000'000);
    CHECK(kp["budget"]["by_thema"]["Bedrijvigheid en veiligheid"] == 3'000'000);
    CHECK(sp["budget"]["total"] == 2'500'000);
    CHECK(zp["budget"]["total"] == 2'500'000 + 4'000'000 + 500'000);

    // And as Markdown over REST: a real table, Kampen's own trekker in its row.
    const std::string token = server.sign_in("kampen-viewer");
    auto md = http_request("127.0.0.1", server.port(), "GET",
                           "/api/v1/documents/" + doc + "/effective/" + kampen, "",
                           {{"Authorization", "Bearer " + token}});
    REQUIRE(md.status == 200);
    CHECK_THAT(md.body,
               Catch::Contains("| Thema | Doel | Maatregel | Beoogd resultaat | Trekker |"));
    CHECK_THAT(md.body, Catch::Contains("| Bedrijvigheid en veiligheid |"));
    CHECK_THAT(md.body, Catch::Contains(merged));
    CHECK_THAT(md.body, Catch::Contains("**€ 70.000**"));
    CHECK_THAT(md.body, !Catch::Contains("Buurtpreventie"));
}

TEST_CASE(
    "the demo tells the story: priorities, an uitvoeringsplan with rows diverged per field, "
    "two decisions",
    "[integration][plan-steps]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    c.hello(server.sign_in("staphorst-viewer"));
    const std::string ivp = "ivp-2023-2026";
    const json snapshot = c.open(ivp);
    CHECK(snapshot["priorities"]["GM0180"].size() == 4);
    CHECK(snapshot["priorities"]["GM0180"][3] == "digitale-veiligheid-staphorst");
    CHECK(section_of(snapshot, "digitale-veiligheid-staphorst")["owner"] == "GM0180");
    CHECK(snapshot["adoption"]["GM1896"]["state"] == "raad");
    CHECK(snapshot["adoption"]["GM0166"]["state"] == "college");
    CHECK(snapshot["adoption"].count("GM0180") == 0);
    CHECK(section_of(snapshot, "keurmerk-veilig-ondernemen")["kind"] == "maatregel");
    CHECK(layers_of(snapshot, "keurmerk-veilig-ondernemen-budget")["GM0166"]["text"] == "€ 18.500");

    auto plan = [&](const std::string& code) {
        return c.request({{"type", "effective"}, {"doc", ivp}, {"municipality", code}});
    };
    // Kampen's own KVO budget; Staphorst leaves out the nightlife row and has its own row.
    // The common budgets add up to € 141.000 (one is PM); Kampen's KVO is € 18.500, not € 12.000.
    CHECK(plan("GM0166")["budget"]["total"] == 14'750'000);
    // Without the nightlife row (€ 8.000), with its own Digitaal Veilig Ondernemen (€ 7.500).
    CHECK(plan("GM0180")["budget"]["total"] == 14'050'000);
    CHECK(plan("GM0180")["budget"]["without_amount"] == 1);
}

TEST_CASE(
    "next year's uitvoeringsplan starts from this year's: its measures carried over as "
    "running ones",
    "[integration][plan-steps]") {
    ServerProcess server;
    ProtocolClient admin(server.port());
    admin.hello(server.sign_in("admin"));
    auto made = admin.request({{"type", "document.create"},
                               {"doc", "uitvoeringsplan-2024"},
                               {"title", "Uitvoeringsplan 2024"},
                               {"municipalities", {"GM1708", "GM1896", "GM0180", "GM0166"}},
                               {"template", "ivp-2023-2026"}});
    REQUIRE(made["type"] == "document.created");
    const json next = admin.open("uitvoeringsplan-2024");
    CHECK(section_of(next, "keurmerk-veilig-ondernemen")["kind"] == "maatregel");
    CHECK(section_of(next, "keurmerk-veilig-ondernemen-budget")["kind"] == "field");
    CHECK(common_text(next, "keurmerk-veilig-ondernemen-planning") ==
          "Doorlopend, was: 2023, hercertificering in het vierde kwartaal");
    CHECK(common_text(next, "keurmerk-veilig-ondernemen-budget") == "€ 12.000");
    // Local measures and own texts stay with this year's plan.
    CHECK_FALSE(has_section(next, "veilig-varen-in-de-havens"));
    CHECK(layers_of(next, "keurmerk-veilig-ondernemen-budget").count("GM0166") == 0);
}
