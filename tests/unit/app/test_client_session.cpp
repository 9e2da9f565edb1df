// The edge of the protocol: a session turns text into typed requests, signs in with `hello`,
// answers what is about no document, and stays usable after every error.
#include <catch2/catch.hpp>
#include <thread>

#include "app/app.hpp"
#include "app/client_session.hpp"
#include "server_world.hpp"
#include "store_blocker.hpp"

using namespace samen;
using nlohmann::json;

namespace {

struct Session {
    explicit Session(test::World& w, app::SessionLimits limits = {})
        : session(std::make_shared<app::ClientSession>(
              w.ioc,
              app::SessionContext{w.store, w.registry, w.users,
                                  std::make_shared<app::SignedInSessions>(), limits},
              conn)) {}
    ~Session() { session->on_close(); }

    json ask(json msg) {
        const int id = next_id++;
        msg["id"] = id;
        session->on_message(msg.dump());
        return conn->reply_to(id);
    }
    json hello(const std::string& token) { return ask({{"type", "hello"}, {"token", token}}); }

    std::shared_ptr<test::RecordingConnection> conn = std::make_shared<test::RecordingConnection>();
    std::shared_ptr<app::ClientSession> session;
    int next_id = 1;
};

/// Whether the session said it handled exactly `n` messages (each is handled just after its
/// reply went out: waits at most 2 s for the count to reach `n`).
bool handled(const test::RecordingConnection& conn, std::size_t n) {
    for (int i = 0; i < 400 && conn.handled_count() < n; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return conn.handled_count() == n;
}

std::vector<std::string> ids_of(const json& documents) {
    std::vector<std::string> ids;
    for (const auto& d : documents["documents"]) ids.push_back(d["id"]);
    return ids;
}

}  // namespace

TEST_CASE("Nothing but hello is answered before it", "[app][session]") {
    test::World w;
    Session s(w);
    CHECK(s.ask({{"type", "list"}})["code"] == "unauthorized");
    CHECK(s.ask({{"type", "open"}, {"doc", "ivp"}})["code"] == "unauthorized");
    const json welcome = s.hello(w.token("kampen-editor"));
    REQUIRE(welcome["type"] == "welcome");
    CHECK(welcome["user"]["name"] == "kampen-editor");
    CHECK(welcome["user"]["role"] == "editor");
    CHECK(welcome["user"]["municipality"] == "GM0166");
    CHECK(s.ask({{"type", "hello"}, {"token", "again"}})["code"] == "bad_request");
}

TEST_CASE("A hello with a token that is not valid is refused and the connection closed",
          "[app][session]") {
    test::World w;
    Session s(w);
    CHECK(s.hello("not-a-token")["code"] == "unauthorized");
    CHECK(s.conn->wait_closed() == net::CloseReason::policy);
}

TEST_CASE("Messages sent while a hello is answered wait for it, in order", "[app][session]") {
    test::World w;
    Session s(w);
    s.session->on_message(
        json({{"type", "hello"}, {"token", w.token("kampen-viewer")}, {"id", 1}}).dump());
    s.session->on_message(json({{"type", "list"}, {"id", 2}}).dump());
    s.session->on_message(json({{"type", "open"}, {"doc", "ivp"}, {"id", 3}}).dump());
    CHECK(s.conn->reply_to(1)["type"] == "welcome");
    CHECK(s.conn->reply_to(2)["type"] == "documents");
    CHECK(s.conn->reply_to(3)["type"] == "snapshot");
}

TEST_CASE("Every message is handled once, the ones that waited after the hello's reply",
          "[app][session]") {
    test::World w;
    Session s(w);
    CHECK(s.ask({{"type", "list"}})["code"] == "unauthorized");
    CHECK(handled(*s.conn, 1));
    CHECK_FALSE(s.conn->is_signed_in());
    s.session->on_message(
        json({{"type", "hello"}, {"token", w.token("kampen-viewer")}, {"id", 10}}).dump());
    s.session->on_message(json({{"type", "list"}, {"id", 11}}).dump());
    s.session->on_message("{not json");
    CHECK(s.conn->reply_to(11)["type"] == "documents");
    CHECK(s.conn->is_signed_in());
    CHECK(s.conn->wait_for([](const json& m) { return m["type"] == "error"; })["code"] ==
          "unauthorized");
    REQUIRE(s.conn
                ->wait_for([](const json& m) {
                    return m["type"] == "error" && m["code"] == "bad_request";
                })
                .is_object());
    // The hello, the list that waited for its reply and the message that was not JSON.
    CHECK(handled(*s.conn, 4));
}

TEST_CASE("The list holds the documents the user may open", "[app][session]") {
    test::World w;
    Session kampen(w), staphorst(w), admin(w);
    REQUIRE(kampen.hello(w.token("kampen-viewer"))["type"] == "welcome");
    REQUIRE(staphorst.hello(w.token("staphorst-viewer"))["type"] == "welcome");
    REQUIRE(admin.hello(w.token("admin"))["type"] == "welcome");
    CHECK(ids_of(kampen.ask({{"type", "list"}})) == std::vector<std::string>{"ivp"});
    CHECK(ids_of(staphorst.ask({{"type", "list"}})) ==
          std::vector<std::string>{"ivp", "staphorst-only"});
    REQUIRE(admin.ask({{"type", "open"}, {"doc", "staphorst-only"}})["type"] == "snapshot");
    REQUIRE(admin.ask({{"type", "document.archive"},
                       {"doc", "staphorst-only"},
                       {"archived", true}})["type"] == "ack");
    CHECK(ids_of(staphorst.ask({{"type", "list"}})) == std::vector<std::string>{"ivp"});
    CHECK(ids_of(admin.ask({{"type", "list"}})) ==
          std::vector<std::string>{"ivp", "staphorst-only"});
}

TEST_CASE("Only an admin creates documents", "[app][session]") {
    test::World w;
    Session coordinator(w), admin(w);
    REQUIRE(coordinator.hello(w.token("kampen-coordinator"))["type"] == "welcome");
    REQUIRE(admin.hello(w.token("admin"))["type"] == "welcome");
    const json create = {{"type", "document.create"},
                         {"doc", "nieuw"},
                         {"title", "Nieuw"},
                         {"municipalities", {"GM0166"}}};
    CHECK(coordinator.ask(create)["code"] == "forbidden");
    const json created = admin.ask(create);
    CHECK(created["type"] == "document.created");
    CHECK(admin.ask(create)["code"] == "conflict");
}

TEST_CASE("Malformed messages get a clear error and the connection stays usable",
          "[app][session]") {
    test::World w;
    Session s(w);
    REQUIRE(s.hello(w.token("kampen-editor"))["type"] == "welcome");
    s.session->on_message("{not json");
    CHECK(s.conn->wait_for([](const json& m) { return m["type"] == "error"; })["code"] ==
          "bad_request");
    CHECK(s.ask({{"type", "no.such"}})["code"] == "bad_request");
    CHECK(s.ask({{"type", "open"}})["code"] == "bad_request");
    CHECK(s.ask({{"type", "edit"},
                 {"doc", "ivp"},
                 {"section", "inleiding"},
                 {"layer", "common"},
                 {"base", 0},
                 {"opid", "x"},
                 {"op", {{{"d", -1}}}}})["code"] == "bad_request");
    CHECK(s.ask({{"type", "open"}, {"doc", "ivp"}})["type"] == "snapshot");
    CHECK(!s.conn->closed());
}

TEST_CASE("Edits beyond the connection's burst are refused until the bucket refills",
          "[app][session]") {
    test::World w;
    app::SessionLimits limits;
    limits.edit_burst = 3;
    limits.edits_per_second = 0.001;
    Session s(w, limits);
    REQUIRE(s.hello(w.token("kampen-editor"))["type"] == "welcome");
    REQUIRE(s.ask({{"type", "open"}, {"doc", "ivp"}})["type"] == "snapshot");
    std::vector<std::string> answers;
    for (int i = 0; i < 5; ++i) {
        json edit = {{"type", "edit"},    {"doc", "ivp"}, {"section", "inleiding"},
                     {"layer", "common"}, {"base", i},    {"opid", "e" + std::to_string(i)},
                     {"op", {"x"}}};
        const json reply = s.ask(edit);
        answers.push_back(reply["type"] == "ack" ? "ack" : reply["code"].get<std::string>());
    }
    CHECK(answers == std::vector<std::string>{"ack", "ack", "ack", "rate_limited", "rate_limited"});
}

TEST_CASE("The metrics' histograms are cumulative", "[app][metrics]") {
    test::World w;
    auto app = std::make_shared<app::App>(w.ioc, w.store, app::AppOptions{});
    const std::string text = app->metrics_text();
    CHECK_THAT(text, Catch::Contains("# TYPE samen_edit_latency_seconds histogram"));
    CHECK_THAT(text, Catch::Contains("samen_edit_latency_seconds_bucket{le=\"+Inf\"} 0"));
    CHECK_THAT(text, Catch::Contains("# TYPE samen_commit_batch_size histogram"));
    // The world's set-up committed one batch.
    CHECK_THAT(text, Catch::Contains("samen_commit_batch_size_count 1"));
}

TEST_CASE("A hello is answered while the writer is busy", "[app][session][reads]") {
    test::World w;
    Session s(w);
    const std::string token = w.token("kampen-editor");
    test::Blocker writer(w.store);
    CHECK(s.hello(token)["type"] == "welcome");
    CHECK(s.ask({{"type", "list"}})["type"] == "documents");
}

TEST_CASE("A connection's lists count against its bound of reads", "[app][session][reads]") {
    test::WorldOptions options;
    options.store.reader_threads = 1;
    test::World w(options);
    app::SessionLimits limits;
    limits.max_reads_per_connection = 2;
    Session s(w, limits);
    REQUIRE(s.hello(w.token("kampen-editor"))["type"] == "welcome");
    test::Blocker reader(w.store, store::Queue::readers);
    std::vector<int> waiting;
    for (int i = 0; i < 2; ++i) {
        waiting.push_back(s.next_id);
        s.session->on_message(json{{"type", "list"}, {"id", s.next_id++}}.dump());
    }
    CHECK(s.ask({{"type", "list"}})["code"] == "rate_limited");
    reader.release();
    for (int id : waiting) CHECK(s.conn->reply_to(id)["type"] == "documents");
    CHECK(s.ask({{"type", "list"}})["type"] == "documents");
}
