#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <optional>
#include <tuple>

#include "store/db.hpp"
#include "store/migrations.hpp"
#include "store/repo.hpp"
#include "temp_dir.hpp"

using namespace samen::store;
using samen::test::TempDir;

namespace {

std::vector<std::string> tables(Db& db) {
    auto st = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.get_text(0));
    return out;
}

/// The schema as migration `version` left it: a data file of an older Samen.
void schema_of_version(Db& db, int version) {
    for (const Migration& m : migrations()) {
        if (m.version > version) break;
        db.exec(m.sql);
    }
    db.exec("PRAGMA user_version = " + std::to_string(version));
}

}  // namespace

TEST_CASE("The migrations are embedded in version order", "[store][migrations]") {
    auto all = migrations();
    REQUIRE_FALSE(all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        INFO(all[i].name);
        CHECK(all[i].version == static_cast<int>(i) + 1);
        CHECK(std::string(all[i].name).substr(0, 4) ==
              (i < 9 ? "00" : "0") + std::to_string(i + 1) + "_");
        const std::string sql(all[i].sql);
        CHECK((sql.find("CREATE") != std::string::npos || sql.find("ALTER") != std::string::npos ||
               sql.find("DROP") != std::string::npos));
    }
    CHECK(schema_version() == all.back().version);
}

TEST_CASE("The change log keeps one index besides its key, which every keystroke's commit writes",
          "[store][migrations]") {
    TempDir dir;
    Db db(dir.file("samen.db"));
    migrate(db);
    auto st = db.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'change' ORDER BY "
        "name");
    std::vector<std::string> indexes;
    while (st.step()) indexes.push_back(st.get_text(0));
    // change_layer: the edits of a layer after a revision (history, transforms, resubmissions).
    CHECK(indexes == std::vector<std::string>{"change_layer"});
}

TEST_CASE("Migrating an empty file creates the schema, again does nothing", "[store][migrations]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    {
        Db db(path);
        CHECK(db.user_version() == 0);
        CHECK(migrate(db) == static_cast<int>(migrations().size()));
        CHECK(db.user_version() == schema_version());
        const std::vector<std::string> expected = {"adoption",
                                                   "audit",
                                                   "auth_epoch",
                                                   "change",
                                                   "change_time_block",
                                                   "document",
                                                   "document_municipality",
                                                   "document_snapshot",
                                                   "layer",
                                                   "municipality",
                                                   "priority",
                                                   "proposal",
                                                   "proposal_vote",
                                                   "section",
                                                   "thread",
                                                   "thread_comment",
                                                   "token",
                                                   "user",
                                                   "version",
                                                   "visit"};
        CHECK(tables(db) == expected);
        db.exec("INSERT INTO municipality VALUES ('GM0166', 'Kampen')");
    }
    {
        Db db(path);
        CHECK(migrate(db) == 0);
        CHECK(db.user_version() == schema_version());
        auto st = db.prepare("SELECT name FROM municipality WHERE code = 'GM0166'");
        REQUIRE(st.step());
        CHECK(st.get_text(0) == "Kampen");
    }
}

TEST_CASE("A file from a newer Samen is refused, untouched", "[store][migrations]") {
    TempDir dir;
    Db db(dir.file("samen.db"));
    migrate(db);
    db.exec("PRAGMA user_version = " + std::to_string(schema_version() + 1));
    CHECK_THROWS_WITH(migrate(db), Catch::Contains("newer samen-server"));
    CHECK(db.user_version() == schema_version() + 1);
}

TEST_CASE("The schema enforces its checks", "[store][migrations]") {
    TempDir dir;
    Db db(dir.file("samen.db"));
    migrate(db);
    CHECK_THROWS_AS(db.exec("INSERT INTO municipality VALUES ('XX0166', 'Kampen')"), StoreError);
    CHECK_THROWS_AS(db.exec("INSERT INTO municipality VALUES ('GM01666', 'Kampen')"), StoreError);
    db.exec("INSERT INTO municipality VALUES ('GM0166', 'Kampen')");
    // Foreign keys are on: a user of an unknown municipality is refused.
    CHECK_THROWS_AS(db.exec("INSERT INTO user (name, display_name, municipality, role, "
                            "password_hash, created_at) VALUES ('a', 'A', 'GM9999', 'editor', 'h', "
                            "'2026-01-01T00:00:00Z')"),
                    StoreError);
    CHECK_THROWS_AS(db.exec("INSERT INTO user (name, display_name, municipality, role, "
                            "password_hash, created_at) VALUES ('a', 'A', 'GM0166', 'boss', 'h', "
                            "'2026-01-01T00:00:00Z')"),
                    StoreError);
    for (const char* id : {"ivp-2023-2026", "a", "x1"}) {
        INFO(id);
        CHECK_NOTHROW(db.prepare("INSERT INTO document (id, title, created_at) VALUES (?1, 't', "
                                 "'2026-01-01T00:00:00Z')")
                          .bind(1, id)
                          .run());
    }
    for (const char* id : {"", "-ivp", "IVP", "ivp 2023", "ivp/2023", "ivp_2023", "ïvp"}) {
        INFO(id);
        CHECK_THROWS_AS(db.prepare("INSERT INTO document (id, title, created_at) VALUES (?1, 't', "
                                   "'2026-01-01T00:00:00Z')")
                            .bind(1, id)
                            .run(),
                        StoreError);
    }
}

TEST_CASE("Sections deleted before migration 4 learn which delete removed them",
          "[store][migrations]") {
    TempDir dir;
    Db db(dir.file("old.db"));
    // The schema as migration 3 left it, with a section deleted with its parent, and one before.
    schema_of_version(db, 3);
    db.exec(
        "INSERT INTO document (id, title, created_at) VALUES ('d', 'D', '2026-01-01T00:00:00Z');"
        "INSERT INTO section (doc, id, position, title, deleted) VALUES ('d', 'a', 0, 'A', 1);"
        "INSERT INTO section (doc, id, parent, position, title, deleted) "
        "VALUES ('d', 'b', 'a', 0, 'B', 1);"
        "INSERT INTO section (doc, id, position, title) VALUES ('d', 'c', 1, 'C');"
        "INSERT INTO change (doc, rev, kind, section, data, at) VALUES "
        "('d', 3, 'section.delete', 'b', '{\"sections\":[\"b\"]}', '2026-01-01T00:00:00Z'),"
        "('d', 5, 'section.delete', 'a', '{\"sections\":[\"a\"]}', '2026-01-01T00:00:00Z');");
    REQUIRE(migrate(db) >= 1);
    std::map<std::string, std::optional<std::int64_t>> deleted_by;
    for (const auto& s : list_sections(db, "d")) deleted_by[s.id] = s.deleted_rev;
    CHECK(deleted_by["a"] == 5);
    CHECK(deleted_by["b"] == 3);
    CHECK(deleted_by["c"] == std::nullopt);
}

TEST_CASE("Texts stored before migration 9 are checkpoints at their document's revision",
          "[store][migrations]") {
    TempDir dir;
    Db db(dir.file("old.db"));
    // As migration 8 left it: every edit rewrote its text, so a text holds the edits in the log.
    schema_of_version(db, 8);
    db.exec(
        "INSERT INTO document (id, title, rev, created_at) "
        "VALUES ('d', 'D', 2, '2026-01-01T00:00:00Z');"
        "INSERT INTO section (doc, id, position, title) VALUES ('d', 's', 0, 'S');"
        "INSERT INTO layer (doc, section, layer, state, text, life, changed_rev) "
        "VALUES ('d', 's', 'common', 'common', 'ab', 0, 2);"
        "INSERT INTO change (doc, rev, kind, section, layer, op, at) VALUES "
        "('d', 1, 'edit', 's', 'common', '[\"a\"]', '2026-01-01T00:00:00Z'),"
        "('d', 2, 'edit', 's', 'common', '[1,\"b\"]', '2026-01-01T00:00:00Z');");
    REQUIRE(migrate(db) >= 1);
    CHECK(get_layer(db, "d", "s", "common")->text_rev == 2);
    CHECK(list_edits_after_checkpoints(db, "d").empty());  // nothing applied twice
    // An edit after the checkpoint is what loading replays.
    db.exec(
        "INSERT INTO change (doc, rev, kind, section, layer, op, at) VALUES "
        "('d', 3, 'edit', 's', 'common', '[2,\"c\"]', '2026-01-01T00:00:00Z')");
    auto replay = list_edits_after_checkpoints(db, "d");
    REQUIRE(replay.size() == 1);
    CHECK(replay[0].rev == 3);
}

TEST_CASE("A data file of migration 9 gets document snapshots, none yet, its log untouched",
          "[store][migrations]") {
    TempDir dir;
    Db db(dir.file("old.db"));
    schema_of_version(db, 9);
    db.exec(
        "INSERT INTO document (id, title, rev, created_at) "
        "VALUES ('d', 'D', 2, '2026-01-01T00:00:00Z');"
        "INSERT INTO section (doc, id, position, title) VALUES ('d', 's', 0, 'S');"
        "INSERT INTO layer (doc, section, layer, state, text, life, changed_rev, text_rev) "
        "VALUES ('d', 's', 'common', 'common', 'a', 0, 1, 1);"
        "INSERT INTO change (doc, rev, kind, section, layer, op, at) VALUES "
        "('d', 1, 'edit', 's', 'common', '[\"a\"]', '2026-01-01T00:00:00Z'),"
        "('d', 2, 'edit', 's', 'common', '[1,\"b\"]', '2026-01-01T00:00:00Z');");
    REQUIRE(migrate(db) == schema_version() - 9);
    CHECK(db.user_version() == schema_version());
    // Until the first one is written, the past is read by rewinding from now, as before.
    CHECK(list_document_snapshots(db, "d").empty());
    CHECK_FALSE(find_document_snapshot(db, "d", 0, 3));
    auto replay = list_edits_after_checkpoints(db, "d");
    REQUIRE(replay.size() == 1);
    CHECK(replay[0].rev == 2);
    put_document_snapshot(db, "d", 2, "{}");
    CHECK(find_document_snapshot(db, "d", 0, 3)->rev == 2);
}

TEST_CASE(
    "A data file of migration 10 gets the time blocks of its full blocks, as the writer would",
    "[store][migrations]") {
    TempDir dir;
    Db db(dir.file("old.db"));
    schema_of_version(db, 10);
    db.exec(
        "INSERT INTO document (id, title, rev, created_at) VALUES "
        "('d', 'D', 0, '2026-01-01T00:00:00Z'), ('e', 'E', 0, '2026-01-01T00:00:00Z');");
    // d: two full blocks and a few changes after them, with times that step back; e: no full one.
    const std::int64_t d_last = 2 * kChangeTimeBlock + 7;
    {
        Transaction tx(db);
        for (std::int64_t rev = 1; rev <= d_last; ++rev) {
            const std::int64_t second = (rev * 7919) % 3600;
            char at[32];
            std::snprintf(at, sizeof at, "2026-01-01T%02d:%02d:%02dZ",
                          static_cast<int>(second / 3600), static_cast<int>(second / 60 % 60),
                          static_cast<int>(second % 60));
            append_change(db, {"d", rev, "section.rename", "s", std::nullopt, std::nullopt, "{}",
                               std::nullopt, std::nullopt, at});
            if (rev <= 100) {
                append_change(db, {"e", rev, "section.rename", "s", std::nullopt, std::nullopt,
                                   "{}", std::nullopt, std::nullopt, at});
            }
        }
        tx.commit();
    }
    REQUIRE(migrate(db) == schema_version() - 10);
    auto rows = [&] {
        std::vector<std::tuple<std::string, std::int64_t, std::string>> out;
        auto st =
            db.prepare("SELECT doc, block, min_at FROM change_time_block ORDER BY doc, block");
        while (st.step()) out.emplace_back(st.get_text(0), st.get_int(1), st.get_text(2));
        return out;
    };
    const auto migrated = rows();
    REQUIRE(migrated.size() == 2);
    CHECK(std::get<0>(migrated[0]) == "d");
    CHECK(std::get<1>(migrated[1]) == 1);
    db.exec("DELETE FROM change_time_block");
    write_change_time_blocks(db, "d", 1, d_last);
    write_change_time_blocks(db, "e", 1, 100);
    CHECK(rows() == migrated);
}
