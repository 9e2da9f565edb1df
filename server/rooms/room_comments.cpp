// Comment threads (docs/protocol.md, `comment`): started, replied to, resolved and reopened as
// changes of the document, each with its revision, in the log and sent to every subscriber after
// commit. The model checks them (model/comments.hpp); the ranges move with edits in
// room_edits.cpp.
#include "model/comments.hpp"
#include "rooms/room.hpp"
#include "store/store.hpp"
#include "store/time.hpp"

namespace samen::rooms {

namespace p = protocol;

void Room::handle(const Caller& c, const auth::User& u, const p::Comment& r) {
    model::NewThread t{r.section,
                       r.layer,
                       static_cast<std::size_t>(r.from),
                       static_cast<std::size_t>(r.to),
                       r.municipality,
                       r.proposal,
                       r.text};
    const model::Thread& thread =
        model::start_thread(doc_, t, auth::ref(u), store::now_string(), limits_.max_comments);
    commit_thread_change(c, u, r.type, thread);
}

void Room::handle(const Caller& c, const auth::User& u, const p::CommentReply& r) {
    const model::Thread& thread = model::reply_to_thread(doc_, r.thread, r.text, auth::ref(u),
                                                         store::now_string(), limits_.max_comments);
    commit_thread_change(c, u, r.type, thread);
}

void Room::handle(const Caller& c, const auth::User& u, const p::CommentResolve& r) {
    commit_thread_change(c, u, r.type, model::resolve_thread(doc_, r.thread, r.resolved));
}

void Room::commit_thread_change(const Caller& c, const auth::User& u, std::string_view kind,
                                const model::Thread& thread) {
    const Rev rev = doc_.rev;
    nlohmann::json msg = change_message(kind, rev, u.id);
    msg["thread"] = model::to_json(thread);
    commit_change(rev, std::move(msg), c,
                  [doc = id_, rev, kind = std::string(kind), thread, author = u.id](store::Db& db) {
                      append_thread_change(db, doc, rev, kind, thread, author);
                  });
}

}  // namespace samen::rooms
