// Writing a document's changes: appended to the log, with the rows they move beside it.
#include <nlohmann/json.hpp>

#include "protocol/json_text.hpp"
#include "rooms/document_store.hpp"
#include "store/db.hpp"
#include "store/repo.hpp"
#include "store/time.hpp"

namespace samen::rooms {

using protocol::ErrorCode;
using protocol::ProtocolError;

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
        // {}: without it GCC 12 at -O2 wrongly warns that its optionals may be
        // used uninitialized.
        store::SectionRecord row{};
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

}  // namespace samen::rooms
