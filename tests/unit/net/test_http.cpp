// HTTP on the server's port: routing to the application, the net layer's own errors as
// problem+json, static files, keep-alive.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "net/static_files.hpp"
#include "net_fixture.hpp"
#include "transport/http_client.hpp"

using namespace samen::net::test;
using samen::transport::http_request;
using samen::transport::HttpResult;

namespace {

const std::string localhost = "127.0.0.1";

void require_problem(const HttpResult& result, unsigned status) {
    INFO(result.body);
    REQUIRE(result.status == status);
    CHECK(result.content_type == "application/problem+json");
    CHECK(result.header("API-Version") == "1.2.3");
    const auto problem = nlohmann::json::parse(result.body);
    CHECK(problem.at("type") == "about:blank");
    CHECK(problem.at("status") == status);
    CHECK_FALSE(problem.at("title").get<std::string>().empty());
    CHECK_FALSE(problem.at("detail").get<std::string>().empty());
}

unsigned short free_port() {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

}  // namespace

TEST_CASE("application routes reach the application with what it needs", "[net][http]") {
    TestServer server;
    const auto port = server.port();

    const auto got = http_request(localhost, port, "POST", "/api/echo?x=1", R"({"a":1})",
                                  {{"Authorization", "Bearer t0k3n"}});
    CHECK(got.status == 200);
    CHECK(
        got.body ==
        R"(POST /api/echo?x=1 auth=Bearer t0k3n type=application/json client=127.0.0.1 body={"a":1})");
    // Without a trusted proxy, X-Forwarded-For is the client's word and counts for nothing.
    CHECK_THAT(
        http_request(localhost, port, "GET", "/api/echo", "", {{"X-Forwarded-For", "192.0.2.1"}})
            .body,
        Catch::Contains("client=127.0.0.1 "));
    CHECK(got.content_type == "text/plain");
    CHECK(got.header("X-Echo") == "yes");
    CHECK(got.header("API-Version") == "1.2.3");

    CHECK(http_request(localhost, port, "GET", "/healthz").body == "ok");
    // The application's own 404 passes through untouched.
    CHECK(http_request(localhost, port, "GET", "/api/v1/nothing").body == R"({"status":404})");

    SECTION("an answer from another thread arrives") {
        const auto later = http_request(localhost, port, "GET", "/api/later");
        CHECK(later.status == 200);
        CHECK(later.body == "later");
    }
    SECTION("an application that throws or never answers yields 500, not a hung request") {
        require_problem(http_request(localhost, port, "GET", "/api/throw"), 500);
        require_problem(http_request(localhost, port, "GET", "/api/drop"), 500);
    }
}

TEST_CASE("the net layer's own errors are problem+json", "[net][http]") {
    TestServer server;
    const auto port = server.port();

    SECTION("413 for a body over the limit") {
        require_problem(http_request(localhost, port, "POST", "/api/echo", std::string(4000, 'b')),
                        413);
        // The limit is inclusive.
        CHECK(http_request(localhost, port, "POST", "/api/echo", std::string(1024, 'b')).status ==
              200);
    }
    SECTION("404 without a static root") {
        require_problem(http_request(localhost, port, "GET", "/index.html"), 404);
    }
    SECTION("405 for other methods outside the application's routes") {
        const auto got = http_request(localhost, port, "DELETE", "/index.html");
        require_problem(got, 405);
        CHECK(got.header("Allow") == "GET, HEAD");
    }
    SECTION("426 for /ws without an upgrade, 404 for an upgrade elsewhere") {
        require_problem(http_request(localhost, port, "GET", "/ws"), 426);
        require_problem(http_request(localhost, port, "GET", "/chat", {},
                                     {{"Connection", "Upgrade"},
                                      {"Upgrade", "websocket"},
                                      {"Sec-WebSocket-Version", "13"},
                                      {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}}),
                        404);
    }
}

TEST_CASE("static files", "[net][http][static]") {
    StaticRoot root;
    auto options = test_options();
    options.static_root = root.path();
    TestServer server(options);
    const auto port = server.port();

    SECTION("index.html for / and for directories ending in /") {
        const auto index = http_request(localhost, port, "GET", "/");
        CHECK(index.status == 200);
        CHECK(index.body == "<!doctype html><title>Samen</title>");
        CHECK(index.content_type == "text/html; charset=utf-8");
        CHECK(index.header("Cache-Control") == "no-cache");
        CHECK(index.header("API-Version") == "1.2.3");
        CHECK(http_request(localhost, port, "GET", "/docs/").body == "<p>docs</p>");
        CHECK(http_request(localhost, port, "GET", "/?v=2").status == 200);
    }
    SECTION("a page gets a fresh style nonce, in its body and its Content-Security-Policy") {
        auto nonce_of = [&](const std::string& target) {
            const auto page = http_request(localhost, port, "GET", target);
            REQUIRE(page.status == 200);
            const std::string policy = page.header("Content-Security-Policy");
            const auto at = policy.find("'nonce-");
            REQUIRE(at != std::string::npos);
            const std::string nonce = policy.substr(at + 7, 32);
            CHECK(page.body == "<meta name=\"samen-csp-nonce\" content=\"" + nonce + "\">");
            CHECK(page.header("Content-Length") == std::to_string(page.body.size()));
            return nonce;
        };
        CHECK(nonce_of("/nonce.html") != nonce_of("/nonce.html"));
        // Everything else has the policy without a nonce.
        CHECK(http_request(localhost, port, "GET", "/app.js").header("Content-Security-Policy") ==
              samen::net::content_security_policy());
        const auto head = http_request(localhost, port, "HEAD", "/nonce.html");
        CHECK(head.body.empty());
        CHECK(head.header("Content-Length") == "72");
    }
    SECTION("content types") {
        const std::vector<std::pair<std::string, std::string>> expected{
            {"/app.js", "text/javascript; charset=utf-8"},
            {"/style.css", "text/css; charset=utf-8"},
            {"/logo.svg", "image/svg+xml"},
            {"/font.woff2", "font/woff2"},
        };
        for (const auto& [target, type] : expected) {
            INFO(target);
            const auto got = http_request(localhost, port, "GET", target);
            CHECK(got.status == 200);
            CHECK(got.content_type == type);
            CHECK(got.header("X-Content-Type-Options") == "nosniff");
        }
        const auto asset = http_request(localhost, port, "GET", "/assets/index-4f2a9c.js");
        CHECK(asset.header("Cache-Control") == "public, max-age=31536000, immutable");
    }
    SECTION("a precompressed twin by Accept-Encoding, with Vary") {
        auto get = [&](std::string accept_encoding) {
            return http_request(localhost, port, "GET", "/assets/app-1.js", {},
                                {{"Accept-Encoding", std::move(accept_encoding)}});
        };
        const auto br = get("gzip, deflate, br");
        CHECK(br.status == 200);
        CHECK(br.body == "brotli twin");
        CHECK(br.header("Content-Encoding") == "br");
        CHECK(br.content_type == "text/javascript; charset=utf-8");
        CHECK(br.header("Vary") == "Accept-Encoding");
        CHECK(br.header("Cache-Control") == "public, max-age=31536000, immutable");
        const auto gz = get("gzip");
        CHECK(gz.body == "gzip twin");
        CHECK(gz.header("Content-Encoding") == "gzip");
        const auto plain = get("br;q=0, identity");
        CHECK(plain.body == "plain");
        CHECK(plain.header("Content-Encoding").empty());
        CHECK(plain.header("Vary") == "Accept-Encoding");
        // Without the header: the file itself.
        CHECK(http_request(localhost, port, "GET", "/assets/app-1.js").body == "plain");
        const auto head = http_request(localhost, port, "HEAD", "/assets/app-1.js", {},
                                       {{"Accept-Encoding", "br"}});
        CHECK(head.header("Content-Encoding") == "br");
        CHECK(head.header("Content-Length") == "11");
        // A page is never sent compressed: its nonce changes per answer.
        CHECK(http_request(localhost, port, "GET", "/", {}, {{"Accept-Encoding", "br"}})
                  .header("Content-Encoding")
                  .empty());
    }
    SECTION("HEAD gives the length without the body") {
        const auto got = http_request(localhost, port, "HEAD", "/app.js");
        CHECK(got.status == 200);
        CHECK(got.body.empty());
        CHECK(got.header("Content-Length") == "21");
    }
    SECTION("no way out of the root, however encoded") {
        for (const std::string target :
             {"/../secret.txt", "/%2e%2e/secret.txt", "/docs/%2E%2E/%2e%2e/secret.txt",
              "/docs/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/%zz"}) {
            INFO(target);
            require_problem(http_request(localhost, port, "GET", target), 400);
        }
    }
    SECTION("404 for what is not there, hidden files and directories without a slash") {
        for (const std::string target : {"/missing.js", "/.env", "/docs", "/assets/"}) {
            INFO(target);
            require_problem(http_request(localhost, port, "GET", target), 404);
        }
    }
}

TEST_CASE("keep-alive serves several requests on one connection", "[net][http]") {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    TestServer server;
    const auto connections = server.server.stats().connections_total.load();
    const auto requests = server.server.stats().http_requests.load();

    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server.port());
    REQUIRE_FALSE(run_bounded(ioc, [&](auto done) { socket.async_connect(endpoint, done); }));
    beast::flat_buffer buffer;
    for (int i = 0; i < 3; ++i) {
        http::request<http::string_body> request{http::verb::get, "/healthz", 11};
        request.set(http::field::host, "localhost");
        request.keep_alive(true);
        REQUIRE_FALSE(
            run_bounded(ioc, [&](auto done) { http::async_write(socket, request, done); }));
        http::response<http::string_body> response;
        REQUIRE_FALSE(
            run_bounded(ioc, [&](auto done) { http::async_read(socket, buffer, response, done); }));
        CHECK(response.result_int() == 200);
        CHECK(response.body() == "ok");
        CHECK(response.keep_alive());
    }
    CHECK(server.server.stats().connections_total.load() == connections + 1);
    CHECK(server.server.stats().http_requests.load() == requests + 3);
    CHECK(server.server.connection_count() == 1);

    // close_all ends idle keep-alive connections too.
    server.server.close_all(samen::net::CloseReason::going_away);
    CHECK(eventually([&] { return server.server.connection_count() == 0; }));
}

TEST_CASE("a chunked request body is refused with 411 before any of it is read", "[net][http]") {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    TestServer server;
    const auto requests = server.server.stats().http_requests.load();

    // A well-formed chunked body, and the bytes a fuzzer found to trip Beast's chunk parser (a
    // final chunk whose trailer comes one byte at a time).
    const std::string head =
        "POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const std::string body : {"5\r\nhallo\r\n0\r\n\r\n", "0\r\n{"}) {
        INFO(body);
        asio::io_context ioc;
        asio::ip::tcp::socket socket(ioc);
        const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server.port());
        REQUIRE_FALSE(run_bounded(ioc, [&](auto done) { socket.async_connect(endpoint, done); }));
        const std::string bytes = head + body;
        REQUIRE_FALSE(run_bounded(
            ioc, [&](auto done) { asio::async_write(socket, asio::buffer(bytes), done); }));
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        REQUIRE_FALSE(
            run_bounded(ioc, [&](auto done) { http::async_read(socket, buffer, response, done); }));
        CHECK(response.result_int() == 411);
        CHECK(response[http::field::content_type] == "application/problem+json");
        CHECK_THAT(response.body(), Catch::Contains("Content-Length"));
        CHECK_FALSE(response.keep_alive());
    }
    CHECK(server.server.stats().http_requests.load() == requests + 2);
    // The server goes on.
    CHECK(http_request(localhost, server.port(), "GET", "/healthz").body == "ok");
}

TEST_CASE("an unreachable server is a clear error", "[net][http]") {
    const auto port = free_port();
    try {
        http_request(localhost, port, "GET", "/healthz", {}, {}, 5s);
        FAIL("no exception");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        CHECK(what.find("cannot reach http://127.0.0.1:" + std::to_string(port)) == 0);
    }
    CHECK_THROWS_AS(http_request(localhost, port, "FROB", "/"), std::invalid_argument);
}

TEST_CASE("start() reports a port in use", "[net][http]") {
    TestServer first;
    auto options = test_options();
    options.port = first.port();
    boost::asio::io_context ioc;
    samen::net::Server second(ioc, options, std::make_shared<EchoApp>());
    try {
        second.start();
        FAIL("no exception");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        CHECK(what.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) == 0);
    }
    options.address = "not-an-address";
    samen::net::Server third(ioc, options, std::make_shared<EchoApp>());
    CHECK_THROWS_WITH(third.start(), Catch::Contains("not an IP address"));
}
