#include "store/repo.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace samen::store {

namespace {

/// Every row the statement gives, each read by `read`.
template <class Read>
auto read_rows(Statement& st, Read read) -> std::vector<decltype(read(st))> {
    std::vector<decltype(read(st))> out;
    while (st.step()) out.push_back(read(st));
    return out;
}

/// The first row the statement gives, read by `read`.
template <class Read>
auto read_row(Statement& st, Read read) -> std::optional<decltype(read(st))> {
    if (!st.step()) return std::nullopt;
    return read(st);
}

std::int64_t read_int(const Statement& st) {
    return st.get_int(0);
}

std::string read_text(const Statement& st) {
    return st.get_text(0);
}

}  // namespace

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

// ---- documents ----

namespace {

constexpr const char* kDocumentColumns =
    "SELECT id, title, rev, archived, created_at FROM document ";

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
        .bind_all(id, title, now)
        .run();
    for (const auto& code : municipalities) {
        db.prepare("INSERT INTO document_municipality (doc, code) VALUES (?1, ?2)")
            .bind_all(id, code)
            .run();
    }
    sp.release();
}

std::optional<DocumentRecord> get_document(Db& db, std::string_view id) {
    static const std::string sql = std::string(kDocumentColumns) + "WHERE id = ?1";
    std::optional<DocumentRecord> d;
    {
        auto st = db.prepare(sql);
        st.bind_all(id);
        d = read_row(st, read_document);
    }
    if (!d) return std::nullopt;
    auto st = db.prepare("SELECT code FROM document_municipality WHERE doc = ?1 ORDER BY code");
    st.bind_all(id);
    d->municipalities = read_rows(st, read_text);
    return d;
}

std::vector<DocumentRecord> list_documents(Db& db) {
    static const std::string sql = std::string(kDocumentColumns) + "ORDER BY id";
    std::vector<DocumentRecord> out;
    {
        auto st = db.prepare(sql);
        out = read_rows(st, read_document);
    }
    // Every document's municipalities in one read, in the documents' order.
    auto st = db.prepare("SELECT doc, code FROM document_municipality ORDER BY doc, code");
    auto d = out.begin();
    while (st.step()) {
        const std::string doc = st.get_text(0);
        while (d != out.end() && d->id < doc) ++d;
        if (d == out.end()) break;
        if (d->id == doc) d->municipalities.push_back(st.get_text(1));
    }
    return out;
}

bool advance_document_rev(Db& db, std::string_view id, std::int64_t rev) {
    db.prepare("UPDATE document SET rev = ?2 WHERE id = ?1 AND rev = ?2 - 1")
        .bind_all(id, rev)
        .run();
    return db.changes() > 0;
}

bool rename_document(Db& db, std::string_view id, std::string_view title) {
    db.prepare("UPDATE document SET title = ?2 WHERE id = ?1").bind_all(id, title).run();
    return db.changes() > 0;
}

bool archive_document(Db& db, std::string_view id, bool archived) {
    db.prepare("UPDATE document SET archived = ?2 WHERE id = ?1").bind_all(id, archived).run();
    return db.changes() > 0;
}

// ---- sections ----

namespace {

/// Both statements number a section's columns alike: ?1 doc, ?2 id, then the rest in order.
void run_section(Db& db, std::string_view sql, std::string_view doc, const SectionRecord& s) {
    db.prepare(sql)
        .bind_all(doc, s.id, s.parent, s.position, s.title, s.owner, s.deleted, s.deleted_rev,
                  s.kind)
        .run();
}

}  // namespace

void insert_section(Db& db, std::string_view doc, const SectionRecord& s) {
    run_section(db,
                "INSERT INTO section (doc, id, parent, position, title, owner, deleted, "
                "deleted_rev, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                doc, s);
}

bool update_section(Db& db, std::string_view doc, const SectionRecord& s) {
    run_section(db,
                "UPDATE section SET parent = ?3, position = ?4, title = ?5, owner = ?6, "
                "deleted = ?7, deleted_rev = ?8, kind = ?9 WHERE doc = ?1 AND id = ?2",
                doc, s);
    return db.changes() > 0;
}

std::vector<SectionRecord> list_sections(Db& db, std::string_view doc) {
    std::vector<SectionRecord> all;
    {
        auto st = db.prepare(
            "SELECT id, parent, position, title, owner, deleted, deleted_rev, kind FROM section "
            "WHERE doc = ?1 ORDER BY position, id");
        st.bind_all(doc);
        all = read_rows(st, [](const Statement& row) {
            return SectionRecord{row.get_text(0),    row.get_opt_text(1), row.get_int(2),
                                 row.get_text(3),    row.get_opt_text(4), row.get_int(5) != 0,
                                 row.get_opt_int(6), row.get_text(7)};
        });
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
          "INSERT INTO layer (doc, section, layer, state, text, base, life, changed_rev, text_rev) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
          "ON CONFLICT (doc, section, layer) DO UPDATE SET state = excluded.state, "
          "text = excluded.text, base = excluded.base, life = excluded.life, "
          "changed_rev = excluded.changed_rev, text_rev = excluded.text_rev")
        .bind_all(doc, l.section, l.layer, l.state, l.text, l.base, l.life, l.changed_rev,
                  l.text_rev)
        .run();
}

bool set_layer_checkpoint(Db& db, std::string_view doc, std::string_view section,
                          std::string_view layer, std::string_view text, std::int64_t rev,
                          std::int64_t changed_rev) {
    db.prepare(
          "UPDATE layer SET text = ?4, text_rev = ?5, changed_rev = ?6 "
          "WHERE doc = ?1 AND section = ?2 AND layer = ?3")
        .bind_all(doc, section, layer, text, rev, changed_rev)
        .run();
    return db.changes() > 0;
}

bool set_layer_state(Db& db, std::string_view doc, std::string_view section, std::string_view layer,
                     std::string_view state, std::optional<std::int64_t> base) {
    db.prepare(
          "UPDATE layer SET state = ?4, base = ?5 WHERE doc = ?1 AND section = ?2 AND layer = ?3")
        .bind_all(doc, section, layer, state, base)
        .run();
    return db.changes() > 0;
}

bool delete_layer(Db& db, std::string_view doc, std::string_view section, std::string_view layer) {
    db.prepare("DELETE FROM layer WHERE doc = ?1 AND section = ?2 AND layer = ?3")
        .bind_all(doc, section, layer)
        .run();
    return db.changes() > 0;
}

namespace {

LayerRecord read_layer(const Statement& st) {
    return {st.get_text(0),    st.get_text(1), st.get_text(2), st.get_text(3),
            st.get_opt_int(4), st.get_int(5),  st.get_int(6),  st.get_int(7)};
}

}  // namespace

std::optional<LayerRecord> get_layer(Db& db, std::string_view doc, std::string_view section,
                                     std::string_view layer) {
    auto st = db.prepare(
        "SELECT section, layer, state, text, base, life, changed_rev, text_rev FROM layer "
        "WHERE doc = ?1 AND section = ?2 AND layer = ?3");
    st.bind_all(doc, section, layer);
    return read_row(st, read_layer);
}

std::vector<LayerRecord> load_layers(Db& db, std::string_view doc) {
    auto st = db.prepare(
        "SELECT section, layer, state, text, base, life, changed_rev, text_rev FROM layer "
        "WHERE doc = ?1 ORDER BY section, layer");
    st.bind_all(doc);
    return read_rows(st, read_layer);
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
        .bind_all(c.doc, c.rev, c.kind, c.section, c.layer, c.op, c.data, c.author, c.opid, c.at)
        .run();
}

std::vector<ChangeRecord> list_layer_edits(Db& db, std::string_view doc, std::string_view section,
                                           std::string_view layer, std::int64_t after_rev) {
    static const std::string sql = std::string(kChangeColumns) +
                                   "WHERE doc = ?1 AND section = ?2 AND layer = ?3 AND rev > ?4 "
                                   "AND kind = 'edit' ORDER BY rev";
    auto st = db.prepare(sql);
    st.bind_all(doc, section, layer, after_rev);
    return read_rows(st, read_change);
}

std::vector<ChangeRecord> list_edits_after_checkpoints(Db& db, std::string_view doc) {
    // Layer by layer (CROSS JOIN keeps that order), the edits after its checkpoint through the
    // change_layer index (INDEXED BY: SQLite would walk the primary key from the checkpoint on
    // instead): a layer whose checkpoint is old but that nobody edited since costs one
    // index seek, not a walk over every change after its checkpoint
    // (docs/performance/reading-the-past.md, "A long history").
    static const std::string sql =
        "SELECT c.doc, c.rev, c.kind, c.section, c.layer, c.op, c.data, c.author, c.opid, c.at "
        "FROM layer l CROSS JOIN change c INDEXED BY change_layer ON c.doc = l.doc AND c.section = "
        "l.section AND "
        "c.layer = l.layer AND c.rev > l.text_rev "
        "WHERE l.doc = ?1 AND c.kind = 'edit' ORDER BY c.rev";
    auto st = db.prepare(sql);
    st.bind_all(doc);
    return read_rows(st, read_change);
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
    st.bind_all(doc, section, layer, before, limit);
    return read_rows(st, read_change);
}

std::vector<ChangeRecord> list_changes(Db& db, std::string_view doc, std::int64_t since,
                                       std::int64_t limit) {
    static const std::string sql =
        std::string(kChangeColumns) + "WHERE doc = ?1 AND rev > ?2 ORDER BY rev LIMIT ?3";
    auto st = db.prepare(sql);
    st.bind_all(doc, since, limit);
    return read_rows(st, read_change);
}

std::int64_t rev_at_time(Db& db, std::string_view doc, std::string_view at) {
    // The times are UTC in one fixed format, so they order as text. They are the server's clock,
    // which may step back, so the newest change made by then may lie anywhere: the blocks whose
    // earliest change is later are skipped, and the first one that is not is read change by
    // change, newest first (docs/decisions/0028-change-time-blocks.md).
    auto last_st = db.prepare("SELECT COALESCE(MAX(rev), 0) FROM change WHERE doc = ?1");
    last_st.bind_all(doc);
    const std::int64_t last = last_st.step() ? last_st.get_int(0) : 0;
    last_st.reset();
    std::vector<std::pair<std::int64_t, bool>> blocks;  // block, has a change made by then
    {
        auto st = db.prepare(
            "SELECT block, min_at <= ?2 FROM change_time_block WHERE doc = ?1 ORDER BY block DESC");
        st.bind_all(doc, at);
        while (st.step()) blocks.emplace_back(st.get_int(0), st.get_int(1) != 0);
    }
    auto newest_in = [&](std::int64_t from, std::int64_t to) -> std::optional<std::int64_t> {
        auto st = db.prepare(
            "SELECT rev FROM change WHERE doc = ?1 AND rev BETWEEN ?2 AND ?3 AND at <= ?4 "
            "ORDER BY rev DESC LIMIT 1");
        st.bind_all(doc, from, to, at);
        return read_row(st, read_int);
    };
    // The changes after the last full block, then the blocks newest first; a block without a
    // row (not written yet, or lost) is read change by change.
    const std::int64_t full = last / kChangeTimeBlock;
    if (auto rev = newest_in(full * kChangeTimeBlock + 1, last)) return *rev;
    auto known = blocks.begin();
    for (std::int64_t block = full - 1; block >= 0; --block) {
        while (known != blocks.end() && known->first > block) ++known;
        if (known != blocks.end() && known->first == block && !known->second) continue;
        if (auto rev = newest_in(block * kChangeTimeBlock + 1, (block + 1) * kChangeTimeBlock)) {
            return *rev;
        }
    }
    return 0;
}

void write_change_time_blocks(Db& db, std::string_view doc, std::int64_t first, std::int64_t last) {
    // A block that is not full (its changes written out of order) gets no row: it is read change
    // by change until it is written again.
    for (std::int64_t end = (std::max<std::int64_t>(first, 1) + kChangeTimeBlock - 1) /
                            kChangeTimeBlock * kChangeTimeBlock;
         end <= last; end += kChangeTimeBlock) {
        db.prepare(
              "INSERT OR REPLACE INTO change_time_block (doc, block, min_at) "
              "SELECT ?1, ?2, MIN(at) FROM change WHERE doc = ?1 AND rev BETWEEN ?3 AND ?4 "
              "HAVING COUNT(*) = ?5")
            .bind_all(doc, end / kChangeTimeBlock - 1, end - kChangeTimeBlock + 1, end,
                      kChangeTimeBlock)
            .run();
    }
}

void record_visit(Db& db, std::int64_t user, std::string_view doc, std::int64_t rev,
                  std::string_view at) {
    db.prepare(
          "INSERT INTO visit (user, doc, rev, at) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (user, doc) DO UPDATE SET rev = MAX(rev, excluded.rev), at = excluded.at")
        .bind_all(user, doc, rev, at)
        .run();
}

std::optional<VisitRecord> find_visit(Db& db, std::int64_t user, std::string_view doc) {
    auto st = db.prepare("SELECT rev, at FROM visit WHERE user = ?1 AND doc = ?2");
    st.bind_all(user, doc);
    if (!st.step()) return std::nullopt;
    return VisitRecord{st.get_int(0), st.get_text(1)};
}

ChangesByOthers changes_by_others(Db& db, std::string_view doc, std::int64_t after,
                                  std::int64_t user, std::int64_t limit) {
    static constexpr std::string_view others =
        " FROM change WHERE doc = ?1 AND rev > ?2 AND (author IS NULL OR author <> ?3)";
    ChangesByOthers out;
    auto totals = db.prepare("SELECT COUNT(*), COALESCE(MAX(rev), 0)" + std::string(others));
    totals.bind_all(doc, after, user);
    if (totals.step()) {
        out.count = totals.get_int(0);
        out.last_rev = totals.get_int(1);
    }
    if (out.count == 0) return out;
    auto sections = db.prepare("SELECT section" + std::string(others) +
                               " AND section IS NOT NULL GROUP BY section ORDER BY MIN(rev) "
                               "LIMIT ?4");
    sections.bind_all(doc, after, user, limit);
    out.sections = read_rows(sections, [](const Statement& row) { return row.get_text(0); });
    auto authors = db.prepare("SELECT author" + std::string(others) +
                              " AND author IS NOT NULL GROUP BY author ORDER BY MIN(rev) LIMIT ?4");
    authors.bind_all(doc, after, user, limit);
    out.authors = read_rows(authors, [](const Statement& row) { return row.get_int(0); });
    return out;
}

std::vector<TextChangeRecord> list_last_text_changes(Db& db, std::string_view doc,
                                                     std::int64_t upto) {
    auto st = db.prepare(
        "SELECT section, COALESCE(layer, ''), MAX(rev) FROM change WHERE doc = ?1 AND rev <= ?2 "
        "AND kind IN ('edit', 'diverge', 'section.create') GROUP BY section, layer "
        "ORDER BY section, layer");
    st.bind_all(doc, upto);
    return read_rows(st, [](const Statement& row) {
        return TextChangeRecord{row.get_text(0), row.get_text(1), row.get_int(2)};
    });
}

std::int64_t last_text_change(Db& db, std::string_view doc, std::string_view section,
                              std::string_view layer, std::int64_t upto) {
    // Newest first along change_layer (doc, section, layer, rev): the first text change found
    // ends the walk, usually at once (a layer's changes are mostly its edits). INDEXED BY: left
    // to itself SQLite walks the primary key (doc, rev) down for `layer IS NULL`, past every
    // change of the document (docs/performance/reading-the-past.md, "A long history").
    static const std::string sql =
        "SELECT rev FROM change INDEXED BY change_layer WHERE doc = ?1 AND section = ?2 AND "
        "layer = ?3 AND rev <= ?4 AND kind IN ('edit', 'diverge') ORDER BY rev DESC LIMIT 1";
    static const std::string created =
        "SELECT rev FROM change INDEXED BY change_layer WHERE doc = ?1 AND section = ?2 AND "
        "layer IS NULL AND rev <= ?3 AND kind = 'section.create' ORDER BY rev DESC LIMIT 1";
    auto st = db.prepare(layer.empty() ? created : sql);
    if (layer.empty()) {
        st.bind_all(doc, section, upto);
    } else {
        st.bind_all(doc, section, layer, upto);
    }
    return read_row(st, read_int).value_or(0);
}

// ---- document snapshots ----

void put_document_snapshot(Db& db, std::string_view doc, std::int64_t rev, std::string_view data) {
    db.prepare("INSERT OR REPLACE INTO document_snapshot (doc, rev, data) VALUES (?1, ?2, ?3)")
        .bind_all(doc, rev, data)
        .run();
}

std::optional<SnapshotRecord> find_document_snapshot(Db& db, std::string_view doc,
                                                     std::int64_t from, std::int64_t below) {
    auto st = db.prepare(
        "SELECT rev, data FROM document_snapshot WHERE doc = ?1 AND rev >= ?2 AND rev < ?3 "
        "ORDER BY rev LIMIT 1");
    st.bind_all(doc, from, below);
    if (!st.step()) return std::nullopt;
    return SnapshotRecord{st.get_int(0), st.get_text(1)};
}

std::vector<std::int64_t> list_document_snapshots(Db& db, std::string_view doc) {
    auto st = db.prepare("SELECT rev FROM document_snapshot WHERE doc = ?1 ORDER BY rev");
    st.bind_all(doc);
    return read_rows(st, read_int);
}

// ---- proposals and their votes ----

void insert_proposal(Db& db, std::string_view doc, const ProposalRecord& p) {
    db.prepare(
          "INSERT INTO proposal (doc, id, section, layer, text, common_text, base, proposer, "
          "created_at, state, closed_rev) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        .bind_all(doc, p.id, p.section, p.layer, p.text, p.common_text, p.base, p.proposer,
                  p.created_at, p.state, p.closed_rev)
        .run();
}

std::vector<ProposalRecord> list_open_proposals(Db& db, std::string_view doc) {
    auto st = db.prepare(
        "SELECT id, section, layer, text, common_text, base, proposer, created_at, state, "
        "closed_rev FROM proposal WHERE doc = ?1 AND state = 'open' ORDER BY id");
    st.bind_all(doc);
    return read_rows(st, [](const Statement& row) {
        ProposalRecord p;
        p.id = row.get_int(0);
        p.section = row.get_text(1);
        p.layer = row.get_text(2);
        p.text = row.get_text(3);
        p.common_text = row.get_text(4);
        p.base = row.get_int(5);
        p.proposer = row.get_int(6);
        p.created_at = row.get_text(7);
        p.state = row.get_text(8);
        p.closed_rev = row.get_opt_int(9);
        return p;
    });
}

std::int64_t next_proposal_id(Db& db, std::string_view doc) {
    auto st = db.prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM proposal WHERE doc = ?1");
    st.bind_all(doc);
    return read_row(st, read_int).value_or(1);
}

bool set_proposal_state(Db& db, std::string_view doc, std::int64_t id, std::string_view state,
                        std::int64_t closed_rev) {
    db.prepare("UPDATE proposal SET state = ?3, closed_rev = ?4 WHERE doc = ?1 AND id = ?2")
        .bind_all(doc, id, state, closed_rev)
        .run();
    return db.changes() > 0;
}

void insert_vote(Db& db, std::string_view doc, const VoteRecord& v) {
    db.prepare(
          "INSERT INTO proposal_vote (doc, proposal, municipality, vote, user_id, rev, at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind_all(doc, v.proposal, v.municipality, v.vote, v.user, v.rev, v.at)
        .run();
}

std::vector<VoteRecord> list_open_votes(Db& db, std::string_view doc) {
    auto st = db.prepare(
        "SELECT v.proposal, v.municipality, v.vote, v.user_id, v.rev, v.at "
        "FROM proposal_vote v JOIN proposal p ON p.doc = v.doc AND p.id = v.proposal "
        "WHERE v.doc = ?1 AND p.state = 'open' ORDER BY v.proposal, v.municipality");
    st.bind_all(doc);
    return read_rows(st, [](const Statement& row) {
        return VoteRecord{row.get_int(0), row.get_text(1), row.get_text(2),
                          row.get_int(3), row.get_int(4),  row.get_text(5)};
    });
}

// ---- named versions ----

namespace {

constexpr const char* kVersionColumns = "SELECT doc, label, rev, author, created_at FROM version ";

VersionRecord read_version(const Statement& st) {
    return {st.get_text(0), st.get_text(1), st.get_int(2), st.get_int(3), st.get_text(4)};
}

}  // namespace

void insert_thread(Db& db, std::string_view doc, const ThreadRecord& t) {
    db.prepare(
          "INSERT INTO thread (doc, id, section, layer, anchor_from, anchor_to, municipality, "
          "proposal, resolved) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .bind_all(doc, t.id, t.section, t.layer, t.from, t.to, t.municipality, t.proposal,
                  std::int64_t{t.resolved ? 1 : 0})
        .run();
}

void insert_thread_comment(Db& db, std::string_view doc, const ThreadCommentRecord& c) {
    db.prepare(
          "INSERT INTO thread_comment (doc, thread, id, author, text, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind_all(doc, c.thread, c.id, c.author, c.text, c.created_at)
        .run();
}

void set_thread_resolved(Db& db, std::string_view doc, std::int64_t thread, bool resolved) {
    db.prepare("UPDATE thread SET resolved = ?3 WHERE doc = ?1 AND id = ?2")
        .bind_all(doc, thread, std::int64_t{resolved ? 1 : 0})
        .run();
}

void set_thread_anchor(Db& db, std::string_view doc, std::int64_t thread, std::int64_t from,
                       std::int64_t to) {
    db.prepare("UPDATE thread SET anchor_from = ?3, anchor_to = ?4 WHERE doc = ?1 AND id = ?2")
        .bind_all(doc, thread, from, to)
        .run();
}

std::vector<ThreadRecord> list_threads(Db& db, std::string_view doc) {
    auto st = db.prepare(
        "SELECT id, section, layer, anchor_from, anchor_to, municipality, proposal, resolved "
        "FROM thread WHERE doc = ?1 ORDER BY id");
    st.bind_all(doc);
    return read_rows(st, [](const Statement& row) {
        return ThreadRecord{row.get_int(0),     row.get_text(1),    row.get_text(2),
                            row.get_int(3),     row.get_int(4),     row.get_opt_text(5),
                            row.get_opt_int(6), row.get_int(7) != 0};
    });
}

std::vector<ThreadCommentRecord> list_thread_comments(Db& db, std::string_view doc) {
    auto st = db.prepare(
        "SELECT thread, id, author, text, created_at FROM thread_comment WHERE doc = ?1 "
        "ORDER BY thread, id");
    st.bind_all(doc);
    return read_rows(st, [](const Statement& row) {
        return ThreadCommentRecord{row.get_int(0), row.get_int(1), row.get_int(2), row.get_text(3),
                                   row.get_text(4)};
    });
}

void insert_version(Db& db, const VersionRecord& v) {
    db.prepare(
          "INSERT INTO version (doc, label, rev, author, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(v.doc, v.label, v.rev, v.author, v.created_at)
        .run();
}

std::vector<VersionRecord> list_versions(Db& db, std::string_view doc) {
    static const std::string sql =
        std::string(kVersionColumns) + "WHERE doc = ?1 ORDER BY rev, created_at, label";
    auto st = db.prepare(sql);
    st.bind_all(doc);
    return read_rows(st, read_version);
}

std::vector<VersionRecord> list_all_versions(Db& db) {
    static const std::string sql =
        std::string(kVersionColumns) + "ORDER BY doc, rev, created_at, label";
    auto st = db.prepare(sql);
    return read_rows(st, read_version);
}

// ---- priorities and adoption ----

void set_priorities(Db& db, std::string_view doc, std::string_view municipality,
                    const std::vector<std::string>& sections) {
    db.prepare("DELETE FROM priority WHERE doc = ?1 AND municipality = ?2")
        .bind_all(doc, municipality)
        .run();
    auto st = db.prepare(
        "INSERT INTO priority (doc, municipality, position, section) VALUES (?1, ?2, ?3, ?4)");
    for (std::size_t i = 0; i < sections.size(); ++i) {
        st.reset();
        st.bind_all(doc, municipality, static_cast<std::int64_t>(i), sections[i]).run();
    }
}

std::map<std::string, std::vector<std::string>> list_priorities(Db& db, std::string_view doc) {
    auto st = db.prepare(
        "SELECT municipality, section FROM priority WHERE doc = ?1 ORDER BY municipality, "
        "position");
    st.bind_all(doc);
    std::map<std::string, std::vector<std::string>> out;
    for (auto& [code, section] : read_rows(st, [](const Statement& row) {
             return std::pair{row.get_text(0), row.get_text(1)};
         })) {
        out[code].push_back(std::move(section));
    }
    return out;
}

void set_adoption(Db& db, std::string_view doc, std::string_view municipality,
                  const std::optional<AdoptionRecord>& a) {
    if (!a) {
        db.prepare("DELETE FROM adoption WHERE doc = ?1 AND municipality = ?2")
            .bind_all(doc, municipality)
            .run();
        return;
    }
    db.prepare(
          "INSERT INTO adoption (doc, municipality, state, date, reference, rev) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (doc, municipality) DO UPDATE SET "
          "state = excluded.state, date = excluded.date, reference = excluded.reference, "
          "rev = excluded.rev")
        .bind_all(doc, municipality, a->state, a->date, a->reference, a->rev)
        .run();
}

std::vector<AdoptionRecord> list_adoptions(Db& db, std::string_view doc) {
    auto st = db.prepare(
        "SELECT municipality, state, date, reference, rev FROM adoption WHERE doc = ?1 "
        "ORDER BY municipality");
    st.bind_all(doc);
    return read_rows(st, [](const Statement& row) {
        return AdoptionRecord{row.get_text(0), row.get_text(1), row.get_text(2), row.get_text(3),
                              row.get_int(4)};
    });
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
