// The client library's requests (Client::request and the typed calls of BlockingClient) against
// the real server: replies, the server's errors as ClientException, and a lost connection.
#include <catch2/catch.hpp>

#include "samen/blocking_client.hpp"
#include "server_process.hpp"

using namespace samen::test;
using samen::client::BlockingClient;
using samen::client::ClientException;
using samen::client::ConnectionState;

namespace {

constexpr const char* doc_id = "startnotitie-ivp-2023";

std::string code_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const ClientException& e) {
        return e.code();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("BlockingClient requests: reads, changes and the server's refusals",
          "[integration][client][workflow]") {
    ServerProcess server;
    BlockingClient c;
    c.connect("127.0.0.1", server.port(), server.sign_in("kampen-coordinator"));
    c.open(doc_id);
    const auto start = c.rev(doc_id);

    // The generic request: any message, its reply by id (an `id` of the caller's is replaced).
    auto reply = c.request({{"type", "divergence"}, {"doc", doc_id}, {"id", "mine"}});
    CHECK(reply["type"] == "divergence");
    CHECK(reply["id"] != "mine");
    CHECK(reply["rows"].size() > 0);

    auto plan = c.effective(doc_id, "GM0166");
    CHECK(plan["type"] == "effective");
    CHECK(plan["municipality"] == "GM0166");
    CHECK(plan["rev"] == start);

    // Changes: acked with their revision; the open document follows them.
    const auto diverged = c.layer_action("diverge", doc_id, "werkgroep", "GM0166");
    CHECK(diverged == start + 1);
    const auto tagged = c.tag(doc_id, "Na de splitsing");
    CHECK(tagged == diverged + 1);
    CHECK(c.wait_until([&] { return c.rev(doc_id) == tagged; }, std::chrono::seconds(10)));
    const auto reverted = c.layer_action("revert", doc_id, "werkgroep", "GM0166");
    CHECK(reverted == tagged + 1);

    auto history = c.history(doc_id, "werkgroep", std::string("GM0166"));
    REQUIRE(history["changes"].size() == 2);
    CHECK(history["changes"][0]["kind"] == "diverge");
    CHECK(history["changes"][1]["kind"] == "revert");
    CHECK(history["versions"].size() == 1);
    auto then = c.text_at(doc_id, "werkgroep", "GM0166", diverged);
    CHECK(then["state"] == "override");
    auto now = c.text_at(doc_id, "werkgroep", "GM0166", reverted);
    CHECK(now["state"] == "inherit");
    auto same = c.diff_layer(doc_id, "werkgroep", "common", start, reverted);
    for (const auto& part : same["parts"]) CHECK(part["kind"] == "same");
    auto plan_diff = c.diff_effective(doc_id, "GM0166", start, reverted);
    CHECK(plan_diff["type"] == "diff");

    auto docs = c.list();
    bool found = false;
    for (const auto& d : docs) {
        if (d.id != doc_id) continue;
        found = true;
        REQUIRE(d.versions.size() == 1);
        CHECK(d.versions[0].label == "Na de splitsing");
        CHECK(d.versions[0].rev == diverged);
        CHECK(d.versions[0].author.name == "kampen-coordinator");
        CHECK_FALSE(d.archived);
    }
    CHECK(found);

    // The server's errors, with their codes.
    CHECK(code_of([&] { c.history(doc_id, "bestaat-niet"); }) == "not_found");
    CHECK(code_of([&] { c.effective(doc_id, "GM9999"); }) == "not_found");
    CHECK(code_of([&] { c.layer_action("diverge", doc_id, "werkgroep", "GM0180"); }) ==
          "forbidden");  // another municipality's layer
    CHECK(code_of([&] { c.tag(doc_id, "Na de splitsing"); }) == "conflict");
    CHECK(code_of([&] {
              c.create_document({"ivp-niet", "Niet", {"GM0166"}, std::nullopt, std::nullopt});
          }) == "forbidden");
    CHECK(code_of([&] { c.request({{"type", "frobnicate"}}); }) == "bad_request");
    CHECK(code_of([&] { c.request({{"no-type", true}}); }) == "bad_request");
    // The connection stays usable after refusals.
    CHECK(c.divergence(doc_id)["type"] == "divergence");
}

TEST_CASE("BlockingClient requests: an admin creates, renames and archives a document",
          "[integration][client][workflow]") {
    ServerProcess server;
    BlockingClient admin;
    admin.connect("127.0.0.1", server.port(), server.sign_in("admin"));
    auto created = admin.create_document(
        {"ivp-nieuw", "Nieuw", {"GM0166", "GM0180"}, std::nullopt, "# Een\n\nTekst.\n"});
    CHECK(created["type"] == "document.created");
    CHECK(created["sections"] == 1);
    admin.open("ivp-nieuw");
    CHECK(admin.rename_document("ivp-nieuw", "Nieuw plan") > 0);
    CHECK(admin.archive_document("ivp-nieuw", true) > 0);
    bool archived = false;
    for (const auto& d : admin.list()) {
        if (d.id == "ivp-nieuw") archived = d.archived && d.title == "Nieuw plan";
    }
    CHECK(archived);
}

TEST_CASE("BlockingClient requests fail with connection_lost when the connection is gone",
          "[integration][client][workflow]") {
    ServerProcess server;
    samen::client::ClientOptions options;
    options.max_reconnect_attempts = 1;
    options.reconnect_delay = std::chrono::milliseconds(50);
    options.seed = 4;
    BlockingClient c(options);
    c.connect("127.0.0.1", server.port(), server.sign_in("kampen-editor"));
    c.open(doc_id);
    server.kill();
    REQUIRE(c.wait_until([&] { return c.state() != ConnectionState::connected; },
                         std::chrono::seconds(20)));
    CHECK(code_of([&] { c.divergence(doc_id); }) == "connection_lost");
}
