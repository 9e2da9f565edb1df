// The client library against the real samen-server on loopback: the scenarios that only a real
// server and real sockets make honest (lost acks, dropped connections, offline edits).
#include <catch2/catch.hpp>
#include <random>
#include <thread>

#include "ot/json.hpp"
#include "ot_random.hpp"
#include "protocol_client.hpp"
#include "raw_socket.hpp"
#include "samen/blocking_client.hpp"
#include "samen/document_sync.hpp"
#include "server_process.hpp"
#include "text/utf8.hpp"

using namespace samen;
using client::BlockingClient;
using client::ClientException;
using namespace std::chrono_literals;

namespace {

const std::string doc = "ivp-2023-2026";
const std::string section = "inleiding";
const std::string common = "common";

client::ClientOptions fast_reconnect(std::uint64_t seed = 0) {
    client::ClientOptions o;
    o.reconnect_delay = 20ms;
    o.max_reconnect_delay = 200ms;
    o.seed = seed;
    return o;
}

std::unique_ptr<BlockingClient> signed_in(const test::ServerProcess& server,
                                          const std::string& user,
                                          client::ClientOptions options = fast_reconnect()) {
    auto c = std::make_unique<BlockingClient>(options);
    c->connect("127.0.0.1", server.port(),
               BlockingClient::sign_in("127.0.0.1", server.port(), user, "samen-demo"));
    return c;
}

/// The text as a client that opens the document now reads it.
std::string fresh_text(const test::ServerProcess& server, const std::string& s = section) {
    auto c = signed_in(server, "kampen-viewer");
    c->open(doc);
    return c->text(doc, s, common);
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("Client signs in, lists, opens, and reports refusals", "[client][live]") {
    test::ServerProcess server;
    CHECK_THROWS_WITH(BlockingClient::sign_in("127.0.0.1", server.port(), "kampen-editor", "wrong"),
                      Catch::Contains("sign-in refused"));
    BlockingClient bad;
    try {
        bad.connect("127.0.0.1", server.port(), "not-a-token");
        FAIL("connected with a bad token");
    } catch (const ClientException& e) {
        CHECK(e.code() == "unauthorized");
    }
    CHECK(bad.state() == client::ConnectionState::closed);

    auto c = signed_in(server, "kampen-editor");
    REQUIRE(c->user());
    CHECK(c->user()->municipality == "GM0166");
    auto docs = c->list();
    REQUIRE(docs.size() == 2);
    try {
        c->open("no-such-document");
        FAIL("opened a missing document");
    } catch (const ClientException& e) {
        CHECK(e.code() == "not_found");
    }
    c->open(doc);
    CHECK(c->document(doc).section(section) != nullptr);
    CHECK_THROWS_AS(c->edit(doc, section, "GM0166", ot::Op{ot::Insert{"x"}}), ClientException);
    CHECK_THROWS_AS(c->edit(doc, section, common, ot::Op{ot::Skip{100000}, ot::Insert{"x"}}),
                    ClientException);

    // A viewer's edit is applied locally, refused by the server, and handed back with its text.
    auto viewer = signed_in(server, "kampen-viewer");
    viewer->open(doc);
    const std::string before = viewer->text(doc, section, common);
    viewer->edit(doc, section, common, ot::Op{ot::Insert{"viewer was here "}});
    REQUIRE(viewer->wait_synced(10s));
    auto errors = viewer->take_errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "forbidden");
    CHECK(errors[0].unsent_text == "viewer was here " + before);
    CHECK(viewer->text(doc, section, common) == before);
}

TEST_CASE("Clients typing at once converge with the server", "[client][live][random]") {
    test::ServerProcess server;
    const std::uint64_t seed = 7;
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::vector<std::unique_ptr<BlockingClient>> clients;
    for (const char* user : {"kampen-editor", "staphorst-editor", "zwartewaterland-editor"}) {
        clients.push_back(signed_in(server, user));
        clients.back()->open(doc);
    }
    for (int i = 0; i < 150; ++i) {
        auto& c = *clients[rng() % clients.size()];
        const std::string s = rng() % 2 ? section : "prioriteiten";
        // Made from the text on the client's own thread, so it always fits.
        c.edit_with(doc, s, common, [&rng](const std::string& text) {
            return test::random_op(rng, text, {0.2, 3, 3});
        });
        if (i % 37 == 0) std::this_thread::sleep_for(5ms);
    }
    for (auto& c : clients) REQUIRE(c->wait_synced(30s));
    const std::string a = fresh_text(server);
    const std::string b = fresh_text(server, "prioriteiten");
    for (auto& c : clients) {
        CHECK(c->wait_until(
            [&] {
                return c->text(doc, section, common) == a &&
                       c->text(doc, "prioriteiten", common) == b;
            },
            10s));
        CHECK(c->take_errors().empty());
    }
}

TEST_CASE("Edits made while the connection is down are sent after it comes back",
          "[client][live]") {
    test::ServerProcess server;
    auto c = signed_in(server, "kampen-editor");
    auto other = signed_in(server, "staphorst-editor");
    c->open(doc);
    other->open(doc);
    const std::string before = c->text(doc, section, common);

    // The first edit goes out and the connection drops with it; the others are typed offline,
    // while someone else edits the same text.
    c->drop_after_next_edit();
    c->edit(doc, section, common, ot::Op{ot::Insert{"A"}});
    c->edit(doc, section, common, ot::Op{ot::Skip{1}, ot::Insert{"B"}});
    // At the end of the text as Staphorst has it then (c's "A" may have reached it already).
    other->edit_with(doc, section, common, [](const std::string& text) {
        return ot::Op{ot::Skip{utf8::count(text)}, ot::Insert{" (Staphorst)"}};
    });
    c->edit(doc, section, common, ot::Op{ot::Skip{2}, ot::Insert{"C "}});
    REQUIRE(other->wait_synced(10s));
    REQUIRE(c->wait_synced(15s));
    const std::string expected = "ABC " + before + " (Staphorst)";
    CHECK(c->text(doc, section, common) == expected);
    CHECK(other->wait_until([&] { return other->text(doc, section, common) == expected; }, 10s));
    CHECK(fresh_text(server) == expected);
    CHECK(count(fresh_text(server), "ABC") == 1);

    c->disconnect();
    c->edit(doc, section, common, ot::Op{ot::Insert{"D"}});
    REQUIRE(c->wait_synced(15s));
    CHECK(c->connections() >= 3);
    CHECK(fresh_text(server) == "D" + expected);
}

TEST_CASE("Presence goes to the others and leaves with them", "[client][live]") {
    test::ServerProcess server;
    auto a = signed_in(server, "kampen-editor");
    auto b = signed_in(server, "staphorst-editor");
    std::mutex m;
    std::vector<client::PresenceEvent> seen;
    b->on_presence([&](const client::PresenceEvent& p) {
        std::lock_guard lock(m);
        seen.push_back(p);
    });
    a->open(doc);
    b->open(doc);
    a->presence(doc, section, common, {3, 5});
    REQUIRE(b->wait_until(
        [&] {
            std::lock_guard lock(m);
            return !seen.empty();
        },
        10s));
    {
        std::lock_guard lock(m);
        CHECK(seen[0].presence.user.name == "kampen-editor");
        CHECK(seen[0].presence.sel == ot::Selection{3, 5});
    }
    a->close_document(doc);
    REQUIRE(b->wait_until(
        [&] {
            std::lock_guard lock(m);
            return seen.back().left;
        },
        10s));
}

TEST_CASE("A client gives up after its reconnect attempts when the server is gone",
          "[client][live]") {
    test::ServerProcess server;
    client::ClientOptions o = fast_reconnect();
    o.max_reconnect_attempts = 3;
    auto c = signed_in(server, "kampen-editor", o);
    c->open(doc);
    server.kill();
    REQUIRE(c->wait_until([&] { return c->state() == client::ConnectionState::closed; }, 20s));
    auto errors = c->take_errors();
    REQUIRE_FALSE(errors.empty());
    CHECK(errors.back().code == "connection_lost");
    // What it had is still there to read.
    CHECK_FALSE(c->text(doc, section, common).empty());
}

TEST_CASE("A reconnect the server refuses (503: too many connections) is tried again",
          "[client][live]") {
    // Two connections from one address that have not signed in fill its bound; the client's
    // next connection comes from the same address.
    test::ServerProcess server(
        {"--max-unauthenticated-per-address", "2", "--hello-timeout", "600"});
    client::ClientOptions o = fast_reconnect();
    o.max_reconnect_attempts = 100;
    BlockingClient c(o);
    c.connect("127.0.0.1", server.port(),
              BlockingClient::sign_in("127.0.0.1", server.port(), "kampen-editor", "samen-demo"));
    c.open(doc);
    const std::string before = c.text(doc, section, common);

    // (The sign-in's own connection may take a moment to close.)
    std::vector<test::RawSocket> idle;
    for (int i = 0; i < 200 && idle.size() < 2; ++i) {
        test::RawSocket socket(server.port());
        if (test::raw_upgrade(socket).status == 101) {
            idle.push_back(std::move(socket));
        } else {
            std::this_thread::sleep_for(20ms);
        }
    }
    REQUIRE(idle.size() == 2);

    c.disconnect();
    c.edit(doc, section, common, ot::Op{ot::Insert{"offline "}});
    bool refused = false;
    for (int i = 0; i < 400 && !refused; ++i) {
        refused = server.metric("samen_connections_refused_per_address_total").value_or(0) > 0;
        if (!refused) std::this_thread::sleep_for(50ms);
    }
    REQUIRE(refused);
    CHECK(c.state() == client::ConnectionState::reconnecting);

    idle.clear();
    REQUIRE(c.wait_synced(20s));
    CHECK(c.state() == client::ConnectionState::connected);
    CHECK(fresh_text(server) == "offline " + before);
}

TEST_CASE("Changes to the section tree reload the document, edits to a deleted section come back",
          "[client][live]") {
    test::ServerProcess server;
    client::ClientOptions slow = fast_reconnect();
    slow.reconnect_delay = 1s;
    auto editor = signed_in(server, "kampen-editor", slow);
    editor->open(doc);
    std::mutex m;
    std::vector<std::string> reloads;
    editor->on_reload([&](const std::string& d) {
        std::lock_guard lock(m);
        reloads.push_back(d);
    });
    test::ProtocolClient coordinator(server.port());
    coordinator.hello(server.sign_in("kampen-coordinator"));
    coordinator.open(doc);

    // Renamed while the editor types elsewhere: the editor loads the document again and its
    // edits go on.
    editor->edit(doc, section, common, ot::Op{ot::Insert{"1 "}});
    auto reply = coordinator.request({{"type", "section.rename"},
                                      {"doc", doc},
                                      {"section", "prioriteiten"},
                                      {"title", "Keuzes"}});
    REQUIRE(reply["type"] == "ack");
    editor->edit_with(doc, section, common,
                      [](const std::string&) { return ot::Op{ot::Insert{"2 "}}; });
    REQUIRE(editor->wait_until(
        [&] { return editor->document(doc).section("prioriteiten")->title == "Keuzes"; }, 10s));
    REQUIRE(editor->wait_synced(10s));
    CHECK(editor->text(doc, section, common).rfind("2 1 ", 0) == 0);
    CHECK(fresh_text(server) == editor->text(doc, section, common));
    {
        std::lock_guard lock(m);
        CHECK_FALSE(reloads.empty());
    }

    // Deleted while the editor is offline with a change to it: the change comes back with its
    // text. (Its reconnect waits at least half a second: time enough for the deletion.)
    const std::string typed = "lost? " + editor->text(doc, "veiligheidsanalyse", common);
    editor->disconnect();
    editor->edit(doc, "veiligheidsanalyse", common, ot::Op{ot::Insert{"lost? "}});
    reply = coordinator.request(
        {{"type", "section.delete"}, {"doc", doc}, {"section", "veiligheidsanalyse"}});
    REQUIRE(reply["type"] == "ack");
    REQUIRE(editor->wait_synced(10s));
    std::vector<client::ClientError> errors;
    REQUIRE(editor->wait_until(
        [&] {
            auto more = editor->take_errors();
            errors.insert(errors.end(), more.begin(), more.end());
            return !errors.empty();
        },
        10s));
    CHECK(errors[0].section == "veiligheidsanalyse");
    CHECK(errors[0].unsent_text == typed);
}

TEST_CASE("Calls after shutdown() are refused instead of writing to the dropped connection",
          "[client][live]") {
    test::ServerProcess server;
    auto c = signed_in(server, "kampen-editor");
    c->open(doc);
    c->async().shutdown();
    // The client was signed in when it let go of the socket: nothing may be sent on it now.
    try {
        c->list(2s);
        FAIL("listed after shutdown");
    } catch (const ClientException& e) {
        CHECK(e.code() == "connection_lost");
    }
    // A document asked for now is never loaded, but closing it must not send either.
    c->async().open("startnotitie-ivp-2023");
    CHECK_NOTHROW(c->close_document("startnotitie-ivp-2023", 2s));
}
