// Whom a request comes from behind trusted proxies, and which origins may open the WebSocket.
#include <catch2/catch.hpp>

#include "net/trust.hpp"

using namespace samen::net;

TEST_CASE("the client is the peer unless the peer is a trusted proxy", "[net][trust]") {
    const std::vector<std::string> none;
    CHECK(client_address("192.0.2.1", "203.0.113.9", none) == "192.0.2.1");  // not trusted
    CHECK(client_address("::ffff:192.0.2.1", "", none) == "192.0.2.1");
    CHECK(client_address("::1", "", none) == "::1");

    const std::vector<std::string> proxies = {"127.0.0.1", "10.0.0.2"};
    CHECK(client_address("127.0.0.1", "203.0.113.9", proxies) == "203.0.113.9");
    // What the client wrote itself stands to the left of what the proxy saw.
    CHECK(client_address("127.0.0.1", "198.51.100.1, 203.0.113.9", proxies) == "203.0.113.9");
    // A chain of trusted proxies: the first address none of them is.
    CHECK(client_address("127.0.0.1", "198.51.100.1,203.0.113.9, 10.0.0.2", proxies) ==
          "203.0.113.9");
    CHECK(client_address("127.0.0.1", "2001:db8::5", proxies) == "2001:db8::5");
    // Straight to the server from the proxy's machine, not through the proxy.
    CHECK(client_address("127.0.0.1", "", proxies) == "127.0.0.1");
    // Only proxies in the chain: the one furthest out.
    CHECK(client_address("127.0.0.1", "10.0.0.2", proxies) == "10.0.0.2");
    CHECK(client_address("127.0.0.1", "127.0.0.1, 10.0.0.2", proxies) == "127.0.0.1");
    // Garbage where the client should be.
    CHECK(client_address("127.0.0.1", "203.0.113.9, nonsense", proxies) == unknown_client);
    CHECK(client_address("127.0.0.1", "nonsense, 203.0.113.9", proxies) == "203.0.113.9");
    CHECK(client_address("not an address", "", proxies) == unknown_client);
}

TEST_CASE("the WebSocket is open to the server's own origin and the allowed ones", "[net][trust]") {
    const std::vector<std::string> none;
    CHECK(origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080", none));
    CHECK(origin_allowed("https://samen.gemeente.nl", "samen.gemeente.nl", none));
    CHECK(origin_allowed("HTTPS://Samen.Gemeente.NL", "samen.gemeente.nl", none));
    CHECK_FALSE(origin_allowed("https://evil.example", "samen.gemeente.nl", none));
    CHECK_FALSE(
        origin_allowed("https://samen.gemeente.nl.evil.example", "samen.gemeente.nl", none));
    CHECK_FALSE(origin_allowed("http://127.0.0.1:8081", "127.0.0.1:8080", none));
    CHECK_FALSE(origin_allowed("null", "127.0.0.1:8080", none));
    CHECK_FALSE(origin_allowed("ws://127.0.0.1:8080", "127.0.0.1:8080", none));
    CHECK_FALSE(origin_allowed("http://", "", none));

    const std::vector<std::string> allowed = {"https://samen.gemeente.nl"};
    // Behind a proxy that passes its own Host.
    CHECK(origin_allowed("https://samen.gemeente.nl", "127.0.0.1:8080", allowed));
    CHECK_FALSE(origin_allowed("http://samen.gemeente.nl", "127.0.0.1:8080", allowed));
}

TEST_CASE("loopback addresses", "[net][trust]") {
    CHECK(is_loopback("127.0.0.1"));
    CHECK(is_loopback("127.8.9.10"));
    CHECK(is_loopback("::1"));
    CHECK_FALSE(is_loopback("192.0.2.1"));
    CHECK_FALSE(is_loopback("::"));
    CHECK_FALSE(is_loopback("unknown"));
    CHECK(normal_address("::ffff:127.0.0.1") == "127.0.0.1");
    CHECK(normal_address("2001:DB8::1") == "2001:db8::1");
    CHECK(normal_address("localhost").empty());
}
