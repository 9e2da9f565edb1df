// The document as a whole: named versions (tag), its title and whether it is archived.
#include "rooms/room.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"
#include "store/time.hpp"

namespace samen::rooms {

namespace p = protocol;

void Room::handle(const Caller& c, const auth::User& u, const p::Tag& r) {
    const model::Version& v =
        model::add_version(doc_, r.label, r.rev, auth::ref(u), store::now_string());
    const Rev rev = doc_.rev;
    nlohmann::json msg = change_message(r.type, rev, u.id);
    msg["version"] = model::to_json(v);
    commit_change(rev, std::move(msg), c, [doc = id_, rev, v, author = u.id](store::Db& db) {
        append_change(db, doc, rev, "tag", std::nullopt, std::nullopt,
                      {{"label", v.label}, {"rev", v.rev}}, author);
        insert_version(db, doc, v);
    });
}

void Room::handle(const Caller& c, const auth::User& u, const p::DocumentRename& r) {
    commit_document_change(
        c, u, r.type, model::rename_document(doc_, r.title), "title", r.title,
        [doc = id_, title = r.title](store::Db& db) { set_document_title(db, doc, title); });
}

void Room::handle(const Caller& c, const auth::User& u, const p::DocumentArchive& r) {
    auto audit =
        auth::audit_by(u, c.address, "document.archive", {{"doc", id_}, {"archived", r.archived}});
    commit_document_change(c, u, r.type, model::set_archived(doc_, r.archived), "archived",
                           r.archived, [doc = id_, archived = r.archived, audit](store::Db& db) {
                               set_document_archived(db, doc, archived);
                               store::append_audit(db, audit);
                           });
}

void Room::commit_document_change(const Caller& c, const auth::User& u, std::string_view type,
                                  nlohmann::json data, const char* field, nlohmann::json value,
                                  store::Store::Work write) {
    nlohmann::json msg = change_message(type, doc_.rev, u.id);
    msg[field] = std::move(value);
    commit_change(doc_.rev, std::move(msg), c,
                  [doc = id_, rev = doc_.rev, kind = std::string(type), data = std::move(data),
                   author = u.id, write = std::move(write)](store::Db& db) {
                      append_change(db, doc, rev, kind, std::nullopt, std::nullopt, data, author);
                      write(db);
                  });
}

}  // namespace samen::rooms
