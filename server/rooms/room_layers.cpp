// A municipality's state of a section: diverge, revert, omit, include, acknowledge, and the rebase
// of a stale override (a three-way merge previewed, then committed as an ordinary edit). The
// changes themselves are model::change_layer and model::rebase.
#include "model/history.hpp"
#include "model/merge.hpp"
#include "ot/json.hpp"
#include "rooms/room.hpp"
#include "store/store.hpp"

namespace samen::rooms {

namespace p = protocol;

void Room::handle(const Caller& c, const auth::User&, const p::Diverge& r) {
    change_layer(c, model::LayerAction::diverge, r);
}
void Room::handle(const Caller& c, const auth::User&, const p::Revert& r) {
    change_layer(c, model::LayerAction::revert, r);
}
void Room::handle(const Caller& c, const auth::User&, const p::Omit& r) {
    change_layer(c, model::LayerAction::omit, r);
}
void Room::handle(const Caller& c, const auth::User&, const p::Include& r) {
    change_layer(c, model::LayerAction::include, r);
}
void Room::handle(const Caller& c, const auth::User&, const p::Acknowledge& r) {
    change_layer(c, model::LayerAction::acknowledge, r);
}

void Room::change_layer(const Caller& c, model::LayerAction action, const p::LayerTarget& r) {
    model::LayerChange change = model::change_layer(doc_, action, r.section, r.layer);
    const std::string_view kind = model::to_string(action);
    nlohmann::json msg = change_message(kind, change.rev, c.user);
    msg["section"] = r.section;
    msg["layer"] = r.layer;
    if (action == model::LayerAction::diverge) msg["text"] = change.stored->text;
    if (action == model::LayerAction::diverge || action == model::LayerAction::acknowledge) {
        msg["base"] = change.rev;  // the override's base is now
    }
    commit_change(change.rev, std::move(msg), c,
                  [doc = id_, kind = std::string(kind), r, author = c.user,
                   change = std::move(change)](store::Db& db) {
                      append_layer_change(db, doc, change.rev, kind, r.section, r.layer,
                                          change.data, author, change.stored);
                  });
}

void Room::handle(const Caller& c, const auth::User&, const p::RebasePreview& r) {
    const Rev base = *model::rebasable_override(doc_, r.section, r.layer).base;
    // The common text at the override's base is read back from the history on disk, once
    // everything up to now is committed there.
    read_past(c, [base, r](store::Db& db, const model::Document& doc) {
        const model::Document then = document_at(db, doc, base);
        const model::Section& now = *doc.section(r.section);
        const std::string& common = now.layer(model::common_layer)->text;
        const std::string& local = now.layer(r.layer)->text;
        const std::string at_base = model::layer_at(then, r.section, "common").text;
        auto merged = model::merge3(at_base, local, common);
        auto conflicts = nlohmann::json::array();
        for (const auto& conflict : merged.conflicts) {
            conflicts.push_back({{"position", conflict.position},
                                 {"base", conflict.base},
                                 {"common", conflict.theirs},
                                 {"local", conflict.ours},
                                 {"kept", conflict.kept == model::Kept::both ? "both" : "local"}});
        }
        return nlohmann::json{{"type", "rebase.preview"}, {"doc", doc.id},
                              {"section", r.section},     {"layer", r.layer},
                              {"rev", doc.rev},           {"base", at_base},
                              {"common", common},         {"local", local},
                              {"merged", merged.merged},  {"conflicts", std::move(conflicts)}};
    });
}

void Room::handle(const Caller& c, const auth::User& u, const p::RebaseCommit& r) {
    model::Rebased rebased =
        model::rebase(doc_, r.section, r.layer, r.text, r.rev, limits_.max_text_bytes);
    AppliedEdit applied{
        rebased.rev, r.section, r.layer, rebased.op, "rebase-" + std::to_string(rebased.rev), u.id};
    remember(applied, auth::ref(u));
    nlohmann::json msg = change_message("rebase", rebased.rev, u.id);
    msg["section"] = r.section;
    msg["layer"] = r.layer;
    msg["op"] = ot::to_json(rebased.op);
    msg["base"] = rebased.rev;
    commit_change(
        rebased.rev, std::move(msg), c,
        [doc = id_, applied, text = r.text, old_base = rebased.old_base](store::Db& db) {
            // The base it had, for reading the history back.
            append_edit(db, doc, applied,
                        old_base ? nlohmann::json{{"rebased_from", *old_base}} : nlohmann::json());
            // A whole text resolved at once: kept as a checkpoint too.
            write_checkpoint(db, doc, applied.section, applied.layer, text, applied.rev,
                             applied.rev);
            store::set_layer_state(db, doc, applied.section, applied.layer, "override",
                                   static_cast<std::int64_t>(applied.rev));
        });
}

}  // namespace samen::rooms
