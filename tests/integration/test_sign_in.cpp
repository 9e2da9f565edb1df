// Sign-in against the real server: growing delays per account and per address (429 with
// Retry-After, before any password work), the bound on password checks (503), the log of every
// failure without the password, and the audit trail of sign-ins, sign-outs and administration.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;
using samen::transport::http_request;
using samen::transport::HttpResult;

namespace {

/// A sign-in that the server takes to come from `address`: the server trusts the loopback proxy
/// (--trusted-proxy 127.0.0.1), so X-Forwarded-For names the client.
HttpResult sign_in_from(const ServerProcess& server, const std::string& address,
                        const std::string& user, const std::string& password) {
    return http_request("127.0.0.1", server.port(), "POST", "/api/v1/session",
                        json{{"user", user}, {"password", password}}.dump(),
                        {{"X-Forwarded-For", address}});
}

/// The seconds of a Retry-After header; 0 when there is none.
int retry_after(const HttpResult& r) {
    const std::string value = r.header("Retry-After");
    return value.empty() ? 0 : std::stoi(value);
}

/// Waits out a refusal's Retry-After.
void wait_out(const HttpResult& refusal) {
    std::this_thread::sleep_for(std::chrono::seconds(retry_after(refusal)));
}

CommandResult audit_trail(const ServerProcess& server, std::vector<std::string> args = {}) {
    std::vector<std::string> argv = {ServerProcess::executable(),
                                     "--data",
                                     server.data_dir().string(),
                                     "audit",
                                     "--limit",
                                     "1000"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
}

const std::string wrong = "fout-wachtwoord-7Qx";

}  // namespace

TEST_CASE("failed sign-ins slow down the account and the address with 429 and Retry-After",
          "[integration][sign-in]") {
    TempDir logs("samen-log");
    ServerOptions options;
    options.args = {"--trusted-proxy", "127.0.0.1", "--sign-in-free-failures", "2",
                    "--sign-in-delay", "1",         "--sign-in-max-delay",     "2"};
    options.log_file = logs.file("server.log");
    ServerProcess server(options);

    CHECK(sign_in_from(server, "192.0.2.1", "kampen-editor", wrong).status == 401);
    CHECK(sign_in_from(server, "192.0.2.1", "kampen-editor", wrong).status == 401);
    // The account waits, wherever the attempt comes from and whatever its password: the refusal
    // comes before the password is checked.
    auto account = sign_in_from(server, "192.0.2.2", "kampen-editor", "samen-demo");
    INFO(account.body);
    REQUIRE(account.status == 429);
    CHECK(account.content_type == "application/problem+json");
    CHECK(json::parse(account.body)["status"] == 429);
    CHECK(retry_after(account) >= 1);
    CHECK(retry_after(account) <= 2);  // --sign-in-max-delay
    // So does the address, for every name.
    auto address = sign_in_from(server, "192.0.2.1", "kampen-viewer", "samen-demo");
    CHECK(address.status == 429);
    CHECK(retry_after(address) >= 1);
    // Others sign in as ever.
    CHECK(sign_in_from(server, "192.0.2.3", "kampen-viewer", "samen-demo").status == 200);

    // A name that does not exist fails and waits like one that does.
    CHECK(sign_in_from(server, "192.0.2.4", "niemand", wrong).status == 401);
    CHECK(sign_in_from(server, "192.0.2.5", "niemand", wrong).status == 401);
    CHECK(sign_in_from(server, "192.0.2.6", "niemand", wrong).status == 429);

    // After the wait the right password gets in, and the account's count starts again: its next
    // failure is free once more.
    wait_out(account);
    auto in = sign_in_from(server, "192.0.2.2", "kampen-editor", "samen-demo");
    // A slow machine may still be inside the (up to 2 s) delay: wait once more, then it is over.
    if (in.status == 429) {
        wait_out(in);
        in = sign_in_from(server, "192.0.2.2", "kampen-editor", "samen-demo");
    }
    REQUIRE(in.status == 200);
    CHECK(sign_in_from(server, "192.0.2.7", "kampen-editor", wrong).status == 401);
    CHECK(sign_in_from(server, "192.0.2.8", "kampen-editor", "samen-demo").status == 200);

    // A disabled user fails like a wrong password, and the log says why.
    REQUIRE(run_command({ServerProcess::executable(), "--data", server.data_dir().string(), "user",
                         "disable", "staphorst-viewer"})
                .exit_code == 0);
    CHECK(sign_in_from(server, "192.0.2.9", "staphorst-viewer", "samen-demo").status == 401);

    // Every failure is in the log, with the name, the address and why; a password never is.
    const std::string log = server.log();
    INFO(log);
    CHECK_THAT(log, Catch::Contains(
                        R"(sign-in failed: user "kampen-editor" from 192.0.2.1: wrong password)"));
    CHECK_THAT(log,
               Catch::Contains(R"(sign-in failed: user "niemand" from 192.0.2.4: unknown user)"));
    CHECK_THAT(log, Catch::Contains(
                        R"(sign-in failed: user "staphorst-viewer" from 192.0.2.9: disabled)"));
    CHECK_THAT(log, Catch::Contains(R"(sign-in throttled: user "kampen-editor" from 192.0.2.2)"));
    CHECK_THAT(log, Catch::Contains(R"(sign-in throttled: user "kampen-viewer" from 192.0.2.1)"));
    CHECK_THAT(log, Catch::Contains(R"(sign-in throttled: user "niemand" from 192.0.2.6)"));
    CHECK(log.find(wrong) == std::string::npos);
    CHECK(log.find("samen-demo") == std::string::npos);

    // And in the audit trail, with the user where there is one.
    auto trail = audit_trail(server);
    INFO(trail.out);
    REQUIRE(trail.exit_code == 0);
    CHECK_THAT(
        trail.out,
        Catch::Matches(
            R"([^]*sign_in\.failed +kampen-editor +192\.0\.2\.1 +\{"reason":"wrong password"\}[^]*)"));
    CHECK_THAT(
        trail.out,
        Catch::Matches(
            R"([^]*sign_in\.failed +niemand +192\.0\.2\.4 +\{"reason":"unknown user"\}[^]*)"));
    CHECK_THAT(trail.out,
               Catch::Matches(
                   R"([^]*sign_in\.throttled +kampen-editor +192\.0\.2\.2 +\{"by":"account"[^]*)"));
    CHECK_THAT(trail.out,
               Catch::Matches(R"([^]*sign_in\.ok +kampen-editor +192\.0\.2\.2 +\{\}[^]*)"));
    CHECK_THAT(
        trail.out,
        Catch::Matches(
            R"([^]*sign_in\.failed +staphorst-viewer +192\.0\.2\.9 +\{"reason":"disabled"\}[^]*)"));
    CHECK(trail.out.find(wrong) == std::string::npos);
}

TEST_CASE("password checks are bounded: past --max-pending-sign-ins a sign-in is refused with 503",
          "[integration][sign-in]") {
    ServerProcess server({"--max-pending-sign-ins", "1", "--sign-in-free-failures", "1000"});
    // Many at once against one password thread and room for one: the others are answered at once
    // with 503, never queued. Each round is a burst; a machine slow enough to serve a whole burst
    // one by one gets another round.
    constexpr int attempts = 16;
    std::vector<HttpResult> busy;
    for (int round = 0; round < 5 && busy.empty(); ++round) {
        std::vector<std::future<HttpResult>> answers;
        for (int i = 0; i < attempts; ++i) {
            answers.push_back(std::async(std::launch::async, [&server, i] {
                return http_request(
                    "127.0.0.1", server.port(), "POST", "/api/v1/session",
                    json{{"user", "guess-" + std::to_string(i)}, {"password", wrong}}.dump());
            }));
        }
        for (auto& a : answers) {
            auto r = a.get();
            INFO(r.body);
            CHECK((r.status == 401 || r.status == 503));
            if (r.status == 503) busy.push_back(r);
        }
    }
    REQUIRE_FALSE(busy.empty());
    CHECK(busy[0].content_type == "application/problem+json");
    CHECK(retry_after(busy[0]) >= 1);
    // The bound frees up: the next sign-in alone is served.
    CHECK_NOTHROW(server.sign_in("kampen-editor"));
    auto metrics = http_request("127.0.0.1", server.port(), "GET", "/metrics");
    CHECK_THAT(metrics.body, Catch::Contains("samen_sign_ins_busy_total"));
    CHECK_THAT(metrics.body, Catch::Contains("samen_sign_ins_pending 0"));
}

TEST_CASE("sign-outs, documents created and archived are in the audit trail",
          "[integration][sign-in][audit]") {
    ServerProcess server;
    const std::string token = server.sign_in("kampen-coordinator");
    auto out = http_request("127.0.0.1", server.port(), "DELETE", "/api/v1/session", "",
                            {{"Authorization", "Bearer " + token}});
    REQUIRE(out.status == 204);

    ProtocolClient admin(server.port());
    admin.hello(server.sign_in("admin"));
    auto created = admin.request({{"type", "document.create"},
                                  {"doc", "evaluatie-2024"},
                                  {"title", "Evaluatie 2024"},
                                  {"municipalities", {"GM0166", "GM0180"}}});
    REQUIRE(created["type"] == "document.created");
    admin.open("evaluatie-2024");
    auto archived = admin.request(
        {{"type", "document.archive"}, {"doc", "evaluatie-2024"}, {"archived", true}});
    REQUIRE(archived["type"] == "ack");

    auto trail = audit_trail(server);
    INFO(trail.out);
    REQUIRE(trail.exit_code == 0);
    CHECK_THAT(trail.out,
               Catch::Matches(R"([^]*sign_in\.ok +kampen-coordinator +127\.0\.0\.1 [^]*)"));
    CHECK_THAT(trail.out, Catch::Matches(R"([^]*sign_out +kampen-coordinator +127\.0\.0\.1 [^]*)"));
    CHECK_THAT(
        trail.out,
        Catch::Matches(
            R"([^]*document\.create +admin +127\.0\.0\.1 +\{"doc":"evaluatie-2024","municipalities":\["GM0166","GM0180"\],"title":"Evaluatie 2024"\}[^]*)"));
    CHECK_THAT(
        trail.out,
        Catch::Matches(
            R"([^]*document\.archive +admin +127\.0\.0\.1 +\{"archived":true,"doc":"evaluatie-2024"\}[^]*)"));
    // --user: by that user, or about them.
    auto coordinator = audit_trail(server, {"--user", "kampen-coordinator"});
    CHECK(std::count(coordinator.out.begin(), coordinator.out.end(), '\n') == 3);
}
