#include "rooms/document_store.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "model/document_json.hpp"
#include "model/markdown_import.hpp"
#include "model/measures.hpp"
#include "ot/json.hpp"
#include "protocol/json_text.hpp"
#include "store/db.hpp"
#include "store/repo.hpp"
#include "store/time.hpp"

namespace samen::rooms {

using protocol::ErrorCode;
using protocol::ProtocolError;

model::UserRef user_ref(store::Db& db, std::int64_t user_id) {
    model::UserRef u;
    u.id = user_id;
    if (auto r = store::find_user(db, user_id)) {
        u.name = r->name;
        u.display_name = r->display_name;
        u.municipality = r->municipality;
    } else {
        u.name = "gebruiker-" + std::to_string(user_id);
    }
    return u;
}

namespace {

/// Looks users up once per read.
class UserCache {
  public:
    explicit UserCache(store::Db& db) : db_(db) {}
    const model::UserRef& operator()(std::int64_t id) {
        auto it = users_.find(id);
        if (it == users_.end()) it = users_.emplace(id, user_ref(db_, id)).first;
        return it->second;
    }

  private:
    store::Db& db_;
    std::map<std::int64_t, model::UserRef> users_;
};

std::vector<model::Proposal> load_open_proposals(store::Db& db, std::string_view doc,
                                                 UserCache& users) {
    std::vector<model::Proposal> out;
    for (auto& r : store::list_open_proposals(db, doc)) {
        model::Proposal p;
        p.id = r.id;
        p.section = std::move(r.section);
        p.layer = std::move(r.layer);
        p.text = std::move(r.text);
        p.common_text = std::move(r.common_text);
        p.base = static_cast<Rev>(r.base);
        p.proposer = users(r.proposer);
        p.created_at = std::move(r.created_at);
        p.state = std::move(r.state);
        if (r.closed_rev) p.closed_rev = static_cast<Rev>(*r.closed_rev);
        out.push_back(std::move(p));
    }
    // Both lists are ordered by proposal id.
    auto p = out.begin();
    for (auto& v : store::list_open_votes(db, doc)) {
        while (p != out.end() && p->id < v.proposal) ++p;
        if (p == out.end()) break;
        if (p->id == v.proposal) p->votes[v.municipality] = std::move(v.vote);
    }
    return out;
}

model::Version to_version(store::VersionRecord r, UserCache& users) {
    return {static_cast<Rev>(r.rev), std::move(r.label), users(r.author), std::move(r.created_at)};
}

}  // namespace

namespace {

/// The edits after each layer's checkpoint, applied to its text: the document as the change log
/// says it is (docs/decisions/0021-change-log-is-the-truth.md).
void replay_edits(store::Db& db, model::Document& d,
                  std::vector<std::pair<std::string, std::string>>* replayed = nullptr) {
    auto layer_of = [&](const std::string& section, const std::string& code) -> model::Layer* {
        model::Section* s = d.section(section);
        if (!s) {
            auto it = std::find_if(d.deleted.begin(), d.deleted.end(),
                                   [&](const model::Section& x) { return x.id == section; });
            if (it == d.deleted.end()) return nullptr;
            s = &*it;
        }
        auto l = s->layers.find(code);
        return l == s->layers.end() ? nullptr : &l->second;
    };
    for (const auto& c : store::list_edits_after_checkpoints(db, d.id)) {
        model::Layer* layer = layer_of(c.section.value_or(""), c.layer.value_or(""));
        if (!layer || !c.op) {
            throw store::StoreError(0, "revision " + std::to_string(c.rev) + " of " + d.id +
                                           " edits a layer that is not there");
        }
        try {
            layer->text = ot::apply(layer->text, ot::op_from_json(nlohmann::json::parse(*c.op)));
        } catch (const std::exception& e) {
            throw store::StoreError(0, "revision " + std::to_string(c.rev) + " of " + d.id +
                                           " does not apply to its layer: " + e.what());
        }
        layer->changed_rev = static_cast<Rev>(c.rev);
        if (replayed) {
            std::pair<std::string, std::string> key{*c.section, *c.layer};
            if (std::find(replayed->begin(), replayed->end(), key) == replayed->end()) {
                replayed->push_back(std::move(key));
            }
        }
    }
}

}  // namespace

LoadedDocument load_for_room(store::Db& db, std::string_view doc) {
    LoadedDocument out;
    out.doc = load_document(db, doc, &out.replayed);
    return out;
}

model::Document load_document(store::Db& db, std::string_view doc) {
    return load_document(db, doc, nullptr);
}

model::Document load_document(store::Db& db, std::string_view doc,
                              std::vector<std::pair<std::string, std::string>>* replayed) {
    auto record = store::get_document(db, doc);
    if (!record)
        throw ProtocolError(ErrorCode::not_found, "no document '" + std::string(doc) + "'");
    model::Document d;
    d.id = record->id;
    d.title = record->title;
    d.rev = static_cast<Rev>(record->rev);
    d.archived = record->archived;
    for (const auto& code : record->municipalities) {
        auto m = store::find_municipality(db, code);
        d.municipalities.push_back({code, m ? m->name : code});
    }
    for (auto& s : store::list_sections(db, doc)) {
        model::Section section;
        section.id = std::move(s.id);
        section.parent = s.parent.value_or("");
        section.position = s.position;
        section.title = std::move(s.title);
        section.owner = std::move(s.owner);
        section.kind = model::parse_section_kind(s.kind).value_or(model::SectionKind::text);
        section.deleted = s.deleted;
        if (s.deleted_rev) section.deleted_rev = static_cast<Rev>(*s.deleted_rev);
        (s.deleted ? d.deleted : d.sections).push_back(std::move(section));
    }
    for (auto& l : store::load_layers(db, doc)) {
        model::Section* s = d.section(l.section);
        if (!s) {
            auto it = std::find_if(d.deleted.begin(), d.deleted.end(),
                                   [&](const model::Section& x) { return x.id == l.section; });
            if (it == d.deleted.end()) continue;
            s = &*it;
        }
        model::Layer layer;
        layer.state = model::parse_layer_state(l.state).value_or(model::LayerState::common);
        layer.text = std::move(l.text);
        if (l.base) layer.base = static_cast<Rev>(*l.base);
        layer.life = static_cast<Rev>(l.life);
        layer.changed_rev = static_cast<Rev>(l.changed_rev);
        s->layers.emplace(l.layer, std::move(layer));
    }
    replay_edits(db, d, replayed);
    UserCache users(db);
    d.proposals = load_open_proposals(db, doc, users);
    d.next_proposal = store::next_proposal_id(db, doc);
    for (auto& v : store::list_versions(db, doc)) d.versions.push_back(to_version(v, users));
    d.priorities = store::list_priorities(db, doc);
    for (auto& a : store::list_adoptions(db, doc)) {
        d.adoption[a.municipality] = {std::move(a.state), std::move(a.date), std::move(a.reference),
                                      static_cast<Rev>(a.rev)};
    }
    for (auto& t : store::list_threads(db, doc)) {
        d.threads.push_back({t.id,
                             std::move(t.section),
                             std::move(t.layer),
                             static_cast<std::size_t>(t.from),
                             static_cast<std::size_t>(t.to),
                             std::move(t.municipality),
                             t.proposal,
                             t.resolved,
                             {}});
    }
    // Both lists are ordered by thread id.
    auto t = d.threads.begin();
    for (auto& c : store::list_thread_comments(db, doc)) {
        while (t != d.threads.end() && t->id < c.thread) ++t;
        if (t == d.threads.end()) break;
        if (t->id == c.thread) {
            t->comments.push_back(
                {c.id, users(c.author), std::move(c.text), std::move(c.created_at)});
        }
    }
    return d;
}

nlohmann::json to_json(const DocumentSummary& d) {
    auto versions = nlohmann::json::array();
    for (const auto& v : d.versions) versions.push_back(model::to_json(v));
    auto adoption = nlohmann::json::object();
    for (const auto& [code, a] : d.adoption) adoption[code] = model::to_json(a);
    return {{"id", d.id},
            {"title", d.title},
            {"rev", d.rev},
            {"archived", d.archived},
            {"municipalities", d.municipalities},
            {"versions", std::move(versions)},
            {"adoption", std::move(adoption)}};
}

std::vector<DocumentSummary> list_documents(store::Db& db,
                                            const std::optional<std::string>& municipality) {
    UserCache users(db);
    std::map<std::string, std::vector<model::Version>, std::less<>> versions;
    for (auto& v : store::list_all_versions(db)) {
        auto& of_doc = versions[v.doc];
        of_doc.push_back(to_version(std::move(v), users));
    }
    std::vector<DocumentSummary> out;
    for (auto& d : store::list_documents(db)) {
        if (municipality &&
            (d.archived || std::find(d.municipalities.begin(), d.municipalities.end(),
                                     *municipality) == d.municipalities.end())) {
            continue;
        }
        DocumentSummary summary{d.id,       d.title,          static_cast<Rev>(d.rev),
                                d.archived, d.municipalities, std::move(versions[d.id]),
                                {}};
        for (auto& a : store::list_adoptions(db, d.id)) {
            summary.adoption[a.municipality] = {std::move(a.state), std::move(a.date),
                                                std::move(a.reference), static_cast<Rev>(a.rev)};
        }
        out.push_back(std::move(summary));
    }
    return out;
}

namespace {

/// Stores `change` as the next revision of its document, or refuses to: the document must stand
/// at the revision before, so that a failed change never leaves a gap that a later one fills. The
/// check and the document's move are one statement (`store::advance_document_rev`).
void append_next(store::Db& db, const store::ChangeRecord& change) {
    if (!store::advance_document_rev(db, change.doc, change.rev)) {
        throw store::StoreError(
            0, "document " + change.doc + " is not at revision " + std::to_string(change.rev - 1));
    }
    store::append_change(db, change);
}

store::LayerRecord layer_record(const std::string& section, const std::string& code,
                                const model::Layer& layer, std::int64_t rev) {
    store::LayerRecord l;
    l.text_rev = rev;  // the text as it stands after the change stored with it
    l.section = section;
    l.layer = code;
    l.state = std::string(model::to_string(layer.state));
    l.text = layer.text;
    if (layer.base) l.base = static_cast<std::int64_t>(*layer.base);
    l.life = static_cast<std::int64_t>(layer.life);
    l.changed_rev = static_cast<std::int64_t>(layer.changed_rev);
    return l;
}

void append_structural(store::Db& db, std::string_view doc, std::int64_t rev,
                       const std::string& kind, const std::optional<std::string>& section,
                       const std::optional<std::string>& layer, const nlohmann::json& data,
                       std::int64_t author) {
    store::ChangeRecord change;
    change.doc = doc;
    change.rev = rev;
    change.kind = kind;
    change.section = section;
    change.layer = layer;
    if (!data.empty()) change.data = data.dump();
    change.author = author;
    change.at = store::now_string();
    append_next(db, change);
}

}  // namespace

void append_tree_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                        const std::string& section, const nlohmann::json& data, std::int64_t author,
                        const std::vector<model::Section>& sections,
                        const std::vector<std::pair<std::string, model::Layer>>& new_layers) {
    const auto r = static_cast<std::int64_t>(rev);
    append_structural(db, doc, r, kind, section, std::nullopt, data, author);
    for (const auto& s : sections) {
        store::SectionRecord row;
        row.id = s.id;
        if (!s.parent.empty()) row.parent = s.parent;
        row.position = s.position;
        row.title = s.title;
        row.owner = s.owner;
        row.kind = std::string(model::to_string(s.kind));
        row.deleted = s.deleted;
        if (s.deleted_rev) row.deleted_rev = static_cast<std::int64_t>(*s.deleted_rev);
        if (!store::update_section(db, doc, row)) store::insert_section(db, doc, row);
    }
    for (const auto& [code, layer] : new_layers) {
        store::put_layer(db, doc, layer_record(section, code, layer, r));
    }
}

void append_layer_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                         const std::string& section, const std::string& code,
                         const nlohmann::json& data, std::int64_t author,
                         const std::optional<model::Layer>& layer) {
    const auto r = static_cast<std::int64_t>(rev);
    append_structural(db, doc, r, kind, section, code, data, author);
    if (layer) {
        store::put_layer(db, doc, layer_record(section, code, *layer, r));
    } else {
        store::delete_layer(db, doc, section, code);
    }
}

void append_edit(store::Db& db, std::string_view doc, const AppliedEdit& edit,
                 const nlohmann::json& data) {
    const auto rev = static_cast<std::int64_t>(edit.rev);
    store::ChangeRecord change;
    change.doc = doc;
    change.rev = rev;
    change.kind = "edit";
    change.section = edit.section;
    change.layer = edit.layer;
    change.op.emplace();
    protocol::append_json_op(*change.op, edit.op);
    change.author = edit.author;
    change.opid = edit.opid;
    if (!data.is_null()) change.data = data.dump();
    change.at = store::now_string();
    // The edit is the truth; the layer's text is written now and then, as a checkpoint
    // (docs/decisions/0021-change-log-is-the-truth.md).
    append_next(db, change);
}

void write_checkpoint(store::Db& db, std::string_view doc, const std::string& section,
                      const std::string& layer, std::string_view text, Rev rev, Rev changed_rev) {
    if (!store::set_layer_checkpoint(db, doc, section, layer, text, static_cast<std::int64_t>(rev),
                                     static_cast<std::int64_t>(changed_rev))) {
        throw store::StoreError(0, "no layer " + layer + " in section " + section);
    }
}

std::vector<AppliedEdit> load_edits(store::Db& db, std::string_view doc, std::string_view section,
                                    std::string_view layer, Rev after, Rev upto) {
    std::vector<AppliedEdit> out;
    for (auto& c :
         store::list_layer_edits(db, doc, section, layer, static_cast<std::int64_t>(after))) {
        if (static_cast<Rev>(c.rev) > upto) break;
        AppliedEdit e;
        e.rev = static_cast<Rev>(c.rev);
        e.section = section;
        e.layer = layer;
        e.op = ot::op_from_json(nlohmann::json::parse(c.op.value_or("[]")));
        e.opid = c.opid.value_or("");
        e.author = c.author.value_or(0);
        out.push_back(std::move(e));
    }
    return out;
}

void append_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                   const std::optional<std::string>& section,
                   const std::optional<std::string>& layer, const nlohmann::json& data,
                   std::int64_t author) {
    const auto r = static_cast<std::int64_t>(rev);
    append_structural(db, doc, r, kind, section, layer, data, author);
}

void insert_proposal(store::Db& db, std::string_view doc, const model::Proposal& p) {
    store::ProposalRecord r;
    r.id = p.id;
    r.section = p.section;
    r.layer = p.layer;
    r.text = p.text;
    r.common_text = p.common_text;
    r.base = static_cast<std::int64_t>(p.base);
    r.proposer = p.proposer.id;
    r.created_at = p.created_at;
    r.state = "open";  // a proposal is stored when it is made; votes close it later
    store::insert_proposal(db, doc, r);
}

void insert_vote(store::Db& db, std::string_view doc, std::int64_t proposal,
                 const std::string& municipality, const std::string& vote, std::int64_t user,
                 Rev rev) {
    store::insert_vote(
        db, doc,
        {proposal, municipality, vote, user, static_cast<std::int64_t>(rev), store::now_string()});
}

void close_proposal(store::Db& db, std::string_view doc, std::int64_t proposal,
                    const std::string& state, Rev rev) {
    store::set_proposal_state(db, doc, proposal, state, static_cast<std::int64_t>(rev));
}

void insert_version(store::Db& db, std::string_view doc, const model::Version& v) {
    try {
        store::insert_version(db, {std::string(doc), v.label, static_cast<std::int64_t>(v.rev),
                                   v.author.id, v.created_at});
    } catch (const store::StoreError& e) {
        if (!e.is_duplicate()) throw;
        throw ProtocolError(ErrorCode::conflict,
                            "there is a version named '" + v.label + "' already");
    }
}

void append_thread_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                          const model::Thread& t, std::int64_t author) {
    const model::ThreadComment& last = t.comments.back();
    nlohmann::json data = {{"thread", t.id}};
    if (kind == "comment.resolve") {
        data["resolved"] = t.resolved;
    } else {
        data["comment"] = last.id;
        data["text"] = last.text;
    }
    append_change(db, doc, rev, kind, t.section, t.layer, std::move(data), author);
    if (kind == "comment") {
        store::insert_thread(
            db, doc,
            {t.id, t.section, t.layer, static_cast<std::int64_t>(t.from),
             static_cast<std::int64_t>(t.to), t.municipality, t.proposal, t.resolved});
    }
    if (kind == "comment.resolve") {
        store::set_thread_resolved(db, doc, t.id, t.resolved);
    } else {
        store::insert_thread_comment(db, doc,
                                     {t.id, last.id, last.author.id, last.text, last.created_at});
    }
}

void store_thread_anchors(store::Db& db, std::string_view doc,
                          const std::vector<model::Thread>& moved) {
    for (const model::Thread& t : moved) {
        store::set_thread_anchor(db, doc, t.id, static_cast<std::int64_t>(t.from),
                                 static_cast<std::int64_t>(t.to));
    }
}

void set_document_title(store::Db& db, std::string_view doc, const std::string& title) {
    store::rename_document(db, doc, title);
}

void set_document_archived(store::Db& db, std::string_view doc, bool archived) {
    store::archive_document(db, doc, archived);
}

namespace {

std::vector<model::Change> to_changes(store::Db& db, std::vector<store::ChangeRecord> rows) {
    UserCache users(db);
    std::vector<model::Change> out;
    out.reserve(rows.size());
    for (auto& r : rows) {
        model::Change c;
        c.rev = static_cast<Rev>(r.rev);
        c.kind = std::move(r.kind);
        c.section = std::move(r.section);
        c.layer = std::move(r.layer);
        if (r.op) c.op = ot::op_from_json(nlohmann::json::parse(*r.op));
        if (r.data) c.data = nlohmann::json::parse(*r.data);
        if (r.author) c.author = users(*r.author);
        c.at = std::move(r.at);
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

namespace {

/// For every layer of `d` (deleted sections included), the revision of its last text change up
/// to `rev`, and of its section's creation: what set_changed_revs needs, one index seek each.
std::map<std::pair<std::string, std::string>, Rev> last_text_changes_of(store::Db& db,
                                                                        const model::Document& d,
                                                                        Rev rev) {
    std::map<std::pair<std::string, std::string>, Rev> out;
    const auto upto = static_cast<std::int64_t>(rev);
    auto add = [&](const model::Section& s) {
        out[{s.id, ""}] = static_cast<Rev>(store::last_text_change(db, d.id, s.id, "", upto));
        for (const auto& [code, layer] : s.layers) {
            out[{s.id, code}] =
                static_cast<Rev>(store::last_text_change(db, d.id, s.id, code, upto));
        }
    };
    for (const auto& s : d.sections) add(s);
    for (const auto& s : d.deleted) add(s);
    return out;
}

}  // namespace

void write_snapshot(store::Db& db, const model::Document& d) {
    store::put_document_snapshot(db, d.id, static_cast<std::int64_t>(d.rev),
                                 model::document_to_json(d).dump());
}

std::vector<Rev> missing_snapshots(store::Db& db, std::string_view doc, std::size_t every) {
    std::vector<Rev> out;
    auto record = store::get_document(db, doc);
    if (!record || every == 0) return out;
    const auto have = store::list_document_snapshots(db, doc);
    const auto step = static_cast<std::int64_t>(every);
    for (std::int64_t rev = record->rev / step * step; rev > 0; rev -= step) {
        if (!std::binary_search(have.begin(), have.end(), rev))
            out.push_back(static_cast<Rev>(rev));
    }
    return out;
}

std::optional<Rev> backfill_snapshot(store::Db& db, std::string_view doc, std::size_t every) {
    const auto missing = missing_snapshots(db, doc, every);
    if (missing.empty()) return std::nullopt;
    // Newest first: each one is rewound from the one written before it, not from now.
    write_snapshot(db, document_at(db, load_document(db, doc), missing.front()));
    return missing.front();
}

model::Document document_at(store::Db& db, model::Document current, Rev rev) {
    if (rev > current.rev) {
        throw ProtocolError(ErrorCode::bad_request, "revision " + std::to_string(rev) +
                                                        " is ahead of the document (rev " +
                                                        std::to_string(current.rev) + ")");
    }
    if (rev == current.rev) return current;
    const std::string id = current.id;
    // From the nearest snapshot at or after `rev` when there is one before now
    // (docs/decisions/0022-document-snapshots.md): only the changes between are undone. What
    // undo does not rewind (proposals, versions, threads) stays as it is now, as it does when
    // rewinding from now.
    if (auto snap = store::find_document_snapshot(db, id, static_cast<std::int64_t>(rev),
                                                  static_cast<std::int64_t>(current.rev))) {
        model::Document then = model::document_from_json(nlohmann::json::parse(snap->data));
        if (then.id != id || then.rev != static_cast<Rev>(snap->rev)) {
            throw store::StoreError(0, "the snapshot of " + id + " at revision " +
                                           std::to_string(snap->rev) + " is not one");
        }
        current.title = std::move(then.title);
        current.archived = then.archived;
        current.sections = std::move(then.sections);
        current.deleted = std::move(then.deleted);
        current.priorities = std::move(then.priorities);
        current.adoption = std::move(then.adoption);
        current.rev = then.rev;
    }
    auto changes = load_changes(db, id, rev, current.rev);
    model::Document past = model::rewind(std::move(current), std::move(changes), rev);
    model::set_changed_revs(past, last_text_changes_of(db, past, rev));
    return past;
}

std::vector<model::Change> load_changes(store::Db& db, std::string_view doc, Rev after, Rev upto) {
    if (upto <= after) return {};
    // Revisions have no gaps: (after, upto] holds upto - after changes.
    auto rows = store::list_changes(db, doc, static_cast<std::int64_t>(after),
                                    static_cast<std::int64_t>(upto - after));
    std::erase_if(rows,
                  [upto](const store::ChangeRecord& c) { return static_cast<Rev>(c.rev) > upto; });
    return to_changes(db, std::move(rows));
}

std::vector<model::Change> load_section_changes(store::Db& db, std::string_view doc,
                                                std::string_view section,
                                                const std::optional<std::string>& layer, Rev before,
                                                std::size_t limit) {
    return to_changes(
        db, store::list_section_changes(db, doc, section, layer, static_cast<std::int64_t>(before),
                                        static_cast<std::int64_t>(limit)));
}

std::size_t create_document(store::Db& db, const NewDocument& d) {
    if (store::get_document(db, d.id)) {
        throw ProtocolError(ErrorCode::conflict, "there is a document '" + d.id + "' already");
    }
    for (const auto& code : d.municipalities) {
        if (!store::find_municipality(db, code)) {
            throw ProtocolError(ErrorCode::not_found, "no municipality " + code);
        }
    }
    struct NewSection {
        store::SectionRecord row;
        std::string text;
    };
    std::vector<NewSection> sections;
    if (d.template_doc) {
        // The template's live section tree and common text; no overrides, no local sections.
        model::Document t = load_document(db, *d.template_doc);
        for (const auto& s : t.sections) {
            if (s.owner) continue;
            store::SectionRecord r;
            r.id = s.id;
            if (!s.parent.empty()) r.parent = s.parent;
            r.position = s.position;
            r.title = s.title;
            r.kind = std::string(model::to_string(s.kind));
            const model::Layer* common = s.layer(model::common_layer);
            std::string text = common ? common->text.str() : std::string();
            // Next year's plan carries this year's measures over as running ones.
            if (s.kind == model::SectionKind::field && model::field_slug(s.title) == "planning") {
                if (!text.starts_with("Doorlopend")) {
                    text = text.empty() ? "Doorlopend" : "Doorlopend, was: " + text;
                }
            }
            sections.push_back({r, std::move(text)});
        }
    } else if (d.markdown) {
        model::ImportedDocument imported;
        try {
            imported = model::import_markdown(*d.markdown);
        } catch (const std::invalid_argument& e) {
            throw ProtocolError(ErrorCode::bad_request, std::string("the Markdown: ") + e.what());
        }
        std::map<std::string, std::int64_t> children;
        for (const auto& s : imported.sections) {
            store::SectionRecord r;
            r.id = s.id;
            if (!s.parent_id.empty()) r.parent = s.parent_id;
            r.position = children[s.parent_id]++;
            r.title = s.title;
            sections.push_back({r, s.text});
        }
    }
    store::create_document(db, d.id, d.title, d.municipalities, store::now_string());
    for (const auto& s : sections) {
        store::insert_section(db, d.id, s.row);
        store::LayerRecord l;
        l.section = s.row.id;
        l.layer = std::string(model::common_layer);
        l.state = "common";
        l.text = s.text;
        store::put_layer(db, d.id, l);
    }
    return sections.size();
}

}  // namespace samen::rooms
