// The room against a real data file, without sockets: requests in order, authorized against the
// user as known now, acknowledged only after commit, sent to the others once.
#include <algorithm>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "rooms/document_store.hpp"
#include "rooms/room.hpp"
#include "server_world.hpp"
#include "store_blocker.hpp"
#include "text/utf8.hpp"

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
    std::shared_ptr<rooms::ReadSlots> reads = rooms::ReadSlots::create(4);
    bool batches = false;  // its hello asked for `batch` messages

    /// Sends `request` and returns its id.
    int send(protocol::DocumentRequest request) {
        const int id = next_id++;
        room->serve({session, user, rooms::Reply(conn, id, batches),
                     std::chrono::steady_clock::now(), reads, "192.0.2.1"},
                    std::move(request));
        return id;
    }
    /// Sends `request` and returns its reply.
    json ask(protocol::DocumentRequest request) { return conn->reply_to(send(std::move(request))); }
};

Client join(test::World& w, const std::string& doc, const std::string& user, std::uint64_t session,
            bool batches = false) {
    Client c{w.room(doc), session, w.user(user).id};
    c.batches = batches;
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

TEST_CASE("What one group commit brings a member goes to it at once: as one batch when it asked",
          "[rooms][batch]") {
    test::World w;
    Client anna = join(w, "ivp", "kampen-editor", 1, true);
    Client bert = join(w, "ivp", "staphorst-editor", 2, false);
    Client carla = join(w, "ivp", "zwartewaterland-editor", 3, true);
    const std::size_t before = anna.conn->messages().size();
    {
        // The three edits wait for the writer and are committed as one group.
        test::Blocker writer(w.store);
        anna.send(insert_at_start("A", 0, "a1"));
        bert.send(insert_at_start("B", 0, "b1"));
        anna.send(insert_at_start("C", 0, "a2"));
        // The room hands the edits to the store on its strand: all three wait behind the
        // blocker before it lets go.
        std::promise<void> handed;
        anna.room->barrier([&] { handed.set_value(); });
        REQUIRE(handed.get_future().wait_for(std::chrono::seconds(10)) ==
                std::future_status::ready);
    }
    auto is_batch = [](const json& m) { return m["type"] == "batch"; };
    const json to_anna = anna.conn->wait_for(is_batch);
    const json to_carla = carla.conn->wait_for(is_batch);
    // Anna: her acks and Bert's edit, in revision order, in one message.
    REQUIRE(to_anna["messages"].size() == 3);
    CHECK(to_anna["messages"][0]["type"] == "ack");
    CHECK(to_anna["messages"][0]["rev"] == 1);
    CHECK(to_anna["messages"][1]["type"] == "edit");
    CHECK(to_anna["messages"][1]["opid"] == "b1");
    CHECK(to_anna["messages"][2]["type"] == "ack");
    CHECK(to_anna["messages"][2]["rev"] == 3);
    CHECK(anna.conn->messages().size() == before + 1);
    // Carla typed nothing: all three edits.
    REQUIRE(to_carla["messages"].size() == 3);
    for (int i = 0; i < 3; ++i) CHECK(to_carla["messages"][i]["rev"] == i + 1);
    // Bert did not ask for batches: the same, one message each.
    bert.conn->wait_for([](const json& m) { return m["type"] == "edit" && m["opid"] == "a2"; });
    std::vector<json> to_bert;
    for (const json& m : bert.conn->messages()) {
        CHECK(m["type"] != "batch");
        if (m.contains("rev") && m["type"] != "snapshot") to_bert.push_back(m);
    }
    REQUIRE(to_bert.size() == 3);
    CHECK(to_bert[0]["type"] == "edit");
    CHECK(to_bert[1]["type"] == "ack");
    CHECK(to_bert[1]["rev"] == 2);
    CHECK(to_bert[2]["type"] == "edit");
    CHECK(common_text(w, "ivp", "inleiding").substr(0, 3) == "CBA");
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
    CHECK(kampen.ask(protocol::Effective{"staphorst-only", "GM0180", std::nullopt,
                                         std::nullopt})["code"] == "forbidden");
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

// ---- Reads of the past: on the store's readers, a bounded number per connection ---------------

namespace {

protocol::History history_of(const std::string& section) {
    return protocol::History{"ivp", section, std::nullopt, std::nullopt};
}

test::WorldOptions one_reader(std::size_t max_pending_reads = 1024) {
    test::WorldOptions options;
    options.store.reader_threads = 1;
    options.store.max_pending_reads = max_pending_reads;
    return options;
}

}  // namespace

TEST_CASE("Reads of the past are answered while the writer is busy", "[rooms][reads]") {
    test::World w;
    Client anna = join(w, "ivp", "kampen-editor", 1);
    REQUIRE(anna.ask(insert_at_start("Echt ", 0, "a1"))["type"] == "ack");
    test::Blocker writer(w.store);
    const json history = anna.ask(history_of("inleiding"));
    CHECK(history["type"] == "history");
    CHECK(history["changes"].size() == 1);
    const json then = anna.ask(protocol::TextAt{"ivp", "inleiding", "common", 0});
    CHECK(then["text"] == "Samen waar het kan.");
    const json diff = anna.ask(protocol::Diff{"ivp", "inleiding", "common", std::nullopt, 0, 1});
    CHECK(diff["type"] == "diff");
}

TEST_CASE("A plan read by time is the plan read by the revision the time names",
          "[rooms][reads][history]") {
    test::World w;
    Client anna = join(w, "ivp", "kampen-editor", 1);
    rooms::Rev rev = 0;
    for (int i = 1; i <= 7; ++i) {
        const json ack =
            anna.ask(insert_at_start(std::to_string(i) + " ", rev, "t" + std::to_string(i)));
        REQUIRE(ack["type"] == "ack");
        rev = ack["rev"].get<rooms::Rev>();
    }
    REQUIRE(rev == 7);
    // Two changes in one second, and a clock set back after revision 3.
    const std::vector<std::string> times = {"10:00:00", "10:00:00", "10:00:05", "10:00:01",
                                            "10:00:10", "10:00:10", "10:00:20"};
    w.run([&](store::Db& db) {
        for (std::size_t i = 0; i < times.size(); ++i) {
            db.prepare("UPDATE change SET at = ?1 WHERE doc = 'ivp' AND rev = ?2")
                .bind_all("2026-03-28T" + times[i] + "Z", static_cast<std::int64_t>(i + 1))
                .run();
        }
        return 0;
    });
    const std::vector<std::pair<std::string, rooms::Rev>> moments = {
        {"09:00:00", 0},                                    // before the first change
        {"10:00:00", 2}, {"10:00:01", 4}, {"10:00:03", 4},  // between two changes
        {"10:00:05", 4}, {"10:00:09", 4}, {"10:00:10", 6},
        {"10:00:15", 6}, {"10:00:20", 7}, {"11:00:00", 7},  // after the last
    };
    for (const auto& [time, expected] : moments) {
        INFO("at " << time);
        json by_time = anna.ask(
            protocol::Effective{"ivp", "GM0166", std::nullopt, "2026-03-28T" + time + "Z"});
        REQUIRE(by_time["type"] == "effective");
        CHECK(by_time["rev"] == expected);
        json by_rev = anna.ask(protocol::Effective{"ivp", "GM0166", expected, std::nullopt});
        by_time.erase("id");
        by_rev.erase("id");
        CHECK(by_time == by_rev);
    }
}

TEST_CASE("A connection waits for at most its bound of reads, past it rate_limited at once",
          "[rooms][reads]") {
    test::World w(one_reader());
    Client anna = join(w, "ivp", "kampen-editor", 1);
    test::Blocker reader(w.store, store::Queue::readers);
    std::vector<int> waiting;
    for (int i = 0; i < 4; ++i) waiting.push_back(anna.send(history_of("inleiding")));
    const json refused = anna.ask(history_of("jeugd"));
    CHECK(refused["code"] == "rate_limited");
    CHECK(w.store.stats().pending_reads == 1 + 4);  // the refused one was never queued
    // Another connection has slots of its own.
    Client bert = join(w, "ivp", "staphorst-editor", 2);
    const int berts = bert.send(history_of("jeugd"));

    reader.release();
    for (int id : waiting) CHECK(anna.conn->reply_to(id)["type"] == "history");
    CHECK(bert.conn->reply_to(berts)["type"] == "history");
    // Answered reads give their slots back.
    for (int i = 0; i < 4; ++i) CHECK(anna.ask(history_of("jeugd"))["type"] == "history");
    CHECK(anna.reads->in_use() == 0);
}

TEST_CASE("Reads past the readers' queue are refused as overload, and the room goes on",
          "[rooms][reads]") {
    test::World w(one_reader(2));
    Client anna = join(w, "ivp", "kampen-editor", 1);
    test::Blocker reader(w.store, store::Queue::readers);
    const int queued = anna.send(history_of("inleiding"));
    // The refused read's slot is free by the time its refusal is sent: a client that reads the
    // refusal and asks again finds it.
    std::atomic<std::size_t> in_use_at_refusal{0};
    anna.conn->on_send([&](const json& message) {
        if (message.value("code", "") == "internal") in_use_at_refusal = anna.reads->in_use();
    });
    const json overloaded = anna.ask(history_of("jeugd"));
    CHECK(overloaded["code"] == "internal");
    CHECK(overloaded["message"] == "the server is overloaded, try again");
    CHECK(in_use_at_refusal == 1);
    CHECK(anna.reads->in_use() == 1);
    // Edits go on meanwhile.
    CHECK(anna.ask(insert_at_start("Echt ", 0, "a1"))["type"] == "ack");
    reader.release();
    CHECK(anna.conn->reply_to(queued)["type"] == "history");
    CHECK(anna.ask(history_of("jeugd"))["type"] == "history");
}

// ---- Memory: the history bounded in bytes, idle rooms unloaded ---------------------------------

namespace {

test::WorldOptions unload_after(std::chrono::milliseconds idle) {
    test::WorldOptions options;
    options.room.idle_unload = idle;
    return options;
}

/// Waits (bounded) until the registry holds `rooms` rooms.
bool wait_for_rooms(test::World& w, std::size_t rooms) {
    for (int i = 0; i < 1000; ++i) {
        if (w.registry->size() == rooms) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace

TEST_CASE("The history in memory is bounded in bytes, older bases are read from disk",
          "[rooms][memory]") {
    test::WorldOptions options;
    options.room.max_history_bytes = 100 * 1024;
    test::World w(options);
    Client anna = join(w, "ivp", "kampen-editor", 1);
    Client bert = join(w, "ivp", "staphorst-editor", 2);
    const std::string large(60 * 1024, 'x');
    // Two edits, far fewer than any bound in ops, but more than the bytes allowed.
    REQUIRE(anna.ask(insert_at_start(large, 0, "a1"))["type"] == "ack");
    REQUIRE(anna.ask(insert_at_start(large, 1, "a2"))["type"] == "ack");
    // They were forgotten: a client coming back at revision 0 gets the whole document.
    Client carla{anna.room, 3, w.user("kampen-coordinator").id};
    CHECK(carla.ask(protocol::Open{"ivp", rooms::Rev{0}})["type"] == "snapshot");
    // An edit based on revision 0 is transformed against them, read back from disk; its opid is
    // one of Anna's, but its client is another author's: a new edit.
    CHECK(bert.ask(insert_at_start("B", 0, "a1"))["rev"] == 3);
    CHECK(common_text(w, "ivp", "inleiding") == "B" + large + large + "Samen waar het kan.");
    // A resubmission of one of Anna's is still known (among the layer's edits after its base),
    // acknowledged again and not applied.
    CHECK(anna.ask(insert_at_start(large, 0, "a1"))["rev"] == 1);
    CHECK(anna.ask(insert_at_start(large, 1, "a2"))["rev"] == 2);
    CHECK(common_text(w, "ivp", "inleiding") == "B" + large + large + "Samen waar het kan.");
}

TEST_CASE("An idle room is unloaded and opens again with every change", "[rooms][memory]") {
    test::World w(unload_after(std::chrono::milliseconds(50)));
    {
        Client anna = join(w, "ivp", "kampen-editor", 1);
        REQUIRE(anna.ask(insert_at_start("Echt ", 0, "a1"))["type"] == "ack");
        REQUIRE(anna.ask(protocol::Close{"ivp"})["type"] == "ack");
    }
    REQUIRE(wait_for_rooms(w, 0));
    Client bert = join(w, "ivp", "staphorst-editor", 2);
    CHECK(w.registry->size() == 1);
    const json reopened = bert.ask(protocol::Open{"ivp", std::nullopt});
    CHECK(reopened["rev"] == 1);
    CHECK(reopened["sections"][0]["layers"]["common"]["text"] == "Echt Samen waar het kan.");
    // The resubmission of an edit made before the unload is still recognised (from disk).
    Client anna{bert.room, 1, w.user("kampen-editor").id};
    REQUIRE(anna.ask(protocol::Open{"ivp", std::nullopt})["type"] == "snapshot");
    CHECK(anna.ask(insert_at_start("Echt ", 0, "a1"))["rev"] == 1);
}

TEST_CASE("A room someone is about to open is not unloaded", "[rooms][memory]") {
    test::World w(unload_after(std::chrono::milliseconds(20)));
    auto handle = w.room("ivp");  // as a session holds it between getting it and its open
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(w.registry->size() == 1);
    Client anna{handle, 1, w.user("kampen-editor").id};
    CHECK(anna.ask(protocol::Open{"ivp", std::nullopt})["type"] == "snapshot");
    CHECK(anna.ask(insert_at_start("x", 0, "x1"))["type"] == "ack");
    anna.ask(protocol::Close{"ivp"});
    handle.reset();
    anna.room.reset();
    CHECK(wait_for_rooms(w, 0));
}

TEST_CASE("Opens racing with unloads never load a document twice", "[rooms][memory]") {
    // Unloading as soon as possible, while two clients open, edit and close over and over: an
    // edit made in a second room of the same document would find the data file ahead of it and
    // fail instead of being acknowledged.
    test::World w(unload_after(std::chrono::milliseconds(1)));
    auto cycle = [&w](const std::string& user, std::uint64_t session, const std::string& tag) {
        std::vector<std::string> answers;
        for (int i = 0; i < 40; ++i) {
            Client c{w.room("ivp"), session, w.user(user).id};
            const json snapshot = c.ask(protocol::Open{"ivp", std::nullopt});
            const auto rev = snapshot["rev"].get<rooms::Rev>();
            const json ack = c.ask(insert_at_start(tag, rev, tag + std::to_string(i)));
            answers.push_back(ack["type"].get<std::string>());
            c.ask(protocol::Close{"ivp"});
            c.room.reset();
            // Pauses of 0 to 3 ms let the room go idle and be unloaded between some opens.
            std::this_thread::sleep_for(std::chrono::milliseconds(i % 4));
        }
        return answers;
    };
    auto anna = std::async(std::launch::async, cycle, "kampen-editor", 1, "a");
    auto bert = std::async(std::launch::async, cycle, "staphorst-editor", 2, "b");
    const auto annas = anna.get();
    const auto berts = bert.get();
    CHECK(std::count(annas.begin(), annas.end(), "ack") == 40);
    CHECK(std::count(berts.begin(), berts.end(), "ack") == 40);
    const std::string text = common_text(w, "ivp", "inleiding");
    CHECK(std::count(text.begin(), text.end(), 'a') == 40 + 4);  // "Samen waar het kan." has 4
    CHECK(std::count(text.begin(), text.end(), 'b') == 40);
}

TEST_CASE("Edits land where they say after every kind of change to their layer's text",
          "[rooms][edits]") {
    // The room walks a layer's text from where its last edit left off; every other change to
    // the text (diverge, revert, rebase, a reload) must make it walk from the start again.
    test::WorldOptions options = unload_after(std::chrono::milliseconds(50));
    options.room.presence_interval = std::chrono::milliseconds(0);
    test::World w(options);
    Client c = join(w, "ivp", "kampen-coordinator", 1);
    // Sees c's cursor, put past the end of the text after every edit: clamped to its length.
    Client watcher = join(w, "ivp", "kampen-editor", 2);
    int presences = 0;
    rooms::Rev rev = 0;
    std::map<std::string, std::string> want;  // per layer of "inleiding", what it must hold
    want["common"] = common_text(w, "ivp", "inleiding");
    const auto stored = [&](const std::string& layer) {
        return w.run([&](store::Db& db) {
            return rooms::load_document(db, "ivp").section("inleiding")->layers.at(layer).text;
        });
    };
    // What the room holds in memory: a new session's snapshot.
    std::uint64_t reader = 100;
    const auto in_memory = [&](const std::string& layer) {
        Client r{c.room, ++reader, c.user};
        const json snapshot = r.ask(protocol::Open{"ivp", std::nullopt});
        REQUIRE(r.ask(protocol::Close{"ivp"})["type"] == "ack");
        for (const auto& section : snapshot["sections"]) {
            if (section["id"] == "inleiding")
                return section["layers"][layer]["text"].get<std::string>();
        }
        FAIL("no section inleiding");
        return std::string();
    };
    int opid = 0;
    // Types `text` at code point `at` of `layer`, and checks what the layer holds then.
    const auto type = [&](const std::string& layer, std::size_t at, const std::string& text) {
        const ot::Op op =
            at == 0 ? ot::Op{ot::Insert{text}} : ot::Op{ot::Skip{at}, ot::Insert{text}};
        const json ack =
            c.ask(protocol::Edit{"ivp", "inleiding", layer, rev, op, "k" + std::to_string(++opid)});
        REQUIRE(ack["type"] == "ack");
        rev = ack["rev"].get<rooms::Rev>();
        want[layer] = ot::apply(want[layer], op);
        REQUIRE(in_memory(layer) == want[layer]);
        REQUIRE(stored(layer) == want[layer]);
        c.send(protocol::Presence{"ivp", "inleiding", layer, {1000000, 1000000}});
        const int k = ++presences;
        int seen = 0;
        const json presence = watcher.conn->wait_for(
            [&](const json& m) { return m["type"] == "presence" && ++seen == k; });
        const auto length = utf8::count(want[layer]);
        REQUIRE(presence["sel"] == json::array({length, length}));
    };
    const auto change = [&](protocol::DocumentRequest request) {
        const json ack = c.ask(std::move(request));
        REQUIRE(ack["type"] == "ack");
        rev = ack["rev"].get<rooms::Rev>();
    };
    const protocol::LayerTarget kampen{"ivp", "inleiding", "GM0166"};

    for (std::size_t i = 0; i < 6; ++i)
        type("common", 5 + i, i % 2 ? "\xC3\xAB" : "\xF0\x9F\x9A\xB2");
    type("common", 3, "\xE2\x82\xAC");  // back, before the last place
    // A text of the same size whose first two bytes are two characters, not one: a place kept
    // from the text before (1 code point, 2 bytes) would be off by one there.
    change(protocol::Diverge{kampen});
    want["GM0166"] = want["common"];
    type("GM0166", 0, "\xC3\xA9");  // é
    change(protocol::Revert{kampen});
    type("common", 0, "ab");
    change(protocol::Diverge{kampen});  // a new life of the layer, from the common text
    want["GM0166"] = want["common"];
    REQUIRE(want["GM0166"].size() == stored("common").size());
    type("GM0166", 3, "y");
    // Rebased onto a text of the same size, again with two characters where one was.
    type("GM0166", 0, "\xC3\xA9");
    type("common", 12, "z");  // the override is stale now
    const json preview = c.ask(protocol::RebasePreview{kampen});
    REQUIRE(preview["type"] == "rebase.preview");
    want["GM0166"] = "xy" + want["GM0166"].substr(2);
    change(protocol::RebaseCommit{kampen, preview["rev"].get<rooms::Rev>(), want["GM0166"]});
    REQUIRE(stored("GM0166") == want["GM0166"]);
    type("GM0166", 3, "w");
    type("GM0166", 1, "v");
    // Unloaded and opened again: a new room, which knows no places yet.
    REQUIRE(c.ask(protocol::Close{"ivp"})["type"] == "ack");
    REQUIRE(watcher.ask(protocol::Close{"ivp"})["type"] == "ack");
    c.room.reset();
    watcher.room.reset();
    REQUIRE(wait_for_rooms(w, 0));
    c = join(w, "ivp", "kampen-coordinator", 1);
    watcher = join(w, "ivp", "kampen-editor", 2);
    presences = 0;
    type("GM0166", 7, "u");
    type("common", 4, "t");
}
