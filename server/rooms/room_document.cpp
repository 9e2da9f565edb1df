// The document as a whole: named versions (tag), its title and whether it is archived.
#include "rooms/room.hpp"
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
    nlohmann::json data = model::rename_document(doc_, r.title);
    nlohmann::json msg = change_message(r.type, doc_.rev, u.id);
    msg["title"] = r.title;
    commit_change(doc_.rev, std::move(msg), c,
                  [doc = id_, rev = doc_.rev, data, author = u.id](store::Db& db) {
                      append_change(db, doc, rev, "document.rename", std::nullopt, std::nullopt,
                                    data, author);
                      set_document_title(db, doc, data["title"].get<std::string>());
                  });
}

void Room::handle(const Caller& c, const auth::User& u, const p::DocumentArchive& r) {
    nlohmann::json data = model::set_archived(doc_, r.archived);
    nlohmann::json msg = change_message(r.type, doc_.rev, u.id);
    msg["archived"] = r.archived;
    commit_change(doc_.rev, std::move(msg), c,
                  [doc = id_, rev = doc_.rev, data, author = u.id](store::Db& db) {
                      append_change(db, doc, rev, "document.archive", std::nullopt, std::nullopt,
                                    data, author);
                      set_document_archived(db, doc, data["archived"].get<bool>());
                  });
}

}  // namespace samen::rooms
