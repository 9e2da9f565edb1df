// Reading the past from document snapshots (docs/decisions/0022-document-snapshots.md): a random
// history written through the rooms' store functions, with snapshots taken as the room takes
// them, read back at many revisions. From the nearest snapshot or from now, the past must be the
// same, and the same as the document was at the time.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "model/document_json.hpp"
#include "model/history.hpp"
#include "model/layers.hpp"
#include "model/plan_steps.hpp"
#include "model/refused.hpp"
#include "model/tree.hpp"
#include "ot/json.hpp"
#include "rooms/document_store.hpp"
#include "rooms/snapshot_backfill.hpp"
#include "sample_document.hpp"
#include "server_world.hpp"
#include "store/repo.hpp"
#include "text/utf8.hpp"

using namespace samen;
using model::Rev;
using nlohmann::json;

namespace {

/// What both ways of reading the past must agree on: everything but each layer's `life` (which
/// undo does not rewind and no read of the past shows) and the order of the deleted sections.
model::Document comparable(model::Document d) {
    for (auto* list : {&d.sections, &d.deleted}) {
        for (auto& s : *list) {
            for (auto& [code, layer] : s.layers) layer.life = 0;
        }
    }
    std::sort(d.deleted.begin(), d.deleted.end(),
              [](const model::Section& a, const model::Section& b) { return a.id < b.id; });
    return d;
}

/// The past as it was read before snapshots: every change after `rev` undone from now, and the
/// last text changes from the whole log at once.
model::Document rewound_from_now(store::Db& db, const model::Document& now, Rev rev) {
    model::Document past = model::rewind(now, rooms::load_changes(db, now.id, rev, now.rev), rev);
    std::map<std::pair<std::string, std::string>, Rev> changed;
    for (auto& c : store::list_last_text_changes(db, now.id, static_cast<std::int64_t>(rev))) {
        changed[{std::move(c.section), std::move(c.layer)}] = static_cast<Rev>(c.rev);
    }
    model::set_changed_revs(past, changed);
    return past;
}

struct History {
    model::Document doc;                      // as it stands after the last change
    std::map<Rev, model::Document> recorded;  // the document right after some revisions
};

/// `changes` random changes of every kind undo knows of the text and the tree, stored as the
/// rooms store them, with a snapshot every `snapshot_revs` revisions and at every named version.
History write_history(test::World& w, std::uint64_t seed, std::size_t changes,
                      std::size_t snapshot_revs) {
    return w.run([&](store::Db& db) {
        History h;
        model::Document& d = h.doc;
        d = rooms::load_document(db, "ivp");
        const std::int64_t author = store::find_user_by_name(db, "admin")->id;
        std::mt19937_64 rng(seed);
        auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
        std::map<std::pair<std::string, std::string>, std::size_t> unsaved;
        std::size_t decisions = 0;
        const Rev start = d.rev;
        const std::vector<std::string> words = {"veilig ", "samen ", "één ", "plan ", "regio "};
        while (d.rev < start + changes) {
            const std::size_t dice = pick(100);
            try {
                if (dice < 3) {
                    const std::optional<Rev> at =
                        pick(2) ? std::nullopt : std::optional<Rev>(pick(d.rev + 1));
                    const auto& v = model::add_version(d, "v" + std::to_string(d.rev + 1), at,
                                                       {author, "admin", "", {}}, "2026-12-04");
                    rooms::append_change(db, d.id, d.rev, "tag", std::nullopt, std::nullopt,
                                         {{"label", v.label}, {"rev", v.rev}}, author);
                    rooms::insert_version(db, d.id, v);
                    rooms::write_snapshot(db, d);  // as the room does at a named version
                } else if (dice < 5) {
                    // A municipality's priorities or decision, as room_plan_steps.cpp stores them.
                    const std::string code = d.municipalities[pick(d.municipalities.size())].code;
                    if (pick(2)) {
                        std::vector<std::string> themes;
                        for (const auto& s : d.sections) {
                            if (model::can_be_priority(s, code) && pick(3) == 0) {
                                themes.push_back(s.id);
                            }
                        }
                        const json data = model::set_priorities(d, code, themes);
                        rooms::append_change(db, d.id, d.rev, "priorities.set", std::nullopt, code,
                                             data, author);
                        store::set_priorities(db, d.id, code, themes);
                    } else {
                        // A date of its own for every decision: a decision's label names it.
                        const std::size_t k = decisions++;
                        auto two = [](std::size_t n) {
                            return (n < 10 ? "0" : "") + std::to_string(n);
                        };
                        const std::string date = std::to_string(2027 + k / 336) + "-" +
                                                 two(1 + (k / 28) % 12) + "-" + two(1 + k % 28);
                        const char* states[] = {"concept", "college", "raad"};
                        auto c = model::set_adoption(d, code, states[pick(3)], date,
                                                     "R-" + std::to_string(k),
                                                     {author, "admin", "", {}}, "2026-12-04");
                        rooms::append_change(db, d.id, d.rev, "adoption.set", std::nullopt, code,
                                             c.data, author);
                        std::optional<store::AdoptionRecord> record;
                        if (auto a = d.adoption.find(code); a != d.adoption.end()) {
                            record = store::AdoptionRecord{
                                code, a->second.state, a->second.date, a->second.reference,
                                static_cast<std::int64_t>(a->second.rev)};
                        }
                        store::set_adoption(db, d.id, code, record);
                        if (c.version) rooms::insert_version(db, d.id, *c.version);
                        rooms::write_snapshot(db, d);  // as the room does at a decision
                    }
                } else if (dice < 15) {
                    const auto& s = d.sections[pick(d.sections.size())];
                    const std::string id = s.id;
                    const std::string parent = s.parent;
                    model::TreeChange c;
                    std::string kind;
                    switch (pick(5)) {
                        case 0:
                            kind = "section.create";
                            c = model::create_section(
                                d, "Hoofdstuk " + std::to_string(d.rev),
                                pick(2) ? std::optional<std::string>(id) : std::nullopt,
                                static_cast<std::int64_t>(pick(3)),
                                pick(4) == 0 ? std::optional<std::string>("GM0166") : std::nullopt);
                            break;
                        case 1:
                            kind = "section.rename";
                            c = model::rename_section(d, id, "Titel " + std::to_string(d.rev));
                            break;
                        case 2: {
                            kind = "section.move";
                            const auto& to = d.sections[pick(d.sections.size())];
                            c = model::move_section(
                                d, id, pick(3) ? std::optional<std::string>(to.id) : std::nullopt,
                                static_cast<std::int64_t>(pick(3)));
                            break;
                        }
                        case 3:
                            if (d.sections.size() < 4) continue;
                            kind = "section.delete";
                            c = model::delete_section(d, id);
                            break;
                        default:
                            if (d.deleted.empty()) continue;
                            kind = "section.restore";
                            {
                                const std::string gone = d.deleted[pick(d.deleted.size())].id;
                                c = model::restore_section(d, gone);
                                break;
                            }
                    }
                    rooms::append_tree_change(db, d.id, c.rev, kind, c.section, c.data, author,
                                              c.rows, c.new_layers);
                } else if (dice < 27) {
                    const auto& s = d.sections[pick(d.sections.size())];
                    const std::string id = s.id;
                    const std::string code = d.municipalities[pick(d.municipalities.size())].code;
                    const auto action = static_cast<model::LayerAction>(pick(5));
                    model::LayerChange c = model::change_layer(d, action, id, code);
                    rooms::append_layer_change(db, d.id, c.rev,
                                               std::string(model::to_string(action)), id, code,
                                               c.data, author, c.stored);
                    unsaved.erase({id, code});
                } else {
                    model::Section& s = d.sections[pick(d.sections.size())];
                    std::vector<std::string> editable;
                    for (const auto& [code, layer] : s.layers) {
                        if (layer.state != model::LayerState::omit) editable.push_back(code);
                    }
                    if (editable.empty()) continue;
                    const std::string code = editable[pick(editable.size())];
                    model::Layer& layer = s.layers[code];
                    const std::size_t len = utf8::count(layer.text);
                    json op = json::array();
                    const std::size_t at = len ? pick(len + 1) : 0;
                    if (at > 0) op.push_back(at);
                    if (len > at && pick(3) == 0) {
                        op.push_back(json{{"d", 1 + pick(std::min<std::size_t>(len - at, 8))}});
                    } else {
                        op.push_back(words[pick(words.size())]);
                    }
                    rooms::AppliedEdit e;
                    e.rev = d.rev + 1;
                    e.section = s.id;
                    e.layer = code;
                    e.op = ot::make_invertible(ot::op_from_json(op), layer.text);
                    e.opid = "o" + std::to_string(e.rev);
                    e.author = author;
                    layer.text = ot::apply(layer.text, e.op);
                    layer.changed_rev = e.rev;
                    d.rev = e.rev;
                    rooms::append_edit(db, d.id, e);
                    if (++unsaved[{s.id, code}] >= 25) {
                        rooms::write_checkpoint(db, d.id, s.id, code, layer.text, d.rev, d.rev);
                        unsaved.erase({s.id, code});
                    }
                }
            } catch (const model::Refused&) {
                continue;  // not allowed here and now: draw again
            }
            if (d.rev % snapshot_revs == 0) rooms::write_snapshot(db, d);
            if (pick(20) == 0) h.recorded[d.rev] = d;
        }
        return h;
    });
}

/// Serves `request` in `room` as `user`'s connection `conn` does, and returns the reply to it.
struct Asker {
    std::shared_ptr<rooms::Room> room;
    std::int64_t user;
    std::shared_ptr<test::RecordingConnection> conn = std::make_shared<test::RecordingConnection>();
    int next_id = 1;

    json operator()(protocol::DocumentRequest request) {
        const int id = next_id++;
        room->serve({1, user, rooms::Reply(conn, id), std::chrono::steady_clock::now(),
                     rooms::ReadSlots::create(4), "192.0.2.1"},
                    std::move(request));
        return conn->reply_to(id);
    }
};

}  // namespace

TEST_CASE("the past read from snapshots is the past rewound from now, and what it was",
          "[rooms][history][snapshots]") {
    const std::uint64_t seed = GENERATE(20261204u, 7u, 0x5a3e17u);
    std::cout << "document snapshots: seed " << seed << std::endl;
    INFO("seed " << seed);
    test::World w;
    const History h = write_history(w, seed, 2500, 97);
    REQUIRE(h.recorded.size() > 50);
    REQUIRE_FALSE(h.doc.adoption.empty());
    w.run([&](store::Db& db) {
        const model::Document now = rooms::load_document(db, "ivp");
        CHECK(test::past_view(now) == test::past_view(h.doc));
        const auto snapshots = store::list_document_snapshots(db, "ivp");
        REQUIRE(snapshots.size() > 25);

        std::mt19937_64 rng(seed);
        std::vector<Rev> revs;
        for (const auto& [rev, doc] : h.recorded) revs.push_back(rev);
        for (int i = 0; i < 40; ++i) revs.push_back(rng() % (now.rev + 1));
        // A snapshot's own revision, the ones around it, the start and now.
        for (auto s : {snapshots.front(), snapshots[snapshots.size() / 2], snapshots.back()}) {
            for (auto r : {s - 1, s, s + 1}) revs.push_back(static_cast<Rev>(r));
        }
        revs.push_back(0);
        revs.push_back(now.rev);
        for (const Rev rev : revs) {
            INFO("revision " << rev);
            const model::Document past = rooms::document_at(db, now, rev);
            CHECK(past.rev == rev);
            // At now, both give the document as it stands (its changed_revs from memory).
            if (rev < now.rev)
                CHECK(comparable(past) == comparable(rewound_from_now(db, now, rev)));
            if (auto it = h.recorded.find(rev); it != h.recorded.end()) {
                CHECK(test::past_view(past) == test::past_view(it->second));
            }
        }
        // Between two past revisions too, as a diff reads them.
        const model::Document newer = rooms::document_at(db, now, now.rev / 2);
        CHECK(comparable(rooms::document_at(db, newer, now.rev / 5)) ==
              comparable(rewound_from_now(db, now, now.rev / 5)));
    });
}

TEST_CASE("a snapshot that is not the document's is refused, not read as the past",
          "[rooms][history][snapshots]") {
    test::World w;
    write_history(w, 11, 300, 100);
    w.run([&](store::Db& db) {
        const model::Document now = rooms::load_document(db, "ivp");
        // The document at 150 stored as the one at 180.
        const model::Document other = rooms::document_at(db, now, 150);
        store::put_document_snapshot(db, "ivp", 180, model::document_to_json(other).dump());
        CHECK_THROWS_AS(rooms::document_at(db, now, 180), store::StoreError);
        store::put_document_snapshot(db, "ivp", 180, "not json");
        CHECK_THROWS(rooms::document_at(db, now, 180));
        CHECK(comparable(rooms::document_at(db, now, 250)) ==
              comparable(rewound_from_now(db, now, 250)));
    });
}

TEST_CASE(
    "a room writes a snapshot every snapshot_revs revisions and at a named version, and "
    "every layer edited since its checkpoint at each multiple of checkpoint_edits",
    "[rooms][snapshots]") {
    test::WorldOptions options;
    options.room.snapshot_revs = 4;
    options.room.checkpoint_edits = 3;
    test::World w(options);
    auto room = w.room("ivp");
    Asker ask{room, w.user("kampen-coordinator").id};
    REQUIRE(ask(protocol::Open{"ivp", std::nullopt})["type"] == "snapshot");
    auto edit = [&](const std::string& section, Rev base) {
        json ack = ask(protocol::Edit{
            "ivp", section, "common", base, {ot::Insert{"x"}}, "e" + std::to_string(base)});
        REQUIRE(ack["type"] == "ack");
        return ack["rev"].get<Rev>();
    };
    CHECK(edit("inleiding", 0) == 1);
    CHECK(edit("inleiding", 1) == 2);
    CHECK(edit("jeugd", 2) == 3);  // a multiple of 3: both layers' checkpoints
    CHECK(edit("jeugd", 3) == 4);  // a multiple of 4: a snapshot
    CHECK(edit("jeugd", 4) == 5);
    REQUIRE(ask(protocol::Tag{"ivp", "Concept", std::nullopt})["type"] == "ack");  // rev 6
    REQUIRE(ask(protocol::AdoptionSet{"ivp", "GM0166", "college", "2026-12-01", "B-12"})["type"] ==
            "ack");  // rev 7

    w.run([&](store::Db& db) {
        CHECK(store::list_document_snapshots(db, "ivp") == std::vector<std::int64_t>{4, 6, 7});
        CHECK(store::get_layer(db, "ivp", "inleiding", "common")->text_rev == 3);
        // Edited again at 4 and 5: written with the tag, at the next multiple of 3.
        CHECK(store::get_layer(db, "ivp", "jeugd", "common")->text_rev == 6);
        const model::Document now = rooms::load_document(db, "ivp");
        CHECK(now.section("jeugd")->layers.at("common").text == "xxxJongeren.");
        for (const Rev rev : {4, 6, 7}) {
            INFO("revision " << rev);
            const auto snap = store::find_document_snapshot(db, "ivp", rev, rev + 1);
            REQUIRE(snap);
            const model::Document stored = model::document_from_json(json::parse(snap->data));
            CHECK(stored.rev == rev);
            CHECK(test::past_view(stored) == test::past_view(rewound_from_now(db, now, rev)));
        }
        const auto adopted = store::find_document_snapshot(db, "ivp", 7, 8);
        CHECK(model::document_from_json(json::parse(adopted->data)).adoption.at("GM0166").state ==
              "college");
    });
}

TEST_CASE("a history without snapshots gets them, newest first, and reads the same past",
          "[rooms][history][snapshots]") {
    const std::uint64_t seed = GENERATE(20261205u, 99u);
    std::cout << "snapshot backfill: seed " << seed << std::endl;
    INFO("seed " << seed);
    test::World w;
    const History h = write_history(w, seed, 1500, 97);
    w.run([&](store::Db& db) {
        // As a data file from before migration 10: no snapshot at all.
        db.exec("DELETE FROM document_snapshot");
        const model::Document now = rooms::load_document(db, "ivp");
        std::mt19937_64 rng(seed);
        std::vector<Rev> revs = {0, now.rev};
        for (int i = 0; i < 30; ++i) revs.push_back(rng() % (now.rev + 1));
        for (Rev m = 100; m <= now.rev; m += 300) {
            for (Rev r : {m - 1, m, m + 1}) revs.push_back(std::min(r, now.rev));
        }
        std::map<Rev, model::Document> before;
        for (const Rev rev : revs) before[rev] = comparable(rooms::document_at(db, now, rev));

        const auto missing = rooms::missing_snapshots(db, "ivp", 100);
        REQUIRE(missing.size() == now.rev / 100);
        CHECK(missing.front() == now.rev / 100 * 100);
        std::size_t steps = 0;
        while (auto rev = rooms::backfill_snapshot(db, "ivp", 100)) {
            REQUIRE(steps < missing.size());
            CHECK(*rev == missing[steps]);
            ++steps;
        }
        CHECK(steps == missing.size());
        CHECK(rooms::missing_snapshots(db, "ivp", 100).empty());
        std::vector<std::int64_t> multiples;
        for (Rev m = 100; m <= now.rev; m += 100) multiples.push_back(static_cast<std::int64_t>(m));
        CHECK(store::list_document_snapshots(db, "ivp") == multiples);

        for (const auto& [rev, then] : before) {
            INFO("revision " << rev);
            const model::Document past = rooms::document_at(db, now, rev);
            CHECK(comparable(past) == then);
            if (auto it = h.recorded.find(rev); it != h.recorded.end()) {
                CHECK(test::past_view(past) == test::past_view(it->second));
            }
        }
    });
}

TEST_CASE("a room loaded from a history without snapshots writes them without being asked",
          "[rooms][snapshots]") {
    test::WorldOptions options;
    options.room.snapshot_revs = 50;
    test::World w(options);
    write_history(w, 5, 400, 1000000);
    const auto missing = w.run([](store::Db& db) {
        db.exec("DELETE FROM document_snapshot");
        return rooms::missing_snapshots(db, "ivp", 50);
    });
    REQUIRE(missing.size() >= 8);
    auto room = w.room("ivp");
    // Written one store job at a time after the load; waits for the last one.
    for (int i = 0; i < 600; ++i) {
        if (w.run([](store::Db& db) { return rooms::missing_snapshots(db, "ivp", 50); }).empty())
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    w.run([&](store::Db& db) {
        CHECK(rooms::missing_snapshots(db, "ivp", 50).empty());
        CHECK(store::list_document_snapshots(db, "ivp").size() == missing.size());
    });
}

TEST_CASE("a backfill started without a room, while the room edits, writes what the log says",
          "[rooms][snapshots]") {
    test::WorldOptions options;
    options.room.snapshot_revs = 50;
    test::World w(options);
    const History h = write_history(w, 31, 1000, 1000000);
    w.run([](store::Db& db) { db.exec("DELETE FROM document_snapshot"); });
    // As a read of the past over REST starts it
    // (docs/decisions/0031-a-read-of-the-past-starts-the-backfill.md): the room loaded meanwhile
    // finds it under way and edits across the next multiples, its own snapshots written with its
    // changes.
    rooms::backfill_snapshots(w.ioc, w.store, "ivp", 50, "a test");
    auto room = w.room("ivp");
    Asker ask{room, w.user("admin").id};
    REQUIRE(ask(protocol::Open{"ivp", std::nullopt})["type"] == "snapshot");
    auto common = std::find_if(h.doc.sections.begin(), h.doc.sections.end(), [](const auto& s) {
        return !s.owner && s.layers.count(std::string(model::common_layer)) > 0;
    });
    REQUIRE(common != h.doc.sections.end());
    Rev rev = h.doc.rev;
    for (int i = 0; i < 120; ++i) {
        json ack = ask(protocol::Edit{"ivp",
                                      common->id,
                                      std::string(model::common_layer),
                                      rev,
                                      {ot::Insert{"x"}},
                                      "r" + std::to_string(i)});
        REQUIRE(ack["type"] == "ack");
        rev = ack["rev"].get<Rev>();
    }
    for (int i = 0; i < 600; ++i) {
        if (w.run([](store::Db& db) { return rooms::missing_snapshots(db, "ivp", 50); }).empty())
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    w.run([&](store::Db& db) {
        const model::Document now = rooms::load_document(db, "ivp");
        REQUIRE(now.rev == rev);
        std::vector<std::int64_t> multiples;
        for (Rev m = 50; m <= now.rev; m += 50) multiples.push_back(static_cast<std::int64_t>(m));
        CHECK(store::list_document_snapshots(db, "ivp") == multiples);
        for (const std::int64_t at : multiples) {
            INFO("revision " << at);
            const auto snap = store::find_document_snapshot(db, "ivp", at, at + 1);
            REQUIRE(snap);
            const model::Document stored = model::document_from_json(json::parse(snap->data));
            CHECK(stored.rev == static_cast<Rev>(at));
            CHECK(test::past_view(stored) ==
                  test::past_view(rewound_from_now(db, now, static_cast<Rev>(at))));
        }
    });
}
