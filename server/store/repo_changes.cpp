// SQL of the change log (appended, read, and read by time), visits, and document snapshots.
#include <algorithm>
#include <utility>

#include "store/repo.hpp"
#include "store/repo_rows.hpp"

namespace samen::store {

using rows::read_int;
using rows::read_row;
using rows::read_rows;

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

}  // namespace samen::store
