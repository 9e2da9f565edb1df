// Client::Impl: what the server says, routed to the request it answers or the document it
// concerns.
#include <stdexcept>

#include "samen/client_impl.hpp"

namespace samen::client {

namespace {

std::optional<std::uint64_t> request_id(const nlohmann::json& msg) {
    auto id = msg.find("id");
    if (id == msg.end() || !id->is_number_unsigned()) return std::nullopt;
    return id->get<std::uint64_t>();
}

/// The server's `error` message as a ClientError.
ClientError error_from(const nlohmann::json& msg, std::string doc = {}) {
    return error_of(msg.value("code", std::string("internal")),
                    msg.value("message", std::string("(no message)")), std::move(doc));
}

DocumentSummary summary_from_json(const nlohmann::json& d) {
    DocumentSummary s;
    s.id = d.at("id").get<std::string>();
    s.title = d.value("title", std::string());
    s.rev = d.value("rev", Rev{0});
    if (auto m = d.find("municipalities"); m != d.end() && m->is_array()) {
        for (const auto& code : *m) {
            if (code.is_string()) s.municipalities.push_back(code.get<std::string>());
            if (code.is_object()) s.municipalities.push_back(code.value("code", ""));
        }
    }
    s.archived = d.value("archived", false);
    if (auto v = d.find("versions"); v != d.end() && v->is_array()) {
        for (const auto& entry : *v) s.versions.push_back(version_from_json(entry));
    }
    return s;
}

}  // namespace

void Client::Impl::report_bad_message(const std::exception& e) {
    if (callbacks_.on_error) {
        callbacks_.on_error(
            error_of("bad_message",
                     std::string("a message from the server could not be read: ") + e.what()));
    }
}

void Client::Impl::on_message(const std::string& text) {
    try {
        const nlohmann::json msg = nlohmann::json::parse(text);
        if (!msg.is_object()) throw std::invalid_argument("not a JSON object");
        if (msg.value("type", std::string()) != "batch") return on_json(msg);
        // Several messages the server sent at once, each as it would have come alone.
        for (const auto& one : msg.at("messages")) {
            if (!one.is_object()) throw std::invalid_argument("a batch holds a non-object");
            on_json(one);
        }
    } catch (const std::exception& e) {
        report_bad_message(e);
    }
}

void Client::Impl::on_json(const nlohmann::json& msg) {
    try {
        const std::string type = msg.value("type", std::string());
        if (type == "welcome") return on_welcome(msg);
        if (welcomed_ && on_reply(type, msg)) return;
        if (type == "error") return on_error_message(msg);
        if (!welcomed_) return;
        if (type == "ack") return on_ack(msg);
        if (type == "documents") return on_documents(msg);
        if (auto id = request_id(msg)) requests_.erase(*id);  // an open's reply
        auto doc = msg.find("doc");
        if (doc == msg.end() || !doc->is_string()) return;  // nothing this client knows
        auto it = docs_.find(doc->get<std::string>());
        if (it == docs_.end()) return;  // closed meanwhile
        it->second->receive(msg);
        if (it->second->loaded()) complete_open(it->first, std::nullopt);
    } catch (const std::exception& e) {
        report_bad_message(e);
    }
}

void Client::Impl::on_welcome(const nlohmann::json& msg) {
    welcomed_ = true;
    ever_welcomed_ = true;
    attempts_ = 0;
    ++connection_count_;
    user_ = user_from_json(msg.at("user"));
    set_state(ConnectionState::connected, "signed in as " + user_->name);
    if (auto done = std::exchange(connect_done_, nullptr)) done(std::nullopt);
    auto lists = std::exchange(queued_lists_, {});
    for (auto& r : lists) send_list(std::move(r));
    auto generic = std::exchange(queued_requests_, {});
    for (auto& [r, m] : generic) send_request(std::move(r), std::move(m));
    for (auto& [id, doc] : docs_) doc->connected();
}

// An `effective` or `document.created` carries a `doc` and a `rev` that are no change to apply:
// a request()'s reply goes to its caller before anything else looks at it.
bool Client::Impl::on_reply(const std::string& type, const nlohmann::json& msg) {
    auto r = take_request(msg, Request::Kind::generic);
    if (!r) return false;
    if (!r->reply_done) return true;
    std::optional<ClientError> e;
    if (type == "error") e = error_from(msg, r->doc);
    r->reply_done(std::move(e), msg);
    return true;
}

void Client::Impl::on_error_message(const nlohmann::json& msg) {
    ClientError e = error_from(msg);
    if (!welcomed_ && !request_id(msg)) {
        hello_error_ = e;  // the server closes the connection next
        return;
    }
    auto r = take_request(msg);
    if (!r) {
        if (callbacks_.on_error) callbacks_.on_error(e);
        return;
    }
    e.doc = r->doc;
    switch (r->kind) {
        case Request::Kind::list:
            if (r->list_done) r->list_done(e, {});
            break;
        case Request::Kind::close:
            if (r->done) r->done(e);
            break;
        case Request::Kind::open:
            on_open_refused(r->doc, e);
            break;
        case Request::Kind::edit:
            if (auto d = docs_.find(r->doc); d != docs_.end()) {
                d->second->refused(r->section, r->layer, r->opid, e.code, e.message);
                if (e.code == "rate_limited") do_rate_limit_pause();
            }
            break;
        case Request::Kind::generic:  // on_reply() had it first
            if (r->reply_done) r->reply_done(e, msg);
            break;
    }
}

void Client::Impl::on_open_refused(const std::string& doc, ClientError e) {
    auto it = docs_.find(doc);
    if (it == docs_.end()) return;
    if (!it->second->loaded()) {
        docs_.erase(it);
        complete_open(doc, e);
        return;
    }
    // Open before, refused now (deleted, or no longer allowed): say so, with what was typed.
    e.message = "the document '" + doc + "' could not be opened again: " + e.message;
    report_unsent(*it->second, e);
    docs_.erase(it);
    if (callbacks_.on_error) callbacks_.on_error(e);
}

void Client::Impl::on_ack(const nlohmann::json& msg) {
    auto r = take_request(msg);
    if (!r) return;
    if (r->kind == Request::Kind::close) {
        if (r->done) r->done(std::nullopt);
    } else if (r->kind == Request::Kind::edit) {
        if (auto d = docs_.find(r->doc); d != docs_.end()) {
            d->second->acked(r->section, r->layer, r->opid, msg.at("rev").get<Rev>());
        }
    }
}

void Client::Impl::on_documents(const nlohmann::json& msg) {
    auto r = take_request(msg);
    if (!r) return;
    std::vector<DocumentSummary> list;
    for (const auto& d : msg.at("documents")) list.push_back(summary_from_json(d));
    if (r->list_done) r->list_done(std::nullopt, std::move(list));
}

std::optional<Client::Impl::Request> Client::Impl::take_request(const nlohmann::json& msg,
                                                                std::optional<Request::Kind> kind) {
    auto id = request_id(msg);
    auto it = id ? requests_.find(*id) : requests_.end();
    if (it == requests_.end() || (kind && it->second.kind != *kind)) return std::nullopt;
    Request r = std::move(it->second);
    requests_.erase(it);
    return r;
}

void Client::Impl::report_unsent(const DocumentSync& d, const ClientError& why) {
    for (const auto& section : d.document().sections) {
        for (const auto& [name, layer] : section.layers) {
            const LayerSync* l = d.layer(section.id, name);
            if (l && l->has_pending() && callbacks_.on_error) {
                ClientError lost = why;
                lost.section = section.id;
                lost.layer = name;
                lost.unsent_text = l->text();
                callbacks_.on_error(lost);
            }
        }
    }
}

void Client::Impl::complete_open(const std::string& doc, const std::optional<ClientError>& e) {
    auto it = open_waiters_.find(doc);
    if (it == open_waiters_.end()) return;
    auto dones = std::move(it->second);
    open_waiters_.erase(it);
    for (auto& done : dones) {
        if (done) done(e);
    }
}

}  // namespace samen::client
