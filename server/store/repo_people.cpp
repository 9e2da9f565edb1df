// SQL of municipalities, users, their sign-in tokens and the audit trail (store/repo.hpp).
#include "store/repo.hpp"
#include "store/repo_rows.hpp"

namespace samen::store {

using rows::read_int;
using rows::read_row;
using rows::read_rows;

// ---- municipalities ----

void upsert_municipality(Db& db, const Municipality& m) {
    db.prepare(
          "INSERT INTO municipality (code, name) VALUES (?1, ?2) "
          "ON CONFLICT (code) DO UPDATE SET name = excluded.name")
        .bind_all(m.code, m.name)
        .run();
}

namespace {

Municipality read_municipality(const Statement& st) {
    return {st.get_text(0), st.get_text(1)};
}

}  // namespace

std::optional<Municipality> find_municipality(Db& db, std::string_view code) {
    auto st = db.prepare("SELECT code, name FROM municipality WHERE code = ?1");
    st.bind_all(code);
    return read_row(st, read_municipality);
}

std::vector<Municipality> list_municipalities(Db& db) {
    auto st = db.prepare("SELECT code, name FROM municipality ORDER BY code");
    return read_rows(st, read_municipality);
}

// ---- users ----

namespace {

constexpr const char* kUserColumns =
    "SELECT id, name, display_name, municipality, role, password_hash, disabled, created_at "
    "FROM user ";

UserRecord read_user(const Statement& st) {
    UserRecord u;
    u.id = st.get_int(0);
    u.name = st.get_text(1);
    u.display_name = st.get_text(2);
    u.municipality = st.get_opt_text(3);
    u.role = st.get_text(4);
    u.password_hash = st.get_text(5);
    u.disabled = st.get_int(6) != 0;
    u.created_at = st.get_text(7);
    return u;
}

}  // namespace

std::int64_t create_user(Db& db, const NewUser& user, std::string_view now) {
    db.prepare(
          "INSERT INTO user (name, display_name, municipality, role, password_hash, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind_all(user.name, user.display_name, user.municipality, user.role, user.password_hash,
                  now)
        .run();
    return db.last_insert_rowid();
}

std::optional<UserRecord> find_user(Db& db, std::int64_t id) {
    static const std::string sql = std::string(kUserColumns) + "WHERE id = ?1";
    auto st = db.prepare(sql);
    st.bind_all(id);
    return read_row(st, read_user);
}

std::optional<UserRecord> find_user_by_name(Db& db, std::string_view name) {
    static const std::string sql = std::string(kUserColumns) + "WHERE name = ?1";
    auto st = db.prepare(sql);
    st.bind_all(name);
    return read_row(st, read_user);
}

std::vector<UserRecord> list_users(Db& db) {
    static const std::string sql = std::string(kUserColumns) + "ORDER BY name";
    auto st = db.prepare(sql);
    return read_rows(st, read_user);
}

bool set_password_hash(Db& db, std::int64_t user_id, std::string_view hash) {
    db.prepare("UPDATE user SET password_hash = ?2 WHERE id = ?1").bind_all(user_id, hash).run();
    return db.changes() > 0;
}

bool set_role(Db& db, std::int64_t user_id, std::string_view role) {
    db.prepare("UPDATE user SET role = ?2 WHERE id = ?1").bind_all(user_id, role).run();
    return db.changes() > 0;
}

bool set_disabled(Db& db, std::int64_t user_id, bool disabled) {
    db.prepare("UPDATE user SET disabled = ?2 WHERE id = ?1").bind_all(user_id, disabled).run();
    return db.changes() > 0;
}

// ---- tokens ----

void insert_token(Db& db, std::string_view hash, std::int64_t user_id, std::string_view created_at,
                  std::string_view expires_at) {
    db.prepare("INSERT INTO token (hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind_all(hash, user_id, created_at, expires_at)
        .run();
}

std::optional<std::int64_t> find_token_user(Db& db, std::string_view hash, std::string_view now) {
    auto st = db.prepare("SELECT user_id FROM token WHERE hash = ?1 AND expires_at > ?2");
    st.bind_all(hash, now);
    return read_row(st, read_int);
}

std::optional<TokenRecord> find_token(Db& db, std::string_view hash, std::string_view now) {
    auto st = db.prepare(
        "SELECT hash, user_id, created_at, expires_at FROM token WHERE hash = ?1 AND "
        "expires_at > ?2");
    st.bind_all(hash, now);
    return read_row(st, [](const Statement& row) {
        return TokenRecord{row.get_text(0), row.get_int(1), row.get_text(2), row.get_text(3)};
    });
}

std::int64_t auth_epoch(Db& db) {
    auto st = db.prepare("SELECT n FROM auth_epoch WHERE id = 1");
    return read_row(st, read_int).value_or(0);
}

bool delete_token(Db& db, std::string_view hash) {
    db.prepare("DELETE FROM token WHERE hash = ?1").bind_all(hash).run();
    return db.changes() > 0;
}

std::int64_t delete_expired_tokens(Db& db, std::string_view now) {
    db.prepare("DELETE FROM token WHERE expires_at <= ?1").bind_all(now).run();
    return db.changes();
}

std::int64_t delete_user_tokens(Db& db, std::int64_t user_id) {
    db.prepare("DELETE FROM token WHERE user_id = ?1").bind_all(user_id).run();
    return db.changes();
}

// ---- audit ----

std::int64_t append_audit(Db& db, const AuditEntry& entry) {
    db.prepare(
          "INSERT INTO audit (at, user_id, user_name, address, action, detail) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind_all(entry.at, entry.user_id, entry.user_name, entry.address, entry.action,
                  entry.detail)
        .run();
    return db.last_insert_rowid();
}

std::vector<AuditEntry> list_audit(Db& db, const AuditFilter& filter) {
    auto st = db.prepare(
        "SELECT id, at, user_id, user_name, address, action, detail FROM ("
        "  SELECT * FROM audit"
        "  WHERE (?1 IS NULL OR at >= ?1)"
        "    AND (?2 IS NULL OR user_name = ?2 OR json_extract(detail, '$.user') = ?2)"
        "  ORDER BY id DESC LIMIT ?3"
        ") ORDER BY id");
    st.bind_all(filter.since, filter.user, filter.limit);
    return read_rows(st, [](const Statement& row) {
        return AuditEntry{row.get_int(0),      row.get_text(1),     row.get_opt_int(2),
                          row.get_opt_text(3), row.get_opt_text(4), row.get_text(5),
                          row.get_text(6)};
    });
}

}  // namespace samen::store
