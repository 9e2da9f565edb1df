// A data file from before SQL migration 010 has no document snapshots, and every read of its past
// rewinds from now. The first read of the past over REST starts the backfill that a room load
// starts, with no room loaded; a refused request starts nothing
// (docs/decisions/0031-a-read-of-the-past-starts-the-backfill.md).
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "command_output.hpp"
#include "protocol_client.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";
constexpr int kEdits = 45;  // revisions 1..45: snapshots at 10, 20, 30 and 40

/// The revisions of the document's snapshots, one a line, read with the sqlite3 tool beside the
/// running server (WAL: a reader sees the last commit).
std::string snapshot_revs(const ServerProcess& server) {
    const std::string db = (server.data_dir() / "samen.db").string();
    return output_of("sqlite3 -readonly '" + db +
                     "' \"SELECT rev FROM document_snapshot WHERE doc = '" + doc +
                     "' ORDER BY rev\"");
}

/// Polls until the document has `want` as its snapshots, at most 60 s; returns what it has then.
std::string wait_for_snapshots(const ServerProcess& server, const std::string& want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::string have = snapshot_revs(server);
    while (have != want && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        have = snapshot_revs(server);
    }
    return have;
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

samen::transport::HttpResult get(const ServerProcess& server, const std::string& token,
                                 const std::string& path) {
    return samen::transport::http_request(
        "127.0.0.1", server.port(), "GET", path, "",
        {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}});
}

std::string effective_at(const std::string& code, int rev) {
    return "/api/v1/documents/" + doc + "/effective/" + code + "?rev=" + std::to_string(rev);
}

/// Types kEdits edits into the document over the protocol (the room writes its snapshots), reads
/// Kampen's plan at some revisions over REST, then stops the server and deletes every snapshot:
/// a data file as from before migration 10. Returns the plans read.
std::map<int, json> history_without_snapshots(ServerProcess& server) {
    {
        ProtocolClient c(server.port());
        c.hello(server.sign_in("kampen-editor"));
        std::uint64_t rev = c.open(doc)["rev"].get<std::uint64_t>();
        REQUIRE(rev == 0);
        for (int i = 0; i < kEdits; ++i) {
            auto ack = c.request(
                edit_request(doc, "werkgroep", "common", rev,
                             json::array({std::string(1, static_cast<char>('a' + i % 26)) + " "}),
                             "b" + std::to_string(i)));
            REQUIRE(ack["type"] == "ack");
            rev = ack["rev"].get<std::uint64_t>();
        }
        REQUIRE(rev == kEdits);
    }
    REQUIRE(snapshot_revs(server) == "10\n20\n30\n40\n");
    std::map<int, json> plans;
    const std::string token = server.sign_in("kampen-viewer");
    for (int rev : {5, 15, 25, 35}) {
        auto r = get(server, token, effective_at("GM0166", rev));
        REQUIRE(r.status == 200);
        plans[rev] = json::parse(r.body);
    }
    REQUIRE(plans[5] != plans[35]);
    server.stop();
    const std::string db = (server.data_dir() / "samen.db").string();
    output_of("sqlite3 '" + db + "' 'DELETE FROM document_snapshot'");
    REQUIRE(snapshot_revs(server).empty());
    return plans;
}

/// A server that writes a snapshot every 10 revisions and its log into `logs`.
ServerOptions snapshots_every_ten(const TempDir& logs) {
    ServerOptions options;
    options.args = {"--snapshot-revs", "10"};
    options.log_file = logs.path() / "server.log";
    return options;
}

}  // namespace

TEST_CASE("a read of the past over REST writes the snapshots a history from before them lacks",
          "[integration][history][snapshots]") {
    TempDir logs("samen-backfill-log");
    ServerProcess server(snapshots_every_ten(logs));
    const auto plans = history_without_snapshots(server);

    // Started again on the file without snapshots; nobody opens the document live.
    server.restart();
    const std::string token = server.sign_in("kampen-viewer");
    auto first = get(server, token, effective_at("GM0166", 15));
    REQUIRE(first.status == 200);
    CHECK(json::parse(first.body) == plans.at(15));

    CHECK(wait_for_snapshots(server, "10\n20\n30\n40\n") == "10\n20\n30\n40\n");
    CHECK(server.metric("samen_open_documents") == 0.0);  // no room was loaded for it
    // The same past, now read from the snapshots; one backfill for all the reads.
    for (const auto& [rev, plan] : plans) {
        INFO("revision " << rev);
        auto again = get(server, token, effective_at("GM0166", rev));
        REQUIRE(again.status == 200);
        CHECK(json::parse(again.body) == plan);
    }
    const std::string log = server.log();
    CHECK(count_of(log, "4 document snapshots missing") == 1);
    CHECK(count_of(log, "started by a read of its past over REST") == 1);
    CHECK(count_of(log, "snapshots done, 4 written") == 1);
}

TEST_CASE("a refused or failed read of the past starts no backfill",
          "[integration][history][snapshots]") {
    TempDir logs("samen-backfill-log");
    ServerProcess server(snapshots_every_ten(logs));
    history_without_snapshots(server);

    // A viewer of a municipality that takes no part in the document.
    const std::string exe = ServerProcess::executable();
    const std::string data = server.data_dir().string();
    REQUIRE(
        run_command({exe, "--data", data, "municipality", "add", "GM0193", "Zwolle"}).exit_code ==
        0);
    REQUIRE(run_command({exe, "--data", data, "user", "add", "zwolle-viewer", "--municipality",
                         "GM0193", "--role", "viewer"},
                        "zwolle-wachtwoord\n")
                .exit_code == 0);
    server.restart();
    const std::string outsider = server.sign_in("zwolle-viewer", "zwolle-wachtwoord");
    const std::string kampen = server.sign_in("kampen-viewer");

    CHECK(get(server, outsider, effective_at("GM0166", 15)).status == 403);
    CHECK(get(server, outsider, effective_at("GM0193", 15)).status == 403);
    CHECK(get(server, outsider, "/api/v1/documents/" + doc + "/divergence?rev=15").status == 403);
    CHECK(get(server, "no-such-token", effective_at("GM0166", 15)).status == 401);
    CHECK(get(server, kampen, "/api/v1/documents/geen-plan/effective/GM0166?rev=1").status == 404);
    // Authorized, but nothing to answer: a municipality not taking part, a revision ahead.
    CHECK(get(server, kampen, effective_at("GM0193", 15)).status == 404);
    CHECK(get(server, kampen, effective_at("GM0166", 999)).status == 400);
    // The plan as it stands is no read of the past.
    CHECK(get(server, kampen, "/api/v1/documents/" + doc + "/effective/GM0166").status == 200);

    // A backfill would have said so at once and written its first snapshot within milliseconds.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    CHECK(snapshot_revs(server).empty());
    CHECK(count_of(server.log(), "snapshots") == 0);

    // The divergence matrix of the past, asked by a reader, does start it.
    CHECK(get(server, kampen, "/api/v1/documents/" + doc + "/divergence?rev=15").status == 200);
    CHECK(wait_for_snapshots(server, "10\n20\n30\n40\n") == "10\n20\n30\n40\n");
    CHECK(count_of(server.log(), "started by a read of its past over REST") == 1);
}
