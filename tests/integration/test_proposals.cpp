// Proposals: a municipality's local text made common, or a change of the common text put to
// agreement; every taking-part municipality's coordinator votes, every vote reaches everyone.
// Against the real server, with every refusal and a restart.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";

json vote(std::int64_t proposal, const std::string& v) {
    return {{"type", "vote"}, {"doc", doc}, {"proposal", proposal}, {"vote", v}};
}

/// The four coordinators, signed in, with the document open.
struct Coordinators {
    explicit Coordinators(ServerProcess& server)
        : kampen(server.port()),
          steenwijkerland(server.port()),
          zwartewaterland(server.port()),
          staphorst(server.port()) {
        kampen.hello(server.sign_in("kampen-coordinator"));
        steenwijkerland.hello(server.sign_in("steenwijkerland-coordinator"));
        zwartewaterland.hello(server.sign_in("zwartewaterland-coordinator"));
        staphorst.hello(server.sign_in("staphorst-coordinator"));
        for (auto* c : all()) c->open(doc);
    }
    std::vector<ProtocolClient*> all() {
        return {&kampen, &steenwijkerland, &zwartewaterland, &staphorst};
    }
    ProtocolClient kampen, steenwijkerland, zwartewaterland, staphorst;
};

}  // namespace

TEST_CASE("a local text approved by all four becomes the common text", "[integration][proposals]") {
    ServerProcess server;
    Coordinators c(server);
    ProtocolClient editor(server.port()), viewer(server.port());
    editor.hello(server.sign_in("kampen-editor"));
    viewer.hello(server.sign_in("staphorst-viewer"));
    editor.open(doc);
    viewer.open(doc);
    const std::string section = "werkgroep";

    auto diverged = c.kampen.request(
        {{"type", "diverge"}, {"doc", doc}, {"section", section}, {"layer", "GM0166"}});
    REQUIRE(diverged["type"] == "ack");
    auto own = editor.request(edit_request(doc, section, "GM0166", diverged["rev"],
                                           json::array({"Kampen stelt voor: "}), "k1"));
    REQUIRE(own["type"] == "ack");
    const std::string proposed = layer_text(c.kampen.open(doc), section, "GM0166");

    // Refusals first: none of them writes anything.
    const json propose = {
        {"type", "propose"}, {"doc", doc}, {"section", section}, {"layer", "GM0166"}};
    CHECK(editor.request(propose)["code"] == "forbidden");       // an editor does not propose
    CHECK(c.staphorst.request(propose)["code"] == "forbidden");  // nor another municipality
    CHECK(viewer.request(propose)["code"] == "forbidden");
    json other = propose;
    other["layer"] = "GM0180";
    CHECK(c.staphorst.request(other)["code"] == "not_found");  // Staphorst has no override here
    json local = propose;
    local["section"] = "keuzes-staphorst";
    local["layer"] = "GM0180";
    CHECK(c.staphorst.request(local)["code"] == "bad_request");  // a local-only section
    json with_text = propose;
    with_text["text"] = "x";
    CHECK(c.kampen.request(with_text)["code"] == "bad_request");
    const auto rev_before = c.kampen.open(doc)["rev"];

    auto proposed_ack = c.kampen.request(propose);
    REQUIRE(proposed_ack["type"] == "ack");
    CHECK(proposed_ack["rev"] == rev_before.get<std::uint64_t>() + 1);
    auto seen = viewer.next_of_type("propose");
    REQUIRE(seen);
    const auto id = (*seen)["proposal"]["id"].get<std::int64_t>();
    CHECK((*seen)["proposal"]["text"] == proposed);
    CHECK((*seen)["proposal"]["votes"] == json{{"GM0166", "approve"}});
    CHECK((*seen)["proposal"]["state"] == "open");
    CHECK(c.kampen.request(propose)["code"] == "conflict");  // one open proposal per section
    auto snapshot = viewer.open(doc);
    REQUIRE(snapshot["proposals"].size() == 1);
    CHECK(snapshot["proposals"][0]["id"] == id);

    // Votes: coordinators only, once each; every vote reaches every subscriber.
    CHECK(editor.request(vote(id, "approve"))["code"] == "forbidden");
    CHECK(viewer.request(vote(id, "approve"))["code"] == "forbidden");
    CHECK(c.kampen.request(vote(id, "approve"))["code"] == "conflict");  // approved by proposing
    CHECK(c.kampen.request(vote(id + 100, "approve"))["code"] == "not_found");
    CHECK(c.kampen.request(json{
              {"type", "vote"}, {"doc", doc}, {"proposal", id}, {"vote", "misschien"}})["code"] ==
          "bad_request");
    REQUIRE(c.steenwijkerland.request(vote(id, "approve"))["type"] == "ack");
    auto v1 = viewer.next_of_type("vote");
    REQUIRE(v1);
    CHECK((*v1)["municipality"] == "GM1708");
    CHECK((*v1)["state"] == "open");
    CHECK(c.steenwijkerland.request(vote(id, "approve"))["code"] == "conflict");
    REQUIRE(c.zwartewaterland.request(vote(id, "approve"))["type"] == "ack");
    CHECK(viewer.next_of_type("vote"));
    CHECK(common_text(viewer.open(doc), section) != proposed);

    // The last approval: the common text becomes the proposal, Kampen's override goes.
    auto last = c.staphorst.request(vote(id, "approve"));
    REQUIRE(last["type"] == "ack");
    auto accepted = viewer.next_of_type("vote");
    REQUIRE(accepted);
    CHECK((*accepted)["state"] == "accepted");
    auto common_edit = viewer.next_of_type("edit");
    while (common_edit && (*common_edit)["layer"] != "common")
        common_edit = viewer.next_of_type("edit");
    REQUIRE(common_edit);
    CHECK((*common_edit)["layer"] == "common");
    CHECK((*common_edit)["opid"] == "proposal-" + std::to_string(id));
    CHECK((*common_edit)["rev"] == (*accepted)["rev"].get<std::uint64_t>() + 1);
    auto reverted = viewer.next_of_type("revert");
    REQUIRE(reverted);
    CHECK((*reverted)["layer"] == "GM0166");
    CHECK((*reverted)["rev"] == last["rev"]);
    CHECK(c.zwartewaterland.request(vote(id, "reject"))["code"] == "not_found");  // closed

    snapshot = viewer.open(doc);
    CHECK(common_text(snapshot, section) == proposed);
    CHECK(!layers_of(snapshot, section).contains("GM0166"));
    CHECK(snapshot["proposals"].empty());

    server.kill();
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("kampen-viewer"));
    auto again = after.open(doc);
    CHECK(again["sections"] == snapshot["sections"]);
    CHECK(again["proposals"].empty());
}

TEST_CASE("one rejection closes a proposal of the common text", "[integration][proposals]") {
    ServerProcess server;
    Coordinators c(server);
    const std::string section = "uitgangspunten";
    const std::string before = common_text(c.kampen.open(doc), section);
    json propose = {{"type", "propose"}, {"doc", doc}, {"section", section}, {"layer", "common"}};
    CHECK(c.kampen.request(propose)["code"] == "bad_request");  // the text is missing
    propose["text"] = before;
    CHECK(c.kampen.request(propose)["code"] == "conflict");  // that is the common text already
    propose["text"] = "Een nieuwe, gezamenlijke tekst.";
    REQUIRE(c.steenwijkerland.request(propose)["type"] == "ack");
    auto p = c.kampen.next_of_type("propose");
    REQUIRE(p);
    const auto id = (*p)["proposal"]["id"].get<std::int64_t>();
    CHECK((*p)["proposal"]["layer"] == "common");
    CHECK((*p)["proposal"]["votes"] == json{{"GM1708", "approve"}});

    REQUIRE(c.kampen.request(vote(id, "approve"))["type"] == "ack");
    REQUIRE(c.staphorst.request(vote(id, "reject"))["type"] == "ack");
    bool rejected = false;
    for (int i = 0; i < 4 && !rejected; ++i) {
        auto v = c.zwartewaterland.next_of_type("vote");
        REQUIRE(v);
        rejected = (*v)["state"] == "rejected";
    }
    CHECK(rejected);
    CHECK(c.zwartewaterland.request(vote(id, "approve"))["code"] == "not_found");
    auto snapshot = c.zwartewaterland.open(doc);
    CHECK(common_text(snapshot, section) == before);
    CHECK(snapshot["proposals"].empty());
    // Closed, a new proposal for the section may follow.
    CHECK(c.steenwijkerland.request(propose)["type"] == "ack");
}

TEST_CASE("the common text moved before the last vote: both changes are kept",
          "[integration][proposals]") {
    ServerProcess server;
    Coordinators c(server);
    ProtocolClient staphorst_editor(server.port());
    staphorst_editor.hello(server.sign_in("staphorst-editor"));
    staphorst_editor.open(doc);
    const std::string section = "werkgroep";
    const std::string common = common_text(c.kampen.open(doc), section);
    REQUIRE(common.size() > 10);

    auto diverged = c.kampen.request(
        {{"type", "diverge"}, {"doc", doc}, {"section", section}, {"layer", "GM0166"}});
    REQUIRE(diverged["type"] == "ack");
    auto own = c.kampen.request(
        edit_request(doc, section, "GM0166", diverged["rev"], json::array({"Kampen: "}), "k1"));
    REQUIRE(own["type"] == "ack");
    auto proposed = c.kampen.request(
        {{"type", "propose"}, {"doc", doc}, {"section", section}, {"layer", "GM0166"}});
    REQUIRE(proposed["type"] == "ack");
    const auto id = (*c.staphorst.next_of_type("propose"))["proposal"]["id"].get<std::int64_t>();

    // Staphorst adds a sentence to the end of the common text meanwhile: the override is stale.
    auto snapshot = staphorst_editor.open(doc);
    const std::size_t code_points = [&] {
        std::size_t n = 0;
        for (unsigned char ch : common) n += (ch & 0xC0) != 0x80;
        return n;
    }();
    auto moved = staphorst_editor.request(
        edit_request(doc, section, "common", snapshot["rev"],
                     json::array({code_points, " Staphorst vult aan."}), "s1"));
    REQUIRE(moved["type"] == "ack");
    CHECK(c.kampen.request({{"type", "propose"},
                            {"doc", doc},
                            {"section", "inleiding"},
                            {"layer", "GM0166"}})["type"] == "ack");  // another section: fine

    for (auto* voter : {&c.steenwijkerland, &c.zwartewaterland, &c.staphorst}) {
        REQUIRE(voter->request(vote(id, "approve"))["type"] == "ack");
    }
    snapshot = c.zwartewaterland.open(doc);
    CHECK(common_text(snapshot, section) == "Kampen: " + common + " Staphorst vult aan.");
    CHECK(!layers_of(snapshot, section).contains("GM0166"));
    REQUIRE(snapshot["proposals"].size() == 1);  // the one for "inleiding"
}

TEST_CASE("a stale override is not proposed, and an override edited after the proposal stays",
          "[integration][proposals]") {
    ServerProcess server;
    Coordinators c(server);
    const std::string section = "werkgroep";
    auto diverged = c.kampen.request(
        {{"type", "diverge"}, {"doc", doc}, {"section", section}, {"layer", "GM0166"}});
    REQUIRE(diverged["type"] == "ack");
    auto moved = c.staphorst.request(
        edit_request(doc, section, "common", diverged["rev"], json::array({"Nieuw: "}), "s1"));
    REQUIRE(moved["type"] == "ack");
    const json propose = {
        {"type", "propose"}, {"doc", doc}, {"section", section}, {"layer", "GM0166"}};
    CHECK(c.kampen.request(propose)["code"] == "conflict");  // stale: rebase or acknowledge first
    REQUIRE(c.kampen.request({{"type", "acknowledge"},
                              {"doc", doc},
                              {"section", section},
                              {"layer", "GM0166"}})["type"] == "ack");
    auto rev = c.kampen.open(doc)["rev"].get<std::uint64_t>();
    REQUIRE(c.kampen.request(edit_request(doc, section, "GM0166", rev, json::array({"Kampen: "}),
                                          "k1"))["type"] == "ack");
    REQUIRE(c.kampen.request(propose)["type"] == "ack");
    const auto id = (*c.staphorst.next_of_type("propose"))["proposal"]["id"].get<std::int64_t>();
    const std::string proposed = layer_text(c.kampen.open(doc), section, "GM0166");

    // Kampen keeps typing in its override: after acceptance that text must not be lost.
    rev = c.kampen.open(doc)["rev"].get<std::uint64_t>();
    REQUIRE(c.kampen.request(edit_request(doc, section, "GM0166", rev, json::array({"Nog: "}),
                                          "k2"))["type"] == "ack");
    for (auto* voter : {&c.steenwijkerland, &c.zwartewaterland, &c.staphorst}) {
        REQUIRE(voter->request(vote(id, "approve"))["type"] == "ack");
    }
    auto snapshot = c.kampen.open(doc);
    CHECK(common_text(snapshot, section) == proposed);
    REQUIRE(layers_of(snapshot, section).contains("GM0166"));
    CHECK(layer_text(snapshot, section, "GM0166") == "Nog: " + proposed);
    CHECK(layers_of(snapshot, section)["GM0166"]["stale"] == true);
}
