#include "rooms/document_store.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "model/markdown_import.hpp"
#include "ot/json.hpp"
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

std::vector<model::Proposal> load_open_proposals(store::Db& db, std::string_view doc) {
    UserCache users(db);
    std::vector<model::Proposal> out;
    {
        auto st = db.prepare(
            "SELECT id, section, layer, text, common_text, base, proposer, created_at, state, "
            "closed_rev FROM proposal WHERE doc = ?1 AND state = 'open' ORDER BY id");
        st.bind(1, doc);
        while (st.step()) {
            model::Proposal p;
            p.id = st.get_int(0);
            p.section = st.get_text(1);
            p.layer = st.get_text(2);
            p.text = st.get_text(3);
            p.common_text = st.get_text(4);
            p.base = static_cast<Rev>(st.get_int(5));
            p.proposer = users(st.get_int(6));
            p.created_at = st.get_text(7);
            p.state = st.get_text(8);
            if (auto c = st.get_opt_int(9)) p.closed_rev = static_cast<Rev>(*c);
            out.push_back(std::move(p));
        }
    }
    for (auto& p : out) {
        auto st = db.prepare(
            "SELECT municipality, vote FROM proposal_vote WHERE doc = ?1 AND proposal = ?2");
        st.bind(1, doc).bind(2, p.id);
        while (st.step()) p.votes[st.get_text(0)] = st.get_text(1);
    }
    return out;
}

std::int64_t next_proposal_id(store::Db& db, std::string_view doc) {
    auto st = db.prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM proposal WHERE doc = ?1");
    st.bind(1, doc);
    st.step();
    return st.get_int(0);
}

std::vector<model::Version> load_versions(store::Db& db, std::string_view doc) {
    UserCache users(db);
    std::vector<model::Version> out;
    auto st = db.prepare(
        "SELECT rev, label, author, created_at FROM version WHERE doc = ?1 ORDER BY rev, "
        "created_at");
    st.bind(1, doc);
    while (st.step()) {
        out.push_back({static_cast<Rev>(st.get_int(0)), st.get_text(1), users(st.get_int(2)),
                       st.get_text(3)});
    }
    return out;
}

}  // namespace

model::Document load_document(store::Db& db, std::string_view doc) {
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
        section.deleted = s.deleted;
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
    d.proposals = load_open_proposals(db, doc);
    d.next_proposal = next_proposal_id(db, doc);
    d.versions = load_versions(db, doc);
    return d;
}

nlohmann::json to_json(const DocumentSummary& d) {
    auto versions = nlohmann::json::array();
    for (const auto& v : d.versions) versions.push_back(model::to_json(v));
    return {{"id", d.id},
            {"title", d.title},
            {"rev", d.rev},
            {"archived", d.archived},
            {"municipalities", d.municipalities},
            {"versions", std::move(versions)}};
}

std::vector<DocumentSummary> list_documents(store::Db& db,
                                            const std::optional<std::string>& municipality) {
    std::vector<DocumentSummary> out;
    for (auto& d : store::list_documents(db)) {
        if (municipality &&
            (d.archived || std::find(d.municipalities.begin(), d.municipalities.end(),
                                     *municipality) == d.municipalities.end())) {
            continue;
        }
        out.push_back({d.id, d.title, static_cast<Rev>(d.rev), d.archived, d.municipalities,
                       load_versions(db, d.id)});
    }
    return out;
}

namespace {

/// Refuses to store revision `rev` unless the document stands at the one before: a failed change
/// must never leave a gap that a later one fills.
void check_next_rev(store::Db& db, std::string_view doc, std::int64_t rev) {
    auto current = store::get_document(db, doc);
    if (!current || current->rev != rev - 1) {
        throw store::StoreError(
            0, "document " + std::string(doc) + " is not at revision " + std::to_string(rev - 1));
    }
}

}  // namespace

namespace {

store::LayerRecord layer_record(const std::string& section, const std::string& code,
                                const model::Layer& layer) {
    store::LayerRecord l;
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
    check_next_rev(db, doc, rev);
    store::ChangeRecord change;
    change.doc = doc;
    change.rev = rev;
    change.kind = kind;
    change.section = section;
    change.layer = layer;
    if (!data.empty()) change.data = data.dump();
    change.author = author;
    change.at = store::now_string();
    store::append_change(db, change);
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
        row.deleted = s.deleted;
        if (!store::update_section(db, doc, row)) store::insert_section(db, doc, row);
    }
    for (const auto& [code, layer] : new_layers) {
        store::put_layer(db, doc, layer_record(section, code, layer));
    }
    store::set_document_rev(db, doc, r);
}

void append_layer_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                         const std::string& section, const std::string& code,
                         const nlohmann::json& data, std::int64_t author,
                         const std::optional<model::Layer>& layer) {
    const auto r = static_cast<std::int64_t>(rev);
    append_structural(db, doc, r, kind, section, code, data, author);
    if (layer) {
        store::put_layer(db, doc, layer_record(section, code, *layer));
    } else {
        store::delete_layer(db, doc, section, code);
    }
    store::set_document_rev(db, doc, r);
}

void append_edit(store::Db& db, std::string_view doc, const AppliedEdit& edit,
                 std::string_view new_text, const nlohmann::json& data) {
    const auto rev = static_cast<std::int64_t>(edit.rev);
    check_next_rev(db, doc, rev);
    store::ChangeRecord change;
    change.doc = doc;
    change.rev = rev;
    change.kind = "edit";
    change.section = edit.section;
    change.layer = edit.layer;
    change.op = ot::to_json(edit.op).dump();
    change.author = edit.author;
    change.opid = edit.opid;
    if (!data.is_null()) change.data = data.dump();
    change.at = store::now_string();
    store::append_change(db, change);
    if (!store::set_layer_text(db, doc, edit.section, edit.layer, new_text, rev)) {
        throw store::StoreError(0, "no layer " + edit.layer + " in section " + edit.section);
    }
    store::set_document_rev(db, doc, rev);
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

std::optional<Rev> find_edit_by_opid(store::Db& db, std::string_view doc, std::int64_t author,
                                     std::string_view opid) {
    auto rev = store::find_change_by_opid(db, doc, author, opid);
    if (!rev) return std::nullopt;
    return static_cast<Rev>(*rev);
}

void append_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                   const std::optional<std::string>& section,
                   const std::optional<std::string>& layer, const nlohmann::json& data,
                   std::int64_t author) {
    const auto r = static_cast<std::int64_t>(rev);
    append_structural(db, doc, r, kind, section, layer, data, author);
    store::set_document_rev(db, doc, r);
}

void insert_proposal(store::Db& db, std::string_view doc, const model::Proposal& p) {
    db.prepare(
          "INSERT INTO proposal (doc, id, section, layer, text, common_text, base, proposer, "
          "created_at, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open')")
        .bind(1, doc)
        .bind(2, p.id)
        .bind(3, p.section)
        .bind(4, p.layer)
        .bind(5, p.text)
        .bind(6, p.common_text)
        .bind(7, static_cast<std::int64_t>(p.base))
        .bind(8, p.proposer.id)
        .bind(9, p.created_at)
        .run();
}

void insert_vote(store::Db& db, std::string_view doc, std::int64_t proposal,
                 const std::string& municipality, const std::string& vote, std::int64_t user,
                 Rev rev) {
    db.prepare(
          "INSERT INTO proposal_vote (doc, proposal, municipality, vote, user_id, rev, at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, doc)
        .bind(2, proposal)
        .bind(3, municipality)
        .bind(4, vote)
        .bind(5, user)
        .bind(6, static_cast<std::int64_t>(rev))
        .bind(7, store::now_string())
        .run();
}

void close_proposal(store::Db& db, std::string_view doc, std::int64_t proposal,
                    const std::string& state, Rev rev) {
    db.prepare("UPDATE proposal SET state = ?3, closed_rev = ?4 WHERE doc = ?1 AND id = ?2")
        .bind(1, doc)
        .bind(2, proposal)
        .bind(3, state)
        .bind(4, static_cast<std::int64_t>(rev))
        .run();
}

void insert_version(store::Db& db, std::string_view doc, const model::Version& v) {
    {
        auto st = db.prepare("SELECT 1 FROM version WHERE doc = ?1 AND label = ?2");
        st.bind(1, doc).bind(2, v.label);
        if (st.step()) {
            throw ProtocolError(ErrorCode::conflict,
                                "there is a version named '" + v.label + "' already");
        }
    }
    db.prepare(
          "INSERT INTO version (doc, label, rev, author, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, doc)
        .bind(2, v.label)
        .bind(3, static_cast<std::int64_t>(v.rev))
        .bind(4, v.author.id)
        .bind(5, v.created_at)
        .run();
}

void set_document_title(store::Db& db, std::string_view doc, const std::string& title) {
    db.prepare("UPDATE document SET title = ?2 WHERE id = ?1").bind(1, doc).bind(2, title).run();
}

void set_document_archived(store::Db& db, std::string_view doc, bool archived) {
    db.prepare("UPDATE document SET archived = ?2 WHERE id = ?1")
        .bind(1, doc)
        .bind(2, std::int64_t{archived ? 1 : 0})
        .run();
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

std::map<std::pair<std::string, std::string>, Rev> last_text_changes(store::Db& db,
                                                                     std::string_view doc,
                                                                     Rev rev) {
    std::map<std::pair<std::string, std::string>, Rev> out;
    auto st = db.prepare(
        "SELECT section, COALESCE(layer, ''), MAX(rev) FROM change WHERE doc = ?1 AND rev <= ?2 "
        "AND kind IN ('edit', 'diverge', 'section.create') GROUP BY section, layer");
    st.bind(1, doc).bind(2, static_cast<std::int64_t>(rev));
    while (st.step()) {
        out[{st.get_text(0), st.get_text(1)}] = static_cast<Rev>(st.get_int(2));
    }
    return out;
}

model::Document document_at(store::Db& db, model::Document current, Rev rev) {
    if (rev > current.rev) {
        throw ProtocolError(ErrorCode::bad_request, "revision " + std::to_string(rev) +
                                                        " is ahead of the document (rev " +
                                                        std::to_string(current.rev) + ")");
    }
    if (rev == current.rev) return current;
    const std::string id = current.id;
    auto changes = load_changes(db, id, rev, current.rev);
    model::Document past = model::rewind(std::move(current), std::move(changes), rev);
    model::set_changed_revs(past, last_text_changes(db, id, rev));
    return past;
}

std::vector<model::Change> load_changes(store::Db& db, std::string_view doc, Rev after, Rev upto) {
    auto rows = store::list_changes(db, doc, static_cast<std::int64_t>(after));
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
            const model::Layer* common = s.layer(model::common_layer);
            sections.push_back({r, common ? common->text : std::string()});
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
