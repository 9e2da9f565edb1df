#include "store/repo.hpp"

#include <map>
#include <set>
#include <utility>

namespace samen::store {

// ---- municipalities ----

void upsert_municipality(Db& db, const Municipality& m) {
    db.prepare(
          "INSERT INTO municipality (code, name) VALUES (?1, ?2) "
          "ON CONFLICT (code) DO UPDATE SET name = excluded.name")
        .bind(1, m.code)
        .bind(2, m.name)
        .run();
}

std::optional<Municipality> find_municipality(Db& db, std::string_view code) {
    auto st = db.prepare("SELECT code, name FROM municipality WHERE code = ?1");
    st.bind(1, code);
    if (!st.step()) return std::nullopt;
    return Municipality{st.get_text(0), st.get_text(1)};
}

std::vector<Municipality> list_municipalities(Db& db) {
    auto st = db.prepare("SELECT code, name FROM municipality ORDER BY code");
    std::vector<Municipality> out;
    while (st.step()) out.push_back({st.get_text(0), st.get_text(1)});
    return out;
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
        .bind(1, user.name)
        .bind(2, user.display_name)
        .bind(3, user.municipality)
        .bind(4, user.role)
        .bind(5, user.password_hash)
        .bind(6, now)
        .run();
    return db.last_insert_rowid();
}

std::optional<UserRecord> find_user(Db& db, std::int64_t id) {
    static const std::string sql = std::string(kUserColumns) + "WHERE id = ?1";
    auto st = db.prepare(sql);
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return read_user(st);
}

std::optional<UserRecord> find_user_by_name(Db& db, std::string_view name) {
    static const std::string sql = std::string(kUserColumns) + "WHERE name = ?1";
    auto st = db.prepare(sql);
    st.bind(1, name);
    if (!st.step()) return std::nullopt;
    return read_user(st);
}

std::vector<UserRecord> list_users(Db& db) {
    static const std::string sql = std::string(kUserColumns) + "ORDER BY name";
    auto st = db.prepare(sql);
    std::vector<UserRecord> out;
    while (st.step()) out.push_back(read_user(st));
    return out;
}

bool set_password_hash(Db& db, std::int64_t user_id, std::string_view hash) {
    db.prepare("UPDATE user SET password_hash = ?2 WHERE id = ?1")
        .bind(1, user_id)
        .bind(2, hash)
        .run();
    return db.changes() > 0;
}

bool set_role(Db& db, std::int64_t user_id, std::string_view role) {
    db.prepare("UPDATE user SET role = ?2 WHERE id = ?1").bind(1, user_id).bind(2, role).run();
    return db.changes() > 0;
}

bool set_disabled(Db& db, std::int64_t user_id, bool disabled) {
    db.prepare("UPDATE user SET disabled = ?2 WHERE id = ?1")
        .bind(1, user_id)
        .bind(2, disabled)
        .run();
    return db.changes() > 0;
}

// ---- tokens ----

void insert_token(Db& db, std::string_view hash, std::int64_t user_id, std::string_view created_at,
                  std::string_view expires_at) {
    db.prepare("INSERT INTO token (hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(1, hash)
        .bind(2, user_id)
        .bind(3, created_at)
        .bind(4, expires_at)
        .run();
}

std::optional<std::int64_t> find_token_user(Db& db, std::string_view hash, std::string_view now) {
    auto st = db.prepare("SELECT user_id FROM token WHERE hash = ?1 AND expires_at > ?2");
    st.bind(1, hash).bind(2, now);
    if (!st.step()) return std::nullopt;
    return st.get_int(0);
}

bool delete_token(Db& db, std::string_view hash) {
    db.prepare("DELETE FROM token WHERE hash = ?1").bind(1, hash).run();
    return db.changes() > 0;
}

std::int64_t delete_expired_tokens(Db& db, std::string_view now) {
    db.prepare("DELETE FROM token WHERE expires_at <= ?1").bind(1, now).run();
    return db.changes();
}

std::int64_t delete_user_tokens(Db& db, std::int64_t user_id) {
    db.prepare("DELETE FROM token WHERE user_id = ?1").bind(1, user_id).run();
    return db.changes();
}

// ---- documents ----

namespace {

std::vector<std::string> document_municipalities(Db& db, std::string_view doc) {
    auto st = db.prepare("SELECT code FROM document_municipality WHERE doc = ?1 ORDER BY code");
    st.bind(1, doc);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.get_text(0));
    return out;
}

DocumentRecord read_document(const Statement& st) {
    DocumentRecord d;
    d.id = st.get_text(0);
    d.title = st.get_text(1);
    d.rev = st.get_int(2);
    d.archived = st.get_int(3) != 0;
    d.created_at = st.get_text(4);
    return d;
}

}  // namespace

void create_document(Db& db, std::string_view id, std::string_view title,
                     const std::vector<std::string>& municipalities, std::string_view now) {
    Savepoint sp(db, "create_document");
    db.prepare("INSERT INTO document (id, title, created_at) VALUES (?1, ?2, ?3)")
        .bind(1, id)
        .bind(2, title)
        .bind(3, now)
        .run();
    for (const auto& code : municipalities) {
        db.prepare("INSERT INTO document_municipality (doc, code) VALUES (?1, ?2)")
            .bind(1, id)
            .bind(2, code)
            .run();
    }
    sp.release();
}

std::optional<DocumentRecord> get_document(Db& db, std::string_view id) {
    std::optional<DocumentRecord> d;
    {
        auto st =
            db.prepare("SELECT id, title, rev, archived, created_at FROM document WHERE id = ?1");
        st.bind(1, id);
        if (!st.step()) return std::nullopt;
        d = read_document(st);
    }
    d->municipalities = document_municipalities(db, d->id);
    return d;
}

std::vector<DocumentRecord> list_documents(Db& db) {
    std::vector<DocumentRecord> out;
    {
        auto st =
            db.prepare("SELECT id, title, rev, archived, created_at FROM document ORDER BY id");
        while (st.step()) out.push_back(read_document(st));
    }
    for (auto& d : out) d.municipalities = document_municipalities(db, d.id);
    return out;
}

bool set_document_rev(Db& db, std::string_view id, std::int64_t rev) {
    db.prepare("UPDATE document SET rev = ?2 WHERE id = ?1").bind(1, id).bind(2, rev).run();
    return db.changes() > 0;
}

// ---- sections ----

void insert_section(Db& db, std::string_view doc, const SectionRecord& s) {
    db.prepare(
          "INSERT INTO section (doc, id, parent, position, title, owner, deleted) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, doc)
        .bind(2, s.id)
        .bind(3, s.parent)
        .bind(4, s.position)
        .bind(5, s.title)
        .bind(6, s.owner)
        .bind(7, s.deleted)
        .run();
}

bool update_section(Db& db, std::string_view doc, const SectionRecord& s) {
    db.prepare(
          "UPDATE section SET parent = ?3, position = ?4, title = ?5, owner = ?6, deleted = ?7 "
          "WHERE doc = ?1 AND id = ?2")
        .bind(1, doc)
        .bind(2, s.id)
        .bind(3, s.parent)
        .bind(4, s.position)
        .bind(5, s.title)
        .bind(6, s.owner)
        .bind(7, s.deleted)
        .run();
    return db.changes() > 0;
}

std::vector<SectionRecord> list_sections(Db& db, std::string_view doc) {
    std::vector<SectionRecord> all;
    {
        auto st = db.prepare(
            "SELECT id, parent, position, title, owner, deleted FROM section WHERE doc = ?1 "
            "ORDER BY position, id");
        st.bind(1, doc);
        while (st.step()) {
            all.push_back({st.get_text(0), st.get_opt_text(1), st.get_int(2), st.get_text(3),
                           st.get_opt_text(4), st.get_int(5) != 0});
        }
    }
    // Children by parent, each list already in sibling order (the query sorts by position).
    std::map<std::string, std::vector<std::size_t>, std::less<>> children;
    std::set<std::string, std::less<>> ids;
    for (const auto& s : all) ids.insert(s.id);
    std::vector<std::size_t> roots;
    std::vector<std::size_t> orphans;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& parent = all[i].parent;
        if (!parent) {
            roots.push_back(i);
        } else if (ids.count(*parent) == 0) {
            orphans.push_back(i);
        } else {
            children[*parent].push_back(i);
        }
    }
    roots.insert(roots.end(), orphans.begin(), orphans.end());

    // Depth first without recursion; `visited` guards against a parent cycle in bad data.
    std::vector<SectionRecord> out;
    out.reserve(all.size());
    std::vector<bool> visited(all.size(), false);
    std::vector<std::size_t> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
        std::size_t i = stack.back();
        stack.pop_back();
        if (visited[i]) continue;
        visited[i] = true;
        out.push_back(all[i]);
        auto it = children.find(all[i].id);
        if (it != children.end()) stack.insert(stack.end(), it->second.rbegin(), it->second.rend());
    }
    // Sections on a parent cycle are unreachable from any root: keep them, at the end.
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (!visited[i]) out.push_back(all[i]);
    }
    return out;
}

// ---- layers ----

void put_layer(Db& db, std::string_view doc, const LayerRecord& l) {
    db.prepare(
          "INSERT INTO layer (doc, section, layer, state, text, base, life, changed_rev) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
          "ON CONFLICT (doc, section, layer) DO UPDATE SET state = excluded.state, "
          "text = excluded.text, base = excluded.base, life = excluded.life, "
          "changed_rev = excluded.changed_rev")
        .bind(1, doc)
        .bind(2, l.section)
        .bind(3, l.layer)
        .bind(4, l.state)
        .bind(5, l.text)
        .bind(6, l.base)
        .bind(7, l.life)
        .bind(8, l.changed_rev)
        .run();
}

bool set_layer_text(Db& db, std::string_view doc, std::string_view section, std::string_view layer,
                    std::string_view text, std::int64_t changed_rev) {
    db.prepare(
          "UPDATE layer SET text = ?4, changed_rev = ?5 "
          "WHERE doc = ?1 AND section = ?2 AND layer = ?3")
        .bind(1, doc)
        .bind(2, section)
        .bind(3, layer)
        .bind(4, text)
        .bind(5, changed_rev)
        .run();
    return db.changes() > 0;
}

bool set_layer_state(Db& db, std::string_view doc, std::string_view section, std::string_view layer,
                     std::string_view state, std::optional<std::int64_t> base) {
    db.prepare(
          "UPDATE layer SET state = ?4, base = ?5 WHERE doc = ?1 AND section = ?2 AND layer = ?3")
        .bind(1, doc)
        .bind(2, section)
        .bind(3, layer)
        .bind(4, state)
        .bind(5, base)
        .run();
    return db.changes() > 0;
}

bool delete_layer(Db& db, std::string_view doc, std::string_view section, std::string_view layer) {
    db.prepare("DELETE FROM layer WHERE doc = ?1 AND section = ?2 AND layer = ?3")
        .bind(1, doc)
        .bind(2, section)
        .bind(3, layer)
        .run();
    return db.changes() > 0;
}

namespace {

LayerRecord read_layer(const Statement& st) {
    return {st.get_text(0),    st.get_text(1), st.get_text(2), st.get_text(3),
            st.get_opt_int(4), st.get_int(5),  st.get_int(6)};
}

}  // namespace

std::optional<LayerRecord> get_layer(Db& db, std::string_view doc, std::string_view section,
                                     std::string_view layer) {
    auto st = db.prepare(
        "SELECT section, layer, state, text, base, life, changed_rev FROM layer "
        "WHERE doc = ?1 AND section = ?2 AND layer = ?3");
    st.bind(1, doc).bind(2, section).bind(3, layer);
    if (!st.step()) return std::nullopt;
    return read_layer(st);
}

std::vector<LayerRecord> load_layers(Db& db, std::string_view doc) {
    auto st = db.prepare(
        "SELECT section, layer, state, text, base, life, changed_rev FROM layer WHERE doc = ?1 "
        "ORDER BY section, layer");
    st.bind(1, doc);
    std::vector<LayerRecord> out;
    while (st.step()) out.push_back(read_layer(st));
    return out;
}

// ---- changes ----

namespace {

constexpr const char* kChangeColumns =
    "SELECT doc, rev, kind, section, layer, op, data, author, opid, at FROM change ";

ChangeRecord read_change(const Statement& st) {
    ChangeRecord c;
    c.doc = st.get_text(0);
    c.rev = st.get_int(1);
    c.kind = st.get_text(2);
    c.section = st.get_opt_text(3);
    c.layer = st.get_opt_text(4);
    c.op = st.get_opt_text(5);
    c.data = st.get_opt_text(6);
    c.author = st.get_opt_int(7);
    c.opid = st.get_opt_text(8);
    c.at = st.get_text(9);
    return c;
}

}  // namespace

void append_change(Db& db, const ChangeRecord& c) {
    db.prepare(
          "INSERT INTO change (doc, rev, kind, section, layer, op, data, author, opid, at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
        .bind(1, c.doc)
        .bind(2, c.rev)
        .bind(3, c.kind)
        .bind(4, c.section)
        .bind(5, c.layer)
        .bind(6, c.op)
        .bind(7, c.data)
        .bind(8, c.author)
        .bind(9, c.opid)
        .bind(10, c.at)
        .run();
}

std::vector<ChangeRecord> list_layer_edits(Db& db, std::string_view doc, std::string_view section,
                                           std::string_view layer, std::int64_t after_rev) {
    static const std::string sql = std::string(kChangeColumns) +
                                   "WHERE doc = ?1 AND section = ?2 AND layer = ?3 AND rev > ?4 "
                                   "AND kind = 'edit' ORDER BY rev";
    auto st = db.prepare(sql);
    st.bind(1, doc).bind(2, section).bind(3, layer).bind(4, after_rev);
    std::vector<ChangeRecord> out;
    while (st.step()) out.push_back(read_change(st));
    return out;
}

std::vector<ChangeRecord> list_section_changes(Db& db, std::string_view doc,
                                               std::string_view section,
                                               const std::optional<std::string>& layer,
                                               std::int64_t before, std::int64_t limit) {
    static const std::string sql =
        "SELECT * FROM (" + std::string(kChangeColumns) +
        "WHERE doc = ?1 AND section = ?2 AND (?3 IS NULL OR layer = ?3) AND rev < ?4 "
        "ORDER BY rev DESC LIMIT ?5) ORDER BY rev";
    auto st = db.prepare(sql);
    st.bind(1, doc).bind(2, section).bind(3, layer).bind(4, before).bind(5, limit);
    std::vector<ChangeRecord> out;
    while (st.step()) out.push_back(read_change(st));
    return out;
}

std::optional<std::int64_t> find_change_by_opid(Db& db, std::string_view doc, std::int64_t author,
                                                std::string_view opid) {
    auto st = db.prepare("SELECT rev FROM change WHERE doc = ?1 AND author = ?2 AND opid = ?3");
    st.bind(1, doc).bind(2, author).bind(3, opid);
    if (!st.step()) return std::nullopt;
    return st.get_int(0);
}

std::vector<ChangeRecord> list_changes(Db& db, std::string_view doc, std::int64_t since,
                                       std::int64_t limit) {
    static const std::string sql =
        std::string(kChangeColumns) + "WHERE doc = ?1 AND rev > ?2 ORDER BY rev LIMIT ?3";
    auto st = db.prepare(sql);
    st.bind(1, doc).bind(2, since).bind(3, limit);
    std::vector<ChangeRecord> out;
    while (st.step()) out.push_back(read_change(st));
    return out;
}

}  // namespace samen::store
