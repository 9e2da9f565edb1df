// Samen waar het kan, lokaal waar het moet: a municipality diverges a section, the common text
// moves on and the override goes stale, the coordinator acknowledges it or reverts it; sections are
// omitted and included. Against the real server, with every refusal.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";

json layer_request(const std::string& kind, const std::string& section, const std::string& layer) {
    return {{"type", kind}, {"doc", doc}, {"section", section}, {"layer", layer}};
}

json edit(const std::string& section, const std::string& layer, std::uint64_t base,
          const std::string& text, const std::string& opid) {
    return edit_request(doc, section, layer, base, {text}, opid);
}

}  // namespace

TEST_CASE("diverge, go stale, acknowledge, revert, diverge again", "[integration][overrides]") {
    ServerProcess server;
    ProtocolClient kampen(server.port()), kampen_editor(server.port()), staphorst(server.port());
    kampen.hello(server.sign_in("kampen-coordinator"));
    kampen_editor.hello(server.sign_in("kampen-editor"));
    staphorst.hello(server.sign_in("staphorst-editor"));
    const std::string common = common_text(kampen.open(doc), "werkgroep");
    kampen_editor.open(doc);
    staphorst.open(doc);

    // Kampen diverges: the override starts as a copy of the common text.
    auto diverged = kampen.request(layer_request("diverge", "werkgroep", "GM0166"));
    REQUIRE(diverged["type"] == "ack");
    const auto diverge_rev = diverged["rev"].get<std::uint64_t>();
    auto seen = staphorst.next_of_type("diverge");
    REQUIRE(seen);
    CHECK((*seen)["layer"] == "GM0166");
    CHECK((*seen)["text"] == common);
    CHECK((*seen)["base"] == diverge_rev);
    CHECK(kampen.next_of_type("diverge"));  // the requester hears it too
    CHECK(kampen.request(layer_request("diverge", "werkgroep", "GM0166"))["code"] == "conflict");

    // Kampen edits its own text; Staphorst may not.
    auto own = kampen_editor.request(edit("werkgroep", "GM0166", diverge_rev, "Kampen: ", "k1"));
    REQUIRE(own["type"] == "ack");
    CHECK(staphorst.request(edit("werkgroep", "GM0166", own["rev"], "x", "s0"))["code"] ==
          "forbidden");

    // The common text moves on: Kampen's override is stale, and the edit says so.
    auto moved = staphorst.request(edit("werkgroep", "common", own["rev"], "Samen: ", "s1"));
    REQUIRE(moved["type"] == "ack");
    auto stale_edit = kampen.next_of_type("edit");
    while (stale_edit && (*stale_edit)["layer"] != "common")
        stale_edit = kampen.next_of_type("edit");
    REQUIRE(stale_edit);
    CHECK((*stale_edit)["stale"] == json::array({"GM0166"}));
    auto layers = layers_of(kampen.open(doc), "werkgroep");
    CHECK(layers["GM0166"]["stale"] == true);
    CHECK(layers["GM0166"]["text"] == "Kampen: " + common);
    CHECK(layers["common"]["text"] == "Samen: " + common);

    // Only a coordinator acknowledges; then it is no longer stale (and cannot be acknowledged
    // again).
    CHECK(kampen_editor.request(layer_request("acknowledge", "werkgroep", "GM0166"))["code"] ==
          "forbidden");
    auto ack = kampen.request(layer_request("acknowledge", "werkgroep", "GM0166"));
    REQUIRE(ack["type"] == "ack");
    layers = layers_of(kampen.open(doc), "werkgroep");
    CHECK(layers["GM0166"]["stale"] == false);
    CHECK(layers["GM0166"]["base"] == ack["rev"]);
    CHECK(kampen.request(layer_request("acknowledge", "werkgroep", "GM0166"))["code"] ==
          "conflict");

    // Revert (an editor may): back to inherit; the override is gone.
    const auto before_revert = ack["rev"].get<std::uint64_t>();
    CHECK(staphorst.request(layer_request("revert", "werkgroep", "GM0166"))["code"] == "forbidden");
    auto reverted = kampen_editor.request(layer_request("revert", "werkgroep", "GM0166"));
    REQUIRE(reverted["type"] == "ack");
    CHECK(!layers_of(kampen.open(doc), "werkgroep").contains("GM0166"));
    CHECK(kampen_editor.request(edit("werkgroep", "GM0166", reverted["rev"], "x", "k2"))["code"] ==
          "not_found");

    // Diverge again: an edit based on the old life is refused, not transformed.
    auto again = kampen.request(layer_request("diverge", "werkgroep", "GM0166"));
    REQUIRE(again["type"] == "ack");
    CHECK(kampen_editor.request(edit("werkgroep", "GM0166", before_revert, "oud ", "k3"))["code"] ==
          "conflict");
    CHECK(kampen_editor.request(
              edit("werkgroep", "GM0166", again["rev"], "nieuw ", "k4"))["type"] == "ack");

    // The states survive a restart.
    const auto expected = layers_of(kampen.open(doc), "werkgroep");
    server.kill();
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("kampen-viewer"));
    CHECK(layers_of(after.open(doc), "werkgroep") == expected);
}

TEST_CASE("omit and include a section, by the municipality's coordinator only",
          "[integration][overrides]") {
    ServerProcess server;
    ProtocolClient coordinator(server.port()), editor(server.port()), other(server.port());
    coordinator.hello(server.sign_in("staphorst-coordinator"));
    editor.hello(server.sign_in("staphorst-editor"));
    other.hello(server.sign_in("kampen-coordinator"));
    coordinator.open(doc);
    editor.open(doc);
    other.open(doc);

    CHECK(editor.request(layer_request("omit", "randvoorwaarden", "GM0180"))["code"] ==
          "forbidden");
    CHECK(other.request(layer_request("omit", "randvoorwaarden", "GM0180"))["code"] == "forbidden");
    auto omitted = coordinator.request(layer_request("omit", "randvoorwaarden", "GM0180"));
    REQUIRE(omitted["type"] == "ack");
    CHECK(layers_of(editor.open(doc), "randvoorwaarden")["GM0180"]["state"] == "omit");
    CHECK(coordinator.request(layer_request("omit", "randvoorwaarden", "GM0180"))["code"] ==
          "conflict");
    CHECK(editor.request(edit("randvoorwaarden", "GM0180", omitted["rev"], "x", "o1"))["code"] ==
          "not_found");

    // Omitting an override drops it (its text stays in the history).
    auto omit_override = other.request(layer_request("omit", "inleiding", "GM0166"));
    REQUIRE(omit_override["type"] == "ack");
    CHECK(layers_of(other.open(doc), "inleiding")["GM0166"] == json{{"state", "omit"}});

    auto included = coordinator.request(layer_request("include", "randvoorwaarden", "GM0180"));
    REQUIRE(included["type"] == "ack");
    CHECK(!layers_of(editor.open(doc), "randvoorwaarden").contains("GM0180"));
    CHECK(coordinator.request(layer_request("include", "randvoorwaarden", "GM0180"))["code"] ==
          "conflict");
}

TEST_CASE("layer requests are refused where they make no sense", "[integration][overrides]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    c.hello(server.sign_in("admin"));
    c.open(doc);
    CHECK(c.request(layer_request("diverge", "keuzes-staphorst", "GM0180"))["code"] ==
          "bad_request");  // local-only: no common text
    CHECK(c.request(layer_request("diverge", "bestaat-niet", "GM0166"))["code"] == "not_found");
    CHECK(c.request(layer_request("diverge", "werkgroep", "GM9999"))["code"] == "not_found");
    CHECK(c.request(layer_request("diverge", "werkgroep", "common"))["code"] == "not_found");
    CHECK(c.request(layer_request("revert", "werkgroep", "GM0166"))["code"] == "conflict");
}

TEST_CASE("a reconnect across a structural change gets a snapshot, not edits",
          "[integration][overrides]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-coordinator"));
    c.open(doc);
    auto e = c.request(edit("werkgroep", "common", 0, "a", "r1"));
    REQUIRE(e["rev"] == 1);
    auto edits_only = c.request({{"type", "open"}, {"doc", doc}, {"since", 0}});
    CHECK(edits_only["type"] == "changes");
    REQUIRE(c.request(layer_request("diverge", "werkgroep", "GM0166"))["rev"] == 2);
    auto across = c.request({{"type", "open"}, {"doc", doc}, {"since", 1}});
    CHECK(across["type"] == "snapshot");
    CHECK(layers_of(across, "werkgroep").contains("GM0166"));
}

TEST_CASE(
    "the effective plan and the divergence matrix, over REST and the protocol, before and "
    "after a restart",
    "[integration][overrides][effective]") {
    ServerProcess server;
    ProtocolClient staphorst(server.port()), zwartewaterland(server.port());
    staphorst.hello(server.sign_in("staphorst-coordinator"));
    zwartewaterland.hello(server.sign_in("zwartewaterland-coordinator"));
    staphorst.open(doc);
    zwartewaterland.open(doc);
    // Zwartewaterland leaves the werkgroep section out; Staphorst diverges randvoorwaarden.
    REQUIRE(zwartewaterland.request(layer_request("omit", "werkgroep", "GM1896"))["type"] == "ack");
    REQUIRE(staphorst.request(layer_request("diverge", "randvoorwaarden", "GM0180"))["type"] ==
            "ack");
    auto rev = staphorst.request(layer_request("diverge", "uitgangspunten", "GM0180"))["rev"];
    REQUIRE(staphorst.request(
                edit("randvoorwaarden", "GM0180", rev, "Staphorst: ", "e1"))["type"] == "ack");

    auto plan =
        staphorst.request({{"type", "effective"}, {"doc", doc}, {"municipality", "GM0180"}});
    REQUIRE(plan["type"] == "effective");
    CHECK(section_of(plan, "keuzes-staphorst")["source"] == "local");
    json own = section_of(plan, "randvoorwaarden");
    CHECK(own["source"] == "override");
    CHECK(own["text"].get<std::string>().rfind("Staphorst: ", 0) == 0);
    auto zw = staphorst.request({{"type", "effective"}, {"doc", doc}, {"municipality", "GM1896"}});
    CHECK(!has_section(zw, "werkgroep"));         // omitted
    CHECK(!has_section(zw, "keuzes-staphorst"));  // Staphorst's own
    auto matrix = staphorst.request({{"type", "divergence"}, {"doc", doc}});
    REQUIRE(matrix["type"] == "divergence");
    std::map<std::string, json> rows;
    for (const auto& r : matrix["rows"]) rows[r["section"]] = r["cells"];
    CHECK(rows["werkgroep"]["GM1896"] == "omit");
    CHECK(rows["randvoorwaarden"]["GM0180"] == "override");
    CHECK(rows["keuzes-staphorst"]["GM0180"] == "local");
    CHECK(rows["keuzes-staphorst"]["GM0166"] == "absent");
    CHECK(rows["inleiding"]["GM0166"] == "override");
    CHECK(rows["inleiding"]["GM1896"] == "inherit");
    CHECK(matrix["common_share"]["GM0180"] < 1.0);

    const std::string token = server.sign_in("kampen-viewer");
    auto rest_md = samen::transport::http_request("127.0.0.1", server.port(), "GET",
                                                  "/api/v1/documents/" + doc + "/effective/GM0180",
                                                  "", {{"Authorization", "Bearer " + token}});
    REQUIRE(rest_md.status == 200);
    CHECK(rest_md.content_type.rfind("text/markdown", 0) == 0);
    CHECK(rest_md.body.find("Staphorst: ") != std::string::npos);
    auto get_json = [&](const std::string& path) {
        auto r = samen::transport::http_request(
            "127.0.0.1", server.port(), "GET", path, "",
            {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}});
        REQUIRE(r.status == 200);
        return json::parse(r.body);
    };
    auto rest_plan = get_json("/api/v1/documents/" + doc + "/effective/GM0180");
    auto rest_matrix = get_json("/api/v1/documents/" + doc + "/divergence");
    plan.erase("type");
    plan.erase("id");
    CHECK(rest_plan == plan);
    CHECK(rest_matrix["rows"] == matrix["rows"]);

    auto missing = samen::transport::http_request("127.0.0.1", server.port(), "GET",
                                                  "/api/v1/documents/" + doc + "/effective/GM9999",
                                                  "", {{"Authorization", "Bearer " + token}});
    CHECK(missing.status == 404);
    CHECK(missing.content_type == "application/problem+json");

    server.kill();
    server.restart();
    auto after_plan = samen::transport::http_request(
        "127.0.0.1", server.port(), "GET", "/api/v1/documents/" + doc + "/effective/GM0180", "",
        {{"Authorization", "Bearer " + server.sign_in("kampen-viewer")},
         {"Accept", "application/json"}});
    CHECK(json::parse(after_plan.body) == rest_plan);
    auto after_matrix = samen::transport::http_request(
        "127.0.0.1", server.port(), "GET", "/api/v1/documents/" + doc + "/divergence", "",
        {{"Authorization", "Bearer " + server.sign_in("kampen-viewer")}});
    CHECK(json::parse(after_matrix.body) == rest_matrix);
}

TEST_CASE("rebase: a three-way merge, clean or with conflicts resolved by the coordinator",
          "[integration][overrides][rebase]") {
    ServerProcess server;
    ProtocolClient kampen(server.port()), staphorst(server.port()), editor(server.port());
    kampen.hello(server.sign_in("kampen-coordinator"));
    staphorst.hello(server.sign_in("staphorst-editor"));
    editor.hello(server.sign_in("kampen-editor"));
    kampen.open(doc);
    staphorst.open(doc);
    editor.open(doc);
    auto set_text = [&](ProtocolClient& c, const std::string& layer, const std::string& text,
                        const std::string& opid) {
        auto snap = c.open(doc);
        const std::string old = layer_text(snap, "werkgroep", layer);
        json op = json::array();
        if (!old.empty()) op.push_back(json{{"d", old}});
        op.push_back(text);
        auto r = c.request(edit_request(doc, "werkgroep", layer, snap["rev"], op, opid));
        REQUIRE(r["type"] == "ack");
        return r["rev"].get<std::uint64_t>();
    };
    auto preview = [&](ProtocolClient& c) {
        return c.request({{"type", "rebase.preview"},
                          {"doc", doc},
                          {"section", "werkgroep"},
                          {"layer", "GM0166"}});
    };

    set_text(staphorst, "common",
             "De werkgroep komt vijf keer bijeen. Zij rapporteert aan het college.", "c1");
    REQUIRE(kampen.request(layer_request("diverge", "werkgroep", "GM0166"))["type"] == "ack");
    CHECK(preview(kampen)["code"] == "conflict");  // not stale yet: nothing to rebase
    set_text(editor, "GM0166",
             "De werkgroep komt zes keer bijeen. Zij rapporteert aan het college.", "k1");
    // The common text changes elsewhere: the merge is clean and keeps both changes.
    set_text(staphorst, "common",
             "De werkgroep komt vijf keer bijeen. Zij rapporteert aan de raad.", "c2");
    CHECK(editor.request({{"type", "rebase.preview"},
                          {"doc", doc},
                          {"section", "werkgroep"},
                          {"layer", "GM0166"}})["code"] == "forbidden");  // coordinators only
    auto clean = preview(kampen);
    REQUIRE(clean["type"] == "rebase.preview");
    CHECK(clean["conflicts"].empty());
    CHECK(clean["merged"] == "De werkgroep komt zes keer bijeen. Zij rapporteert aan de raad.");
    CHECK(clean["base"] == "De werkgroep komt vijf keer bijeen. Zij rapporteert aan het college.");
    auto committed = kampen.request({{"type", "rebase.commit"},
                                     {"doc", doc},
                                     {"section", "werkgroep"},
                                     {"layer", "GM0166"},
                                     {"rev", clean["rev"]},
                                     {"text", clean["merged"]}});
    REQUIRE(committed["type"] == "ack");
    auto heard = editor.next_of_type("rebase");
    REQUIRE(heard);
    CHECK((*heard)["base"] == committed["rev"]);
    auto layers = layers_of(kampen.open(doc), "werkgroep");
    CHECK(layers["GM0166"]["text"] == clean["merged"]);
    CHECK(layers["GM0166"]["stale"] == false);

    // Both change the same words: a conflict, nothing written until the coordinator resolves it.
    set_text(editor, "GM0166",
             "De werkgroep komt zes keer bijeen in Kampen. Zij rapporteert aan de raad.", "k2");
    set_text(staphorst, "common",
             "De werkgroep komt vier keer bijeen. Zij rapporteert aan de raad.", "c3");
    auto conflicted = preview(kampen);
    REQUIRE(conflicted["type"] == "rebase.preview");
    REQUIRE(!conflicted["conflicts"].empty());
    CHECK(conflicted["conflicts"][0]["local"].get<std::string>().find("zes") != std::string::npos);
    CHECK(conflicted["conflicts"][0]["common"].get<std::string>().find("vier") !=
          std::string::npos);
    CHECK(conflicted["merged"].get<std::string>().find("<<<") == std::string::npos);
    CHECK(layers_of(kampen.open(doc), "werkgroep")["GM0166"]["stale"] == true);  // nothing written

    // A preview goes stale when the text moves on before the commit.
    const auto old_rev = conflicted["rev"];
    set_text(editor, "GM0166",
             "De werkgroep komt zes keer bijeen in Kampen. Zij rapporteert aan de raad!", "k3");
    CHECK(kampen.request({{"type", "rebase.commit"},
                          {"doc", doc},
                          {"section", "werkgroep"},
                          {"layer", "GM0166"},
                          {"rev", old_rev},
                          {"text", "x"}})["code"] == "conflict");
    auto again = preview(kampen);
    const std::string resolved =
        "De werkgroep komt vier keer bijeen in Kampen. Zij rapporteert aan de raad!";
    auto done = kampen.request({{"type", "rebase.commit"},
                                {"doc", doc},
                                {"section", "werkgroep"},
                                {"layer", "GM0166"},
                                {"rev", again["rev"]},
                                {"text", resolved}});
    REQUIRE(done["type"] == "ack");
    // The editor keeps typing in the override, based on the revision before the rebase.
    auto typed = editor.request(
        edit_request(doc, "werkgroep", "GM0166", again["rev"], {json{{"d", "De"}}, "Onze"}, "k4"));
    REQUIRE(typed["type"] == "ack");
    server.kill();
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("kampen-viewer"));
    layers = layers_of(after.open(doc), "werkgroep");
    CHECK(layers["GM0166"]["text"] ==
          "Onze werkgroep komt vier keer bijeen in Kampen. Zij rapporteert aan de raad!");
    CHECK(layers["GM0166"]["stale"] == false);
}
