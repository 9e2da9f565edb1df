// The HTTP side of samen-server: sign-in, the REST list, health and metrics, problem+json errors.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "raw_socket.hpp"
#include "server_process.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;
using samen::transport::http_request;

TEST_CASE("sign-in returns a token, refuses wrong passwords with problem+json",
          "[integration][http]") {
    ServerProcess server;
    auto ok = http_request("127.0.0.1", server.port(), "POST", "/api/v1/session",
                           R"({"user":"kampen-coordinator","password":"samen-demo"})");
    REQUIRE(ok.status == 200);
    auto body = json::parse(ok.body);
    CHECK(body["token"].get<std::string>().size() >= 32);
    CHECK(body["user"]["role"] == "coordinator");
    CHECK(!ok.header("API-Version").empty());

    for (const std::string bad : {R"({"user":"kampen-coordinator","password":"fout"})",
                                  R"({"user":"niemand","password":"samen-demo"})"}) {
        auto r = http_request("127.0.0.1", server.port(), "POST", "/api/v1/session", bad);
        CHECK(r.status == 401);
        CHECK(r.content_type == "application/problem+json");
        auto p = json::parse(r.body);
        CHECK(p["status"] == 401);
        CHECK(p.contains("title"));
        CHECK(p.contains("detail"));
    }
    auto malformed = http_request("127.0.0.1", server.port(), "POST", "/api/v1/session", "{nope");
    CHECK(malformed.status == 400);
    CHECK(malformed.content_type == "application/problem+json");
    auto wrong_method = http_request("127.0.0.1", server.port(), "PUT", "/api/v1/session", "{}");
    CHECK(wrong_method.status == 405);

    // Signing out ends the token.
    std::string token = body["token"];
    auto out = http_request("127.0.0.1", server.port(), "DELETE", "/api/v1/session", "",
                            {{"Authorization", "Bearer " + token}});
    CHECK(out.status == 204);
    ProtocolClient c(server.port());
    CHECK(c.hello(token)["code"] == "unauthorized");
}

TEST_CASE("the request body is bounded by --max-http-body: past it 413, a chunked body 411",
          "[integration][http][limits]") {
    ServerProcess server({"--max-http-body", "100"});
    const std::string sign_in = R"({"user":"kampen-coordinator","password":"samen-demo"})";
    REQUIRE(sign_in.size() <= 100);
    const std::string padded = sign_in.substr(0, sign_in.size() - 1) + std::string(60, ' ') + "}";
    auto large = http_request("127.0.0.1", server.port(), "POST", "/api/v1/session", padded);
    CHECK(large.status == 413);
    CHECK(large.content_type == "application/problem+json");
    CHECK_THAT(large.body, Catch::Contains("larger than 100 bytes"));

    RawSocket socket(server.port());
    REQUIRE(
        socket.send("POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\n{\"a\":\r\n"));
    const RawResponse chunked = parse_response(socket.read_until_closed());
    CHECK(chunked.status == 411);
    CHECK(chunked.header("Content-Type") == "application/problem+json");

    CHECK(http_request("127.0.0.1", server.port(), "POST", "/api/v1/session", sign_in).status ==
          200);
}

TEST_CASE("the document list over REST follows the user's municipality", "[integration][http]") {
    ServerProcess server;
    auto none = http_request("127.0.0.1", server.port(), "GET", "/api/v1/documents");
    CHECK(none.status == 401);
    CHECK(none.content_type == "application/problem+json");
    auto r = http_request("127.0.0.1", server.port(), "GET", "/api/v1/documents", "",
                          {{"Authorization", "Bearer " + server.sign_in("kampen-viewer")}});
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["documents"].size() == 2);
    auto unknown = http_request("127.0.0.1", server.port(), "GET", "/api/v1/nothing-here");
    CHECK(unknown.status == 404);
}

TEST_CASE("health and metrics", "[integration][http]") {
    ServerProcess server;
    auto health = http_request("127.0.0.1", server.port(), "GET", "/healthz");
    CHECK(health.status == 200);
    CHECK(json::parse(health.body)["status"] == "ok");

    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-editor"));
    c.open("startnotitie-ivp-2023");
    auto ack =
        c.request(edit_request("startnotitie-ivp-2023", "werkgroep", "common", 0, {"x"}, "m1"));
    REQUIRE(ack["type"] == "ack");

    auto metrics = http_request("127.0.0.1", server.port(), "GET", "/metrics");
    REQUIRE(metrics.status == 200);
    CHECK(metrics.content_type.rfind("text/plain", 0) == 0);
    const std::string& m = metrics.body;
    CHECK(m.find("samen_websockets_open 1") != std::string::npos);
    CHECK(m.find("samen_open_documents 1") != std::string::npos);
    CHECK(m.find("samen_edits_total 1") != std::string::npos);
    CHECK(m.find("samen_edit_latency_seconds_count 1") != std::string::npos);
    CHECK(m.find("samen_commit_batch_size_bucket{le=\"+Inf\"}") != std::string::npos);
    CHECK(m.find("samen_slow_client_disconnects_total 0") != std::string::npos);
}
