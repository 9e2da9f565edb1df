// WebSocket sessions end to end: the client transport against the real server, plus a raw
// Beast client for what the transport never does (binary frames, not reading).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <catch2/catch.hpp>

#include "net_fixture.hpp"
#include "transport/sync_websocket.hpp"
#include "transport/websocket_client.hpp"

using namespace samen::net::test;
using samen::net::CloseReason;
using samen::transport::SyncWebSocket;
using Kind = SyncWebSocket::Event::Kind;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

/// A WebSocket client whose every step is explicit and bounded.
class RawWebSocket {
  public:
    explicit RawWebSocket(unsigned short port) {
        const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
        auto& socket = ws_.next_layer();
        REQUIRE_FALSE(run_bounded(ioc_, [&](auto done) { socket.async_connect(endpoint, done); }));
        // A small window, so that a client that stops reading is felt early.
        socket.set_option(asio::socket_base::receive_buffer_size(8192));
        REQUIRE_FALSE(
            run_bounded(ioc_, [&](auto done) { ws_.async_handshake("127.0.0.1", "/ws", done); }));
    }
    ~RawWebSocket() {
        boost::system::error_code ec;
        ws_.next_layer().close(ec);
    }

    boost::system::error_code write(const std::string& data, bool binary) {
        ws_.binary(binary);
        return run_bounded(ioc_, [&](auto done) { ws_.async_write(asio::buffer(data), done); });
    }
    /// The next message, or the error that ended the read.
    std::pair<boost::system::error_code, std::string> read() {
        buffer_.clear();
        auto ec = run_bounded(ioc_, [&](auto done) { ws_.async_read(buffer_, done); });
        return {ec, beast::buffers_to_string(buffer_.data())};
    }
    websocket::close_reason reason() const { return ws_.reason(); }

  private:
    asio::io_context ioc_;
    websocket::stream<asio::ip::tcp::socket> ws_{ioc_};
    beast::flat_buffer buffer_;
};

std::string next_message(SyncWebSocket& ws) {
    auto event = ws.next(10s);
    INFO("close " << event.code << " " << event.reason << " " << event.error);
    REQUIRE(event.kind == Kind::message);
    return event.text;
}

}  // namespace

TEST_CASE("round trip through the client transport", "[net][websocket]") {
    auto options = test_options();
    options.max_queue_messages = 1024;  // 200 echoes may wait at once
    options.max_queue_bytes = 1024 * 1024;
    TestServer server(options);
    SyncWebSocket ws;
    ws.connect("127.0.0.1", server.port());

    ws.send("hallo Kampen");
    CHECK(next_message(ws) == "hallo Kampen");
    // Unicode beyond the BMP survives both ways.
    ws.send("Zwartewaterland \xF0\x9F\x9A\xB2");
    CHECK(next_message(ws) == "Zwartewaterland \xF0\x9F\x9A\xB2");
    // Many messages arrive in order.
    for (int i = 0; i < 200; ++i) ws.send("n" + std::to_string(i));
    for (int i = 0; i < 200; ++i) REQUIRE(next_message(ws) == "n" + std::to_string(i));

    const auto tags = server.app->tags.get();
    REQUIRE(tags.size() == 1);
    CHECK(tags[0].starts_with("ws#"));
    CHECK(tags[0].find(" 127.0.0.1:") != std::string::npos);
    CHECK(server.server.stats().websockets_open.load() == 1);

    const auto closed = ws.close(1000);
    CHECK(closed.kind == Kind::closed);
    CHECK(closed.code == 1000);
    CHECK(eventually([&] { return server.app->closed.load() == 1; }));
    CHECK(eventually([&] { return server.server.stats().websockets_open.load() == 0; }));
}

TEST_CASE("the server's close reaches the client with its code", "[net][websocket]") {
    TestServer server;
    SyncWebSocket ws;
    ws.connect("127.0.0.1", server.port());
    ws.send("close");
    const auto event = ws.next(10s);
    CHECK(event.kind == Kind::closed);
    CHECK(event.code == 1000);
    // The close is the last event and stays.
    CHECK(ws.next(10ms).kind == Kind::closed);
}

TEST_CASE("an oversized message is refused and the connection stays usable", "[net][websocket]") {
    TestServer server;  // max_message_bytes 1024
    SyncWebSocket ws;
    ws.connect("127.0.0.1", server.port());

    ws.send(std::string(1024, 'a'));  // the limit is inclusive
    CHECK(next_message(ws).size() == 1024);

    // Larger than one read chunk, so the discarding spans several reads.
    ws.send(std::string(300 * 1024, 'b'));
    CHECK(next_message(ws) == "too_large 1024");
    ws.send(std::string(1025, 'c'));
    CHECK(next_message(ws) == "too_large 1024");

    ws.send("still here");
    CHECK(next_message(ws) == "still here");
    CHECK(server.app->too_large.load() == 2);
    CHECK(server.server.stats().oversized_messages.load() == 2);
}

TEST_CASE("a binary frame is reported and dropped", "[net][websocket]") {
    TestServer server;
    RawWebSocket raw(server.port());
    REQUIRE_FALSE(raw.write(std::string("\x00\x01\x02", 3), true));
    auto [ec, text] = raw.read();
    REQUIRE_FALSE(ec);
    CHECK(text == "binary");
    REQUIRE_FALSE(raw.write("text again", false));
    std::tie(ec, text) = raw.read();
    REQUIRE_FALSE(ec);
    CHECK(text == "text again");
    CHECK(server.app->binary.load() == 1);
}

TEST_CASE("a client that does not read is closed with 4001 and others keep working",
          "[net][websocket]") {
    TestServer server;  // max_queue_messages 16, max_queue_bytes 256 KiB
    SyncWebSocket steady;
    steady.connect("127.0.0.1", server.port());
    RawWebSocket slow(server.port());

    // 200 messages of 64 KiB (one shared buffer) while the slow client reads nothing.
    REQUIRE_FALSE(slow.write("flood 200 65536", false));
    REQUIRE(eventually([&] { return server.server.stats().slow_client_disconnects.load() == 1; }));

    steady.send("are you there");
    CHECK(next_message(steady) == "are you there");

    // Now it reads: at most what was in flight, then the close.
    int messages = 0;
    boost::system::error_code ec;
    for (; messages < 250; ++messages) {
        std::string text;
        std::tie(ec, text) = slow.read();
        if (ec) break;
        CHECK(text.size() == 65536);
    }
    CHECK(ec == websocket::error::closed);
    CHECK(slow.reason().code == 4001);
    CHECK(slow.reason().reason == "client too slow");
    CHECK(messages <= 17);

    steady.send("still fine");
    CHECK(next_message(steady) == "still fine");
    CHECK(server.server.stats().slow_client_disconnects.load() == 1);
}

TEST_CASE("a client that never reads again cannot hold its session", "[net][websocket]") {
    auto options = test_options();
    options.close_timeout = std::chrono::seconds(1);
    TestServer server(options);
    RawWebSocket stuck(server.port());
    // 8 MiB cannot fit in the socket buffers: the first write blocks for good, the second
    // message passes the queue bound, and the close behind the blocked write cannot go out.
    REQUIRE_FALSE(stuck.write("flood 2 8388608", false));
    REQUIRE(eventually([&] { return server.server.stats().slow_client_disconnects.load() == 1; }));
    CHECK(eventually([&] { return server.app->closed.load() == 1; }));
    CHECK(eventually([&] { return server.server.connection_count() == 0; }));
}

TEST_CASE("close_all delivers what was queued and then closes with 1001", "[net][websocket]") {
    TestServer server;
    SyncWebSocket first;
    SyncWebSocket second;
    first.connect("127.0.0.1", server.port());
    second.connect("127.0.0.1", server.port());
    REQUIRE(eventually([&] { return server.server.stats().websockets_open.load() == 2; }));

    first.send("queue 10");
    REQUIRE(eventually([&] { return server.app->queued.load() == 1; }));
    server.server.close_all(CloseReason::going_away);

    for (int i = 0; i < 10; ++i) CHECK(next_message(first) == "m" + std::to_string(i));
    for (auto* ws : {&first, &second}) {
        const auto event = ws->next(10s);
        CHECK(event.kind == Kind::closed);
        CHECK(event.code == 1001);
        CHECK(event.reason == "server going away");
    }
    CHECK(eventually([&] { return server.app->closed.load() == 2; }));
    CHECK(eventually([&] { return server.server.connection_count() == 0; }));
    CHECK(server.server.stats().websockets_open.load() == 0);
}

TEST_CASE("connection failures are clear errors", "[net][websocket]") {
    TestServer server;
    SyncWebSocket wrong_path;
    CHECK_THROWS_WITH(wrong_path.connect("127.0.0.1", server.port(), "/elsewhere"),
                      Catch::Contains("declined with HTTP 404"));

    const auto port = server.port();
    server.server.stop_accepting();
    // Once the listener is gone, new connections are refused.
    SyncWebSocket refused;
    REQUIRE(eventually([&] {
        try {
            SyncWebSocket probe;
            probe.connect("127.0.0.1", port, "/ws", 2s);
            return false;
        } catch (const std::runtime_error&) {
            return true;
        }
    }));
    CHECK_THROWS_WITH(refused.connect("127.0.0.1", port), Catch::Contains("connect to 127.0.0.1"));
}

TEST_CASE("the async client reports every connect exactly once", "[net][websocket][client]") {
    TestServer server;
    asio::io_context ioc;
    std::vector<std::string> log;
    auto client = samen::transport::WebSocketClient::create(ioc);
    samen::transport::WebSocketCallbacks callbacks;
    callbacks.on_open = [&] {
        log.push_back("open");
        client->send("one");
        client->send("two");
    };
    callbacks.on_message = [&](std::string text) {
        log.push_back(text);
        if (log.back() != "two") return;
        client->close(1000, "bye");
        client->send("after close");  // dropped
    };
    callbacks.on_close = [&](int code, std::string reason, std::string error) {
        log.push_back("close " + std::to_string(code) + " " + reason + error);
    };
    client->send("queued before open");
    client->connect("127.0.0.1", server.port(), "/ws", std::move(callbacks));
    ioc.run_for(10s);  // returns as soon as the client has nothing left to do
    CHECK(log ==
          std::vector<std::string>{"open", "queued before open", "one", "two", "close 1000 "});
}
