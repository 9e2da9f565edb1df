// The bounds on connections (docs/security.md) against the real samen-server: what a
// connection may send before it signs in, how long it may take to, how many connections one
// address and the whole server hold, and the descriptor limit. Connections that must count as
// coming from elsewhere use other loopback addresses (127.0.0.2, ...): Linux routes the whole of
// 127.0.0.0/8 to this machine.
#include <catch2/catch.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "flood.hpp"
#include "protocol_client.hpp"
#include "raw_socket.hpp"
#include "server_process.hpp"
#include "transport/sync_websocket.hpp"

using namespace samen::test;
using nlohmann::json;
using samen::transport::SyncWebSocket;
using Kind = SyncWebSocket::Event::Kind;

namespace {

const std::string doc = "startnotitie-ivp-2023";

/// An edit of the common text of "werkgroep" at the document's current revision.
json edit_now(ProtocolClient& c, const std::string& text, const std::string& opid) {
    const json snapshot = c.open(doc);
    return c.request(
        edit_request(doc, "werkgroep", "common", snapshot["rev"], json::array({text}), opid));
}

/// WebSockets that have not said hello, from `from`: opened until the server refuses one (or
/// `most` are open). Returns the refusal.
RawResponse open_until_refused(std::uint16_t port, const std::string& from,
                               std::vector<RawSocket>& open, std::size_t most) {
    while (open.size() < most) {
        RawSocket socket(port, from);
        RawResponse answer = raw_upgrade(socket);
        if (answer.status != 101) return answer;
        open.push_back(std::move(socket));
    }
    return {};
}

/// Retries `attempt` (at most 200 times, 50 ms apart) until it holds: what a closed connection
/// frees, the server learns when it reads the end of it.
bool eventually(const std::function<bool()>& attempt) {
    for (int i = 0; i < 200; ++i) {
        if (attempt()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

void check_refusal(const RawResponse& answer) {
    INFO(answer.text);
    CHECK(answer.status == 503);
    CHECK_FALSE(answer.header("Retry-After").empty());
    CHECK(answer.header("Content-Type") == "application/problem+json");
}

}  // namespace

TEST_CASE("before hello a message may hold 4 KiB, a longer one closes the connection with 1009",
          "[integration][connections]") {
    ServerProcess server;
    SyncWebSocket early;
    early.connect("127.0.0.1", server.port());
    early.send(padded_message(4096));  // the limit is inclusive
    const auto answer = early.next(std::chrono::seconds(20));
    REQUIRE(answer.kind == Kind::message);
    log_server_message(answer.text);
    CHECK(json::parse(answer.text)["type"] == "error");

    early.send(padded_message(4097));
    const auto closed = early.next(std::chrono::seconds(20));
    REQUIRE(closed.kind == Kind::closed);
    CHECK(closed.code == 1009);
    CHECK(closed.reason.find("4096") != std::string::npos);

    // Signed in, the limit is --max-message-bytes, and a longer message is refused while the
    // connection stays.
    ProtocolClient c(server.port());
    REQUIRE(c.hello(server.sign_in("kampen-editor"))["type"] == "welcome");
    c.send_text(padded_message(100 * 1024));
    CHECK(c.next_of_type("error").value()["code"] == "bad_request");
    c.send_text(padded_message(1024 * 1024 + 1));
    CHECK(c.next_of_type("error").value()["code"] == "too_large");
    CHECK(c.request({{"type", "list"}})["type"] == "documents");
}

ServerOptions memory_measured() {
    ServerOptions options;
    options.memory_measured = true;
    return options;
}

TEST_CASE("a flood of 1 MiB messages before hello ends at the first, and grows no memory",
          "[integration][connections][memory]") {
    ServerProcess server(memory_measured());
    // One such connection first: what the first connection costs the allocator (under ASan its
    // size classes and shadow, ~8 MiB) is in the baseline, so the flood is measured alone.
    {
        Flood warm_up(server.port());
        REQUIRE(warm_up.run(padded_message(1024 * 1024), 1, std::chrono::seconds(60)).close_code);
    }
    const auto before = process_rss_kib(server.pid());
    REQUIRE(before);
    Flood flood(server.port());
    const auto result = flood.run(padded_message(1024 * 1024), 500, std::chrono::seconds(120));
    INFO("sent " << result.sent << ", replies " << result.replies << ", " << result.error);
    REQUIRE(result.close_code);
    CHECK(*result.close_code == 1009);
    CHECK(result.replies == 0);
    const auto after = process_rss_kib(server.pid());
    REQUIRE(after);
    INFO("RSS " << *before << " KiB before, " << *after << " KiB after");
    // The server read at most 4 KiB of it: what it holds now is what any connection costs.
    CHECK(*after < *before + 8 * 1024);
}

TEST_CASE("a signed-in client flooding 1 MiB messages is slowed down, not buffered",
          "[integration][connections][memory]") {
    ServerProcess server(memory_measured());
    Flood flood(server.port());
    REQUIRE(flood.ask({{"type", "hello"}, {"token", server.sign_in("kampen-editor")}})["type"] ==
            "welcome");
    const auto before = process_rss_kib(server.pid());
    REQUIRE(before);
    const auto result = flood.run(padded_message(1024 * 1024), 300, std::chrono::seconds(240));
    INFO("sent " << result.sent << ", replies " << result.replies << ", " << result.error);
    CHECK(result.sent == 300);
    CHECK(result.replies == 300);  // each answered, the connection never closed
    const auto after = process_rss_kib(server.pid());
    REQUIRE(after);
    INFO("RSS " << *before << " KiB before, " << *after << " KiB after");
    // At most --max-pending-messages (8) messages of 1 MiB are held at once, each parsed once;
    // without the bound the server held most of the 300 MiB.
    CHECK(*after < *before + 64 * 1024);
}

TEST_CASE("past --max-unauthenticated-per-address an address gets 503, the others keep working",
          "[integration][connections]") {
    ServerProcess server({"--max-unauthenticated-per-address", "4", "--hello-timeout", "600"});
    ProtocolClient editor(server.port());
    REQUIRE(editor.hello(server.sign_in("kampen-editor"))["type"] == "welcome");

    std::vector<RawSocket> idle;
    const RawResponse refused = open_until_refused(server.port(), "127.0.0.2", idle, 10);
    CHECK(idle.size() == 4);
    check_refusal(refused);
    check_refusal(raw_get(server.port(), "/healthz", "127.0.0.2"));  // HTTP counts the same
    // Another address, and whoever signed in, are not held back.
    CHECK(raw_get(server.port(), "/healthz", "127.0.0.3").status == 200);
    CHECK(edit_now(editor, "Kampen: ", "per-address-1")["type"] == "ack");
    ProtocolClient other(server.port());
    CHECK(other.hello(server.sign_in("staphorst-editor"))["type"] == "welcome");

    idle.clear();
    CHECK(eventually([&] {
        RawSocket socket(server.port(), "127.0.0.2");
        return raw_upgrade(socket).status == 101;
    }));
}

TEST_CASE("past --max-connections a new connection gets 503, signed-in clients keep working",
          "[integration][connections]") {
    ServerProcess server({"--max-connections", "6", "--max-unauthenticated-per-address", "0",
                          "--hello-timeout", "600"});
    ProtocolClient editor(server.port());
    REQUIRE(editor.hello(server.sign_in("kampen-editor"))["type"] == "welcome");

    // The editor's connection and five idle ones make six. (The sign-in's own connection may
    // take a moment to close: until it has, the server holds five in all besides the editor's.)
    std::vector<RawSocket> idle;
    REQUIRE(eventually([&] {
        open_until_refused(server.port(), "127.0.0.2", idle, 5);
        return idle.size() == 5;
    }));
    check_refusal(open_until_refused(server.port(), "127.0.0.2", idle, 6));
    check_refusal(raw_get(server.port(), "/healthz", "127.0.0.3"));
    CHECK(idle.size() == 5);

    CHECK(edit_now(editor, "Kampen: ", "max-connections-1")["type"] == "ack");
    CHECK(editor.request({{"type", "list"}})["type"] == "documents");

    idle.clear();
    std::string token;
    REQUIRE(eventually([&] {
        try {
            token = server.sign_in("staphorst-editor");
            return true;
        } catch (const std::exception&) {
            return false;
        }
    }));
    ProtocolClient again(server.port());
    CHECK(again.hello(token)["type"] == "welcome");
}

TEST_CASE("a WebSocket that does not say hello within --hello-timeout is closed with 1008",
          "[integration][connections]") {
    ServerProcess server({"--hello-timeout", "2"});
    ProtocolClient signed_in(server.port());
    REQUIRE(signed_in.hello(server.sign_in("kampen-editor"))["type"] == "welcome");

    SyncWebSocket silent;
    silent.connect("127.0.0.1", server.port());
    const auto closed = silent.next(std::chrono::seconds(30));
    REQUIRE(closed.kind == Kind::closed);
    CHECK(closed.code == 1008);
    CHECK(closed.reason.find("hello") != std::string::npos);

    // The one that signed in was opened first: its deadline passed too, and it does not matter.
    CHECK(signed_in.request({{"type", "list"}})["type"] == "documents");
    CHECK(server.metric("samen_hello_timeouts_total") == 1);
}

TEST_CASE("the server raises its descriptor limit, and idle sockets cannot starve a sign-in",
          "[integration][connections]") {
    ServerOptions options;
    options.soft_descriptor_limit = 256;
    options.hard_descriptor_limit = 512;
    ServerProcess server(options);
    const auto limits = process_descriptor_limits(server.pid());
    REQUIRE(limits);
    CHECK(limits->soft == 512);
    CHECK(limits->hard == 512);
    // 512 descriptors less the reserve (128 + 512 / 8) for the data file, its WAL, pipes, the
    // listener, static files and connections being refused.
    CHECK(server.metric("samen_connections_max") == 320);

    // More idle connections from one address than the old soft limit held descriptors: past the
    // per-address bound (32) they are refused and do not hold on.
    std::vector<RawSocket> idle;
    for (int i = 0; i < 300; ++i) idle.emplace_back(server.port(), "127.0.0.2");
    ProtocolClient c(server.port());
    CHECK(c.hello(server.sign_in("kampen-editor"))["type"] == "welcome");
    CHECK(edit_now(c, "Kampen: ", "descriptors-1")["type"] == "ack");
}
