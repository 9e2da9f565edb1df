// What a page of another site can make a visitor's browser do here, and what every response tells
// the browser: the WebSocket's Origin allow-list, sign-in only as JSON, /metrics for this machine
// (or with its token), and the security headers on every response.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "server_process.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;
using samen::transport::http_request;
using samen::transport::HttpHeaders;
using samen::transport::HttpResult;

namespace {

/// The WebSocket handshake on /ws with `origin` (none when empty): 101 when accepted.
HttpResult upgrade(const ServerProcess& server, const std::string& origin) {
    HttpHeaders headers = {{"Connection", "Upgrade"},
                           {"Upgrade", "websocket"},
                           {"Sec-WebSocket-Version", "13"},
                           {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    if (!origin.empty()) headers.emplace_back("Origin", origin);
    return http_request("127.0.0.1", server.port(), "GET", "/ws", "", headers);
}

HttpResult sign_in_as(const ServerProcess& server, const std::string& content_type) {
    return http_request("127.0.0.1", server.port(), "POST", "/api/v1/session",
                        R"({"user":"kampen-editor","password":"samen-demo"})",
                        {{"Content-Type", content_type}});
}

void check_security_headers(const HttpResult& r) {
    INFO(r.status << " " << r.body.substr(0, 200));
    CHECK_THAT(r.header("Content-Security-Policy"), Catch::Contains("default-src 'self'"));
    CHECK_THAT(r.header("Content-Security-Policy"), Catch::Contains("script-src 'self';"));
    CHECK_THAT(r.header("Content-Security-Policy"), Catch::Contains("frame-ancestors 'none'"));
    CHECK(r.header("X-Content-Type-Options") == "nosniff");
    CHECK(r.header("Referrer-Policy") == "no-referrer");
    CHECK(r.header("Cross-Origin-Opener-Policy") == "same-origin");
    CHECK(r.header("X-Frame-Options") == "DENY");
}

}  // namespace

TEST_CASE("the WebSocket opens for the server's own origin, allowed ones and non-browsers only",
          "[integration][cross-site]") {
    ServerProcess server({"--allowed-origin", "https://samen.gemeente.nl/"});
    const std::string own = "http://127.0.0.1:" + std::to_string(server.port());
    CHECK(upgrade(server, own).status == 101);
    CHECK(upgrade(server, "https://samen.gemeente.nl").status == 101);
    CHECK(upgrade(server, "").status == 101);  // the CLI, scripts

    for (const std::string origin :
         {"https://evil.example", "http://127.0.0.1:1", "null", "http://samen.gemeente.nl"}) {
        INFO(origin);
        auto refused = upgrade(server, origin);
        CHECK(refused.status == 403);
        CHECK(refused.content_type == "application/problem+json");
        CHECK(json::parse(refused.body)["status"] == 403);
        check_security_headers(refused);
    }
    // A flag that is no origin is refused at start.
    auto bad = run_command({ServerProcess::executable(), "--allowed-origin", "samen.gemeente.nl"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.out, Catch::Contains("--allowed-origin needs an origin"));
}

TEST_CASE("a sign-in is JSON or 415: no form of another site can post one",
          "[integration][cross-site]") {
    ServerProcess server;
    CHECK(sign_in_as(server, "application/json").status == 200);
    CHECK(sign_in_as(server, "application/json; charset=utf-8").status == 200);
    CHECK(sign_in_as(server, "Application/JSON;charset=\"UTF-8\"").status == 200);
    for (const std::string type :
         {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x", "application/json; charset=latin1",
          "application/jsonp", ""}) {
        INFO(type);
        auto r = type.empty()
                     ? http_request("127.0.0.1", server.port(), "POST", "/api/v1/session", "", {})
                     : sign_in_as(server, type);
        CHECK(r.status == 415);
        CHECK(r.content_type == "application/problem+json");
    }
}

TEST_CASE("/metrics is for this machine, or for whoever has the metrics token",
          "[integration][cross-site]") {
    // The loopback proxy is trusted: X-Forwarded-For says whom it passes on.
    ServerProcess server({"--trusted-proxy", "127.0.0.1", "--metrics-token", "meet-token-42"});
    auto metrics = [&](HttpHeaders headers) {
        return http_request("127.0.0.1", server.port(), "GET", "/metrics", "", headers);
    };
    CHECK(metrics({}).status == 200);  // a scraper on this machine, not through the proxy
    CHECK(metrics({{"X-Forwarded-For", "127.0.0.2"}}).status == 200);
    CHECK(metrics({{"X-Forwarded-For", "not an address"}}).status == 403);
    auto remote = metrics({{"X-Forwarded-For", "203.0.113.9"}});
    CHECK(remote.status == 403);
    CHECK(remote.content_type == "application/problem+json");
    CHECK(metrics({{"X-Forwarded-For", "203.0.113.9"}, {"Authorization", "Bearer meet-token-43"}})
              .status == 403);
    CHECK(metrics({{"X-Forwarded-For", "203.0.113.9"}, {"Authorization", "Bearer meet-token-4"}})
              .status == 403);
    auto with_token =
        metrics({{"X-Forwarded-For", "203.0.113.9"}, {"Authorization", "Bearer meet-token-42"}});
    CHECK(with_token.status == 200);
    CHECK_THAT(with_token.body, Catch::Contains("samen_edits_total"));

    auto bad = run_command({ServerProcess::executable(), "--trusted-proxy", "proxy.gemeente.nl"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.out, Catch::Contains("--trusted-proxy needs an IP address"));

    // Without --trusted-proxy, X-Forwarded-For is the client's word and counts for nothing.
    ServerProcess plain;
    CHECK(http_request("127.0.0.1", plain.port(), "GET", "/metrics", "",
                       {{"X-Forwarded-For", "203.0.113.9"}})
              .status == 200);
}

TEST_CASE("every response carries the security headers", "[integration][cross-site]") {
    ServerProcess server;
    const auto port = server.port();
    auto get = [&](const std::string& target) {
        return http_request("127.0.0.1", port, "GET", target);
    };
    auto page = get("/");
    REQUIRE(page.status == 200);
    CHECK_THAT(page.content_type, Catch::StartsWith("text/html"));
    check_security_headers(page);
    check_security_headers(get("/healthz"));
    check_security_headers(get("/no-such-file"));      // the net layer's own problem
    check_security_headers(get("/api/v1/documents"));  // the application's problem (401)
    check_security_headers(get("/ws"));                // 426
    check_security_headers(sign_in_as(server, "text/plain"));
    check_security_headers(
        http_request("127.0.0.1", port, "GET", "/api/v1/documents", "",
                     {{"Authorization", "Bearer " + server.sign_in("kampen-viewer")}}));
    check_security_headers(http_request("127.0.0.1", port, "HEAD", "/"));
}
