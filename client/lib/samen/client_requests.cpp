// Client::Impl: what the user asks for (lists, requests, documents, edits, presence), sending it,
// and what follows every step on the strand (finish()).
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "protocol/protocol.hpp"
#include "samen/client_impl.hpp"
#include "transport/websocket_client.hpp"

namespace samen::client {

// ---- The user's calls ---------------------------------------------------------------------------

void Client::Impl::do_list(ListDone done) {
    Request r;
    r.kind = Request::Kind::list;
    r.list_done = std::move(done);
    if (welcomed_) {
        send_list(std::move(r));
    } else if (state_ == ConnectionState::connecting || state_ == ConnectionState::reconnecting) {
        queued_lists_.push_back(std::move(r));
    } else if (r.list_done) {
        r.list_done(error_of("connection_lost", "not connected"), {});
    }
    finish();
}

void Client::Impl::do_request(nlohmann::json msg, ReplyDone done) {
    Request r;
    r.kind = Request::Kind::generic;
    if (msg.is_object()) {
        if (auto doc = msg.find("doc"); doc != msg.end() && doc->is_string()) {
            r.doc = doc->get<std::string>();
        }
    }
    r.reply_done = std::move(done);
    if (!msg.is_object() || !msg.contains("type") || !msg["type"].is_string()) {
        if (r.reply_done) {
            r.reply_done(
                error_of("bad_request", "a request is a JSON object with a \"type\"", r.doc),
                nullptr);
        }
        return;
    }
    if (welcomed_ && ws_) {
        send_request(std::move(r), std::move(msg));
    } else if (state_ == ConnectionState::connecting) {
        queued_requests_.emplace_back(std::move(r), std::move(msg));
    } else if (r.reply_done) {
        r.reply_done(error_of("connection_lost", "not connected", r.doc), nullptr);
    }
    finish();
}

void Client::Impl::do_open(std::string doc, Done done) {
    if (state_ == ConnectionState::disconnected || state_ == ConnectionState::closed) {
        if (done) done(error_of("connection_lost", "not connected", doc));
        return;
    }
    auto it = docs_.find(doc);
    if (it != docs_.end() && it->second->loaded()) {
        if (done) done(std::nullopt);
        return;
    }
    open_waiters_[doc].push_back(std::move(done));  // complete_open() calls them
    if (it == docs_.end()) {
        auto sync = std::make_unique<DocumentSync>(doc, [this] { return next_opid(); });
        if (welcomed_) sync->connected();
        docs_.emplace(std::move(doc), std::move(sync));
    }
    finish();
}

void Client::Impl::do_close_document(const std::string& doc, Done done) {
    auto it = docs_.find(doc);
    if (it == docs_.end()) {
        if (done) done(std::nullopt);
        return;
    }
    if (it->second->loaded()) {
        report_unsent(*it->second, error_of("connection_lost",
                                            "the document '" + doc +
                                                "' was closed before its local changes were sent",
                                            doc));
    }
    docs_.erase(it);
    complete_open(doc, error_of("connection_lost", "closed before it opened", doc));
    if (welcomed_) {
        Request r;
        r.kind = Request::Kind::close;
        r.doc = doc;
        r.done = std::move(done);
        send_request(std::move(r), {{"type", "close"}, {"doc", doc}});
    } else if (done) {
        done(std::nullopt);
    }
    finish();
}

void Client::Impl::do_edit(const std::string& doc, const std::string& section,
                           const std::string& layer,
                           const std::function<ot::Op(const std::string& text)>& make_op,
                           const Done& applied) {
    std::optional<ClientError> result;
    try {
        DocumentSync* d = live_doc(doc);
        if (!d) throw std::invalid_argument("the document '" + doc + "' is not open");
        const LayerSync* l = d->layer(section, layer);
        // DocumentSync::edit explains a missing layer best.
        ot::Op op = l ? make_op(l->text()) : ot::Op{};
        d->edit(section, layer, op);
    } catch (const std::exception& e) {
        result = error_of("bad_request", e.what(), doc);
        result->section = section;
        result->layer = layer;
    }
    if (applied) applied(result);
    finish();
}

void Client::Impl::do_presence(const std::string& doc, const std::string& section,
                               const std::string& layer, ot::Selection sel) {
    if (DocumentSync* d = live_doc(doc)) d->set_presence(section, layer, sel);
    finish();
}

// ---- Reads --------------------------------------------------------------------------------------

DocumentSync* Client::Impl::live_doc(const std::string& doc) {
    auto it = docs_.find(doc);
    return it == docs_.end() || !it->second->loaded() ? nullptr : it->second.get();
}

std::size_t Client::Impl::pending_edits() const {
    std::size_t n = 0;
    for (const auto& [id, doc] : docs_) n += doc->pending_edits();
    return n;
}

// ---- Sending ------------------------------------------------------------------------------------

void Client::Impl::send_request(Request r, nlohmann::json msg) {
    const std::uint64_t id = next_id_++;
    msg["id"] = id;
    requests_.emplace(id, std::move(r));
    ws_->send(protocol::serialize(msg));
}

void Client::Impl::send_list(Request r) {
    send_request(std::move(r), {{"type", "list"}});
}

void Client::Impl::finish() {
    for (auto& [id, doc] : docs_) {
        for (Outgoing& out : doc->take_outgoing()) send_outgoing(id, std::move(out));
    }
    for (auto& [id, doc] : docs_) {
        for (SyncEvent& event : doc->take_events()) dispatch(event);
    }
    if (callbacks_.on_activity) callbacks_.on_activity();
}

void Client::Impl::send_outgoing(const std::string& doc, Outgoing out) {
    if (!welcomed_ || !ws_) return;  // the document asks again once connected
    if (out.kind == Outgoing::Kind::presence) {
        ws_->send(protocol::serialize(out.msg));
        return;
    }
    const bool edit = out.kind == Outgoing::Kind::edit;
    Request r;
    r.kind = edit ? Request::Kind::edit : Request::Kind::open;
    r.doc = doc;
    r.section = std::move(out.section);
    r.layer = std::move(out.layer);
    r.opid = std::move(out.opid);
    send_request(std::move(r), std::move(out.msg));
    if (edit && drop_after_edit_) {
        drop_after_edit_ = false;
        boost::asio::post(strand_, [self = shared_from_this()] {
            self->do_disconnect("dropped after an edit (test hook)");
        });
    }
}

void Client::Impl::dispatch(SyncEvent& event) {
    if (auto* e = std::get_if<RemoteEdit>(&event)) {
        if (callbacks_.on_edit) callbacks_.on_edit(*e);
    } else if (auto* p = std::get_if<PresenceEvent>(&event)) {
        if (callbacks_.on_presence) callbacks_.on_presence(*p);
    } else if (auto* r = std::get_if<Reloaded>(&event)) {
        if (callbacks_.on_reload) callbacks_.on_reload(r->doc);
    } else if (auto* err = std::get_if<ClientError>(&event)) {
        if (callbacks_.on_error) callbacks_.on_error(*err);
    }
}

// ---- Rate limits --------------------------------------------------------------------------------

// An edit refused with `rate_limited` is held by its document; one pause holds them all.
void Client::Impl::do_rate_limit_pause() {
    if (rate_timer_armed_) return;
    rate_timer_armed_ = true;
    rate_timer_.expires_after(options_.rate_limit_delay);
    rate_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        if (auto self = weak.lock()) self->on_rate_timer(ec);
    });
}

void Client::Impl::on_rate_timer(boost::system::error_code ec) {
    if (shut_down_) return;
    rate_timer_armed_ = false;
    if (ec) return;
    for (auto& [id, doc] : docs_) doc->resume();
    finish();
}

std::string Client::Impl::next_opid() {
    return client_id_ + "-" + std::to_string(++opid_counter_);
}

}  // namespace samen::client
