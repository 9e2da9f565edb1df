// Protocol v1 against the real server: sign-in, open, edits, resubmission, catch-up, and every
// kind of bad input.
#include <catch2/catch.hpp>
#include <memory>
#include <thread>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";

}  // namespace

TEST_CASE("nothing but hello is answered before sign-in, and a bad token is refused",
          "[integration][protocol]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    auto early = c.request({{"type", "list"}});
    CHECK(early["type"] == "error");
    CHECK(early["code"] == "unauthorized");

    auto refused = c.hello("not-a-token");
    CHECK(refused["type"] == "error");
    CHECK(refused["code"] == "unauthorized");
    CHECK(c.wait_closed() == 1008);

    ProtocolClient ok(server.port());
    auto welcome = ok.hello(server.sign_in("kampen-editor"));
    REQUIRE(welcome["type"] == "welcome");
    CHECK(welcome["protocol"] == 1);
    CHECK(welcome["user"]["name"] == "kampen-editor");
    CHECK(welcome["user"]["municipality"] == "GM0166");
    CHECK(welcome["user"]["role"] == "editor");
    CHECK(ok.hello(server.sign_in("kampen-editor"))["code"] == "bad_request");  // once is enough
}

TEST_CASE("ping is answered with pong, after hello, and the connection stays usable",
          "[integration][protocol]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    CHECK(c.request({{"type", "ping"}})["code"] == "unauthorized");  // like everything, after hello
    c.hello(server.sign_in("kampen-viewer"));
    for (int i = 0; i < 3; ++i) {
        auto pong = c.request({{"type", "ping"}});
        CHECK(pong["type"] == "pong");
        CHECK(pong.size() == 2);  // type and id: nothing else
    }
    // The connection stays usable.
    CHECK(c.request({{"type", "list"}})["type"] == "documents");
}

TEST_CASE("list and open show the demo documents with their overrides", "[integration][protocol]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    c.hello(server.sign_in("staphorst-viewer"));
    auto docs = c.request({{"type", "list"}});
    REQUIRE(docs["type"] == "documents");
    REQUIRE(docs["documents"].size() == 2);

    auto snap = c.open(doc);
    CHECK(snap["rev"] == 0);
    CHECK(snap["municipalities"].size() == 4);
    bool kampen_override = false, staphorst_local = false;
    for (const auto& s : snap["sections"]) {
        if (s["id"] == "inleiding" && s["layers"].contains("GM0166")) {
            kampen_override = s["layers"]["GM0166"]["state"] == "override";
        }
        if (s["owner"] == "GM0180") staphorst_local = s["layers"].contains("GM0180");
    }
    CHECK(kampen_override);
    CHECK(staphorst_local);

    auto missing = c.request({{"type", "open"}, {"doc", "bestaat-niet"}});
    CHECK(missing["code"] == "not_found");
}

TEST_CASE(
    "an edit is acked after commit, reaches the others, and is transformed against what it "
    "did not see",
    "[integration][protocol]") {
    ServerProcess server;
    ProtocolClient a(server.port()), b(server.port());
    a.hello(server.sign_in("kampen-editor"));
    b.hello(server.sign_in("staphorst-editor"));
    auto snap = a.open(doc);
    b.open(doc);
    const std::string before = common_text(snap, "werkgroep");

    // Both type at the start of the same section, both based on revision 0.
    auto ack_a =
        a.request(edit_request(doc, "werkgroep", "common", 0, json::array({"Kampen: "}), "a-1"));
    REQUIRE(ack_a["type"] == "ack");
    CHECK(ack_a["rev"] == 1);
    auto ack_b =
        b.request(edit_request(doc, "werkgroep", "common", 0, json::array({"Staphorst: "}), "b-1"));
    REQUIRE(ack_b["type"] == "ack");
    CHECK(ack_b["rev"] == 2);

    auto seen_by_b = b.next_of_type("edit");
    REQUIRE(seen_by_b);
    CHECK((*seen_by_b)["rev"] == 1);
    CHECK((*seen_by_b)["author"]["name"] == "kampen-editor");
    auto seen_by_a = a.next_of_type("edit");
    REQUIRE(seen_by_a);
    CHECK((*seen_by_a)["rev"] == 2);
    // b's insert at 0 came second: transformed (side left) it still goes first.
    CHECK((*seen_by_a)["op"] == json::array({"Staphorst: "}));

    ProtocolClient fresh(server.port());
    fresh.hello(server.sign_in("zwartewaterland-viewer"));
    CHECK(common_text(fresh.open(doc), "werkgroep") == "Staphorst: Kampen: " + before);
}

TEST_CASE("a resubmitted opid is acked with its first revision and applied once",
          "[integration][protocol]") {
    ServerProcess server;
    const std::string token = server.sign_in("kampen-editor");
    ProtocolClient a(server.port());
    a.hello(token);
    a.open(doc);
    auto first =
        a.request(edit_request(doc, "werkgroep", "common", 0, json::array({"één "}), "k-1"));
    REQUIRE(first["rev"] == 1);

    // The same edit again, as after a lost ack, on a new connection.
    ProtocolClient again(server.port());
    again.hello(token);
    again.open(doc);
    auto second =
        again.request(edit_request(doc, "werkgroep", "common", 0, json::array({"één "}), "k-1"));
    CHECK(second["type"] == "ack");
    CHECK(second["rev"] == 1);

    // And after a restart, when the server no longer has it in memory.
    server.restart();
    ProtocolClient later(server.port());
    later.hello(token);
    auto snap = later.open(doc);
    CHECK(snap["rev"] == 1);
    auto third =
        later.request(edit_request(doc, "werkgroep", "common", 0, json::array({"één "}), "k-1"));
    CHECK(third["rev"] == 1);
    CHECK(later.open(doc)["rev"] == 1);
    CHECK(common_text(later.open(doc), "werkgroep").rfind("één ", 0) == 0);
    CHECK(common_text(later.open(doc), "werkgroep").rfind("één één", 0) != 0);
}

TEST_CASE("open with since returns the missed changes in order", "[integration][protocol]") {
    ServerProcess server;
    ProtocolClient a(server.port()), b(server.port());
    a.hello(server.sign_in("kampen-editor"));
    b.hello(server.sign_in("steenwijkerland-editor"));
    a.open(doc);
    b.open(doc);
    for (int i = 0; i < 5; ++i) {
        auto ack =
            a.request(edit_request(doc, "werkgroep", "common", static_cast<std::uint64_t>(i),
                                   json::array({std::to_string(i)}), "s-" + std::to_string(i)));
        REQUIRE(ack["rev"] == i + 1);
    }
    auto changes = b.request({{"type", "open"}, {"doc", doc}, {"since", 2}});
    REQUIRE(changes["type"] == "changes");
    CHECK(changes["from"] == 2);
    CHECK(changes["rev"] == 5);
    REQUIRE(changes["changes"].size() == 3);
    CHECK(changes["changes"][0]["rev"] == 3);
    CHECK(changes["changes"][2]["rev"] == 5);

    auto ahead = b.request({{"type", "open"}, {"doc", doc}, {"since", 99}});
    CHECK(ahead["code"] == "bad_request");

    // After a restart the missed changes are no longer held: a snapshot comes instead.
    server.restart();
    ProtocolClient c(server.port());
    c.hello(server.sign_in("steenwijkerland-editor"));
    auto after = c.request({{"type", "open"}, {"doc", doc}, {"since", 2}});
    CHECK(after["type"] == "snapshot");
    CHECK(after["rev"] == 5);
}

TEST_CASE("bad input gets a clear error, the connection stays usable and nothing is stored",
          "[integration][protocol][bad-input]") {
    ServerProcess server({"--max-message-bytes", "4096"});
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-coordinator"));
    auto snap = c.open(doc);
    const std::string before = common_text(snap, "werkgroep");

    auto expect_error = [&](const std::string& what, const std::string& code) {
        INFO(what);
        auto reply = c.next_of_type("error");
        REQUIRE(reply);
        CHECK((*reply)["code"] == code);
        CHECK(!(*reply)["message"].get<std::string>().empty());
    };
    c.send_text("{not json");
    expect_error("malformed JSON", "bad_request");
    c.send_text("[1, 2, 3]");
    expect_error("not an object", "bad_request");
    c.send_text(R"({"no":"type"})");
    expect_error("no type", "bad_request");
    c.send(json{{"type", "gibberish"}});
    expect_error("unknown type", "bad_request");
    c.send_text(
        R"({"type":"edit","doc":"x","section":"s","layer":"common","base":0,"op":["\ud800"],"opid":"u"})");
    expect_error("a lone surrogate", "bad_request");

    const std::vector<std::pair<std::string, json>> bad_ops = {
        {"not an array", json{{"insert", "x"}}},
        {"zero skip", json::array({0, "x"})},
        {"negative skip", json::array({-1, "x"})},
        {"fractional skip", json::array({1.5, "x"})},
        {"empty insert", json::array({""})},
        {"empty delete", json::array({json{{"d", 0}}})},
        {"adjacent skips", json::array({1, 2, "x"})},
        {"trailing skip", json::array({"x", 4})},
        {"unknown component", json::array({json{{"i", "x"}}})},
        {"boolean component", json::array({true})},
    };
    for (const auto& [what, op] : bad_ops) {
        INFO(what);
        auto reply = c.request(edit_request(doc, "werkgroep", "common", 0, op, "bad-" + what));
        CHECK(reply["type"] == "error");
        CHECK(reply["code"] == "bad_request");
    }
    const std::size_t len = before.size() * 2 + 10;  // longer than the text in any measure
    auto too_long =
        c.request(edit_request(doc, "werkgroep", "common", 0, json::array({len, "x"}), "bad-long"));
    CHECK(too_long["code"] == "bad_request");
    auto wrong_delete = c.request(edit_request(
        doc, "werkgroep", "common", 0, json::array({json{{"d", "niet wat er staat"}}}), "bad-del"));
    CHECK(wrong_delete["code"] == "bad_request");
    auto ahead =
        c.request(edit_request(doc, "werkgroep", "common", 42, json::array({"x"}), "bad-base"));
    CHECK(ahead["code"] == "bad_request");
    auto no_section =
        c.request(edit_request(doc, "bestaat-niet", "common", 0, json::array({"x"}), "bad-sec"));
    CHECK(no_section["code"] == "not_found");
    auto not_open = c.request(edit_request("ivp-2023-2026", "inleiding", "common", 0, {"x"}, "n"));
    CHECK(not_open["code"] == "bad_request");
    auto missing_field = c.request({{"type", "edit"}, {"doc", doc}, {"section", "werkgroep"}});
    CHECK(missing_field["code"] == "bad_request");

    // An oversized message is discarded whole; the connection carries on.
    c.send_text(
        edit_request(doc, "werkgroep", "common", 0, json::array({std::string(8000, 'x')}), "big")
            .dump());
    expect_error("oversized message", "too_large");

    // Still usable, and nothing of the above was stored.
    auto again = c.open(doc);
    CHECK(again["rev"] == 0);
    CHECK(common_text(again, "werkgroep") == before);
    auto ok = c.request(
        edit_request(doc, "werkgroep", "common", 0, json::array({"nog steeds "}), "good"));
    CHECK(ok["type"] == "ack");
    CHECK(ok["rev"] == 1);
}

TEST_CASE("edits per second per connection are limited", "[integration][protocol][limits]") {
    // A token every 100 s: however slow the machine, none comes back during the test.
    ServerProcess server({"--edit-rate", "0.01", "--edit-burst", "5"});
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-editor"));
    c.open(doc);
    int acked = 0, limited = 0;
    for (int i = 0; i < 20; ++i) {
        json m = edit_request(doc, "werkgroep", "common", 0, json::array({"x"}),
                              "r-" + std::to_string(i));
        m["id"] = i;
        c.send(m);
    }
    for (int i = 0; i < 20; ++i) {
        auto m = c.next();
        REQUIRE(m);
        if ((*m)["type"] == "ack") ++acked;
        if ((*m)["type"] == "error" && (*m)["code"] == "rate_limited") ++limited;
    }
    // The burst of 5 passes; the rest is refused.
    CHECK(acked == 5);
    CHECK(limited == 15);
}

TEST_CASE("the text of a layer is bounded", "[integration][protocol][limits]") {
    ServerProcess server({"--max-text-bytes", "20000"});
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-editor"));
    auto snap = c.open(doc);
    auto big = c.request(
        edit_request(doc, "werkgroep", "common", 0, json::array({std::string(20000, 'a')}), "big"));
    CHECK(big["code"] == "too_large");
    CHECK(c.open(doc)["rev"] == 0);
}

TEST_CASE("deletes are stored and sent with their text, so history can be walked back",
          "[integration][protocol]") {
    ServerProcess server;
    ProtocolClient a(server.port()), b(server.port());
    a.hello(server.sign_in("kampen-editor"));
    b.hello(server.sign_in("kampen-viewer"));
    const std::string text = common_text(a.open(doc), "werkgroep");
    b.open(doc);
    auto ack =
        a.request(edit_request(doc, "werkgroep", "common", 0, json::array({json{{"d", 3}}}), "d1"));
    REQUIRE(ack["type"] == "ack");
    auto seen = b.next_of_type("edit");
    REQUIRE(seen);
    // The first three code points of the text (it starts with ASCII letters).
    CHECK((*seen)["op"] == json::array({json{{"d", text.substr(0, 3)}}}));
    server.restart();
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-viewer"));
    c.open(doc);
    // After a restart the edit comes from disk: a resubmission is acked, nothing applied twice.
    auto again = c.request({{"type", "open"}, {"doc", doc}, {"since", 0}});
    CHECK(again["type"] == "snapshot");
    CHECK(common_text(again, "werkgroep") == text.substr(3));
}

TEST_CASE("a user's signed-in connections are bounded", "[integration][protocol][limits]") {
    ServerProcess server({"--max-connections-per-user", "3"});
    const std::string token = server.sign_in("kampen-editor");
    std::vector<std::unique_ptr<ProtocolClient>> open;
    for (int i = 0; i < 3; ++i) {
        open.push_back(std::make_unique<ProtocolClient>(server.port()));
        REQUIRE(open.back()->hello(token)["type"] == "welcome");
    }
    // The fourth is refused and closed; another user is not affected.
    ProtocolClient fourth(server.port());
    auto refused = fourth.hello(token);
    CHECK(refused["type"] == "error");
    CHECK(refused["code"] == "rate_limited");
    CHECK(fourth.wait_closed() == 1008);
    ProtocolClient other(server.port());
    CHECK(other.hello(server.sign_in("kampen-viewer"))["type"] == "welcome");
    // The ones that are open still work.
    CHECK(open[0]->request({{"type", "list"}})["type"] == "documents");

    // Once one closes, there is room again (the server learns of the close asynchronously).
    open.pop_back();
    bool admitted = false;
    for (int attempt = 0; attempt < 100 && !admitted; ++attempt) {
        ProtocolClient again(server.port());
        auto reply = again.hello(token);
        admitted = reply["type"] == "welcome";
        if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(admitted);
}
