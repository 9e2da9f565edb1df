// The room against a real data file, without sockets: requests in order, authorized against the
// user as known now, acknowledged only after commit, sent to the others once.
#include <catch2/catch.hpp>

#include "rooms/document_store.hpp"
#include "rooms/room.hpp"
#include "server_world.hpp"

using namespace samen;
using nlohmann::json;

namespace {

/// One session of `user` in `room`, with its own recording connection.
struct Client {
    std::shared_ptr<rooms::Room> room;
    std::uint64_t session;
    std::int64_t user;
    std::shared_ptr<test::RecordingConnection> conn = std::make_shared<test::RecordingConnection>();
    int next_id = 1;

    /// Sends `request` and returns its reply.
    json ask(protocol::DocumentRequest request) {
        const int id = next_id++;
        room->serve(
            {session, user, rooms::Reply(conn, id), std::chrono::steady_clock::now(), "192.0.2.1"},
            std::move(request));
        return conn->reply_to(id);
    }
};

Client join(test::World& w, const std::string& doc, const std::string& user,
            std::uint64_t session) {
    Client c{w.room(doc), session, w.user(user).id};
    REQUIRE(c.ask(protocol::Open{doc, std::nullopt})["type"] == "snapshot");
    return c;
}

std::string common_text(test::World& w, const std::string& doc, const std::string& section) {
    return w.run([&](store::Db& db) {
        return rooms::load_document(db, doc).section(section)->layers.at("common").text;
    });
}

protocol::Edit insert_at_start(const std::string& text, rooms::Rev base, std::string opid) {
    return protocol::Edit{"ivp", "inleiding", "common", base, {ot::Insert{text}}, std::move(opid)};
}

}  // namespace

TEST_CASE("An edit is acknowledged after its commit and sent to every other member once",
          "[rooms]") {
    test::World w;
    Client anna = join(w, "ivp", "kampen-editor", 1);
    Client bert = join(w, "ivp", "staphorst-editor", 2);

    json ack = anna.ask(insert_at_start("Echt ", 0, "a1"));
    REQUIRE(ack["type"] == "ack");
    const auto rev = ack["rev"].get<rooms::Rev>();
    CHECK(common_text(w, "ivp", "inleiding") == "Echt Samen waar het kan.");

    json seen = bert.conn->wait_for([](const json& m) { return m["type"] == "edit"; });
    CHECK(seen["rev"] == rev);
    CHECK(seen["author"]["name"] == "kampen-editor");
    for (const auto& m : anna.conn->messages()) CHECK(m["type"] != "edit");
}

TEST_CASE("A resubmitted opid is acknowledged with its first revision and applied once",
          "[rooms]") {
    test::World w;
    Client anna = join(w, "ivp", "kampen-editor", 1);
    const json first = anna.ask(insert_at_start("Echt ", 0, "same"));
    const json again = anna.ask(insert_at_start("Echt ", 0, "same"));
    CHECK(again["type"] == "ack");
    CHECK(again["rev"] == first["rev"]);
    CHECK(common_text(w, "ivp", "inleiding") == "Echt Samen waar het kan.");
}

TEST_CASE("An edit on an old base is transformed against what its sender had not seen", "[rooms]") {
    test::World w;
    Client anna = join(w, "ivp", "kampen-editor", 1);
    Client bert = join(w, "ivp", "staphorst-editor", 2);
    REQUIRE(anna.ask(insert_at_start("A", 0, "a"))["type"] == "ack");
    // Bert still stands at revision 0. Transformed with side "left", an insert at the same place
    // goes before the one it is transformed against.
    REQUIRE(bert.ask(insert_at_start("B", 0, "b"))["type"] == "ack");
    CHECK(common_text(w, "ivp", "inleiding").substr(0, 2) == "BA");
}

TEST_CASE("Every read of a document the user may not open is refused like the open",
          "[rooms][auth]") {
    test::World w;
    auto room = w.room("staphorst-only");
    Client kampen{room, 1, w.user("kampen-viewer").id};
    CHECK(kampen.ask(protocol::Open{"staphorst-only", std::nullopt})["code"] == "forbidden");
    // Nothing past the refused open answers either.
    CHECK(kampen.ask(protocol::Effective{"staphorst-only", "GM0180", std::nullopt})["code"] ==
          "forbidden");
    CHECK(kampen.ask(protocol::Divergence{"staphorst-only"})["code"] == "forbidden");
    CHECK(kampen.ask(protocol::History{"staphorst-only", "eigen", std::nullopt,
                                       std::nullopt})["code"] == "forbidden");
    CHECK(kampen.ask(protocol::TextAt{"staphorst-only", "eigen", "common", 0})["code"] ==
          "forbidden");
    for (const auto& m : kampen.conn->messages()) CHECK(m["type"] == "error");
}

TEST_CASE("A member is authorized as the user is now, not as they signed in", "[rooms][auth]") {
    test::World w;
    Client anna = join(w, "ivp", "kampen-editor", 1);
    REQUIRE(anna.ask(insert_at_start("Echt ", 0, "a1"))["type"] == "ack");
    auth::User demoted = w.user("kampen-editor");
    demoted.role = auth::Role::viewer;
    w.users.put(demoted);
    CHECK(anna.ask(insert_at_start("Nog ", 1, "a2"))["code"] == "forbidden");
    CHECK(common_text(w, "ivp", "inleiding") == "Echt Samen waar het kan.");
}

TEST_CASE("An archived document is read, not changed", "[rooms]") {
    test::World w;
    Client admin = join(w, "ivp", "admin", 1);
    REQUIRE(admin.ask(protocol::DocumentArchive{"ivp", true})["type"] == "ack");
    CHECK(admin.ask(insert_at_start("x", 1, "x"))["code"] == "conflict");
    CHECK(admin.ask(protocol::Diverge{{"ivp", "inleiding", "GM0166"}})["code"] == "conflict");
    CHECK(admin.ask(protocol::Divergence{"ivp"})["type"] == "divergence");
    CHECK(admin.ask(protocol::DocumentArchive{"ivp", false})["type"] == "ack");
    CHECK(admin.ask(insert_at_start("x", 2, "x"))["type"] == "ack");
}

TEST_CASE("A change refused by the document leaves memory and the data file as they were",
          "[rooms]") {
    test::World w;
    Client coordinator = join(w, "ivp", "kampen-coordinator", 1);
    REQUIRE(coordinator.ask(protocol::Diverge{{"ivp", "inleiding", "GM0166"}})["type"] == "ack");
    const json again = coordinator.ask(protocol::Diverge{{"ivp", "inleiding", "GM0166"}});
    CHECK(again["code"] == "conflict");
    CHECK(coordinator.ask(protocol::SectionMove{"ivp", "inleiding", "inleiding", 0})["code"] ==
          "bad_request");
    // The next change gets the next revision: nothing was numbered for the refusals.
    const json renamed =
        coordinator.ask(protocol::SectionRename{"ivp", "jeugd", "Jeugd en veiligheid"});
    CHECK(renamed["rev"] == 2);
    const auto stored = w.run([](store::Db& db) { return rooms::load_document(db, "ivp"); });
    CHECK(stored.rev == 2);
    CHECK(stored.section("jeugd")->title == "Jeugd en veiligheid");
}

TEST_CASE("Requests of a session that has not opened the document are refused", "[rooms]") {
    test::World w;
    Client stranger{w.room("ivp"), 7, w.user("kampen-editor").id};
    CHECK(stranger.ask(insert_at_start("x", 0, "x"))["code"] == "bad_request");
    CHECK(stranger.ask(protocol::Divergence{"ivp"})["code"] == "bad_request");
}
