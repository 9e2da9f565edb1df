// The room's core: requests in (in order, authorized), members in and out, every change committed
// before anyone hears of it, then fanned out. The handlers live in room_<what>.cpp.
#include "rooms/room.hpp"

#include <boost/asio/post.hpp>
#include <tuple>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "auth/authorize.hpp"
#include "log/log.hpp"
#include "rooms/edit_message.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"
#include "store/time.hpp"

namespace samen::rooms {

namespace asio = boost::asio;
namespace p = protocol;
using protocol::ErrorCode;
using protocol::ProtocolError;

void RoomMetrics::observe_latency(std::chrono::steady_clock::duration d) {
    double seconds = std::chrono::duration<double>(d).count();
    std::size_t i = 0;
    while (i < kLatencyBounds.size() && seconds > kLatencyBounds[i]) ++i;
    latency[i].fetch_add(1, std::memory_order_relaxed);
    latency_sum_us.fetch_add(static_cast<std::uint64_t>(
                                 std::chrono::duration_cast<std::chrono::microseconds>(d).count()),
                             std::memory_order_relaxed);
}

Room::Room(asio::io_context& ioc, store::Store& store, const auth::UserDirectory& users,
           model::Document doc, RoomLimits limits, std::shared_ptr<RoomMetrics> metrics,
           OnFailed on_failed, OnIdle on_idle)
    : ioc_(ioc),
      strand_(asio::make_strand(ioc)),
      store_(store),
      users_(users),
      id_(doc.id),
      doc_(std::move(doc)),
      limits_(limits),
      metrics_(std::move(metrics)),
      on_failed_(std::move(on_failed)),
      on_idle_(std::move(on_idle)),
      committed_rev_(doc_.rev),
      memory_from_(doc_.rev),
      idle_timer_(strand_) {}

// ---- Requests in ------------------------------------------------------------------------------

void Room::serve(Caller caller, p::Request request) {
    asio::post(strand_, [self = shared_from_this(), caller = std::move(caller),
                         request = std::move(request)]() mutable {
        self->in_order([self, caller = std::move(caller), request = std::move(request)]() mutable {
            self->do_serve(caller, std::move(request));
        });
    });
}

void Room::leave(std::uint64_t session) {
    asio::post(strand_, [self = shared_from_this(), session] { self->do_leave(session); });
}

void Room::barrier(std::function<void()> fn) {
    asio::post(strand_, std::move(fn));
}

void Room::watch_idle() {
    asio::post(strand_, [self = shared_from_this()] { self->arm_idle_timer(); });
}

void Room::do_serve(const Caller& c, p::Request request) {
    const auto* r = std::get_if<p::DocumentRequest>(&request);
    if (!r) return c.reply.error(ErrorCode::internal, "not a request about a document");
    const bool edit = std::holds_alternative<p::Edit>(*r);
    auto refuse = [&](ErrorCode code, const std::string& message) {
        if (edit) metrics_->edit_errors++;
        c.reply.error(code, message);
    };
    last_active_ = std::chrono::steady_clock::now();
    // An unloaded room is out of the registry and no session holds it: never reached, but it
    // holds no document any more, so it must not answer as if it did.
    if (failed_ || unloaded_) return refuse(ErrorCode::internal, "the document is being reloaded");
    std::shared_ptr<const auth::User> user = users_.find(c.user);
    if (!user) return refuse(ErrorCode::unauthorized, "say hello with a token first");
    if (auto no = auth::refusal(*user, &doc_, request)) return refuse(no->code, no->message);
    if (!std::holds_alternative<p::Open>(*r) && !members_.count(c.session)) {
        // Its open was refused, or it closed the document meanwhile.
        if (std::holds_alternative<p::Close>(*r)) return;
        return refuse(ErrorCode::bad_request, "the document '" + id_ + "' is not open");
    }
    try {
        check_writable(*r);
        std::visit([&](const auto& x) { handle(c, *user, x); }, *r);
    } catch (...) {
        if (edit) metrics_->edit_errors++;
        c.reply.fail(std::current_exception());
    }
}

void Room::in_order(std::function<void()> fn) {
    if (busy_) {
        pending_.push_back(std::move(fn));
    } else {
        fn();
    }
}

void Room::resume_pending() {
    while (!busy_ && !pending_.empty()) {
        auto next = std::move(pending_.front());
        pending_.pop_front();
        next();
    }
    arm_idle_timer();  // the last member may have left while an edit waited for the disk
}

void Room::check_writable(const p::DocumentRequest& r) const {
    // Archiving is what takes an archived document back.
    if (p::is_read(r) || std::holds_alternative<p::DocumentArchive>(r) || !doc_.archived) return;
    throw ProtocolError(ErrorCode::conflict,
                        "the document is archived: it can be read, not changed");
}

// ---- Open and close ---------------------------------------------------------------------------

void Room::handle(const Caller& c, const auth::User& u, const p::Open& r) {
    if (r.since && *r.since > doc_.rev) {
        throw ProtocolError(ErrorCode::bad_request, "since " + std::to_string(*r.since) +
                                                        " is ahead of the document (rev " +
                                                        std::to_string(doc_.rev) + ")");
    }
    const Rev at = doc_.rev;
    nlohmann::json reply;
    if (r.since && *r.since >= memory_from_ && *r.since >= last_structural_rev_) {
        // The missed edits are all in memory: send them instead of the whole document.
        std::map<Rev, nlohmann::json> ordered;
        for (const auto& [key, memory] : layers_) {
            for (const AppliedEdit& e : memory.history) {
                if (e.rev > *r.since) ordered.emplace(e.rev, edit_message(e));
            }
        }
        auto changes = nlohmann::json::array();
        for (auto& [rev, msg] : ordered) changes.push_back(std::move(msg));
        reply = {{"type", "changes"},
                 {"doc", id_},
                 {"from", *r.since},
                 {"rev", at},
                 {"changes", std::move(changes)}};
    } else {
        reply = snapshot_message();
    }

    members_.erase(c.session);
    Member& m = members_[c.session];
    m.session = c.session;
    m.user = u.id;
    m.conn = c.reply.connection();
    m.batches = c.reply.batches();
    m.from_rev = at;
    member_count_ = members_.size();
    authors_[u.id] = auth::ref(u);
    record_visit(u.id);
    // What the reply holds may not be on disk yet: send it once it is.
    after_commit(at, [to = c.reply, reply = std::move(reply)] { to.send(reply); });
}

void Room::handle(const Caller& c, const auth::User&, const p::Close&) {
    do_leave(c.session);
    c.reply.ack(std::nullopt);
}

void Room::record_visit(std::int64_t user) {
    // Not a change of the document: no revision, no ack, nobody waits for it. One that is lost
    // (the store's queue full, a failed write) only makes the inbox say a little more.
    try {
        store_.submit([doc = id_, user, rev = doc_.rev, at = store::now_string()](
                          store::Db& db) { store::record_visit(db, user, doc, rev, at); },
                      [doc = id_](std::exception_ptr error) {
                          if (error) log_line("room " + doc + ": a visit was not recorded");
                      });
    } catch (const std::exception& e) {
        log_line("room " + id_ + ": a visit was not recorded: " + e.what());
    }
}

void Room::do_leave(std::uint64_t session) {
    auto it = members_.find(session);
    if (it == members_.end()) return;
    const std::int64_t user = it->second.user;
    record_visit(user);
    const bool had_presence = it->second.presence.has_value();
    members_.erase(it);
    member_count_ = members_.size();
    last_active_ = std::chrono::steady_clock::now();
    if (had_presence) {
        broadcast(
            {{"type", "presence_left"}, {"doc", id_}, {"session", session}, {"user_id", user}},
            session, 0);
    }
    arm_idle_timer();
}

// ---- Unloading when idle ----------------------------------------------------------------------

bool Room::idle() const {
    return members_.empty() && uncommitted_.empty() && waiting_for_commit_.empty() && !busy_ &&
           pending_.empty() && !failed_ && !unloaded_;
}

void Room::arm_idle_timer() {
    if (idle_armed_ || !idle() || !on_idle_) return;
    idle_armed_ = true;
    idle_timer_.expires_at(last_active_ + limits_.idle_unload);
    idle_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        self->idle_armed_ = false;
        if (!ec) self->on_idle_timer();
    });
}

void Room::on_idle_timer() {
    if (!idle()) return;  // armed again by what makes it idle (a leave, a commit)
    if (std::chrono::steady_clock::now() < last_active_ + limits_.idle_unload) {
        return arm_idle_timer();  // someone came and went meanwhile
    }
    if (on_idle_(*this)) return unload();
    // An open on its way holds it: look again after another idle time.
    last_active_ = std::chrono::steady_clock::now();
    arm_idle_timer();
}

void Room::unload() {
    unloaded_ = true;
    // Every layer edited since its checkpoint is written now, so that the next load replays
    // nothing of it. Queued before any load of the document (loads wait for the writes queued).
    auto texts = take_unsaved_texts();
    if (!texts.empty()) try {
            store_.submit(
                [doc = id_, rev = doc_.rev, texts = std::move(texts)](store::Db& db) {
                    for (const auto& [section, layer, text, changed] : texts) {
                        write_checkpoint(db, doc, section, layer, text, rev, changed);
                    }
                },
                [doc = id_](std::exception_ptr error) {
                    if (!error) return;
                    try {
                        std::rethrow_exception(error);
                    } catch (const std::exception& e) {
                        log_line("checkpoint of " + doc +
                                 " not written (its edits will be replayed): " + e.what());
                    }
                });
        } catch (const std::exception& e) {
            log_line("checkpoint of " + id_ +
                     " not written (its edits will be replayed): " + e.what());
        }
    doc_ = model::Document{};
    layers_.clear();
    history_bytes_ = 0;
    opids_.clear();
    authors_.clear();
    author_texts_.clear();
#if defined(__GLIBC__)
    // Large texts and histories leave free pages that glibc keeps in its arenas: hand them back.
    malloc_trim(0);
#endif
}

// ---- Commit, then fan out ---------------------------------------------------------------------

void Room::commit(Rev first, std::vector<Uncommitted> changes, const Caller& caller,
                  store::Store::Work write) {
    const Rev last = first + changes.size() - 1;
    bool quick = true;
    write = with_snapshots(first, last, changes.back().broadcast.type, std::move(write), quick);
    changes.back().ack_to = caller.reply;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        uncommitted_.emplace(first + i, std::move(changes[i]));
    }
    auto done = [self = shared_from_this(), first, last](std::exception_ptr error) {
        // On the thread that committed (the writer's, or this one's for a lone quick change).
        // The jobs of one group commit finish one after another: the room hears of them once,
        // after the last (Store::after_batch), and sends each member what they brought it at once.
        bool post = false;
        {
            std::lock_guard lock(self->stored_.mutex);
            if (error && !self->stored_.failed) {
                self->stored_.failed = Stored::Failure{first, last, error};
            } else if (!error) {
                self->stored_.rev = std::max(self->stored_.rev, last);
            }
            post = !std::exchange(self->stored_.posted, true);
        }
        if (post) {
            self->store_.after_batch(
                [self] { asio::post(self->strand_, [self] { self->on_stored(); }); });
        }
    };
    try {
        if (quick) {
            // At a quiet moment this thread commits it itself: no hand-over to the writer and
            // back (docs/decisions/0027-a-lone-edit-commits-on-the-network-thread.md). Posted
            // twice: the second runs after asio has looked at the sockets again, so that edits
            // that came meanwhile are queued with this one and go to the writer as a group.
            store_.submit_here(std::move(write), std::move(done),
                               [&ioc = ioc_](std::function<void()> fn) {
                                   asio::post(ioc, [&ioc, fn = std::move(fn)]() mutable {
                                       asio::post(ioc, std::move(fn));
                                   });
                               });
        } else {
            store_.submit(std::move(write), std::move(done));
        }
    } catch (const std::exception& e) {
        // The change is in memory but can never be stored: start over from disk.
        caller.reply.fail(std::current_exception());
        on_store_failed(e.what());
    }
}

void Room::commit_change(Rev rev, nlohmann::json broadcast, const Caller& caller,
                         store::Store::Work write) {
    std::vector<Uncommitted> one;
    one.push_back(Uncommitted{std::nullopt, outgoing(broadcast), 0, std::nullopt, std::nullopt});
    last_structural_rev_ = rev;
    commit(rev, std::move(one), caller, std::move(write));
}

void Room::on_stored() {
    Rev upto = 0;
    std::optional<Stored::Failure> failed;
    {
        std::lock_guard lock(stored_.mutex);
        upto = stored_.rev;
        failed = stored_.failed;
        stored_.posted = false;
    }
    // Nothing from a failed job on goes out: the room fails with it, and its clients reload.
    if (failed) upto = std::min(upto, failed->first - 1);
    bursting_ = true;
    for (Rev r = committed_rev_ + 1; r <= upto; ++r) on_committed(r);
    bursting_ = false;
    flush();
    if (failed && !failed_) on_commit_failed(failed->last, failed->error);
}

void Room::deliver(const std::shared_ptr<net::Connection>& conn, bool batches,
                   std::shared_ptr<const std::string> text) {
    if (!bursting_) return conn->send(std::move(text));
    Burst& burst = outbox_[conn.get()];
    if (!burst.conn) burst = Burst{conn, batches, {}};
    burst.texts.push_back(std::move(text));
}

void Room::flush() {
    for (auto& [key, burst] : outbox_) {
        if (burst.batches && burst.texts.size() > 1) {
            burst.conn->send(p::batch(burst.texts));
        } else {
            burst.conn->send_all(std::move(burst.texts));
        }
    }
    outbox_.clear();
}

void Room::on_committed(Rev rev) {
    committed_rev_ = rev;
    auto it = uncommitted_.find(rev);
    if (it != uncommitted_.end()) {
        Uncommitted& u = it->second;
        // Counted before anyone hears of it: whoever has the ack finds it in /metrics.
        if (u.received) {
            metrics_->edits++;
            metrics_->observe_latency(std::chrono::steady_clock::now() - *u.received);
        }
        broadcast(u.broadcast.text, u.except_session, rev);
        if (u.ack_to) {
            deliver(u.ack_to->connection(), u.ack_to->batches(), u.ack_to->ack_text(rev));
        }
        uncommitted_.erase(it);
    }
    // What waits for this commit answers its requests directly: after what went before it.
    if (!waiting_for_commit_.empty() && waiting_for_commit_.begin()->first <= rev) flush();
    while (!waiting_for_commit_.empty() && waiting_for_commit_.begin()->first <= rev) {
        auto fn = std::move(waiting_for_commit_.begin()->second);
        waiting_for_commit_.erase(waiting_for_commit_.begin());
        fn();
    }
    trim_history();
    arm_idle_timer();  // the last member may have left before this commit
}

void Room::on_commit_failed(Rev rev, std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        log_line("room " + id_ + ": storing revision " + std::to_string(rev) +
                 " failed: " + e.what());
    }
    if (auto it = uncommitted_.find(rev); it != uncommitted_.end() && it->second.ack_to) {
        it->second.ack_to->error(ErrorCode::internal, "storing the change failed");
    }
    on_store_failed("storing a change failed");
}

void Room::on_store_failed(const std::string& what) {
    if (failed_) return;
    failed_ = true;
    log_line("room " + id_ + ": " + what + "; closing the document's sessions");
    // Clients reconnect with `since` and resubmit; the room loads again from disk.
    for (auto& [session, m] : members_) m.conn->close(net::CloseReason::going_away);
    members_.clear();
    member_count_ = 0;
    pending_.clear();
    waiting_for_commit_.clear();
    uncommitted_.clear();
    if (on_failed_) on_failed_(id_);
}

void Room::after_commit(Rev rev, std::function<void()> fn) {
    if (rev <= committed_rev_) {
        fn();
    } else {
        waiting_for_commit_.emplace(rev, std::move(fn));
    }
}

void Room::broadcast(const nlohmann::json& msg, std::uint64_t except, Rev rev) {
    // Serialized once, shared by every recipient.
    broadcast(std::make_shared<const std::string>(p::serialize(msg)), except, rev);
}

void Room::broadcast(const std::shared_ptr<const std::string>& text, std::uint64_t except,
                     Rev rev) {
    for (auto& [session, m] : members_) {
        if (session == except || (rev != 0 && rev <= m.from_rev)) continue;
        deliver(m.conn, m.batches, text);
    }
}

// ---- Messages ---------------------------------------------------------------------------------

Room::Outgoing Room::outgoing(const nlohmann::json& msg) {
    return {msg.value("type", ""), std::make_shared<const std::string>(p::serialize(msg))};
}

model::UserRef Room::author_ref(std::int64_t user) const {
    if (auto now = users_.find(user)) return auth::ref(*now);
    if (auto known = authors_.find(user); known != authors_.end()) return known->second;
    return model::UserRef{user, {}, {}, {}};
}

nlohmann::json Room::author(std::int64_t user) const {
    return model::to_json(author_ref(user));
}

const std::string& Room::author_text(std::int64_t user) {
    model::UserRef ref = author_ref(user);
    auto& [known, text] = author_texts_[user];
    if (text.empty() || known != ref) {
        text = p::serialize(model::to_json(ref));
        known = std::move(ref);
    }
    return text;
}

nlohmann::json Room::change_message(std::string_view type, Rev rev, std::int64_t user) const {
    return {{"type", type}, {"doc", id_}, {"rev", rev}, {"author", author(user)}};
}

nlohmann::json Room::edit_message(const AppliedEdit& e) const {
    return rooms::edit_message(id_, e, author(e.author));
}

Room::Outgoing Room::edit_broadcast(const AppliedEdit& e, const std::vector<std::string>* stale) {
    return {"edit", std::make_shared<const std::string>(
                        edit_message_text(id_, e, author_text(e.author), stale))};
}

nlohmann::json Room::snapshot_message() const {
    auto all = [](const auto& items) {
        auto out = nlohmann::json::array();
        for (const auto& item : items) out.push_back(model::to_json(item));
        return out;
    };
    auto presence = nlohmann::json::array();
    for (const auto& [session, m] : members_) {
        if (!m.presence) continue;
        presence.push_back({{"session", session},
                            {"user", author(m.user)},
                            {"section", m.presence->section},
                            {"layer", m.presence->layer},
                            {"sel", {m.presence->sel.anchor, m.presence->sel.head}}});
    }
    auto adoptions = nlohmann::json::object();
    for (const auto& [code, a] : doc_.adoption) adoptions[code] = model::to_json(a);
    return {{"type", "snapshot"},
            {"doc", id_},
            {"title", doc_.title},
            {"rev", doc_.rev},
            {"municipalities", all(doc_.municipalities)},
            {"sections", all(doc_.sections)},
            {"presence", std::move(presence)},
            {"proposals", all(doc_.proposals)},
            {"versions", all(doc_.versions)},
            {"threads", all(doc_.threads)},
            {"priorities", doc_.priorities},
            {"adoption", adoptions},
            {"archived", doc_.archived}};
}

}  // namespace samen::rooms
