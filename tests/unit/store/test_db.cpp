#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "store/db.hpp"
#include "store/time.hpp"
#include "temp_dir.hpp"

using namespace samen::store;
using samen::test::TempDir;

namespace {

std::int64_t count(Db& db, const std::string& table) {
    auto st = db.prepare("SELECT count(*) FROM " + table);
    st.step();
    return st.get_int(0);
}

}  // namespace

TEST_CASE("Db opens with WAL, synchronous FULL and foreign keys", "[store][db]") {
    TempDir dir;
    Db db(dir.file("a.db"));
    auto mode = db.prepare("PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.get_text(0) == "wal");
    auto sync = db.prepare("PRAGMA synchronous");
    REQUIRE(sync.step());
    CHECK(sync.get_int(0) == 2);  // FULL
    auto fk = db.prepare("PRAGMA foreign_keys");
    REQUIRE(fk.step());
    CHECK(fk.get_int(0) == 1);
}

TEST_CASE("A read-only Db reads what the writer committed and writes nothing", "[store][db]") {
    TempDir dir;
    Db writer(dir.file("a.db"));
    writer.exec("CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1);");
    Db reader(dir.file("a.db"), 5000, Access::read_only);
    auto query_only = reader.prepare("PRAGMA query_only");
    REQUIRE(query_only.step());
    CHECK(query_only.get_int(0) == 1);
    {
        auto count = reader.prepare("SELECT count(*) FROM t");
        REQUIRE(count.step());
        CHECK(count.get_int(0) == 1);
    }
    CHECK_THROWS_AS(reader.exec("INSERT INTO t VALUES (2)"), StoreError);
    // A read transaction does not keep the writer from committing.
    Transaction snapshot(reader, Access::read_only);
    reader.prepare("SELECT count(*) FROM t").step();
    writer.exec("INSERT INTO t VALUES (3)");
    auto count = reader.prepare("SELECT count(*) FROM t");
    REQUIRE(count.step());
    CHECK(count.get_int(0) == 1);  // its snapshot stays as it began
}

TEST_CASE("Db refuses a file it cannot create, with SQLite's code", "[store][db]") {
    TempDir dir;
    try {
        Db db(dir.file("missing/a.db"));
        FAIL("opened a file in a missing directory");
    } catch (const StoreError& e) {
        CHECK(e.primary_code() == SQLITE_CANTOPEN);
        CHECK(std::string(e.what()).find("missing/a.db") != std::string::npos);
    }
}

TEST_CASE("Statement binds and reads every type", "[store][db]") {
    TempDir dir;
    Db db(dir.file("a.db"));
    db.exec("CREATE TABLE t (i INTEGER, s TEXT, n TEXT)");
    db.prepare("INSERT INTO t VALUES (?1, ?2, ?3)")
        .bind(1, std::int64_t{1} << 40)
        .bind(2, std::string("zee\xC3\xABn"))  // UTF-8 survives
        .bind(3, nullptr)
        .run();
    db.prepare("INSERT INTO t VALUES (?1, ?2, ?3)")
        .bind(1, std::optional<std::int64_t>{})
        .bind(2, std::string_view("a\0b", 3))  // embedded NUL is kept: lengths are explicit
        .bind(3, std::optional<std::string>("x"))
        .run();
    auto st = db.prepare("SELECT i, s, n FROM t ORDER BY rowid");
    REQUIRE(st.step());
    CHECK(st.get_int(0) == std::int64_t{1} << 40);
    CHECK(st.get_text(1) == "zee\xC3\xABn");
    CHECK(st.is_null(2));
    CHECK(st.get_opt_text(2) == std::nullopt);
    REQUIRE(st.step());
    CHECK(st.get_opt_int(0) == std::nullopt);
    CHECK(st.get_text(1) == std::string("a\0b", 3));
    CHECK(st.get_opt_text(2) == "x");
    CHECK_FALSE(st.step());
}

TEST_CASE("bind_all binds its arguments to ?1, ?2, ... in order", "[store][db]") {
    TempDir dir;
    Db db(dir.file("a.db"));
    db.exec("CREATE TABLE t (i INTEGER, s TEXT, n TEXT, b INTEGER)");
    // Numbered out of order in the SQL: the number, not the place in the text, picks the value.
    db.prepare("INSERT INTO t (b, n, s, i) VALUES (?4, ?3, ?2, ?1)")
        .bind_all(std::int64_t{7}, "zeven", std::optional<std::string>{}, true)
        .run();
    auto st = db.prepare("SELECT i, s, n, b FROM t WHERE i = ?1 AND s = ?2");
    st.bind_all(7, std::string("zeven"));
    REQUIRE(st.step());
    CHECK(st.get_int(0) == 7);
    CHECK(st.get_text(1) == "zeven");
    CHECK(st.is_null(2));
    CHECK(st.get_int(3) == 1);
    CHECK_FALSE(st.step());
}

TEST_CASE("Cached statements are reused and may nest", "[store][db]") {
    TempDir dir;
    Db db(dir.file("a.db"));
    db.exec("CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2), (3);");
    const std::string sql = "SELECT i FROM t WHERE i >= ?1 ORDER BY i";
    std::vector<std::int64_t> pairs;
    {
        auto outer = db.prepare(sql);
        outer.bind(1, 2);
        while (outer.step()) {
            // The same SQL while the cached statement is busy: a fresh statement, same answer.
            auto inner = db.prepare(sql);
            inner.bind(1, outer.get_int(0));
            while (inner.step()) pairs.push_back(outer.get_int(0) * 10 + inner.get_int(0));
        }
    }
    CHECK(pairs == std::vector<std::int64_t>{22, 23, 33});
    // Released to the cache with its bindings cleared: NULL matches nothing.
    auto again = db.prepare(sql);
    CHECK_FALSE(again.step());
}

TEST_CASE("A statement left mid-result does not hold a read transaction", "[store][db]") {
    TempDir dir;
    Db db(dir.file("a.db"));
    db.exec("CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2);");
    {
        auto st = db.prepare("SELECT i FROM t");
        REQUIRE(st.step());  // abandoned after one row
    }
    CHECK(db.autocommit());
    // A checkpoint only completes when no reader pins the WAL.
    auto cp = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    REQUIRE(cp.step());
    CHECK(cp.get_int(0) == 0);  // not busy
}

TEST_CASE("StoreError carries SQLite's extended code", "[store][db]") {
    TempDir dir;
    Db db(dir.file("a.db"));
    db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    db.prepare("INSERT INTO t VALUES ('a', 'x')").run();
    try {
        db.prepare("INSERT INTO t VALUES ('a', 'y')").run();
        FAIL("duplicate accepted");
    } catch (const StoreError& e) {
        CHECK(e.code() == SQLITE_CONSTRAINT_PRIMARYKEY);
        CHECK(e.is_duplicate());
    }
    try {
        db.prepare("INSERT INTO t VALUES ('b', NULL)").run();
        FAIL("NULL accepted");
    } catch (const StoreError& e) {
        CHECK(e.code() == SQLITE_CONSTRAINT_NOTNULL);
        CHECK_FALSE(e.is_duplicate());
    }
    try {
        db.prepare("SELEKT 1");
        FAIL("bad SQL prepared");
    } catch (const StoreError& e) {
        CHECK(e.code() == SQLITE_ERROR);
        CHECK(std::string(e.what()).find("SELEKT") != std::string::npos);
    }
    CHECK_THROWS_AS(db.exec("INSERT INTO nowhere VALUES (1)"), StoreError);
}

TEST_CASE("Transaction rolls back unless committed", "[store][db]") {
    TempDir dir;
    Db db(dir.file("a.db"));
    db.exec("CREATE TABLE t (i INTEGER)");
    {
        Transaction tx(db);
        db.prepare("INSERT INTO t VALUES (1)").run();
    }
    CHECK(count(db, "t") == 0);
    CHECK(db.autocommit());
    {
        Transaction tx(db);
        db.prepare("INSERT INTO t VALUES (2)").run();
        tx.commit();
    }
    CHECK(count(db, "t") == 1);
    CHECK_THROWS_AS(
        [&] {
            Transaction tx(db);
            db.prepare("INSERT INTO t VALUES (3)").run();
            throw std::runtime_error("interrupted");
        }(),
        std::runtime_error);
    CHECK(count(db, "t") == 1);
}

TEST_CASE("Savepoint undoes only its own work", "[store][db]") {
    TempDir dir;
    Db db(dir.file("a.db"));
    db.exec("CREATE TABLE t (i INTEGER)");
    Transaction tx(db);
    db.prepare("INSERT INTO t VALUES (1)").run();
    {
        Savepoint sp(db, "inner");
        db.prepare("INSERT INTO t VALUES (2)").run();
    }
    {
        Savepoint sp(db, "kept");
        db.prepare("INSERT INTO t VALUES (3)").run();
        sp.release();
    }
    tx.commit();
    auto st = db.prepare("SELECT group_concat(i) FROM (SELECT i FROM t ORDER BY i)");
    REQUIRE(st.step());
    CHECK(st.get_text(0) == "1,3");
    CHECK_THROWS_AS(Savepoint(db, "x; DROP TABLE t"), StoreError);
}

TEST_CASE("Times are RFC 3339 UTC with seconds", "[store][time]") {
    using namespace std::chrono;
    TimePoint t =
        sys_days{year{2026} / 11 / 26} + hours{3} + minutes{40} + seconds{7} + milliseconds{999};
    CHECK(format_time(t) == "2026-11-26T03:40:07Z");
    auto parsed = parse_time("2026-11-26T03:40:07Z");
    REQUIRE(parsed);
    CHECK(*parsed == floor<seconds>(t));
    CHECK(format_time(TimePoint{}) == "1970-01-01T00:00:00Z");
    for (const char* bad : {"", "2026-11-26", "2026-11-26T03:40:07", "2026-13-01T00:00:00Z",
                            "2026-02-30T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26 03:40:07Z",
                            "2026-11-26T03:40:07+01:00", "2O26-11-26T03:40:07Z"}) {
        INFO(bad);
        CHECK_FALSE(parse_time(bad));
    }
    // Text order is time order, which the token expiry query relies on.
    CHECK(format_time(t) < format_time(t + seconds{1}));
    CHECK(now_string().size() == 20);
}
