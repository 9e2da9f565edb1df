#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <random>

#include "store/db.hpp"
#include "store/migrations.hpp"
#include "store/repo.hpp"
#include "store/time.hpp"
#include "temp_dir.hpp"

using namespace samen::store;
using samen::test::TempDir;

namespace {

constexpr const char* kNow = "2026-11-26T03:40:00Z";

/// A migrated data file with the four IJsselland municipalities.
struct Fixture {
    TempDir dir;
    Db db{dir.file("samen.db")};
    Fixture() {
        migrate(db);
        for (const auto& m : std::vector<Municipality>{{"GM1708", "Steenwijkerland"},
                                                       {"GM1896", "Zwartewaterland"},
                                                       {"GM0180", "Staphorst"},
                                                       {"GM0166", "Kampen"}}) {
            upsert_municipality(db, m);
        }
    }
    std::int64_t user(const std::string& name, const char* municipality = "GM0166") {
        return create_user(db,
                           {name, name + " display",
                            municipality ? std::optional<std::string>(municipality) : std::nullopt,
                            "editor", "hash"},
                           kNow);
    }
    /// A change of document "ivp" by `author`; an edit gets an op and an opid of its own.
    void append_test_change(std::int64_t rev, const char* kind, const char* section,
                            std::optional<std::string> layer, std::int64_t author) {
        ChangeRecord c{"ivp",        rev,  kind,   section,      std::move(layer),
                       std::nullopt, "{}", author, std::nullopt, kNow};
        if (c.kind == "edit") {
            c.op = R"(["x"])";
            c.opid = "o-" + std::to_string(rev);
        }
        append_change(db, c);
    }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "Municipalities: upsert, find, list", "[store][repo]") {
    auto all = list_municipalities(db);
    REQUIRE(all.size() == 4);
    CHECK(all.front() == Municipality{"GM0166", "Kampen"});  // ordered by code
    upsert_municipality(db, {"GM0166", "Gemeente Kampen"});
    CHECK(find_municipality(db, "GM0166")->name == "Gemeente Kampen");
    CHECK(list_municipalities(db).size() == 4);
    CHECK_FALSE(find_municipality(db, "GM9999"));
    CHECK_THROWS_AS(upsert_municipality(db, {"Kampen", "Kampen"}), StoreError);
}

TEST_CASE_METHOD(Fixture, "Users: create, find, update, list", "[store][repo]") {
    auto id = create_user(db, {"kampen-editor", "Anna de Vries", "GM0166", "editor", "h1"}, kNow);
    auto root = create_user(db, {"root", "Beheer", std::nullopt, "admin", "h2"}, kNow);
    CHECK(id != root);

    auto u = find_user(db, id);
    REQUIRE(u);
    CHECK(u->name == "kampen-editor");
    CHECK(u->display_name == "Anna de Vries");
    CHECK(u->municipality == "GM0166");
    CHECK(u->role == "editor");
    CHECK(u->password_hash == "h1");
    CHECK_FALSE(u->disabled);
    CHECK(u->created_at == kNow);
    CHECK(find_user_by_name(db, "root")->id == root);
    CHECK_FALSE(find_user_by_name(db, "nobody"));
    CHECK_FALSE(find_user(db, 9999));

    try {
        create_user(db, {"kampen-editor", "Other", "GM0166", "viewer", "h"}, kNow);
        FAIL("duplicate name accepted");
    } catch (const StoreError& e) {
        CHECK(e.is_duplicate());
    }
    CHECK_THROWS_AS(create_user(db, {"x", "X", "GM9999", "viewer", "h"}, kNow), StoreError);
    CHECK_THROWS_AS(create_user(db, {"y", "Y", "GM0166", "boss", "h"}, kNow), StoreError);

    CHECK(set_password_hash(db, id, "h3"));
    CHECK(set_role(db, id, "coordinator"));
    CHECK(set_disabled(db, id, true));
    u = find_user(db, id);
    CHECK(u->password_hash == "h3");
    CHECK(u->role == "coordinator");
    CHECK(u->disabled);
    CHECK_THROWS_AS(set_role(db, id, "boss"), StoreError);
    CHECK_FALSE(set_password_hash(db, 9999, "h"));
    CHECK_FALSE(set_role(db, 9999, "viewer"));
    CHECK_FALSE(set_disabled(db, 9999, true));

    auto users = list_users(db);
    REQUIRE(users.size() == 2);
    CHECK(users[0].name == "kampen-editor");
    CHECK(users[1].name == "root");
    CHECK_FALSE(users[1].municipality);
}

TEST_CASE_METHOD(Fixture, "Tokens: valid until expiry, deletable", "[store][repo]") {
    auto a = user("a");
    auto b = user("b");
    insert_token(db, "h-a1", a, "2026-11-26T00:00:00Z", "2026-11-26T12:00:00Z");
    insert_token(db, "h-a2", a, "2026-11-26T00:00:00Z", "2026-11-27T12:00:00Z");
    insert_token(db, "h-b", b, "2026-11-26T00:00:00Z", "2026-11-26T06:00:00Z");
    CHECK(find_token_user(db, "h-a1", "2026-11-26T11:59:59Z") == a);
    CHECK_FALSE(find_token_user(db, "h-a1", "2026-11-26T12:00:00Z"));  // expired at expires_at
    CHECK_FALSE(find_token_user(db, "h-unknown", "2026-11-26T00:00:00Z"));
    CHECK_THROWS_AS(insert_token(db, "h-x", 9999, kNow, kNow), StoreError);  // no such user

    CHECK(delete_expired_tokens(db, "2026-11-26T12:00:00Z") == 2);
    CHECK(find_token_user(db, "h-a2", "2026-11-26T12:00:00Z") == a);
    CHECK(delete_token(db, "h-a2"));
    CHECK_FALSE(delete_token(db, "h-a2"));
    insert_token(db, "h-a3", a, kNow, "2027-01-01T00:00:00Z");
    insert_token(db, "h-a4", a, kNow, "2027-01-01T00:00:00Z");
    CHECK(delete_user_tokens(db, a) == 2);
    CHECK(delete_user_tokens(db, b) == 0);
}

TEST_CASE_METHOD(Fixture, "Documents: create with municipalities, get, list, set rev",
                 "[store][repo]") {
    create_document(db, "ivp-2023-2026", "Integraal Veiligheidsplan 2023-2026",
                    {"GM1708", "GM1896", "GM0180", "GM0166"}, kNow);
    create_document(db, "apv", "APV", {"GM0166"}, kNow);
    auto d = get_document(db, "ivp-2023-2026");
    REQUIRE(d);
    CHECK(d->title == "Integraal Veiligheidsplan 2023-2026");
    CHECK(d->rev == 0);
    CHECK_FALSE(d->archived);
    CHECK(d->created_at == kNow);
    CHECK(d->municipalities == std::vector<std::string>{"GM0166", "GM0180", "GM1708", "GM1896"});
    CHECK_FALSE(get_document(db, "nope"));

    // A document moves one revision at a time: not past a gap, not to where it stands.
    CHECK_FALSE(advance_document_rev(db, "ivp-2023-2026", 2));
    CHECK(advance_document_rev(db, "ivp-2023-2026", 1));
    CHECK_FALSE(advance_document_rev(db, "ivp-2023-2026", 1));
    CHECK(get_document(db, "ivp-2023-2026")->rev == 1);
    CHECK_FALSE(advance_document_rev(db, "nope", 1));

    auto all = list_documents(db);
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == "apv");
    CHECK(all[0].municipalities == std::vector<std::string>{"GM0166"});
    CHECK(all[1].rev == 1);
    CHECK(all[1].municipalities == d->municipalities);

    CHECK(rename_document(db, "apv", "Algemene plaatselijke verordening"));
    CHECK(archive_document(db, "apv", true));
    CHECK(get_document(db, "apv")->title == "Algemene plaatselijke verordening");
    CHECK(get_document(db, "apv")->archived);
    CHECK(archive_document(db, "apv", false));
    CHECK_FALSE(get_document(db, "apv")->archived);
    CHECK_FALSE(rename_document(db, "nope", "x"));
    CHECK_FALSE(archive_document(db, "nope", true));

    CHECK_THROWS_AS(create_document(db, "apv", "again", {}, kNow), StoreError);
    // An unknown municipality fails the whole document, not just its row.
    CHECK_THROWS_AS(create_document(db, "half", "Half", {"GM0166", "GM9999"}, kNow), StoreError);
    CHECK_FALSE(get_document(db, "half"));
    CHECK_THROWS_AS(create_document(db, "Bad Id", "x", {}, kNow), StoreError);
}

TEST_CASE_METHOD(Fixture, "Sections: insert, update, list in tree order", "[store][repo]") {
    create_document(db, "ivp", "IVP", {"GM0166", "GM0180"}, kNow);
    // Inserted out of order on purpose.
    insert_section(db, "ivp", {"s2", std::nullopt, 2, "Thema's", std::nullopt, false});
    insert_section(db, "ivp", {"s2b", "s2", 2, "Ondermijning", std::nullopt, false});
    insert_section(db, "ivp", {"s1", std::nullopt, 1, "Inleiding", std::nullopt, false});
    insert_section(db, "ivp", {"s2a", "s2", 1, "Zorg en veiligheid", std::nullopt, false});
    insert_section(db, "ivp", {"s2a1", "s2a", 1, "Kampen lokaal", "GM0166", false});
    insert_section(db, "ivp", {"s3", std::nullopt, 3, "Oud", std::nullopt, true});

    auto ids = [&] {
        std::vector<std::string> out;
        for (const auto& s : list_sections(db, "ivp")) out.push_back(s.id);
        return out;
    };
    CHECK(ids() == std::vector<std::string>{"s1", "s2", "s2a", "s2a1", "s2b", "s3"});
    auto all = list_sections(db, "ivp");
    CHECK(all[3] == SectionRecord{"s2a1", "s2a", 1, "Kampen lokaal", "GM0166", false});
    CHECK(all[5].deleted);

    // Move s2b first among s2's children and rename it.
    CHECK(update_section(
        db, "ivp",
        {"s2b", "s2", 0, "Ondermijning en georganiseerde misdaad", std::nullopt, false}));
    CHECK(ids() == std::vector<std::string>{"s1", "s2", "s2b", "s2a", "s2a1", "s3"});
    CHECK(list_sections(db, "ivp")[2].title == "Ondermijning en georganiseerde misdaad");
    CHECK_FALSE(update_section(db, "ivp", {"nope", std::nullopt, 0, "x", std::nullopt, false}));

    // A parent that does not exist (bad data) does not lose the section.
    insert_section(db, "ivp", {"orphan", "gone", 1, "Wees", std::nullopt, false});
    CHECK(ids().back() == "orphan");
    CHECK(list_sections(db, "other").empty());

    CHECK_THROWS_AS(insert_section(db, "ivp", {"s1", std::nullopt, 9, "dup", std::nullopt, false}),
                    StoreError);
    CHECK_THROWS_AS(insert_section(db, "nodoc", {"x", std::nullopt, 1, "x", std::nullopt, false}),
                    StoreError);
    CHECK_THROWS_AS(insert_section(db, "ivp", {"x", std::nullopt, 1, "x", "GM9999", false}),
                    StoreError);
}

TEST_CASE_METHOD(Fixture, "Layers: put, checkpoint, set state, delete, load", "[store][repo]") {
    create_document(db, "ivp", "IVP", {"GM0166", "GM0180"}, kNow);
    insert_section(db, "ivp", {"s1", std::nullopt, 1, "Inleiding", std::nullopt, false});
    insert_section(db, "ivp", {"s2", std::nullopt, 2, "Thema's", std::nullopt, false});

    put_layer(db, "ivp", {"s1", "common", "common", "Samen waar het kan", std::nullopt, 1, 1});
    put_layer(db, "ivp", {"s1", "GM0166", "override", "Kampen: lokaal waar het moet", 1, 2, 2});
    put_layer(db, "ivp", {"s2", "GM0180", "omit", "", std::nullopt, 3, 3});

    CHECK(set_layer_checkpoint(db, "ivp", "s1", "common",
                               "Samen waar het kan, lokaal waar het moet", 4, 4));
    CHECK_FALSE(set_layer_checkpoint(db, "ivp", "s2", "common", "x", 5, 5));
    CHECK(set_layer_state(db, "ivp", "s1", "GM0166", "override", 4));  // acknowledge: base moves
    CHECK_FALSE(set_layer_state(db, "ivp", "s1", "GM0180", "omit", std::nullopt));

    auto layers = load_layers(db, "ivp");
    REQUIRE(layers.size() == 3);
    CHECK(layers[0] ==
          LayerRecord{"s1", "GM0166", "override", "Kampen: lokaal waar het moet", 4, 2, 2});
    CHECK(layers[1] == LayerRecord{"s1", "common", "common",
                                   "Samen waar het kan, lokaal waar het moet", std::nullopt, 1, 4,
                                   4});
    CHECK(layers[2].state == "omit");
    CHECK(get_layer(db, "ivp", "s1", "common")->changed_rev == 4);
    CHECK_FALSE(get_layer(db, "ivp", "s2", "common"));

    // Revert, then diverge again: a new life replaces every column.
    CHECK(delete_layer(db, "ivp", "s1", "GM0166"));
    CHECK_FALSE(delete_layer(db, "ivp", "s1", "GM0166"));
    put_layer(db, "ivp", {"s1", "GM0166", "override", "opnieuw", 5, 6, 6});
    put_layer(db, "ivp", {"s1", "GM0166", "override", "nog eens", 6, 7, 7});
    CHECK(*get_layer(db, "ivp", "s1", "GM0166") ==
          LayerRecord{"s1", "GM0166", "override", "nog eens", 6, 7, 7});

    // The schema keeps layer names and states consistent.
    CHECK_THROWS_AS(put_layer(db, "ivp", {"s2", "kampen", "override", "", 1, 1, 1}), StoreError);
    CHECK_THROWS_AS(put_layer(db, "ivp", {"s2", "common", "override", "", 1, 1, 1}), StoreError);
    CHECK_THROWS_AS(put_layer(db, "ivp", {"s2", "GM0166", "common", "", 1, 1, 1}), StoreError);
    CHECK_THROWS_AS(put_layer(db, "ivp", {"nope", "common", "common", "", 1, 1, 1}), StoreError);
    CHECK(load_layers(db, "other").empty());
}

TEST_CASE_METHOD(Fixture, "Changes: append, layer edits since base, since rev", "[store][repo]") {
    auto anna = user("anna");
    auto piet = user("piet", "GM0180");
    create_document(db, "ivp", "IVP", {"GM0166", "GM0180"}, kNow);
    std::vector<ChangeRecord> written = {
        {"ivp", 1, "section.create", "s1", std::nullopt, std::nullopt, R"({"title":"Inleiding"})",
         anna, std::nullopt, kNow},
        {"ivp", 2, "edit", "s1", "common", R"(["Samen"])", std::nullopt, anna, "a-1", kNow},
        {"ivp", 3, "edit", "s1", "GM0166", R"([5,"!"])", std::nullopt, anna, "a-2", kNow},
        {"ivp", 4, "edit", "s1", "common", R"([5," waar het kan"])", std::nullopt, piet, "a-1",
         kNow},
        {"ivp", 5, "edit", "s2", "common", R"(["x"])", std::nullopt, piet, "p-2", kNow},
        {"ivp", 6, "edit", "s1", "common", R"([{"d":5}])", std::nullopt, anna, "a-3", kNow},
    };
    for (const auto& c : written) append_change(db, c);

    auto edits = list_layer_edits(db, "ivp", "s1", "common", 2);
    REQUIRE(edits.size() == 2);
    CHECK(edits[0] == written[3]);
    CHECK(edits[1] == written[5]);
    CHECK(list_layer_edits(db, "ivp", "s1", "common", 0).size() == 3);
    CHECK(list_layer_edits(db, "ivp", "s1", "common", 6).empty());
    CHECK(list_layer_edits(db, "ivp", "s1", "GM0166", 0).size() == 1);

    auto since = list_changes(db, "ivp", 3);
    REQUIRE(since.size() == 3);
    CHECK(since[0].rev == 4);
    CHECK(since[2].rev == 6);
    CHECK(list_changes(db, "ivp", 0) == written);
    CHECK(list_changes(db, "ivp", 0, 2).size() == 2);
    CHECK(list_changes(db, "ivp", 6).empty());

    // A rev is given out once. An opid is stored as it came: the room tells a resubmission
    // (docs/decisions/0032-a-resubmission-found-in-its-layer.md), the store keeps no index of them.
    auto dup_rev = written[1];
    dup_rev.opid = "fresh";
    try {
        append_change(db, dup_rev);
        FAIL("a rev was given out twice");
    } catch (const StoreError& e) {
        CHECK(e.is_duplicate());
    }
    auto same_opid = written[1];
    same_opid.rev = 7;
    append_change(db, same_opid);
    CHECK(list_layer_edits(db, "ivp", "s1", "common", 6) == std::vector{same_opid});
    auto no_op = written[1];
    no_op.rev = 8;
    no_op.opid = "b";
    no_op.op = std::nullopt;
    CHECK_THROWS_AS(append_change(db, no_op), StoreError);  // an edit carries its op
}

TEST_CASE_METHOD(Fixture, "Changes: the last text change of every layer up to a rev",
                 "[store][repo]") {
    auto anna = user("anna");
    create_document(db, "ivp", "IVP", {"GM0166", "GM0180"}, kNow);
    auto change = [&](std::int64_t rev, const char* kind, const char* section,
                      std::optional<std::string> layer) {
        append_test_change(rev, kind, section, std::move(layer), anna);
    };
    change(1, "section.create", "s1", std::nullopt);
    change(2, "edit", "s1", "common");
    change(3, "diverge", "s1", "GM0166");
    change(4, "edit", "s1", "common");
    change(5, "acknowledge", "s1", "GM0166");  // moves the base, not the text
    change(6, "edit", "s1", "GM0166");
    change(7, "section.create", "s2", std::nullopt);

    CHECK(list_last_text_changes(db, "ivp", 5) ==
          std::vector<TextChangeRecord>{{"s1", "", 1}, {"s1", "GM0166", 3}, {"s1", "common", 4}});
    CHECK(list_last_text_changes(db, "ivp", 7) ==
          std::vector<TextChangeRecord>{
              {"s1", "", 1}, {"s1", "GM0166", 6}, {"s1", "common", 4}, {"s2", "", 7}});
    CHECK(list_last_text_changes(db, "ivp", 0).empty());
    CHECK(list_last_text_changes(db, "other", 7).empty());
}

TEST_CASE_METHOD(Fixture, "Changes: one layer's last text change agrees with the whole list",
                 "[store][repo]") {
    auto anna = user("anna");
    create_document(db, "ivp", "IVP", {"GM0166", "GM0180"}, kNow);
    auto change = [&](std::int64_t rev, const char* kind, const char* section,
                      std::optional<std::string> layer) {
        append_test_change(rev, kind, section, std::move(layer), anna);
    };
    change(1, "section.create", "s1", std::nullopt);
    change(2, "edit", "s1", "common");
    change(3, "diverge", "s1", "GM0166");
    change(4, "section.rename", "s1", std::nullopt);  // no text: not a text change
    change(5, "acknowledge", "s1", "GM0166");
    change(6, "edit", "s1", "GM0166");
    change(7, "section.create", "s2", std::nullopt);
    for (std::int64_t upto = 0; upto <= 8; ++upto) {
        INFO("upto " << upto);
        std::map<std::pair<std::string, std::string>, std::int64_t> all;
        for (const auto& r : list_last_text_changes(db, "ivp", upto)) {
            all[{r.section, r.layer}] = r.rev;
        }
        for (const char* section : {"s1", "s2", "s3"}) {
            for (const char* layer : {"", "common", "GM0166", "GM0180"}) {
                auto it = all.find({section, layer});
                CHECK(last_text_change(db, "ivp", section, layer, upto) ==
                      (it == all.end() ? 0 : it->second));
            }
        }
    }
    CHECK(last_text_change(db, "ivp", "s1", "", 8) == 1);
    CHECK(last_text_change(db, "other", "s1", "common", 8) == 0);
}

TEST_CASE_METHOD(Fixture,
                 "Changes: the newest revision made by a time, with times that step back, "
                 "whichever time blocks are written",
                 "[store][repo][history]") {
    // The clock may step back and many changes share a second: every moment must name what a
    // look at every change would (docs/decisions/0028-change-time-blocks.md).
    const std::uint64_t seed = GENERATE(20261204ULL, 7ULL, 424242ULL);
    std::cout << "time blocks: seed " << seed << "\n";
    std::mt19937_64 rng(seed);
    const auto anna = user("anna");
    create_document(db, "ivp", "IVP", {"GM0166"}, kNow);
    create_document(db, "other", "Other", {"GM0166"}, kNow);
    const std::int64_t last = 3 * kChangeTimeBlock + static_cast<std::int64_t>(rng() % 500);
    const auto start = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};
    std::int64_t second = 0;
    std::vector<std::string> times;  // also moments between two changes
    {
        Transaction tx(db);
        for (std::int64_t rev = 1; rev <= last; ++rev) {
            const auto dice = rng() % 1000;
            if (dice < 3) {
                second -= static_cast<std::int64_t>(rng() % 20000);  // the clock is set back
            } else if (dice < 600) {
                second += static_cast<std::int64_t>(rng() % 4);  // 0: the same second
            }
            const std::string at = format_time(start + std::chrono::seconds(second));
            append_change(db, {"ivp", rev, "section.rename", "s1", std::nullopt, std::nullopt, "{}",
                               anna, std::nullopt, at});
            times.push_back(at);
            times.push_back(format_time(start + std::chrono::seconds(second + 1)));
        }
        // Another document's changes, all earlier, are not this one's.
        append_change(db, {"other", 1, "section.rename", "s1", std::nullopt, std::nullopt, "{}",
                           anna, std::nullopt, "2000-01-01T00:00:00Z"});
        tx.commit();
    }
    times.push_back("1999-01-01T00:00:00Z");  // before the first
    times.push_back("2999-12-31T23:59:59Z");  // after the last
    std::shuffle(times.begin(), times.end(), rng);
    times.resize(400);
    times.push_back("1999-01-01T00:00:00Z");
    times.push_back("2999-12-31T23:59:59Z");
    auto every_change = [&](const std::string& at) {
        auto st =
            db.prepare("SELECT COALESCE(MAX(rev), 0) FROM change WHERE doc = ?1 AND at <= ?2");
        st.bind_all("ivp", at);
        REQUIRE(st.step());
        return st.get_int(0);
    };
    auto blocks = [&] {
        auto st = db.prepare("SELECT COUNT(*) FROM change_time_block WHERE doc = 'ivp'");
        REQUIRE(st.step());
        return st.get_int(0);
    };
    auto all_agree = [&] {
        for (const auto& at : times) {
            INFO("at " << at);
            REQUIRE(rev_at_time(db, "ivp", at) == every_change(at));
        }
    };
    CHECK(rev_at_time(db, "ivp", "1999-01-01T00:00:00Z") == 0);
    CHECK(rev_at_time(db, "ivp", "2999-12-31T23:59:59Z") == last);
    CHECK(rev_at_time(db, "nobody", "2999-12-31T23:59:59Z") == 0);
    all_agree();  // no blocks: as a log written before them
    // Block by block, as the writer completes them; a change that completes none writes nothing.
    write_change_time_blocks(db, "ivp", 1, kChangeTimeBlock - 1);
    CHECK(blocks() == 0);
    for (std::int64_t rev = 1; rev <= last; rev += 1000) {
        write_change_time_blocks(db, "ivp", rev, std::min(last, rev + 999));
    }
    CHECK(blocks() == 3);
    all_agree();
    db.exec("DELETE FROM change_time_block WHERE block = 1");  // one lost: read change by change
    all_agree();
    // Written again, all at once, they are the same.
    write_change_time_blocks(db, "ivp", 1, last);
    CHECK(blocks() == 3);
    all_agree();
}

TEST_CASE_METHOD(Fixture, "Document snapshots: the oldest at or after a rev, below another",
                 "[store][repo]") {
    create_document(db, "ivp", "IVP", {"GM0166"}, kNow);
    create_document(db, "other", "Other", {"GM0166"}, kNow);
    put_document_snapshot(db, "ivp", 10, "{\"at\":10}");
    put_document_snapshot(db, "ivp", 20, "{\"at\":20}");
    put_document_snapshot(db, "other", 15, "{}");
    put_document_snapshot(db, "ivp", 20, "{\"at\":\"20 again\"}");  // written again: replaced
    CHECK(list_document_snapshots(db, "ivp") == std::vector<std::int64_t>{10, 20});

    auto at = [&](std::int64_t from, std::int64_t below) {
        auto s = find_document_snapshot(db, "ivp", from, below);
        return s ? s->rev : -1;
    };
    CHECK(at(0, 100) == 10);
    CHECK(at(10, 100) == 10);
    CHECK(at(11, 100) == 20);
    CHECK(at(11, 20) == -1);  // below is not included: that would be the document as it is
    CHECK(at(21, 100) == -1);
    CHECK(find_document_snapshot(db, "ivp", 11, 100)->data == "{\"at\":\"20 again\"}");
    CHECK_FALSE(find_document_snapshot(db, "nobody", 0, 100));
    // A snapshot belongs to a document that exists.
    CHECK_THROWS_AS(put_document_snapshot(db, "nobody", 1, "{}"), StoreError);
}

TEST_CASE_METHOD(Fixture, "Proposals: insert, list the open ones with their votes, close",
                 "[store][repo]") {
    auto anna = user("anna");
    auto piet = user("piet", "GM0180");
    create_document(db, "ivp", "IVP", {"GM0166", "GM0180"}, kNow);
    create_document(db, "apv", "APV", {"GM0166"}, kNow);
    insert_section(db, "ivp", {"s1", std::nullopt, 0, "Inleiding", std::nullopt, false});
    insert_section(db, "apv", {"s1", std::nullopt, 0, "Inleiding", std::nullopt, false});
    CHECK(next_proposal_id(db, "ivp") == 1);

    const ProposalRecord first{1, "s1", "GM0166", "Kampen's tekst", "oud",
                               3, anna, kNow,     "open",           std::nullopt};
    const ProposalRecord second{2, "s1", "common", "nieuw", "oud",
                                5, piet, kNow,     "open",  std::nullopt};
    insert_proposal(db, "ivp", second);  // out of order on purpose
    insert_proposal(db, "ivp", first);
    insert_proposal(db, "apv", first);
    CHECK(list_open_proposals(db, "ivp") == std::vector<ProposalRecord>{first, second});
    CHECK(next_proposal_id(db, "ivp") == 3);
    CHECK(next_proposal_id(db, "apv") == 2);

    insert_vote(db, "ivp", {2, "GM0180", "approve", piet, 5, kNow});
    insert_vote(db, "ivp", {1, "GM0180", "reject", piet, 6, kNow});
    insert_vote(db, "ivp", {1, "GM0166", "approve", anna, 7, kNow});
    insert_vote(db, "apv", {1, "GM0166", "reject", anna, 2, kNow});
    CHECK(list_open_votes(db, "ivp") ==
          std::vector<VoteRecord>{{1, "GM0166", "approve", anna, 7, kNow},
                                  {1, "GM0180", "reject", piet, 6, kNow},
                                  {2, "GM0180", "approve", piet, 5, kNow}});
    try {
        insert_vote(db, "ivp", {1, "GM0166", "reject", anna, 8, kNow});
        FAIL("a municipality voted twice");
    } catch (const StoreError& e) {
        CHECK(e.is_duplicate());
    }
    CHECK_THROWS_AS(insert_vote(db, "ivp", {9, "GM0166", "approve", anna, 8, kNow}), StoreError);

    // A closed proposal leaves the open list with its votes, and its id is not given again.
    CHECK(set_proposal_state(db, "ivp", 2, "accepted", 8));
    CHECK(list_open_proposals(db, "ivp") == std::vector<ProposalRecord>{first});
    CHECK(list_open_votes(db, "ivp").size() == 2);
    CHECK(next_proposal_id(db, "ivp") == 3);
    CHECK(set_proposal_state(db, "ivp", 1, "rejected", 9));
    CHECK(list_open_proposals(db, "ivp").empty());
    CHECK(list_open_votes(db, "ivp").empty());
    CHECK(list_open_proposals(db, "apv") == std::vector<ProposalRecord>{first});
    CHECK_FALSE(set_proposal_state(db, "ivp", 9, "accepted", 10));

    try {
        insert_proposal(db, "ivp", first);
        FAIL("a proposal id was given twice");
    } catch (const StoreError& e) {
        CHECK(e.is_duplicate());
    }
    auto bad = first;
    bad.id = 3;
    bad.state = "maybe";
    CHECK_THROWS_AS(insert_proposal(db, "ivp", bad), StoreError);
    bad.state = "open";
    bad.section = "nope";
    CHECK_THROWS_AS(insert_proposal(db, "ivp", bad), StoreError);
    CHECK_THROWS_AS(set_proposal_state(db, "apv", 1, "maybe", 3), StoreError);
}

TEST_CASE_METHOD(Fixture, "Versions: insert, list per document and for all", "[store][repo]") {
    auto anna = user("anna");
    create_document(db, "ivp", "IVP", {"GM0166"}, kNow);
    create_document(db, "apv", "APV", {"GM0166"}, kNow);
    const VersionRecord raad{"ivp", "Vastgesteld door de raad", 12, anna, "2026-11-26T10:00:00Z"};
    const VersionRecord draft{"ivp", "Concept", 4, anna, "2026-11-26T09:00:00Z"};
    const VersionRecord same_rev{"ivp", "Ook 12", 12, anna, "2026-11-26T09:30:00Z"};
    const VersionRecord apv{"apv", "Eerste", 1, anna, kNow};
    for (const auto& v : {raad, draft, same_rev, apv}) insert_version(db, v);

    CHECK(list_versions(db, "ivp") == std::vector<VersionRecord>{draft, same_rev, raad});
    CHECK(list_versions(db, "apv") == std::vector<VersionRecord>{apv});
    CHECK(list_versions(db, "other").empty());
    CHECK(list_all_versions(db) == std::vector<VersionRecord>{apv, draft, same_rev, raad});

    try {
        insert_version(db, {"ivp", "Concept", 20, anna, kNow});
        FAIL("a label was given twice");
    } catch (const StoreError& e) {
        CHECK(e.is_duplicate());
    }
    insert_version(db, {"apv", "Concept", 2, anna, kNow});  // labels are per document
    CHECK_THROWS_AS(insert_version(db, {"nodoc", "x", 1, anna, kNow}), StoreError);
    CHECK_THROWS_AS(insert_version(db, {"ivp", "x", 1, 9999, kNow}), StoreError);
}

TEST_CASE_METHOD(Fixture, "Audit: append, list the newest by time and user, never change",
                 "[store][repo][audit]") {
    auto anna = user("kampen-editor");
    append_audit(
        db, {0, "2026-11-26T08:00:00Z", anna, "kampen-editor", "192.0.2.1", "sign_in.ok", "{}"});
    append_audit(db, {0, "2026-11-26T08:01:00Z", std::nullopt, "niemand", "192.0.2.9",
                      "sign_in.failed", R"({"reason":"unknown user"})"});
    append_audit(db, {0, "2026-11-26T09:00:00Z", std::nullopt, "beheerder", std::nullopt,
                      "user.disable", R"({"user":"kampen-editor"})"});
    const auto last = append_audit(
        db, {0, "2026-11-26T10:00:00Z", anna, "kampen-editor", "192.0.2.1", "sign_out", "{}"});

    auto all = list_audit(db, {});
    REQUIRE(all.size() == 4);
    CHECK(all.front().action == "sign_in.ok");  // oldest first
    CHECK(all.back() == AuditEntry{last, "2026-11-26T10:00:00Z", anna, "kampen-editor", "192.0.2.1",
                                   "sign_out", "{}"});
    CHECK(all[2].user_id == std::nullopt);
    CHECK(all[2].address == std::nullopt);

    auto newest = list_audit(db, {std::nullopt, std::nullopt, 2});
    REQUIRE(newest.size() == 2);
    CHECK(newest[0].action == "user.disable");
    CHECK(newest[1].action == "sign_out");
    CHECK(list_audit(db, {"2026-11-26T09:00:00Z", std::nullopt, 100}).size() == 2);
    // By the user, and about them.
    auto anna_s = list_audit(db, {std::nullopt, "kampen-editor", 100});
    REQUIRE(anna_s.size() == 3);
    CHECK(anna_s[1].action == "user.disable");
    CHECK(list_audit(db, {std::nullopt, "niemand", 100}).size() == 1);

    CHECK_THROWS_AS(db.exec("UPDATE audit SET action = 'sign_in.ok' WHERE id = 2"), StoreError);
    CHECK_THROWS_AS(db.exec("DELETE FROM audit WHERE id = 1"), StoreError);
    CHECK_THROWS_AS(db.exec("DELETE FROM audit"), StoreError);
    CHECK(list_audit(db, {}).size() == 4);
    CHECK_THROWS_AS(append_audit(db, {0, kNow, anna, "a", "b", "sign_in.ok", "[1]"}), StoreError);
    CHECK_THROWS_AS(append_audit(db, {0, kNow, anna, "a", "b", "sign_in.ok", "nope"}), StoreError);
}
