#include "rooms/room.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <iostream>
#include <limits>

#include "auth/permissions.hpp"
#include "model/markdown_import.hpp"
#include "model/merge.hpp"
#include "ot/json.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"
#include "text/utf8.hpp"

namespace samen::rooms {

namespace asio = boost::asio;
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

Room::Room(asio::io_context& ioc, store::Store& store, model::Document doc, RoomLimits limits,
           std::shared_ptr<RoomMetrics> metrics, OnFailed on_failed)
    : ioc_(ioc),
      strand_(asio::make_strand(ioc)),
      store_(store),
      id_(doc.id),
      doc_(std::move(doc)),
      limits_(limits),
      metrics_(std::move(metrics)),
      on_failed_(std::move(on_failed)),
      committed_rev_(doc_.rev),
      memory_from_(doc_.rev) {}

// ---- Public entry points: onto the strand -----------------------------------------------------

void Room::open(Member member, nlohmann::json request_id, std::optional<Rev> since) {
    asio::post(strand_, [self = shared_from_this(), member = std::move(member),
                         request_id = std::move(request_id), since]() mutable {
        self->do_open(std::move(member), std::move(request_id), since);
    });
}

void Room::close(std::uint64_t session, nlohmann::json request_id) {
    asio::post(strand_, [self = shared_from_this(), session, request_id = std::move(request_id)] {
        auto it = self->members_.find(session);
        if (it == self->members_.end()) return;
        Member m = it->second.member;
        self->do_leave(session);
        self->send(m, protocol::reply({{"type", "ack"}}, request_id));
    });
}

void Room::leave(std::uint64_t session) {
    asio::post(strand_, [self = shared_from_this(), session] { self->do_leave(session); });
}

void Room::edit(std::uint64_t session, EditRequest request) {
    asio::post(strand_,
               [self = shared_from_this(), session, request = std::move(request)]() mutable {
                   self->do_edit(session, std::move(request));
               });
}

const Member* Room::member_for(std::uint64_t session, const std::shared_ptr<net::Connection>& conn,
                               const nlohmann::json& request_id) {
    auto it = members_.find(session);
    if (it != members_.end()) return &it->second.member;
    // Its open was refused, or it closed the document meanwhile.
    send(conn, protocol::error(request_id, ErrorCode::bad_request,
                               "the document '" + id_ + "' is not open"));
    return nullptr;
}

void Room::in_order(std::function<void()> fn) {
    if (busy_) {
        pending_.push_back(std::move(fn));
    } else {
        fn();
    }
}

void Room::change_layer(std::uint64_t session, LayerRequest request) {
    asio::post(strand_,
               [self = shared_from_this(), session, request = std::move(request)]() mutable {
                   self->in_order([self, session, request = std::move(request)]() mutable {
                       self->do_change_layer(session, std::move(request));
                   });
               });
}

void Room::rebase(std::uint64_t session, RebaseRequest request) {
    asio::post(strand_,
               [self = shared_from_this(), session, request = std::move(request)]() mutable {
                   self->in_order([self, session, request = std::move(request)]() mutable {
                       self->do_rebase(session, std::move(request));
                   });
               });
}

void Room::change_tree(std::uint64_t session, TreeRequest request) {
    asio::post(strand_,
               [self = shared_from_this(), session, request = std::move(request)]() mutable {
                   self->in_order([self, session, request = std::move(request)]() mutable {
                       self->do_change_tree(session, std::move(request));
                   });
               });
}

void Room::read(std::shared_ptr<net::Connection> conn,
                std::function<nlohmann::json(const model::Document&)> build) {
    asio::post(
        strand_, [self = shared_from_this(), conn = std::move(conn), build = std::move(build)] {
            auto text = std::make_shared<const std::string>(protocol::serialize(build(self->doc_)));
            self->after_commit(self->doc_.rev, [conn, text] { conn->send(text); });
        });
}

void Room::presence(std::uint64_t session, PresenceUpdate update) {
    asio::post(strand_, [self = shared_from_this(), session, update = std::move(update)]() mutable {
        self->do_presence(session, std::move(update));
    });
}

void Room::barrier(std::function<void()> fn) {
    asio::post(strand_, std::move(fn));
}

// ---- Open and leave ---------------------------------------------------------------------------

void Room::do_open(Member member, nlohmann::json request_id, std::optional<Rev> since) {
    if (failed_) {
        reply_error(member, request_id, ErrorCode::internal, "the document is being reloaded");
        return;
    }
    if (member.user.role != auth::Role::admin &&
        !(member.user.municipality && doc_.takes_part(*member.user.municipality))) {
        reply_error(member, request_id, ErrorCode::forbidden,
                    "your municipality does not take part in '" + id_ + "'");
        return;
    }
    if (doc_.archived && member.user.role != auth::Role::admin) {
        reply_error(member, request_id, ErrorCode::not_found, "no document '" + id_ + "'");
        return;
    }
    if (since && *since > doc_.rev) {
        reply_error(member, request_id, ErrorCode::bad_request,
                    "since " + std::to_string(*since) + " is ahead of the document (rev " +
                        std::to_string(doc_.rev) + ")");
        return;
    }
    const Rev at = doc_.rev;
    nlohmann::json reply;
    if (since && *since >= memory_from_ && *since >= last_structural_rev_) {
        // The missed edits are all in memory: send them instead of the whole document.
        std::map<Rev, nlohmann::json> ordered;
        for (const auto& [key, edits] : history_) {
            for (const AppliedEdit& e : edits) {
                if (e.rev > *since) ordered.emplace(e.rev, edit_json(e, authors_.at(e.author)));
            }
        }
        auto changes = nlohmann::json::array();
        for (auto& [rev, msg] : ordered) changes.push_back(std::move(msg));
        reply = protocol::reply({{"type", "changes"},
                                 {"doc", id_},
                                 {"from", *since},
                                 {"rev", at},
                                 {"changes", std::move(changes)}},
                                request_id);
    } else {
        reply = snapshot_json(request_id);
    }

    const std::uint64_t session = member.session;
    members_.erase(session);
    MemberState& state = members_[session];
    state.member = member;
    state.from_rev = at;
    member_count_ = members_.size();
    authors_[member.user.id] = member.user;

    // What the reply holds may not be on disk yet: send it once it is.
    auto text = std::make_shared<const std::string>(protocol::serialize(reply));
    after_commit(at, [conn = member.conn, text] { conn->send(text); });
}

void Room::do_leave(std::uint64_t session) {
    auto it = members_.find(session);
    if (it == members_.end()) return;
    const auth::User user = it->second.member.user;
    bool had_presence = it->second.presence.has_value();
    members_.erase(it);
    member_count_ = members_.size();
    if (had_presence) {
        broadcast(
            {{"type", "presence_left"}, {"doc", id_}, {"session", session}, {"user_id", user.id}},
            session, 0);
    }
}

// ---- Edits --------------------------------------------------------------------------------------

void Room::do_edit(std::uint64_t session, EditRequest request) {
    if (busy_) {
        pending_.push_back([this, session, request = std::move(request)]() mutable {
            process_edit(session, std::move(request));
        });
        return;
    }
    process_edit(session, std::move(request));
}

void Room::process_edit(std::uint64_t session, EditRequest request) {
    const Member* member = member_for(session, request.conn, request.id);
    if (!member) return;
    const Member& m = *member;
    try {
        check_writable();
        if (!auth::can_edit_layer(m.user, request.layer)) {
            throw ProtocolError(ErrorCode::forbidden,
                                "you may not edit the layer '" + request.layer + "'");
        }
        model::Section* section = doc_.section(request.section);
        if (!section) {
            throw ProtocolError(ErrorCode::not_found, "no section '" + request.section + "'");
        }
        auto layer = section->layers.find(request.layer);
        if (layer == section->layers.end() || layer->second.state == model::LayerState::omit) {
            throw ProtocolError(
                ErrorCode::not_found,
                "section '" + request.section + "' has no text layer '" + request.layer + "'");
        }
        if (request.base > doc_.rev) {
            throw ProtocolError(ErrorCode::bad_request, "base " + std::to_string(request.base) +
                                                            " is ahead of the document (rev " +
                                                            std::to_string(doc_.rev) + ")");
        }
        if (request.base < layer->second.life) {
            throw ProtocolError(ErrorCode::conflict, "the layer was created again after revision " +
                                                         std::to_string(request.base) +
                                                         "; open the document again");
        }
        if (auto seen = opids_.find({m.user.id, request.opid}); seen != opids_.end()) {
            Rev rev = seen->second;
            after_commit(rev, [this, conn = m.conn, id = request.id, rev] {
                send(conn, protocol::reply({{"type", "ack"}, {"rev", rev}}, id));
            });
            return;
        }
    } catch (const ProtocolError& e) {
        metrics_->edit_errors++;
        reply_error(m, request.id, e.code(), e.what());
        return;
    }

    if (request.base >= memory_from_) {
        finish_edit(session, std::move(request), {});
        return;
    }
    // Based on a revision older than what memory holds: it may be a resubmission of an edit
    // accepted long ago, and it must be transformed against edits that only the disk has.
    busy_ = true;
    struct Older {
        std::optional<Rev> seen;
        std::vector<AppliedEdit> edits;
    };
    auto job = [doc = id_, section = request.section, layer = request.layer, author = m.user.id,
                opid = request.opid, base = request.base, upto = memory_from_](store::Db& db) {
        Older o;
        o.seen = find_edit_by_opid(db, doc, author, opid);
        if (!o.seen) o.edits = load_edits(db, doc, section, layer, base, upto);
        return o;
    };
    auto done = [self = shared_from_this(), session, request = std::move(request)](
                    std::exception_ptr error, Older older) mutable {
        asio::post(self->strand_, [self, session, request = std::move(request), error,
                                   older = std::move(older)]() mutable {
            self->busy_ = false;
            auto present = self->members_.find(session);
            if (error) {
                self->on_store_failed("reading older edits failed");
            } else if (present != self->members_.end() && older.seen) {
                self->send(present->second.member.conn,
                           protocol::reply({{"type", "ack"}, {"rev", *older.seen}}, request.id));
            } else if (present != self->members_.end()) {
                self->finish_edit(session, std::move(request), std::move(older.edits));
            }
            self->resume_pending();
        });
    };
    try {
        store_.query(std::move(job), std::move(done));
    } catch (const std::exception& e) {
        busy_ = false;
        reply_error(m, request.id, ErrorCode::internal, "the server is overloaded, try again");
    }
}

void Room::finish_edit(std::uint64_t session, EditRequest request, std::vector<AppliedEdit> older) {
    const Member& m = members_.at(session).member;
    model::Section& section = *doc_.section(request.section);
    model::Layer& layer = section.layers.at(request.layer);
    ot::Op op = std::move(request.op);
    std::string text;
    try {
        // One historic op at a time: compose does not commute with transform.
        for (const AppliedEdit& h : older) op = ot::transform(op, h.op, ot::Side::left);
        if (auto hist = history_.find({request.section, request.layer}); hist != history_.end()) {
            for (const AppliedEdit& h : hist->second) {
                if (h.rev > request.base) op = ot::transform(op, h.op, ot::Side::left);
            }
        }
        // Stored and sent with the deleted text filled in, so that history can be walked back
        // (the text of a layer at any revision) without keeping copies of the text.
        op = ot::make_invertible(op, layer.text);
        text = ot::apply(layer.text, op);
    } catch (const ot::OpError& e) {
        metrics_->edit_errors++;
        reply_error(m, request.id, ErrorCode::bad_request,
                    std::string("the op does not fit the text: ") + e.what());
        return;
    }
    if (text.size() > limits_.max_text_bytes) {
        metrics_->edit_errors++;
        reply_error(m, request.id, ErrorCode::too_large,
                    "the text of a layer may hold at most " +
                        std::to_string(limits_.max_text_bytes) + " bytes");
        return;
    }

    const Rev rev = ++doc_.rev;
    AppliedEdit applied{rev,           request.section, request.layer,
                        std::move(op), request.opid,    m.user.id};
    layer.text = text;
    layer.changed_rev = rev;
    for (auto& [sid, ms] : members_) {
        if (ms.presence && ms.presence->section == applied.section &&
            ms.presence->layer == applied.layer) {
            ms.presence->sel = ot::transform_selection(ms.presence->sel, applied.op);
        }
    }
    remember(applied, m.user);
    nlohmann::json broadcast = edit_json(applied, m.user);
    if (request.layer == model::common_layer) broadcast["stale"] = stale_overrides(section);
    uncommitted_.emplace(rev,
                         Uncommitted{applied, m.user, std::move(broadcast), session, m.conn,
                                     protocol::reply({{"type", "ack"}, {"rev", rev}}, request.id)});

    auto job = [doc = id_, applied, text = std::move(text)](store::Db& db) {
        append_edit(db, doc, applied, text);
    };
    auto done = [self = shared_from_this(), rev,
                 received = request.received](std::exception_ptr error) {
        asio::post(self->strand_, [self, rev, received, error] {
            if (error) return self->on_commit_failed(rev, error);
            self->metrics_->edits++;
            self->metrics_->observe_latency(std::chrono::steady_clock::now() - received);
            self->on_committed(rev);
        });
    };
    try {
        store_.submit(std::move(job), std::move(done));
    } catch (const std::exception& e) {
        // The edit is in memory but can never be stored: start over from disk.
        reply_error(m, request.id, ErrorCode::internal, "the server is overloaded, try again");
        on_store_failed(e.what());
    }
}

void Room::on_commit_failed(Rev rev, std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        std::cerr << "room " << id_ << ": storing revision " << rev << " failed: " << e.what()
                  << "\n";
    }
    if (auto it = uncommitted_.find(rev); it != uncommitted_.end() && it->second.ack_conn) {
        send(it->second.ack_conn,
             protocol::error(it->second.ack.value("id", nlohmann::json()), ErrorCode::internal,
                             "storing the change failed"));
    }
    on_store_failed("storing a change failed");
}

void Room::remember(const AppliedEdit& edit, const auth::User& author) {
    opids_[{author.id, edit.opid}] = edit.rev;
    history_[{edit.section, edit.layer}].push_back(edit);
    ++history_size_;
    authors_[author.id] = author;
}

void Room::trim_history() {
    if (history_size_ <= limits_.max_history_ops) return;
    // Forget everything committed; transforms of older bases read it back from disk.
    history_.clear();
    opids_.clear();
    history_size_ = 0;
    memory_from_ = committed_rev_;
    for (auto& [rev, entry] : uncommitted_) {
        if (!entry.edit) continue;
        opids_[{entry.author.id, entry.edit->opid}] = rev;
        history_[{entry.edit->section, entry.edit->layer}].push_back(*entry.edit);
        ++history_size_;
    }
}

void Room::on_committed(Rev rev) {
    committed_rev_ = rev;
    auto it = uncommitted_.find(rev);
    if (it != uncommitted_.end()) {
        broadcast(it->second.broadcast, it->second.except_session, rev);
        if (it->second.ack_conn) send(it->second.ack_conn, it->second.ack);
        uncommitted_.erase(it);
    }
    while (!waiting_for_commit_.empty() && waiting_for_commit_.begin()->first <= rev) {
        auto fn = std::move(waiting_for_commit_.begin()->second);
        waiting_for_commit_.erase(waiting_for_commit_.begin());
        fn();
    }
    trim_history();
}

void Room::on_store_failed(const std::string& what) {
    if (failed_) return;
    failed_ = true;
    std::cerr << "room " << id_ << ": " << what << "; closing the document's sessions\n";
    // Clients reconnect with `since` and resubmit; the room loads again from disk.
    for (auto& [session, ms] : members_) ms.member.conn->close(net::CloseReason::going_away);
    members_.clear();
    member_count_ = 0;
    pending_.clear();
    waiting_for_commit_.clear();
    uncommitted_.clear();
    if (on_failed_) on_failed_(id_);
}

void Room::resume_pending() {
    while (!busy_ && !pending_.empty()) {
        auto next = std::move(pending_.front());
        pending_.pop_front();
        next();
    }
}

void Room::after_commit(Rev rev, std::function<void()> fn) {
    if (rev <= committed_rev_) {
        fn();
    } else {
        waiting_for_commit_.emplace(rev, std::move(fn));
    }
}

// ---- Overrides and omissions ------------------------------------------------------------------

void Room::do_change_layer(std::uint64_t session, LayerRequest r) {
    const Member* member = member_for(session, r.conn, r.id);
    if (!member) return;
    const Member& m = *member;
    const auth::User& user = m.user;
    const std::string& code = r.layer;
    try {
        check_writable();
        if (!model::is_municipality_code(code) || !doc_.takes_part(code)) {
            throw ProtocolError(
                ErrorCode::not_found,
                "'" + code + "' is not a municipality taking part in '" + id_ + "'");
        }
        const bool allowed =
            (r.kind == "diverge" && auth::can_diverge(user, code)) ||
            (r.kind == "revert" && auth::can_revert(user, code)) ||
            ((r.kind == "omit" || r.kind == "include") && auth::can_omit(user, code)) ||
            (r.kind == "acknowledge" && auth::can_acknowledge(user, code));
        if (!allowed) {
            throw ProtocolError(ErrorCode::forbidden,
                                "you may not " + r.kind + " the sections of " + code);
        }
        model::Section* section = doc_.section(r.section);
        if (!section) throw ProtocolError(ErrorCode::not_found, "no section '" + r.section + "'");
        if (section->owner) {
            throw ProtocolError(ErrorCode::bad_request,
                                "'" + r.section + "' is a local-only section of " +
                                    *section->owner + ": it has no common text to " + r.kind);
        }
        const model::Layer* current = section->layer(code);
        const auto state = current ? current->state : model::LayerState::common;  // common: inherit
        const bool inherits = !current;
        const bool overrides = current && state == model::LayerState::override_;
        const bool omits = current && state == model::LayerState::omit;
        auto refuse = [&](const std::string& why) {
            throw ProtocolError(ErrorCode::conflict, why);
        };
        if (r.kind == "diverge" && !inherits)
            refuse(code + " already has its own state of this section");
        if (r.kind == "revert" && !overrides) refuse(code + " has no override of this section");
        if (r.kind == "omit" && omits) refuse(code + " omits this section already");
        if (r.kind == "include" && !omits) refuse(code + " does not omit this section");
        if (r.kind == "acknowledge" && !(overrides && section->is_stale(code))) {
            refuse("the override of " + code + " is not stale");
        }
    } catch (const ProtocolError& e) {
        reply_error(m, r.id, e.code(), e.what());
        return;
    }

    model::Section& section = *doc_.section(r.section);
    const Rev rev = ++doc_.rev;
    last_structural_rev_ = rev;
    nlohmann::json msg = {{"type", r.kind},       {"doc", id_},    {"rev", rev},
                          {"section", r.section}, {"layer", code}, {"author", user_json(m.user)}};
    nlohmann::json data = nlohmann::json::object();
    std::optional<model::Layer> stored;  // the layer's row after the change; none: deleted
    if (r.kind == "diverge") {
        model::Layer l;
        l.state = model::LayerState::override_;
        l.text = section.layers.at(std::string(model::common_layer)).text;
        l.base = rev;
        l.life = rev;
        l.changed_rev = rev;
        msg["text"] = l.text;
        msg["base"] = rev;
        section.layers[code] = l;
        stored = l;
    } else if (r.kind == "revert" || r.kind == "include") {
        // The dropped text stays in the history.
        if (r.kind == "revert") {
            const model::Layer& dropped = section.layers.at(code);
            data["text"] = dropped.text;
            if (dropped.base) data["base"] = *dropped.base;
        }
        section.layers.erase(code);
    } else if (r.kind == "omit") {
        if (auto old = section.layers.find(code); old != section.layers.end()) {
            data["text"] = old->second.text;
            if (old->second.base) data["base"] = *old->second.base;
        }
        model::Layer l;
        l.state = model::LayerState::omit;
        l.life = rev;
        l.changed_rev = rev;
        section.layers[code] = l;
        stored = l;
    } else {  // acknowledge
        model::Layer& l = section.layers.at(code);
        if (l.base) data["from"] = *l.base;
        l.base = rev;
        msg["base"] = rev;
        stored = l;
    }
    if (!data.empty()) data["kind"] = r.kind;
    commit_change(rev, m, r.id, std::move(msg),
                  [doc = id_, rev, kind = r.kind, sid = r.section, code, author = user.id,
                   data = std::move(data), stored](store::Db& db) {
                      append_layer_change(db, doc, rev, kind, sid, code, data, author, stored);
                  });
}

// ---- The section tree -------------------------------------------------------------------------

void Room::check_tree_request(const TreeRequest& r, const auth::User& user) const {
    auto forbid = [&] {
        throw ProtocolError(ErrorCode::forbidden,
                            "you may not change this part of the section tree");
    };
    auto check_title = [&] {
        if (r.title.empty() || r.title.size() > 200 || r.title.find('\n') != std::string::npos) {
            throw ProtocolError(ErrorCode::bad_request, "a title is one line of 1 to 200 bytes");
        }
    };
    auto find_parent = [&]() -> const model::Section* {
        if (!r.parent) return nullptr;
        const model::Section* p = doc_.section(*r.parent);
        if (!p) throw ProtocolError(ErrorCode::not_found, "no section '" + *r.parent + "'");
        return p;
    };
    if (r.kind == "create") {
        check_title();
        if (r.owner && !doc_.takes_part(*r.owner)) {
            throw ProtocolError(ErrorCode::not_found,
                                "'" + *r.owner + "' is not a municipality taking part");
        }
        if (!auth::can_change_tree(user, r.owner)) forbid();
        const model::Section* parent = find_parent();
        if (parent && parent->owner && parent->owner != r.owner) {
            throw ProtocolError(ErrorCode::bad_request,
                                "a section under a local-only section belongs to its municipality");
        }
        return;
    }
    if (r.kind == "restore") {
        auto it = std::find_if(doc_.deleted.begin(), doc_.deleted.end(),
                               [&](const model::Section& s) { return s.id == r.section; });
        if (it == doc_.deleted.end()) {
            throw ProtocolError(ErrorCode::not_found, "no deleted section '" + r.section + "'");
        }
        if (!auth::can_change_tree(user, it->owner)) forbid();
        return;
    }
    const model::Section* section = doc_.section(r.section);
    if (!section) throw ProtocolError(ErrorCode::not_found, "no section '" + r.section + "'");
    if (!auth::can_change_tree(user, section->owner)) forbid();
    if (r.kind == "rename") return check_title();
    if (r.kind == "delete") {
        // Deleting a chapter deletes what is under it: the user must be allowed for all of it.
        for (const auto& id : doc_.descendants(r.section)) {
            if (!auth::can_change_tree(user, doc_.section(id)->owner)) forbid();
        }
        return;
    }
    // move
    const model::Section* parent = find_parent();
    if (parent) {
        auto below = doc_.descendants(r.section);
        if (parent->id == r.section ||
            std::find(below.begin(), below.end(), parent->id) != below.end()) {
            throw ProtocolError(ErrorCode::bad_request, "a section cannot move under itself");
        }
        if (parent->owner && parent->owner != section->owner) {
            throw ProtocolError(ErrorCode::bad_request,
                                "a section under a local-only section belongs to its municipality");
        }
    }
}

void Room::renumber(const std::string& parent, std::map<std::string, model::Section>& touched) {
    std::vector<model::Section*> siblings;
    for (auto& s : doc_.sections) {
        if (s.parent == parent) siblings.push_back(&s);
    }
    std::stable_sort(
        siblings.begin(), siblings.end(),
        [](const model::Section* a, const model::Section* b) { return a->position < b->position; });
    for (std::size_t i = 0; i < siblings.size(); ++i) {
        if (siblings[i]->position != static_cast<std::int64_t>(i)) {
            siblings[i]->position = static_cast<std::int64_t>(i);
            touched[siblings[i]->id] = *siblings[i];
        }
    }
}

void Room::place(const std::string& id, const std::string& parent, std::int64_t position,
                 std::map<std::string, model::Section>& touched) {
    std::vector<model::Section*> siblings;
    model::Section* moving = nullptr;
    for (auto& s : doc_.sections) {
        if (s.id == id)
            moving = &s;
        else if (s.parent == parent)
            siblings.push_back(&s);
    }
    std::stable_sort(
        siblings.begin(), siblings.end(),
        [](const model::Section* a, const model::Section* b) { return a->position < b->position; });
    const auto at = static_cast<std::size_t>(
        std::clamp<std::int64_t>(position, 0, static_cast<std::int64_t>(siblings.size())));
    siblings.insert(siblings.begin() + static_cast<std::ptrdiff_t>(at), moving);
    moving->parent = parent;
    for (std::size_t i = 0; i < siblings.size(); ++i)
        siblings[i]->position = static_cast<std::int64_t>(i);
    for (auto* s : siblings) touched[s->id] = *s;
}

void Room::do_change_tree(std::uint64_t session, TreeRequest r) {
    const Member* member = member_for(session, r.conn, r.id);
    if (!member) return;
    const Member& m = *member;
    try {
        check_writable();
        check_tree_request(r, m.user);
    } catch (const ProtocolError& e) {
        reply_error(m, r.id, e.code(), e.what());
        return;
    }

    const Rev rev = ++doc_.rev;
    last_structural_rev_ = rev;
    std::map<std::string, model::Section> touched;  // rows to write, by id
    std::vector<std::pair<std::string, model::Layer>> new_layers;
    nlohmann::json msg = {
        {"type", "section." + r.kind}, {"doc", id_}, {"rev", rev}, {"author", user_json(m.user)}};
    nlohmann::json data = nlohmann::json::object();
    if (r.kind == "create") {
        std::string base_id = model::slugify(r.title);
        if (base_id.empty()) base_id = "sectie";
        std::string sid = base_id;
        for (int n = 2; doc_.has_section_id(sid); ++n) sid = base_id + "-" + std::to_string(n);
        model::Section s;
        s.id = sid;
        s.title = r.title;
        s.owner = r.owner;
        model::Layer l;
        l.state = r.owner ? model::LayerState::override_ : model::LayerState::common;
        l.life = rev;
        l.changed_rev = rev;
        s.layers[s.text_layer()] = l;
        new_layers.emplace_back(s.text_layer(), l);
        doc_.sections.push_back(s);
        place(sid, r.parent.value_or(""), r.position, touched);
        model::sort_tree(doc_.sections);
        msg["section"] = model::to_json(*doc_.section(sid));
        r.section = sid;
    } else if (r.kind == "rename") {
        model::Section& s = *doc_.section(r.section);
        data["from"] = s.title;
        s.title = r.title;
        touched[s.id] = s;
        msg["section"] = r.section;
        msg["title"] = r.title;
    } else if (r.kind == "move") {
        const std::string old_parent = doc_.section(r.section)->parent;
        data["from"] = {
            {"parent", old_parent.empty() ? nlohmann::json() : nlohmann::json(old_parent)},
            {"position", doc_.section(r.section)->position}};
        place(r.section, r.parent.value_or(""), r.position, touched);
        renumber(old_parent, touched);
        model::sort_tree(doc_.sections);
        msg["section"] = r.section;
        msg["parent"] = r.parent ? nlohmann::json(*r.parent) : nlohmann::json();
        msg["position"] = doc_.section(r.section)->position;
    } else if (r.kind == "delete") {
        std::vector<std::string> gone = doc_.descendants(r.section);
        gone.insert(gone.begin(), r.section);
        const std::string parent = doc_.section(r.section)->parent;
        for (const auto& id : gone) {
            auto s = std::find_if(doc_.sections.begin(), doc_.sections.end(),
                                  [&](const model::Section& x) { return x.id == id; });
            s->deleted = true;
            touched[id] = *s;
            doc_.deleted.push_back(std::move(*s));
            doc_.sections.erase(s);
        }
        renumber(parent, touched);
        data["sections"] = gone;
        msg["section"] = r.section;
    } else {  // restore: the section and what was deleted under it, at the end of its parent
        std::vector<std::string> back{r.section};
        for (std::size_t i = 0; i < back.size(); ++i) {
            for (const auto& s : doc_.deleted) {
                if (s.parent == back[i]) back.push_back(s.id);
            }
        }
        for (const auto& id : back) {
            auto s = std::find_if(doc_.deleted.begin(), doc_.deleted.end(),
                                  [&](const model::Section& x) { return x.id == id; });
            s->deleted = false;
            doc_.sections.push_back(std::move(*s));
            doc_.deleted.erase(s);
        }
        model::Section& restored = *doc_.section(r.section);
        data["from"] = restored.position;
        std::string parent = doc_.section(restored.parent) ? restored.parent : std::string();
        place(r.section, parent, std::numeric_limits<std::int64_t>::max(), touched);
        for (const auto& id : back) touched[id] = *doc_.section(id);
        model::sort_tree(doc_.sections);
        data["sections"] = back;
        msg["section"] = model::to_json(*doc_.section(r.section));
        auto children = nlohmann::json::array();
        for (std::size_t i = 1; i < back.size(); ++i)
            children.push_back(model::to_json(*doc_.section(back[i])));
        msg["subsections"] = std::move(children);
    }
    std::vector<model::Section> rows;
    for (auto& [id, s] : touched) rows.push_back(s);
    commit_change(rev, m, r.id, std::move(msg),
                  [doc = id_, rev, kind = "section." + r.kind, sid = r.section, author = m.user.id,
                   data = std::move(data), rows = std::move(rows),
                   new_layers = std::move(new_layers)](store::Db& db) {
                      append_tree_change(db, doc, rev, kind, sid, data, author, rows, new_layers);
                  });
}

// ---- Rebase -----------------------------------------------------------------------------------

void Room::do_rebase(std::uint64_t session, RebaseRequest r) {
    const Member* member = member_for(session, r.conn, r.id);
    if (!member) return;
    const Member& m = *member;
    try {
        check_writable();
        if (!doc_.takes_part(r.layer)) {
            throw ProtocolError(ErrorCode::not_found,
                                "'" + r.layer + "' is not a municipality taking part");
        }
        if (!auth::can_rebase(m.user, r.layer)) {
            throw ProtocolError(ErrorCode::forbidden,
                                "only a coordinator of " + r.layer + " rebases");
        }
        const model::Section* section = doc_.section(r.section);
        if (!section) throw ProtocolError(ErrorCode::not_found, "no section '" + r.section + "'");
        const model::Layer* own = section->layer(r.layer);
        if (!own || own->state != model::LayerState::override_ || section->owner) {
            throw ProtocolError(ErrorCode::not_found, r.layer + " has no override of this section");
        }
        if (!section->is_stale(r.layer)) {
            throw ProtocolError(ErrorCode::conflict,
                                "the override of " + r.layer + " is not stale: nothing to rebase");
        }
        if (r.commit) return rebase_commit(m, r);
    } catch (const ProtocolError& e) {
        reply_error(m, r.id, e.code(), e.what());
        return;
    }

    // Preview: the common text at the override's base is read back from the history on disk,
    // once everything up to now is committed there.
    struct Texts {
        Rev rev = 0;
        std::string base, common, local;
    };
    const Rev base = *doc_.section(r.section)->layer(r.layer)->base;
    after_commit(doc_.rev, [this, r, base] {
        auto job = [doc = id_, section = r.section, code = r.layer, base](store::Db& db) {
            Texts t;
            t.rev = static_cast<Rev>(store::get_document(db, doc)->rev);
            auto common = store::get_layer(db, doc, section, model::common_layer);
            auto local = store::get_layer(db, doc, section, code);
            if (!common || !local) {
                throw ProtocolError(ErrorCode::not_found,
                                    code + " has no override of this section");
            }
            t.common = common->text;
            t.local = local->text;
            t.base = t.common;
            auto edits = load_edits(db, doc, section, model::common_layer, base, t.rev);
            for (auto e = edits.rbegin(); e != edits.rend(); ++e) {
                if (!ot::is_invertible(e->op)) {
                    throw ProtocolError(ErrorCode::conflict, "the common text before revision " +
                                                                 std::to_string(e->rev) +
                                                                 " cannot be read back");
                }
                t.base = ot::apply(t.base, ot::invert(e->op));
            }
            return t;
        };
        auto done = [self = shared_from_this(), r](std::exception_ptr error, Texts t) {
            asio::post(self->strand_, [self, r, error, t = std::move(t)] {
                if (error) {
                    try {
                        std::rethrow_exception(error);
                    } catch (const ProtocolError& e) {
                        return self->send(r.conn, protocol::error(r.id, e.code(), e.what()));
                    } catch (const std::exception& e) {
                        return self->send(r.conn, protocol::error(r.id, ErrorCode::internal,
                                                                  "reading the history failed"));
                    }
                }
                auto merged = model::merge3(t.base, t.local, t.common);
                auto conflicts = nlohmann::json::array();
                for (const auto& c : merged.conflicts) {
                    conflicts.push_back({{"position", c.position},
                                         {"base", c.base},
                                         {"common", c.theirs},
                                         {"local", c.ours}});
                }
                self->send(r.conn, protocol::reply({{"type", "rebase.preview"},
                                                    {"doc", self->id_},
                                                    {"section", r.section},
                                                    {"layer", r.layer},
                                                    {"rev", t.rev},
                                                    {"base", t.base},
                                                    {"common", t.common},
                                                    {"local", t.local},
                                                    {"merged", merged.merged},
                                                    {"conflicts", std::move(conflicts)}},
                                                   r.id));
            });
        };
        try {
            store_.query(std::move(job), std::move(done));
        } catch (const std::exception&) {
            send(r.conn,
                 protocol::error(r.id, ErrorCode::internal, "the server is overloaded, try again"));
        }
    });
}

void Room::rebase_commit(const Member& m, const RebaseRequest& r) {
    model::Section& section = *doc_.section(r.section);
    model::Layer& own = section.layers.at(r.layer);
    const model::Layer& common = section.layers.at(std::string(model::common_layer));
    if (r.rev > doc_.rev)
        throw ProtocolError(ErrorCode::bad_request, "rev is ahead of the document");
    if (common.changed_rev > r.rev || own.changed_rev > r.rev) {
        throw ProtocolError(ErrorCode::conflict,
                            "the text changed since that preview: preview the rebase again");
    }
    if (!utf8::valid(r.text))
        throw ProtocolError(ErrorCode::bad_request, "the text is not valid UTF-8");
    if (r.text.size() > limits_.max_text_bytes) {
        throw ProtocolError(ErrorCode::too_large, "the text is longer than a layer may hold");
    }
    // An ordinary op on the override, so that whoever types in it stays in step.
    ot::Op op = ot::make_invertible(model::diff_op(own.text, r.text), own.text);
    const Rev rev = ++doc_.rev;
    last_structural_rev_ = rev;
    const std::optional<Rev> old_base = own.base;
    own.text = r.text;
    own.changed_rev = rev;
    own.base = rev;
    AppliedEdit applied{rev, r.section, r.layer, op, "rebase-" + std::to_string(rev), m.user.id};
    remember(applied, m.user);
    commit_change(
        rev, m, r.id,
        {{"type", "rebase"},
         {"doc", id_},
         {"rev", rev},
         {"section", r.section},
         {"layer", r.layer},
         {"op", ot::to_json(op)},
         {"base", rev},
         {"author", user_json(m.user)}},
        [doc = id_, applied, text = r.text, old_base](store::Db& db) {
            // The base it had, for reading the history back.
            append_edit(db, doc, applied, text,
                        old_base ? nlohmann::json{{"rebased_from", *old_base}} : nlohmann::json());
            store::set_layer_state(db, doc, applied.section, applied.layer, "override",
                                   static_cast<std::int64_t>(applied.rev));
        });
}

void Room::check_writable() const {
    if (failed_) throw ProtocolError(ErrorCode::internal, "the document is being reloaded");
    if (doc_.archived) {
        throw ProtocolError(ErrorCode::conflict,
                            "the document is archived: it can be read, not changed");
    }
}

void Room::commit_change(Rev rev, const Member& requester, const nlohmann::json& request_id,
                         nlohmann::json broadcast, std::function<void(store::Db&)> write) {
    std::vector<Uncommitted> one;
    one.push_back(Uncommitted{std::nullopt, requester.user, std::move(broadcast), 0, nullptr, {}});
    commit_changes(rev, std::move(one), requester, request_id, std::move(write));
}

void Room::commit_changes(Rev first, std::vector<Uncommitted> changes, const Member& requester,
                          const nlohmann::json& request_id, std::function<void(store::Db&)> write) {
    const Rev last = first + changes.size() - 1;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        Uncommitted& u = changes[i];
        if (first + i == last) {
            u.ack_conn = requester.conn;
            u.ack = protocol::reply({{"type", "ack"}, {"rev", last}}, request_id);
        }
        uncommitted_.emplace(first + i, std::move(u));
    }
    auto done = [self = shared_from_this(), first, last](std::exception_ptr error) {
        asio::post(self->strand_, [self, first, last, error] {
            if (error) return self->on_commit_failed(last, error);
            for (Rev r = first; r <= last; ++r) self->on_committed(r);
        });
    };
    try {
        store_.submit(std::move(write), std::move(done));
    } catch (const std::exception& e) {
        reply_error(requester, request_id, ErrorCode::internal,
                    "the server is overloaded, try again");
        on_store_failed(e.what());
    }
}

nlohmann::json Room::stale_overrides(const model::Section& section) const {
    auto out = nlohmann::json::array();
    for (const auto& [name, layer] : section.layers) {
        if (name != model::common_layer && section.is_stale(name)) out.push_back(name);
    }
    return out;
}

// ---- Presence ---------------------------------------------------------------------------------

void Room::do_presence(std::uint64_t session, PresenceUpdate update) {
    auto it = members_.find(session);
    if (it == members_.end()) return;
    MemberState& ms = it->second;
    const model::Section* section = doc_.section(update.section);
    if (!section || !section->layer(update.layer)) {
        reply_error(
            ms.member, nullptr, ErrorCode::not_found,
            "presence: no layer '" + update.layer + "' in section '" + update.section + "'");
        return;
    }
    const std::size_t len = utf8::count(section->layer(update.layer)->text);
    update.sel.anchor = std::min(update.sel.anchor, len);
    update.sel.head = std::min(update.sel.head, len);
    ms.pending_presence = std::move(update);
    auto now = std::chrono::steady_clock::now();
    if (now - ms.last_presence >= limits_.presence_interval) {
        relay_presence(ms);
        return;
    }
    if (!ms.presence_timer) {
        // Throttled: the latest position goes out when the interval has passed.
        ms.presence_timer = std::make_unique<asio::steady_timer>(strand_);
        ms.presence_timer->expires_at(ms.last_presence + limits_.presence_interval);
        ms.presence_timer->async_wait(
            [self = shared_from_this(), session](boost::system::error_code ec) {
                if (ec) return;
                auto m = self->members_.find(session);
                if (m == self->members_.end()) return;
                m->second.presence_timer.reset();
                if (m->second.pending_presence) self->relay_presence(m->second);
            });
    }
}

void Room::relay_presence(MemberState& ms) {
    ms.presence = std::move(ms.pending_presence);
    ms.pending_presence.reset();
    ms.last_presence = std::chrono::steady_clock::now();
    broadcast({{"type", "presence"},
               {"doc", id_},
               {"session", ms.member.session},
               {"user", user_json(ms.member.user)},
               {"section", ms.presence->section},
               {"layer", ms.presence->layer},
               {"sel", {ms.presence->sel.anchor, ms.presence->sel.head}}},
              ms.member.session, 0);
}

// ---- Messages ---------------------------------------------------------------------------------

void Room::reply_error(const Member& m, const nlohmann::json& id, ErrorCode code,
                       const std::string& message) {
    send(m, protocol::error(id, code, message));
}

void Room::send(const Member& m, const nlohmann::json& msg) {
    send(m.conn, msg);
}

void Room::send(const std::shared_ptr<net::Connection>& conn, const nlohmann::json& msg) {
    conn->send(std::make_shared<const std::string>(protocol::serialize(msg)));
}

void Room::broadcast(const nlohmann::json& msg, std::uint64_t except, Rev rev) {
    // Serialized once, shared by every recipient.
    auto text = std::make_shared<const std::string>(protocol::serialize(msg));
    for (auto& [session, ms] : members_) {
        if (session == except || (rev != 0 && rev <= ms.from_rev)) continue;
        ms.member.conn->send(text);
    }
}

nlohmann::json Room::user_json(const auth::User& u) const {
    return {{"id", u.id},
            {"name", u.name},
            {"display_name", u.display_name},
            {"municipality", u.municipality ? nlohmann::json(*u.municipality) : nlohmann::json()}};
}

nlohmann::json Room::edit_json(const AppliedEdit& e, const auth::User& author) const {
    return {{"type", "edit"},       {"doc", id_},
            {"section", e.section}, {"layer", e.layer},
            {"rev", e.rev},         {"op", ot::to_json(e.op)},
            {"opid", e.opid},       {"author", user_json(author)}};
}

nlohmann::json Room::snapshot_json(const nlohmann::json& request_id) const {
    auto municipalities = nlohmann::json::array();
    for (const auto& m : doc_.municipalities) municipalities.push_back(model::to_json(m));
    auto sections = nlohmann::json::array();
    for (const auto& s : doc_.sections) sections.push_back(model::to_json(s));
    auto proposals = nlohmann::json::array();
    for (const auto& p : doc_.proposals) proposals.push_back(model::to_json(p));
    auto versions = nlohmann::json::array();
    for (const auto& v : doc_.versions) versions.push_back(model::to_json(v));
    auto presence = nlohmann::json::array();
    for (const auto& [session, ms] : members_) {
        if (!ms.presence) continue;
        presence.push_back({{"session", session},
                            {"user", user_json(ms.member.user)},
                            {"section", ms.presence->section},
                            {"layer", ms.presence->layer},
                            {"sel", {ms.presence->sel.anchor, ms.presence->sel.head}}});
    }
    return protocol::reply({{"type", "snapshot"},
                            {"doc", id_},
                            {"title", doc_.title},
                            {"rev", doc_.rev},
                            {"municipalities", std::move(municipalities)},
                            {"sections", std::move(sections)},
                            {"presence", std::move(presence)},
                            {"proposals", std::move(proposals)},
                            {"versions", std::move(versions)},
                            {"archived", doc_.archived}},
                           request_id);
}

}  // namespace samen::rooms
