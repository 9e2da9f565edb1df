// Documents themselves: an admin creates one (empty, from a template, or from Markdown), chooses
// who takes part, renames and archives it. Against the real server, with every refusal.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

json create(const std::string& id, const std::string& title, json municipalities) {
    return {{"type", "document.create"},
            {"doc", id},
            {"title", title},
            {"municipalities", municipalities}};
}

bool listed(ProtocolClient& c, const std::string& id) {
    const json reply = c.request({{"type", "list"}});
    for (const auto& d : reply["documents"]) {
        if (d["id"] == id) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("an admin creates documents: empty, from a template, from Markdown",
          "[integration][documents]") {
    ServerProcess server;
    ProtocolClient admin(server.port()), coordinator(server.port()), kampen(server.port());
    admin.hello(server.sign_in("admin"));
    coordinator.hello(server.sign_in("staphorst-coordinator"));
    kampen.hello(server.sign_in("kampen-editor"));

    // Refusals, none of which creates anything.
    CHECK(coordinator.request(create("ivp-2027", "IVP 2027", {"GM0180"}))["code"] == "forbidden");
    CHECK(admin.request(create("IVP 2027", "IVP 2027", {"GM0180"}))["code"] == "bad_request");
    CHECK(admin.request(create("ivp-2027", "", {"GM0180"}))["code"] == "bad_request");
    CHECK(admin.request(create("ivp-2027", "IVP 2027", json::array()))["code"] == "bad_request");
    CHECK(admin.request(create("ivp-2027", "IVP 2027", {"GM0180", "GM0180"}))["code"] ==
          "bad_request");
    CHECK(admin.request(create("ivp-2027", "IVP 2027", {"GM9999"}))["code"] == "not_found");
    CHECK(admin.request(create("startnotitie-ivp-2023", "Dubbel", {"GM0180"}))["code"] ==
          "conflict");
    json from_missing = create("ivp-2027", "IVP 2027", {"GM0180"});
    from_missing["template"] = "bestaat-niet";
    CHECK(admin.request(from_missing)["code"] == "not_found");
    json both = create("ivp-2027", "IVP 2027", {"GM0180"});
    both["template"] = "ivp-2023-2026";
    both["markdown"] = "# A";
    CHECK(admin.request(both)["code"] == "bad_request");
    CHECK(!listed(admin, "ivp-2027"));

    // Empty, for Staphorst alone.
    auto empty =
        admin.request(create("ivp-2027", "Integraal Veiligheidsplan 2027–2030", {"GM0180"}));
    REQUIRE(empty["type"] == "document.created");
    CHECK(empty["sections"] == 0);
    CHECK(listed(coordinator, "ivp-2027"));
    CHECK(!listed(kampen, "ivp-2027"));  // Kampen does not take part
    auto snapshot = coordinator.open("ivp-2027");
    CHECK(snapshot["sections"].empty());
    CHECK(snapshot["title"] == "Integraal Veiligheidsplan 2027–2030");
    CHECK(kampen.request({{"type", "open"}, {"doc", "ivp-2027"}})["code"] == "forbidden");
    // It is a document like any other: the tree grows.
    CHECK(coordinator.request({{"type", "section.create"},
                               {"doc", "ivp-2027"},
                               {"parent", nullptr},
                               {"position", 0},
                               {"title", "Inleiding"}})["type"] == "ack");

    // From the Kernbeleid Veiligheid template: its tree and common text, no local text.
    json from_template = create("ivp-kampen-2027", "IVP Kampen 2027", {"GM0166", "GM0180"});
    from_template["template"] = "ivp-2023-2026";
    auto templated = admin.request(from_template);
    REQUIRE(templated["type"] == "document.created");
    auto original = admin.open("ivp-2023-2026");
    auto copy = kampen.open("ivp-kampen-2027");
    json common = json::array();  // the template's sections without its local ones
    for (const auto& s : original["sections"]) {
        if (s["owner"].is_null()) common.push_back(s);
    }
    REQUIRE(common.size() < original["sections"].size());
    REQUIRE(copy["sections"].size() == common.size());
    CHECK(templated["sections"] == common.size());
    for (std::size_t i = 0; i < common.size(); ++i) {
        const std::string id = common[i]["id"];
        INFO(id);
        CHECK(copy["sections"][i]["id"] == id);
        CHECK(copy["sections"][i]["layers"].size() == 1);
        const std::string text = copy["sections"][i]["layers"]["common"]["text"];
        // A measure's planning is carried over as running (test_plan_steps.cpp).
        if (id.ends_with("-planning")) {
            CHECK(text.starts_with("Doorlopend"));
        } else {
            CHECK(text == common[i]["layers"]["common"]["text"]);
        }
    }

    // From Markdown: headings become sections, nested by level.
    json from_markdown = create("notitie", "Notitie", {"GM1708"});
    from_markdown["markdown"] =
        "Vooraf.\n\n# Eén\n\nTekst één.\n\n## Eén a\n\nTekst a.\n\n# Twee\n\nTekst twee.\n";
    auto imported = admin.request(from_markdown);
    REQUIRE(imported["type"] == "document.created");
    CHECK(imported["sections"] == 4);
    snapshot = admin.open("notitie");
    CHECK(section_ids(snapshot) == std::vector<std::string>{"inleiding", "een", "een-a", "twee"});
    CHECK(snapshot["sections"][2]["parent"] == "een");
    CHECK(snapshot["sections"][2]["layers"]["common"]["text"] == "Tekst a.");
    server.kill();
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("admin"));
    CHECK(section_ids(after.open("notitie")) ==
          std::vector<std::string>{"inleiding", "een", "een-a", "twee"});
    CHECK(listed(after, "ivp-2027"));
}

TEST_CASE("an admin renames and archives a document, archived, it is read-only and unlisted",
          "[integration][documents]") {
    ServerProcess server;
    const std::string doc = "ivp-2023-2026";
    ProtocolClient admin(server.port()), editor(server.port());
    admin.hello(server.sign_in("admin"));
    editor.hello(server.sign_in("zwartewaterland-editor"));
    admin.open(doc);
    auto rev = editor.open(doc)["rev"].get<std::uint64_t>();

    CHECK(
        editor.request({{"type", "document.rename"}, {"doc", doc}, {"title", "Anders"}})["code"] ==
        "forbidden");
    CHECK(admin.request({{"type", "document.rename"}, {"doc", doc}, {"title", ""}})["code"] ==
          "bad_request");
    auto renamed = admin.request(
        {{"type", "document.rename"}, {"doc", doc}, {"title", "IVP 2023–2026, vastgesteld"}});
    REQUIRE(renamed["type"] == "ack");
    auto seen = editor.next_of_type("document.rename");
    REQUIRE(seen);
    CHECK((*seen)["title"] == "IVP 2023–2026, vastgesteld");

    CHECK(
        editor.request({{"type", "document.archive"}, {"doc", doc}, {"archived", true}})["code"] ==
        "forbidden");
    CHECK(admin.request({{"type", "document.archive"}, {"doc", doc}, {"archived", "ja"}})["code"] ==
          "bad_request");
    CHECK(
        admin.request({{"type", "document.archive"}, {"doc", doc}, {"archived", false}})["code"] ==
        "conflict");
    REQUIRE(admin.request(
                {{"type", "document.archive"}, {"doc", doc}, {"archived", true}})["type"] == "ack");
    CHECK(editor.next_of_type("document.archive"));
    rev = admin.open(doc)["rev"].get<std::uint64_t>();
    const std::string section = admin.open(doc)["sections"][0]["id"];
    auto refused = editor.request(edit_request(doc, section, "common", rev, {"x"}, "z1"));
    CHECK(refused["code"] == "conflict");
    CHECK(admin.request({{"type", "tag"}, {"doc", doc}, {"label", "Archief"}})["code"] ==
          "conflict");
    CHECK(!listed(editor, doc));
    CHECK(listed(admin, doc));
    CHECK(admin.open(doc)["archived"] == true);
    CHECK(admin.open(doc)["rev"] == rev);

    // After a restart it is still archived: only an admin opens it.
    server.kill();
    server.restart();
    ProtocolClient admin2(server.port()), editor2(server.port());
    admin2.hello(server.sign_in("admin"));
    editor2.hello(server.sign_in("zwartewaterland-editor"));
    CHECK(editor2.request({{"type", "open"}, {"doc", doc}})["code"] == "not_found");
    auto snapshot = admin2.open(doc);
    CHECK(snapshot["archived"] == true);
    CHECK(snapshot["title"] == "IVP 2023–2026, vastgesteld");
    REQUIRE(
        admin2.request({{"type", "document.archive"}, {"doc", doc}, {"archived", false}})["type"] ==
        "ack");
    CHECK(listed(editor2, doc));
    auto reopened = editor2.open(doc);
    CHECK(reopened["archived"] == false);
    CHECK(editor2.request(
              edit_request(doc, section, "common", reopened["rev"], {"x"}, "z2"))["type"] == "ack");
}
