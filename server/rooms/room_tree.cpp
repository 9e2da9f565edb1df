// The section tree: section.create, .rename, .move, .delete, .restore. The changes themselves are
// model/tree.hpp's; here they are numbered, stored and told to every member.
#include "rooms/room.hpp"
#include "store/store.hpp"

namespace samen::rooms {

namespace p = protocol;

void Room::handle(const Caller& c, const auth::User&, const p::SectionCreate& r) {
    auto change = model::create_section(doc_, r.title, r.parent, r.position, r.owner,
                                        *model::parse_section_kind(r.kind));
    nlohmann::json section = model::to_json(*doc_.section(change.section));
    commit_tree_change(c, r.type, std::move(change), {{"section", std::move(section)}});
}

void Room::handle(const Caller& c, const auth::User&, const p::SectionRename& r) {
    commit_tree_change(c, r.type, model::rename_section(doc_, r.section, r.title),
                       {{"section", r.section}, {"title", r.title}});
}

void Room::handle(const Caller& c, const auth::User&, const p::SectionMove& r) {
    auto change = model::move_section(doc_, r.section, r.parent, r.position);
    commit_tree_change(c, r.type, std::move(change),
                       {{"section", r.section},
                        {"parent", r.parent ? nlohmann::json(*r.parent) : nlohmann::json()},
                        {"position", doc_.section(r.section)->position}});
}

void Room::handle(const Caller& c, const auth::User&, const p::SectionDelete& r) {
    commit_tree_change(c, r.type, model::delete_section(doc_, r.section), {{"section", r.section}});
}

void Room::handle(const Caller& c, const auth::User&, const p::SectionRestore& r) {
    auto change = model::restore_section(doc_, r.section);
    auto subsections = nlohmann::json::array();
    for (std::size_t i = 1; i < change.sections.size(); ++i) {
        subsections.push_back(model::to_json(*doc_.section(change.sections[i])));
    }
    nlohmann::json section = model::to_json(*doc_.section(r.section));
    commit_tree_change(c, r.type, std::move(change),
                       {{"section", std::move(section)}, {"subsections", std::move(subsections)}});
}

void Room::commit_tree_change(const Caller& c, std::string_view type, model::TreeChange change,
                              nlohmann::json broadcast) {
    nlohmann::json msg = change_message(type, change.rev, c.user);
    msg.update(broadcast);
    const Rev rev = change.rev;
    commit_change(rev, std::move(msg), c,
                  [doc = id_, kind = std::string(type), author = c.user,
                   change = std::move(change)](store::Db& db) {
                      append_tree_change(db, doc, change.rev, kind, change.section, change.data,
                                         author, change.rows, change.new_layers);
                  });
}

}  // namespace samen::rooms
