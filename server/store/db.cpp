#include "store/db.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <utility>

namespace samen::store {

StoreError::StoreError(int code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

bool StoreError::is_duplicate() const noexcept {
    return code_ == SQLITE_CONSTRAINT_UNIQUE || code_ == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// ---- Statement ----

Statement::Statement(Db* db, sqlite3_stmt* stmt, bool* busy) : db_(db), stmt_(stmt), busy_(busy) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      busy_(std::exchange(other.busy_, nullptr)) {}

Statement::~Statement() {
    if (stmt_ == nullptr) return;
    if (busy_ != nullptr) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        *busy_ = false;
    } else {
        sqlite3_finalize(stmt_);
    }
}

void Statement::fail(int rc, const char* what) const {
    const char* sql = sqlite3_sql(stmt_);
    db_->fail(rc, std::string(what) + " [" + (sql != nullptr ? sql : "") + "]");
}

Statement& Statement::bind(int index, std::int64_t value) {
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    if (value.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw StoreError(SQLITE_TOOBIG, "bind: text too large");
    }
    // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's string may go away.
    int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                               SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind(index, nullptr);
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(rc, "step");
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::get_int(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string Statement::get_text(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::int64_t> Statement::get_opt_int(int column) const {
    if (is_null(column)) return std::nullopt;
    return get_int(column);
}

std::optional<std::string> Statement::get_opt_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return get_text(column);
}

// ---- Db ----

struct Db::Cached {
    sqlite3_stmt* stmt = nullptr;
    bool busy = false;
    ~Cached() { sqlite3_finalize(stmt); }
};

namespace {

/// Before the first connection: SQLite counts every allocation under one global mutex unless told
/// not to, and nothing here reads the count.
void configure_sqlite() {
    static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)once;  // SQLITE_MISUSE when SQLite was in use already: it then keeps counting
}

}  // namespace

Db::Db(const std::string& path, int busy_timeout_ms, Access access) : path_(path) {
    configure_sqlite();
    const bool writer = access == Access::read_write;
    int flags = (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
                SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = "cannot open " + path + ": " +
                              (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        int code = db_ != nullptr ? sqlite3_extended_errcode(db_) : rc;
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError(code, message);
    }
    try {
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, busy_timeout_ms);
        {
            // A reader cannot switch the file to WAL; it checks that the writer has.
            auto mode = prepare(writer ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode");
            if (!mode.step() || mode.get_text(0) != "wal") {
                throw StoreError(SQLITE_ERROR, "cannot use WAL mode for " + path);
            }
        }
        exec(writer ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                    : "PRAGMA query_only=ON; PRAGMA foreign_keys=ON;");
    } catch (...) {
        cache_.clear();
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

Db::~Db() {
    cache_.clear();  // finalize every statement before closing
    sqlite3_close(db_);
}

void Db::fail(int rc, std::string_view what) const {
    const char* message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    throw StoreError(rc, std::string(what) + ": " + message);
}

Statement Db::prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        auto cached = std::make_unique<Cached>();
        int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &cached->stmt, nullptr);
        if (rc != SQLITE_OK)
            fail(sqlite3_extended_errcode(db_), "prepare [" + std::string(sql) + "]");
        it = cache_.emplace(std::string(sql), std::move(cached)).first;
    }
    Cached& cached = *it->second;
    if (!cached.busy) {
        cached.busy = true;
        return Statement(this, cached.stmt, &cached.busy);
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) fail(sqlite3_extended_errcode(db_), "prepare [" + std::string(sql) + "]");
    return Statement(this, stmt, nullptr);
}

void Db::exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error != nullptr ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw StoreError(sqlite3_extended_errcode(db_), "exec: " + message);
    }
}

std::int64_t Db::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

std::int64_t Db::changes() const {
    return sqlite3_changes64(db_);
}

bool Db::autocommit() const {
    return sqlite3_get_autocommit(db_) != 0;
}

int Db::user_version() {
    auto st = prepare("PRAGMA user_version");
    st.step();
    return static_cast<int>(st.get_int(0));
}

// ---- Transaction, Savepoint ----

Transaction::Transaction(Db& db, Access access) : db_(db) {
    db_.prepare(access == Access::read_write ? "BEGIN IMMEDIATE" : "BEGIN").run();
}

Transaction::~Transaction() {
    if (done_ || db_.autocommit()) return;
    try {
        db_.prepare("ROLLBACK").run();
    } catch (...) {
        // Nothing more to do: SQLite rolls back what is not committed when the connection closes.
    }
}

void Transaction::commit() {
    db_.prepare("COMMIT").run();
    done_ = true;
}

namespace {
bool valid_identifier(const std::string& name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) != 0) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    });
}
}  // namespace

Savepoint::Savepoint(Db& db, std::string name) : db_(db), name_(std::move(name)) {
    // Savepoint names cannot be bound as parameters; only plain identifiers get into the SQL.
    if (!valid_identifier(name_)) throw StoreError(0, "bad savepoint name: " + name_);
    db_.prepare("SAVEPOINT " + name_).run();
}

Savepoint::~Savepoint() {
    if (done_) return;
    try {
        rollback();
    } catch (...) {
        // The enclosing transaction was already rolled back by SQLite; nothing is left to undo.
    }
}

void Savepoint::release() {
    db_.prepare("RELEASE " + name_).run();
    done_ = true;
}

void Savepoint::rollback() {
    done_ = true;
    if (db_.autocommit()) return;
    db_.prepare("ROLLBACK TO " + name_).run();
    db_.prepare("RELEASE " + name_).run();
}

}  // namespace samen::store
