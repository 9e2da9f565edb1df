// Revocation reaches open connections: a sign-out, a disabled user, a new password, a changed role
// and an expired token end or downgrade every open WebSocket of that user, and what such a
// connection sends afterwards is not stored.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";

/// A signed-in connection with the document open, at the revision of its snapshot.
struct Editor {
    Editor(const ServerProcess& server, const std::string& user)
        : token(server.sign_in(user)), client(server.port()) {
        REQUIRE(client.hello(token)["type"] == "welcome");
        rev = client.open(doc)["rev"].get<std::uint64_t>();
    }
    /// Inserts `text` at the start of the common text of "inleiding".
    json type(const std::string& text) {
        json reply = client.request(
            edit_request(doc, "inleiding", "common", rev, {text}, "op-" + std::to_string(++n)), 5s);
        if (reply["type"] == "ack") rev = reply["rev"].get<std::uint64_t>();
        return reply;
    }
    std::string token;
    ProtocolClient client;
    std::uint64_t rev = 0;
    int n = 0;
};

/// The common text of "inleiding" as a fresh connection of the admin reads it.
std::string stored_text(const ServerProcess& server) {
    ProtocolClient reader(server.port());
    REQUIRE(reader.hello(server.sign_in("admin"))["type"] == "welcome");
    return common_text(reader.open(doc), "inleiding");
}

void admin_command(const ServerProcess& server, std::vector<std::string> words,
                   const std::string& input = {}) {
    std::vector<std::string> argv = {ServerProcess::executable(), "--data",
                                     server.data_dir().string()};
    argv.insert(argv.end(), words.begin(), words.end());
    auto result = run_command(argv, input);
    INFO(result.out);
    REQUIRE(result.exit_code == 0);
}

}  // namespace

TEST_CASE("signing out ends the connections signed in with that token, before it is answered",
          "[integration][revocation]") {
    ServerProcess server;
    Editor anna(server, "kampen-editor");
    Editor other(server, "kampen-editor");  // another sign-in of the same user stays
    REQUIRE(anna.type("Een ")["type"] == "ack");

    auto out =
        samen::transport::http_request("127.0.0.1", server.port(), "DELETE", "/api/v1/session", "",
                                       {{"Authorization", "Bearer " + anna.token}});
    REQUIRE(out.status == 204);
    const std::string before = stored_text(server);
    anna.client.send(edit_request(doc, "inleiding", "common", anna.rev, {"Na "}, "late"));
    CHECK(anna.client.wait_closed(10s) == 1008);
    CHECK(stored_text(server) == before);
    CHECK(other.type("Nog ")["type"] == "ack");
}

TEST_CASE("disabling a user ends every connection of theirs, nothing they send is stored",
          "[integration][revocation]") {
    ServerProcess server;
    Editor first(server, "kampen-editor");
    Editor second(server, "kampen-editor");
    Editor bystander(server, "staphorst-editor");
    REQUIRE(first.type("Een ")["type"] == "ack");

    admin_command(server, {"user", "disable", "kampen-editor"});
    CHECK(first.client.wait_closed(10s) == 1008);
    CHECK(second.client.wait_closed(10s) == 1008);
    const std::string before = stored_text(server);
    CHECK(before.rfind("Een ", 0) == 0);
    CHECK(bystander.type("Staphorst ")["type"] == "ack");
    ProtocolClient again(server.port());
    CHECK(again.hello(first.token)["code"] == "unauthorized");
}

TEST_CASE("a new password ends the connections signed in with the old one",
          "[integration][revocation]") {
    ServerProcess server;
    Editor anna(server, "kampen-editor");
    admin_command(server, {"user", "passwd", "kampen-editor"}, "een-nieuw-wachtwoord\n");
    CHECK(anna.client.wait_closed(10s) == 1008);
    ProtocolClient again(server.port());
    CHECK(again.hello(server.sign_in("kampen-editor", "een-nieuw-wachtwoord"))["type"] ==
          "welcome");
}

TEST_CASE("a demoted user's connections are downgraded: the next edit is refused",
          "[integration][revocation]") {
    ServerProcess server;
    Editor anna(server, "kampen-editor");
    REQUIRE(anna.type("Een ")["type"] == "ack");
    admin_command(server, {"user", "role", "kampen-editor", "viewer"});
    // The connection ends with 4003: the client says hello again and learns its new role.
    CHECK(anna.client.wait_closed(10s) == 4003);
    ProtocolClient again(server.port());
    json welcome = again.hello(anna.token);
    REQUIRE(welcome["type"] == "welcome");
    CHECK(welcome["user"]["role"] == "viewer");
    const std::string before = stored_text(server);
    json snapshot = again.open(doc);
    json refused = again.request(
        edit_request(doc, "inleiding", "common", snapshot["rev"], {"Toch "}, "viewer-edit"));
    CHECK(refused["code"] == "forbidden");
    CHECK(stored_text(server) == before);
}

TEST_CASE("a connection ends when its token expires", "[integration][revocation]") {
    ServerProcess server(std::vector<std::string>{"--token-lifetime", "3"});
    Editor anna(server, "kampen-editor");
    REQUIRE(anna.type("Een ")["type"] == "ack");
    CHECK(anna.client.wait_closed(20s) == 1008);
    ProtocolClient again(server.port());
    CHECK(again.hello(anna.token)["code"] == "unauthorized");
}
