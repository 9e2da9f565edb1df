// The section tree: create (common and local-only), rename, move, delete, restore — with the
// permissions, and while others type in the same sections.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";

json tree(json msg) {
    msg["doc"] = doc;
    return msg;
}

/// The children of `parent` (null: top level) in order, from a snapshot.
std::vector<std::string> children(const json& snapshot, const json& parent) {
    std::vector<std::pair<std::int64_t, std::string>> found;
    for (const auto& s : snapshot["sections"]) {
        if (s["parent"] == parent) found.emplace_back(s["position"].get<std::int64_t>(), s["id"]);
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < found.size(); ++i) {
        CHECK(found[i].first == static_cast<std::int64_t>(i));  // positions are 0..n-1
        out.push_back(found[i].second);
    }
    return out;
}

}  // namespace

TEST_CASE("create, rename, move, delete and restore sections", "[integration][tree]") {
    ServerProcess server;
    ProtocolClient coordinator(server.port()), editor(server.port());
    coordinator.hello(server.sign_in("kampen-coordinator"));
    editor.hello(server.sign_in("kampen-editor"));
    auto snap = coordinator.open(doc);
    editor.open(doc);
    const auto top = children(snap, nullptr);

    // Editors do not change the tree.
    CHECK(editor.request(tree({{"type", "section.create"},
                               {"parent", nullptr},
                               {"position", 0},
                               {"title", "Nee"}}))["code"] == "forbidden");

    auto created = coordinator.request(tree({{"type", "section.create"},
                                             {"parent", nullptr},
                                             {"position", 1},
                                             {"title", "Evaluatie 2026"}}));
    REQUIRE(created["type"] == "ack");
    auto heard = editor.next_of_type("section.create");
    REQUIRE(heard);
    CHECK((*heard)["section"]["id"] == "evaluatie-2026");
    CHECK((*heard)["section"]["position"] == 1);
    snap = coordinator.open(doc);
    auto expected = top;
    expected.insert(expected.begin() + 1, "evaluatie-2026");
    CHECK(children(snap, nullptr) == expected);

    // The same title again gets its own id.
    auto twin = coordinator.request(tree({{"type", "section.create"},
                                          {"parent", "werkgroep"},
                                          {"position", 0},
                                          {"title", "Evaluatie 2026"}}));
    REQUIRE(twin["type"] == "ack");
    CHECK(children(coordinator.open(doc), "werkgroep") ==
          std::vector<std::string>{"evaluatie-2026-2"});

    // The editor types into the new section while the coordinator renames and moves it.
    auto typed = editor.request(
        edit_request(doc, "evaluatie-2026", "common", twin["rev"], {"Tekst."}, "t1"));
    REQUIRE(typed["type"] == "ack");
    REQUIRE(coordinator.request(tree({{"type", "section.rename"},
                                      {"section", "evaluatie-2026"},
                                      {"title", "Evaluatie en bijsturing"}}))["type"] == "ack");
    auto moved = coordinator.request(tree({{"type", "section.move"},
                                           {"section", "evaluatie-2026"},
                                           {"parent", "werkgroep"},
                                           {"position", 0}}));
    REQUIRE(moved["type"] == "ack");
    auto typed2 = editor.request(
        edit_request(doc, "evaluatie-2026", "common", typed["rev"], {6, " Meer."}, "t2"));
    CHECK(typed2["type"] == "ack");  // transformed; the structure does not disturb the text
    snap = coordinator.open(doc);
    CHECK(children(snap, nullptr) == top);
    CHECK(children(snap, "werkgroep") ==
          std::vector<std::string>{"evaluatie-2026", "evaluatie-2026-2"});
    CHECK(section_of(snap, "evaluatie-2026")["title"] == "Evaluatie en bijsturing");
    CHECK(common_text(snap, "evaluatie-2026") == "Tekst. Meer.");
    CHECK(coordinator.request(tree({{"type", "section.move"},
                                    {"section", "werkgroep"},
                                    {"parent", "evaluatie-2026"},
                                    {"position", 0}}))["code"] ==
          "bad_request");  // under its own child

    // Delete the chapter with what is under it; edits to it are refused; restore brings it back.
    REQUIRE(coordinator.request(
                tree({{"type", "section.delete"}, {"section", "werkgroep"}}))["type"] == "ack");
    snap = coordinator.open(doc);
    CHECK(!has_section(snap, "werkgroep"));
    CHECK(!has_section(snap, "evaluatie-2026"));
    CHECK(editor.request(edit_request(doc, "evaluatie-2026", "common", snap["rev"], {"x"},
                                      "t3"))["code"] == "not_found");
    auto restored =
        coordinator.request(tree({{"type", "section.restore"}, {"section", "werkgroep"}}));
    REQUIRE(restored["type"] == "ack");
    snap = coordinator.open(doc);
    CHECK(has_section(snap, "werkgroep"));
    CHECK(children(snap, "werkgroep") ==
          std::vector<std::string>{"evaluatie-2026", "evaluatie-2026-2"});
    CHECK(children(snap, nullptr).back() == "werkgroep");

    // All of it survives a restart.
    server.kill();
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("kampen-viewer"));
    auto reloaded = after.open(doc);
    CHECK(reloaded["sections"] == snap["sections"]);
}

TEST_CASE("local-only sections: only their municipality's coordinator changes them",
          "[integration][tree]") {
    ServerProcess server;
    ProtocolClient staphorst(server.port()), kampen(server.port());
    staphorst.hello(server.sign_in("staphorst-coordinator"));
    kampen.hello(server.sign_in("kampen-coordinator"));
    staphorst.open(doc);
    kampen.open(doc);

    CHECK(kampen.request(tree({{"type", "section.create"},
                               {"parent", nullptr},
                               {"position", 0},
                               {"title", "Van Staphorst"},
                               {"owner", "GM0180"}}))["code"] == "forbidden");
    auto own = staphorst.request(tree({{"type", "section.create"},
                                       {"parent", "veiligheidsvelden"},
                                       {"position", 9},
                                       {"title", "Digitale veiligheid in Staphorst"},
                                       {"owner", "GM0180"}}));
    REQUIRE(own["type"] == "ack");
    auto snap = kampen.open(doc);
    json own_section = section_of(snap, "digitale-veiligheid-in-staphorst");
    CHECK(own_section["owner"] == "GM0180");
    CHECK(own_section["layers"].contains("GM0180"));
    CHECK(!own_section["layers"].contains("common"));
    CHECK(kampen.request(tree({{"type", "section.rename"},
                               {"section", "keuzes-staphorst"},
                               {"title", "Anders"}}))["code"] == "forbidden");
    // Kampen may not delete a chapter that holds Staphorst's own sections.
    CHECK(kampen.request(tree({{"type", "section.delete"},
                               {"section", "veiligheidsvelden"}}))["code"] == "forbidden");
    CHECK(staphorst.request(tree({{"type", "section.rename"},
                                  {"section", "keuzes-staphorst"},
                                  {"title", "Keuzes van Staphorst"}}))["type"] == "ack");
    CHECK(staphorst.request(tree({{"type", "section.create"},
                                  {"parent", nullptr},
                                  {"position", 0},
                                  {"title", ""}}))["code"] == "bad_request");
    CHECK(staphorst.request(tree({{"type", "section.move"},
                                  {"section", "bestaat-niet"},
                                  {"parent", nullptr},
                                  {"position", 0}}))["code"] == "not_found");
    CHECK(staphorst.request(tree(
              {{"type", "section.explode"}, {"section", "werkgroep"}}))["code"] == "bad_request");
}

TEST_CASE("a restore brings back what its delete removed, and nothing deleted before by others",
          "[integration][tree][security]") {
    ServerProcess server;
    ProtocolClient kampen(server.port()), staphorst(server.port());
    REQUIRE(kampen.hello(server.sign_in("kampen-coordinator"))["type"] == "welcome");
    REQUIRE(staphorst.hello(server.sign_in("staphorst-coordinator"))["type"] == "welcome");
    kampen.open(doc);
    staphorst.open(doc);

    // Staphorst keeps a local section under a common chapter, then deletes it.
    json chapter = kampen.request(tree(
        {{"type", "section.create"}, {"parent", nullptr}, {"position", 0}, {"title", "Thema"}}));
    REQUIRE(chapter["type"] == "ack");
    const json created = staphorst.next_of_type("section.create").value();
    const std::string parent = created["section"]["id"];
    REQUIRE(staphorst.request(tree({{"type", "section.create"},
                                    {"parent", parent},
                                    {"position", 0},
                                    {"title", "Eigen aanpak Staphorst"},
                                    {"owner", "GM0180"}}))["type"] == "ack");
    const std::string local = "eigen-aanpak-staphorst";
    REQUIRE(staphorst.request(tree({{"type", "section.delete"}, {"section", local}}))["type"] ==
            "ack");

    // Kampen deletes the common chapter and restores it: Staphorst's section stays deleted.
    REQUIRE(kampen.request(tree({{"type", "section.delete"}, {"section", parent}}))["type"] ==
            "ack");
    json restored = kampen.request(tree({{"type", "section.restore"}, {"section", parent}}));
    REQUIRE(restored["type"] == "ack");
    const json broadcast = staphorst.next_of_type("section.restore").value();
    CHECK(broadcast["subsections"].empty());
    json plan =
        staphorst.request({{"type", "effective"}, {"doc", doc}, {"municipality", "GM0180"}});
    CHECK(plan.dump().find("Eigen aanpak Staphorst") == std::string::npos);
    CHECK_FALSE(has_section(staphorst.open(doc), local));

    // Its owner can still bring it back; Kampen cannot.
    CHECK(kampen.request(tree({{"type", "section.restore"}, {"section", local}}))["code"] ==
          "forbidden");
    CHECK(staphorst.request(tree({{"type", "section.restore"}, {"section", local}}))["type"] ==
          "ack");
}
