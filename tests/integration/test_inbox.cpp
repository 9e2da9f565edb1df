// The inbox ("Sinds uw laatste bezoek"): what needs a user, with the real server — their
// municipality's local versions that fell behind, open proposals waiting for its vote, and what
// others changed since they last had the document open; each gone once dealt with, and kept
// across a SIGKILL and a restart.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "server_process.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";

/// The items of `kind` in the user's inbox for the demo document.
std::vector<json> items(ProtocolClient& c, const std::string& kind) {
    json reply = c.request({{"type", "inbox"}});
    REQUIRE(reply["type"] == "inbox");
    CHECK(reply["more"] == false);
    std::vector<json> out;
    for (const auto& i : reply["items"]) {
        if (i["kind"] == kind && i["doc"] == doc) out.push_back(i);
    }
    return out;
}

}  // namespace

TEST_CASE("the inbox holds what needs the user, until it is dealt with", "[integration][inbox]") {
    ServerProcess server;
    ProtocolClient kampen(server.port()), staphorst(server.port()), viewer(server.port());
    kampen.hello(server.sign_in("kampen-coordinator"));
    staphorst.hello(server.sign_in("staphorst-coordinator"));
    viewer.hello(server.sign_in("kampen-viewer"));

    // Before any visit: nothing changed "since", nothing falls behind.
    CHECK(items(kampen, "changes").empty());
    CHECK(items(kampen, "stale").empty());

    // Kampen has the document open and makes "werkgroep" its own, then leaves; so does the viewer.
    const auto rev = kampen.open(doc)["rev"].get<std::uint64_t>();
    viewer.open(doc);
    auto diverged = kampen.request(
        {{"type", "diverge"}, {"doc", doc}, {"section", "werkgroep"}, {"layer", "GM0166"}});
    REQUIRE(diverged["type"] == "ack");
    REQUIRE(rev < diverged["rev"].get<std::uint64_t>());
    REQUIRE(kampen.request({{"type", "close"}, {"doc", doc}})["type"] == "ack");
    REQUIRE(viewer.request({{"type", "close"}, {"doc", doc}})["type"] == "ack");
    CHECK(items(kampen, "changes").empty());  // its own change is no news

    // Meanwhile Staphorst changes the common text of "werkgroep" and proposes a common text.
    const auto at = staphorst.open(doc)["rev"].get<std::uint64_t>();
    auto edit = staphorst.request(
        edit_request(doc, "werkgroep", "common", at, json::array({"Nieuw: "}), "s1"));
    REQUIRE(edit["type"] == "ack");
    auto proposed = staphorst.request({{"type", "propose"},
                                       {"doc", doc},
                                       {"section", "inleiding"},
                                       {"layer", "common"},
                                       {"text", "Een voorstel voor de inleiding."}});
    REQUIRE(proposed["type"] == "ack");

    auto stale = items(kampen, "stale");
    REQUIRE(stale.size() == 1);
    CHECK(stale[0]["section"] == "werkgroep");
    CHECK(stale[0]["title"] == "Werkgroep");
    CHECK(stale[0]["municipality"] == "GM0166");
    auto votes = items(kampen, "vote");
    REQUIRE(votes.size() == 1);
    CHECK(votes[0]["section"] == "inleiding");
    CHECK(votes[0]["proposer"]["name"] == "staphorst-coordinator");
    const auto proposal = votes[0]["proposal"].get<std::int64_t>();
    auto changes = items(kampen, "changes");
    REQUIRE(changes.size() == 1);
    CHECK(changes[0]["count"] == 2);  // the edit and the proposal
    CHECK(changes[0]["from"] == diverged["rev"]);
    CHECK(changes[0]["rev"] == proposed["rev"]);
    CHECK(changes[0]["sections"] == json::array({{{"id", "werkgroep"}, {"title", "Werkgroep"}},
                                                 {{"id", "inleiding"}, {"title", "Inleiding"}}}));
    REQUIRE(changes[0]["authors"].size() == 1);
    CHECK(changes[0]["authors"][0]["name"] == "staphorst-coordinator");

    // Staphorst is asked for nothing it did itself; the viewer is told, not asked.
    CHECK(items(staphorst, "changes").empty());
    CHECK(items(staphorst, "vote").empty());  // proposing is its vote
    CHECK(items(viewer, "stale").empty());
    CHECK(items(viewer, "vote").empty());
    REQUIRE(items(viewer, "changes").size() == 1);
    CHECK(items(viewer, "changes")[0]["count"] == 2);  // Kampen's diverge it saw while there

    // All of it survives a SIGKILL.
    server.kill();
    server.restart();
    ProtocolClient again(server.port());
    again.hello(server.sign_in("kampen-coordinator"));
    CHECK(items(again, "stale").size() == 1);
    CHECK(items(again, "vote").size() == 1);
    CHECK(items(again, "changes").size() == 1);

    // A comment addressed to Kampen is in its inbox until it is resolved.
    ProtocolClient asker(server.port());
    asker.hello(server.sign_in("staphorst-coordinator"));
    asker.open(doc);
    auto asked = asker.request({{"type", "comment"},
                                {"doc", doc},
                                {"section", "werkgroep"},
                                {"layer", "common"},
                                {"from", 0},
                                {"to", 3},
                                {"text", "Kampen, klopt dit?"},
                                {"municipality", "GM0166"}});
    REQUIRE(asked["type"] == "ack");
    auto comments = items(again, "comment");
    REQUIRE(comments.size() == 1);
    CHECK(comments[0]["text"] == "Kampen, klopt dit?");
    CHECK(comments[0]["author"]["name"] == "staphorst-coordinator");
    CHECK(comments[0]["title"] == "Werkgroep");
    CHECK(items(asker, "comment").empty());  // addressed to Kampen, not to Staphorst
    again.open(doc);
    REQUIRE(again.request({{"type", "comment.resolve"},
                           {"doc", doc},
                           {"thread", comments[0]["thread"]},
                           {"resolved", true}})["type"] == "ack");
    CHECK(items(again, "comment").empty());

    // Dealt with, gone: opening the document, acknowledging the stale version, voting.
    again.open(doc);
    CHECK(items(again, "changes").empty());
    REQUIRE(again.request({{"type", "acknowledge"},
                           {"doc", doc},
                           {"section", "werkgroep"},
                           {"layer", "GM0166"}})["type"] == "ack");
    CHECK(items(again, "stale").empty());
    REQUIRE(again.request({{"type", "vote"},
                           {"doc", doc},
                           {"proposal", proposal},
                           {"vote", "approve"}})["type"] == "ack");
    CHECK(items(again, "vote").empty());
}
