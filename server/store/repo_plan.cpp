// SQL of proposals and their votes, comment threads, named versions, priorities and adoption.
#include <map>
#include <utility>

#include "store/repo.hpp"
#include "store/repo_rows.hpp"

namespace samen::store {

using rows::read_int;
using rows::read_row;
using rows::read_rows;

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

// ---- comment threads ----

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

// ---- named versions ----

namespace {

constexpr const char* kVersionColumns = "SELECT doc, label, rev, author, created_at FROM version ";

VersionRecord read_version(const Statement& st) {
    return {st.get_text(0), st.get_text(1), st.get_int(2), st.get_int(3), st.get_text(4)};
}

}  // namespace

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

}  // namespace samen::store
