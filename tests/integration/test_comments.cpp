// Comment threads with the real server: started on a word, live for the others, moved by their
// edits as cursors are (also after a SIGKILL and a restart), replied to, resolved and reopened, on
// a proposal (a reason to reject it), in the history; refusals and the bound on comments.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";

/// The broadcast of `type` this client receives next, within 20 s.
json next_of(ProtocolClient& c, const std::string& type) {
    auto msg = c.next_of_type(type);
    REQUIRE(msg);
    return *msg;
}

json thread_in(const json& snapshot, std::int64_t id) {
    for (const auto& t : snapshot["threads"])
        if (t["id"] == id) return t;
    return {};
}

}  // namespace

TEST_CASE("a comment thread on a word: live, moved by edits, replied to, resolved, kept",
          "[integration][comments]") {
    ServerProcess server;
    ProtocolClient kampen(server.port()), staphorst(server.port()), viewer(server.port());
    kampen.hello(server.sign_in("kampen-coordinator"));
    staphorst.hello(server.sign_in("staphorst-editor"));
    viewer.hello(server.sign_in("kampen-viewer"));
    const json snapshot = kampen.open(doc);
    staphorst.open(doc);
    viewer.open(doc);
    REQUIRE(snapshot["threads"].empty());
    const std::string text = layer_text(snapshot, "werkgroep", "common");
    const auto word = text.find("werkgroep");
    REQUIRE(word != std::string::npos);
    REQUIRE(text.substr(0, word).find_first_of("\x80\xff") == std::string::npos);  // ASCII before

    // Kampen asks Staphorst about one word; everyone sees the thread.
    auto started = kampen.request({{"type", "comment"},
                                   {"doc", doc},
                                   {"section", "werkgroep"},
                                   {"layer", "common"},
                                   {"from", word},
                                   {"to", word + 9},
                                   {"text", "Staphorst, geldt dit ook bij jullie?"},
                                   {"municipality", "GM0180"}});
    REQUIRE(started["type"] == "ack");
    const json seen = next_of(staphorst, "comment");
    CHECK(seen["rev"] == started["rev"]);
    const json thread = seen["thread"];
    CHECK(thread["from"] == word);
    CHECK(thread["to"] == word + 9);
    CHECK(thread["municipality"] == "GM0180");
    CHECK(thread["resolved"] == false);
    REQUIRE(thread["comments"].size() == 1);
    CHECK(thread["comments"][0]["author"]["name"] == "kampen-coordinator");
    const auto id = thread["id"].get<std::int64_t>();

    // Staphorst types before the word: the range moves with it, for a newcomer too.
    auto typed = staphorst.request(edit_request(doc, "werkgroep", "common",
                                                started["rev"].get<std::uint64_t>(),
                                                json::array({"Nieuw: "}), "s1"));
    REQUIRE(typed["type"] == "ack");
    ProtocolClient later(server.port());
    later.hello(server.sign_in("zwartewaterland-editor"));
    json moved = thread_in(later.open(doc), id);
    CHECK(moved["from"] == word + 7);
    CHECK(moved["to"] == word + 16);

    // A viewer replies; Staphorst resolves, Kampen reopens; resolving twice is a conflict.
    REQUIRE(viewer.request({{"type", "comment.reply"},
                            {"doc", doc},
                            {"thread", id},
                            {"text", "Ik lees mee."}})["type"] == "ack");
    auto replied = next_of(kampen, "comment.reply");
    CHECK(replied["thread"]["comments"].size() == 2);
    CHECK(replied["thread"]["comments"][1]["text"] == "Ik lees mee.");
    REQUIRE(staphorst.request({{"type", "comment.resolve"},
                               {"doc", doc},
                               {"thread", id},
                               {"resolved", true}})["type"] == "ack");
    CHECK(next_of(kampen, "comment.resolve")["thread"]["resolved"] == true);
    CHECK(staphorst.request({{"type", "comment.resolve"},
                             {"doc", doc},
                             {"thread", id},
                             {"resolved", true}})["code"] == "conflict");
    REQUIRE(kampen.request({{"type", "comment.resolve"},
                            {"doc", doc},
                            {"thread", id},
                            {"resolved", false}})["type"] == "ack");

    // Deleting the commented text closes the range to a point; the thread stays.
    auto deleted = staphorst.request(edit_request(doc, "werkgroep", "common",
                                                  typed["rev"].get<std::uint64_t>() + 0,
                                                  json::array({word + 7, json{{"d", 9}}}), "s2"));
    REQUIRE(deleted["type"] == "ack");

    // In the history of the section, and all of it after a SIGKILL.
    auto h = kampen.request({{"type", "history"}, {"doc", doc}, {"section", "werkgroep"}});
    int comment_changes = 0;
    for (const auto& c : h["changes"])
        comment_changes += c["kind"].get<std::string>().rfind("comment", 0) == 0;
    CHECK(comment_changes == 4);
    server.kill();
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("kampen-coordinator"));
    json kept = thread_in(after.open(doc), id);
    CHECK(kept["from"] == word + 7);
    CHECK(kept["to"] == word + 7);
    CHECK(kept["resolved"] == false);
    REQUIRE(kept["comments"].size() == 2);
    CHECK(kept["comments"][1]["author"]["name"] == "kampen-viewer");
}

TEST_CASE("comments are refused in words, bounded, and can carry a reason to reject a proposal",
          "[integration][comments]") {
    ServerProcess server({"--max-comments", "3"});
    ProtocolClient kampen(server.port()), staphorst(server.port());
    kampen.hello(server.sign_in("kampen-coordinator"));
    staphorst.hello(server.sign_in("staphorst-coordinator"));
    kampen.open(doc);
    staphorst.open(doc);
    auto comment = [&](ProtocolClient& c, json extra) {
        json msg = {{"type", "comment"},   {"doc", doc}, {"section", "inleiding"},
                    {"layer", "common"},   {"from", 0},  {"to", 3},
                    {"text", "Opmerking."}};
        msg.update(extra);
        return c.request(msg);
    };
    CHECK(comment(kampen, {{"to", 1'000'000}})["code"] == "bad_request");
    CHECK(comment(kampen, {{"section", "bestaat-niet"}})["code"] == "not_found");
    CHECK(comment(kampen, {{"layer", "GM0193"}})["code"] == "not_found");
    CHECK(comment(kampen, {{"municipality", "GM0193"}})["code"] == "not_found");
    CHECK(comment(kampen, {{"proposal", 99}})["code"] == "not_found");
    CHECK(kampen.request(
              {{"type", "comment.reply"}, {"doc", doc}, {"thread", 42}, {"text", "?"}})["code"] ==
          "not_found");

    // Staphorst proposes; Kampen says why it rejects, on the proposal, then rejects.
    REQUIRE(staphorst.request({{"type", "propose"},
                               {"doc", doc},
                               {"section", "inleiding"},
                               {"layer", "common"},
                               {"text", "Korter."}})["type"] == "ack");
    const auto proposal = next_of(kampen, "propose")["proposal"]["id"].get<std::int64_t>();
    auto reason = comment(
        kampen,
        {{"proposal", proposal}, {"from", 0}, {"to", 0}, {"text", "Te kort voor de raad."}});
    REQUIRE(reason["type"] == "ack");
    const json on_proposal = next_of(staphorst, "comment")["thread"];
    CHECK(on_proposal["proposal"] == proposal);
    CHECK(on_proposal["comments"][0]["text"] == "Te kort voor de raad.");
    REQUIRE(
        kampen.request(
            {{"type", "vote"}, {"doc", doc}, {"proposal", proposal}, {"vote", "reject"}})["type"] ==
        "ack");

    // The bound: three comments in the document, the fourth refused; the connection goes on.
    REQUIRE(comment(kampen, json::object())["type"] == "ack");
    auto threads = kampen.open(doc)["threads"];
    REQUIRE(threads.size() == 2);
    REQUIRE(kampen.request({{"type", "comment.reply"},
                            {"doc", doc},
                            {"thread", threads[1]["id"]},
                            {"text", "Drie."}})["type"] == "ack");
    CHECK(comment(kampen, json::object())["code"] == "too_large");
    CHECK(kampen.request({{"type", "comment.reply"},
                          {"doc", doc},
                          {"thread", threads[1]["id"]},
                          {"text", "Vier."}})["code"] == "too_large");
    CHECK(kampen.request({{"type", "list"}})["type"] == "documents");
}
