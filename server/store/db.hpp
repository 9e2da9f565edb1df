// A thin RAII layer over SQLite: a connection (`Db`) with a cache of prepared statements,
// statements bound by index, and transactions and savepoints that roll back unless committed.
// Every SQLite failure throws `StoreError` carrying SQLite's extended result code.
//
// A `Db` is used by one thread at a time (whichever runs the store's batch, or one of its readers);
// nothing here locks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace samen::store {

class StoreError : public std::runtime_error {
  public:
    /// `code` is SQLite's extended result code, or 0 for errors of the store itself.
    StoreError(int code, const std::string& message);
    int code() const noexcept { return code_; }
    /// The primary result code (SQLITE_CONSTRAINT for SQLITE_CONSTRAINT_UNIQUE, ...).
    int primary_code() const noexcept { return code_ & 0xff; }
    /// A UNIQUE or PRIMARY KEY constraint failed: the row exists already.
    bool is_duplicate() const noexcept;

  private:
    int code_;
};

/// The store takes no more work now (its queue is full, or it is stopping): try again later.
class Overloaded : public StoreError {
  public:
    explicit Overloaded(const std::string& message) : StoreError(0, message) {}
};

class Db;

/// A prepared statement in use. Statements prepared through `Db::prepare` come from the
/// connection's cache; the handle resets and unbinds it when it goes out of scope, so a cached
/// statement never keeps a read transaction open.
class Statement {
  public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    // Parameters are numbered from 1, as in SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::string& value) {
        return bind(index, std::string_view(value));
    }
    Statement& bind(int index, std::nullptr_t);
    Statement& bind(int index, const std::optional<std::string>& value);
    Statement& bind(int index, const std::optional<std::int64_t>& value);
    /// Binds `values` to ?1, ?2, ... in order.
    template <class... Values>
    Statement& bind_all(const Values&... values) {
        int index = 0;
        (bind(++index, values), ...);
        return *this;
    }

    /// Runs to the next row: true when a row is ready, false when the statement is done.
    bool step();
    /// Steps a statement that returns no rows (INSERT, UPDATE, ...).
    void run();
    /// Ready to run again with new bindings (the old ones are cleared).
    void reset();

    // Columns are numbered from 0, as in SQLite.
    bool is_null(int column) const;
    std::int64_t get_int(int column) const;
    std::string get_text(int column) const;
    std::optional<std::int64_t> get_opt_int(int column) const;
    std::optional<std::string> get_opt_text(int column) const;

  private:
    friend class Db;
    Statement(Db* db, sqlite3_stmt* stmt, bool* busy);
    [[noreturn]] void fail(int rc, const char* what) const;

    Db* db_;
    sqlite3_stmt* stmt_;
    bool* busy_;  // the cache entry's in-use flag; null for an uncached statement it owns
};

/// What a connection may do: the writer's changes the file; a reader's cannot (SQLite opens it
/// read-only and `PRAGMA query_only` refuses every write).
enum class Access { read_write, read_only };

class Db {
  public:
    /// Opens (creating when missing) the SQLite file at `path` with Samen's settings: WAL,
    /// synchronous=FULL (an acknowledged change is on disk), foreign keys on, and a busy timeout
    /// so that a second process (the admin commands) waits for the writer instead of failing.
    /// `Access::read_only` opens an existing file in WAL mode for reading: in WAL a reader sees
    /// the last commit when its read transaction starts and never blocks the writer.
    explicit Db(const std::string& path, int busy_timeout_ms = 5000,
                Access access = Access::read_write);
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db();

    /// A statement for `sql`, prepared once per connection and reused (the cache keeps every SQL
    /// text it sees: pass fixed SQL with parameters, never values spliced into the text). When the
    /// cached one is still in use (a statement run while iterating the same one), a fresh one is
    /// prepared.
    Statement prepare(std::string_view sql);
    /// Runs SQL text that may hold several statements and returns no rows.
    void exec(const std::string& sql);

    std::int64_t last_insert_rowid() const;
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    std::int64_t changes() const;
    /// True when no transaction is open (SQLite may roll one back by itself after some errors).
    bool autocommit() const;
    int user_version();
    const std::string& path() const { return path_; }
    sqlite3* handle() const { return db_; }

    [[noreturn]] void fail(int rc, std::string_view what) const;

  private:
    struct Cached;
    // Heterogeneous lookup: finding a statement by its SQL allocates nothing.
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const noexcept {
            return std::hash<std::string_view>{}(sql);
        }
    };
    sqlite3* db_ = nullptr;
    std::string path_;
    std::unordered_map<std::string, std::unique_ptr<Cached>, SqlHash, std::equal_to<>> cache_;
};

/// BEGIN IMMEDIATE ... COMMIT (`Access::read_only`: BEGIN, a read transaction that sees one
/// committed state throughout); rolls back in its destructor unless `commit()` ran.
class Transaction {
  public:
    explicit Transaction(Db& db, Access access = Access::read_write);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    Db& db_;
    bool done_ = false;
};

/// SAVEPOINT name ... RELEASE; rolls back to the savepoint (and releases it) in its destructor
/// unless `release()` ran. Nests inside a transaction or another savepoint.
class Savepoint {
  public:
    Savepoint(Db& db, std::string name);
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;
    ~Savepoint();
    void release();
    /// Undo everything since the savepoint and end it.
    void rollback();

  private:
    Db& db_;
    std::string name_;
    bool done_ = false;
};

}  // namespace samen::store
