// Loading a document (its rows and the edits after its checkpoints), the document list, authors.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "ot/json.hpp"
#include "rooms/document_store.hpp"
#include "rooms/document_users.hpp"
#include "store/db.hpp"
#include "store/repo.hpp"

namespace samen::rooms {

using detail::UserCache;
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

}  // namespace samen::rooms
