// The network layer's bounds on connections, with the echo application: what a connection may
// send before the application signs it in, how many of its messages the application may hold
// before the session stops reading, and how connections past a bound are refused.
#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "net_fixture.hpp"
#include "raw_socket.hpp"
#include "transport/http_client.hpp"
#include "transport/sync_websocket.hpp"

using namespace samen::net::test;
using samen::test::raw_upgrade;
using samen::test::RawSocket;
using samen::transport::SyncWebSocket;
using Kind = SyncWebSocket::Event::Kind;

namespace {

std::string next_message(SyncWebSocket& ws) {
    auto event = ws.next(10s);
    INFO("close " << event.code << " " << event.reason << " " << event.error);
    REQUIRE(event.kind == Kind::message);
    return event.text;
}

unsigned healthz(unsigned short port) {
    return samen::transport::http_request("127.0.0.1", port, "GET", "/healthz").status;
}

}  // namespace

TEST_CASE("until it signs in a connection's messages may hold max_hello_bytes, more closes it",
          "[net][websocket][bounds]") {
    auto options = test_options();  // max_message_bytes 1024
    options.max_hello_bytes = 64;
    TestServer server(options);
    server.app->sign_in = false;

    SyncWebSocket early;
    early.connect("127.0.0.1", server.port());
    early.send(std::string(64, 'a'));
    CHECK(next_message(early).size() == 64);
    early.send(std::string(65, 'b'));
    const auto closed = early.next(10s);
    REQUIRE(closed.kind == Kind::closed);
    CHECK(closed.code == 1009);
    CHECK(closed.reason == "a message before hello may hold at most 64 bytes");
    CHECK(server.app->too_large.load() == 0);  // the application never heard of it
    CHECK(server.server.stats().oversized_before_sign_in.load() == 1);

    SyncWebSocket signed_in;
    signed_in.connect("127.0.0.1", server.port());
    signed_in.send("sign in");
    signed_in.send(std::string(1024, 'c'));
    CHECK(next_message(signed_in).size() == 1024);
    signed_in.send(std::string(1025, 'd'));
    CHECK(next_message(signed_in) == "too_large 1024");
    signed_in.send("still here");
    CHECK(next_message(signed_in) == "still here");
}

TEST_CASE("a session reads no further while the application holds max_pending_messages",
          "[net][websocket][bounds]") {
    auto options = test_options();
    options.max_pending_messages = 4;
    TestServer server(options);
    SyncWebSocket ws;
    ws.connect("127.0.0.1", server.port());
    for (int i = 0; i < 10; ++i) ws.send("hold " + std::to_string(i));

    REQUIRE(eventually([&] { return server.app->held.load() == 4; }));
    // The other six wait in the socket buffers until the application handles one; an echo
    // round trip behind them cannot overtake them either.
    ws.send("echo");
    std::this_thread::sleep_for(100ms);
    CHECK(server.app->held.load() == 4);
    CHECK(ws.next(10ms).kind == Kind::timeout);

    server.app->release();
    REQUIRE(eventually([&] { return server.app->held.load() == 8; }));
    server.app->release();
    REQUIRE(eventually([&] { return server.app->held.load() == 10; }));
    CHECK(next_message(ws) == "echo");
    server.app->release();
}

TEST_CASE("a connection that does not sign in within hello_timeout is closed with 1008",
          "[net][websocket][bounds]") {
    auto options = test_options();
    options.hello_timeout = 2s;
    TestServer server(options);
    server.app->sign_in = false;

    SyncWebSocket first;
    first.connect("127.0.0.1", server.port());
    first.send("sign in");
    SyncWebSocket silent;
    silent.connect("127.0.0.1", server.port());
    const auto closed = silent.next(10s);
    REQUIRE(closed.kind == Kind::closed);
    CHECK(closed.code == 1008);
    CHECK(closed.reason == "no hello within 2 s: sign in first");

    // The first one's deadline passed earlier, and it signed in.
    first.send("still here");
    CHECK(next_message(first) == "still here");
    CHECK(server.server.stats().hello_timeouts.load() == 1);
}

TEST_CASE("past max_connections a new connection is answered 503 and closed",
          "[net][http][bounds]") {
    auto options = test_options();
    options.max_connections = 2;
    TestServer server(options);
    SyncWebSocket one;
    SyncWebSocket two;
    one.connect("127.0.0.1", server.port());
    two.connect("127.0.0.1", server.port());

    const auto refused =
        samen::transport::http_request("127.0.0.1", server.port(), "GET", "/healthz");
    CHECK(refused.status == 503);
    CHECK(refused.header("Retry-After") == "5");
    CHECK(refused.header("API-Version") == "1.2.3");
    CHECK(refused.content_type == "application/problem+json");
    CHECK(refused.body.find("as many connections as it may (2)") != std::string::npos);
    SyncWebSocket three;
    CHECK_THROWS_WITH(three.connect("127.0.0.1", server.port()),
                      Catch::Contains("declined with HTTP 503"));

    // Those inside go on, and when one leaves there is room again.
    one.send("inside");
    CHECK(next_message(one) == "inside");
    two.close();
    CHECK(eventually([&] { return healthz(server.port()) == 200; }));
    CHECK(server.server.stats().refused_over_capacity.load() >= 2);
}

TEST_CASE("past max_unauthenticated_per_address an address is answered 503 until one signs in",
          "[net][http][bounds]") {
    auto options = test_options();
    options.max_unauthenticated_per_address = 2;
    TestServer server(options);
    server.app->sign_in = false;

    std::vector<RawSocket> idle;
    for (int i = 0; i < 2; ++i) {
        idle.emplace_back(server.port(), "127.0.0.2");
        REQUIRE(raw_upgrade(idle.back()).status == 101);
    }
    RawSocket third(server.port(), "127.0.0.2");
    const auto refused = raw_upgrade(third);
    CHECK(refused.status == 503);
    CHECK(refused.header("Retry-After") == "5");
    // Another address is not held back, nor are connections that signed in.
    CHECK(healthz(server.port()) == 200);

    SyncWebSocket signs_in;
    signs_in.connect("127.0.0.1", server.port());
    signs_in.send("sign in");
    signs_in.send("signed in?");  // echoed after the session heard of the sign-in
    CHECK(next_message(signs_in) == "signed in?");
    SyncWebSocket next;
    next.connect("127.0.0.1", server.port());
    // 127.0.0.1 holds one connection that has not signed in (and perhaps, for a moment, the
    // last request's).
    CHECK(eventually([&] { return healthz(server.port()) == 200; }));

    idle.pop_back();
    CHECK(eventually([&] {
        RawSocket socket(server.port(), "127.0.0.2");
        return raw_upgrade(socket).status == 101;
    }));
    CHECK(server.server.stats().refused_per_address.load() >= 1);
}

TEST_CASE("past max_refusals being answered a refused connection is closed unanswered",
          "[net][http][bounds]") {
    auto options = test_options();
    options.max_connections = 1;
    options.max_refusals = 1;
    options.refusal_linger = 60s;  // the first refusal waits for its client as long as the test
    TestServer server(options);
    SyncWebSocket inside;
    inside.connect("127.0.0.1", server.port());

    RawSocket answered(server.port());
    const auto answer = samen::test::parse_response(answered.read_head());
    CHECK(answer.status == 503);
    RawSocket unanswered(server.port());
    CHECK(unanswered.read_until_closed().empty());
    CHECK(server.server.stats().refused_unanswered.load() == 1);

    // Once the first client has read its answer and gone, refusals are answered again.
    answered.close();
    CHECK(eventually([&] {
        RawSocket socket(server.port());
        return samen::test::parse_response(socket.read_head()).status == 503;
    }));
}
