// SQL of documents, their section tree and each section's layers (store/repo.hpp).
#include <map>
#include <set>

#include "store/repo.hpp"
#include "store/repo_rows.hpp"

namespace samen::store {

using rows::read_row;
using rows::read_rows;
using rows::read_text;

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

}  // namespace samen::store
