// Reading a document's past: its changes, a layer's edits, snapshots, the document at a revision.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "model/document_json.hpp"
#include "ot/json.hpp"
#include "rooms/document_store.hpp"
#include "rooms/document_users.hpp"
#include "store/db.hpp"
#include "store/repo.hpp"

namespace samen::rooms {

using detail::UserCache;
using protocol::ErrorCode;
using protocol::ProtocolError;

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

}  // namespace samen::rooms
