// The change log is the truth (docs/decisions/0021-change-log-is-the-truth.md): a keystroke appends
// its edit and writes no text; a layer's text is written at the next multiple of --checkpoint-edits
// revisions and when its document is unloaded; whatever came after the last one is replayed from
// the log at the next load, after a SIGKILL too.
#include <catch2/catch.hpp>
#include <thread>

#include "command_output.hpp"
#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";

/// The stored checkpoint of the common text of `section`: {text_rev, text}, read with the sqlite3
/// tool beside the running server (WAL: a reader sees the last commit).
std::pair<std::uint64_t, std::string> checkpoint(const ServerProcess& server,
                                                 const std::string& section) {
    const std::string db = (server.data_dir() / "samen.db").string();
    const std::string sql = "SELECT text_rev || char(10) || text FROM layer WHERE doc = '" + doc +
                            "' AND section = '" + section + "' AND layer = 'common'";
    const std::string out = output_of("sqlite3 -readonly '" + db + "' \"" + sql + "\"");
    const auto nl = out.find('\n');
    REQUIRE(nl != std::string::npos);
    std::string text = out.substr(nl + 1);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return {std::stoull(out.substr(0, nl)), text};
}

}  // namespace

TEST_CASE(
    "a layer's text is written at every multiple of N revisions and at unload, the rest replayed "
    "after a SIGKILL",
    "[integration][checkpoints]") {
    ServerProcess server({"--checkpoint-edits", "10", "--room-idle-seconds", "1"});
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-editor"));
    const json snapshot = c.open(doc);
    const std::string before = common_text(snapshot, "werkgroep");
    std::uint64_t rev = snapshot["rev"].get<std::uint64_t>();
    std::vector<std::uint64_t> revs;
    for (int i = 0; i < 25; ++i) {
        auto ack = c.request(edit_request(doc, "werkgroep", "common", rev,
                                          json::array({std::string(1, static_cast<char>('a' + i))}),
                                          "k" + std::to_string(i)));
        REQUIRE(ack["type"] == "ack");
        rev = ack["rev"].get<std::uint64_t>();
        revs.push_back(rev);
    }
    const std::string typed = "yxwvutsrqponmlkjihgfedcba";
    // Written when the document's revision reached a multiple of 10 (twice or three times in 25
    // edits): the text of the last such edit, the edits since only in the log.
    const std::uint64_t written_at = rev / 10 * 10;
    REQUIRE(written_at > revs[0]);
    const std::size_t edits_then = written_at - revs[0] + 1;  // one revision per edit
    const auto [at, text] = checkpoint(server, "werkgroep");
    CHECK(at == written_at);
    CHECK(text == typed.substr(typed.size() - edits_then) + before);
    CHECK(edits_then < typed.size());

    // Killed: the five edits after the checkpoint come back from the log.
    server.kill();
    server.restart();
    ProtocolClient again(server.port());
    again.hello(server.sign_in("kampen-viewer"));
    const json reloaded = again.open(doc);
    CHECK(common_text(reloaded, "werkgroep") == typed + before);
    CHECK(reloaded["rev"] == rev);

    // Unloaded when nobody has it open: the text is written as it stands.
    CHECK(again.request({{"type", "close"}, {"doc", doc}})["type"] != "error");
    bool written = false;
    for (int i = 0; i < 100 && !written; ++i) {  // the room unloads after 1 s idle
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        written = checkpoint(server, "werkgroep").first == rev;
    }
    CHECK(written);
    CHECK(checkpoint(server, "werkgroep").second == typed + before);
}
