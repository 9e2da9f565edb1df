#include "samen/client.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <map>
#include <random>

#include "protocol/protocol.hpp"
#include "samen/document_sync.hpp"
#include "transport/websocket_client.hpp"

namespace samen::client {

namespace asio = boost::asio;

std::string_view to_string(ConnectionState s) noexcept {
    switch (s) {
        case ConnectionState::disconnected:
            return "disconnected";
        case ConnectionState::connecting:
            return "connecting";
        case ConnectionState::connected:
            return "connected";
        case ConnectionState::reconnecting:
            return "reconnecting";
        case ConnectionState::closed:
            return "closed";
    }
    return "disconnected";
}

namespace {

constexpr int policy_violation = 1008;  // the server's answer to a bad token

std::string describe_close(int code, const std::string& reason, const std::string& error) {
    if (!error.empty()) return error;
    std::string why = "closed by the server with code " + std::to_string(code);
    switch (code) {
        case 1001:
            why += " (going away)";
            break;
        case 4001:
            why += " (this client read too slowly)";
            break;
        case 4002:
            why += " (idle)";
            break;
        default:
            break;
    }
    if (!reason.empty()) why += ": " + reason;
    return why;
}

}  // namespace

struct Client::Impl : std::enable_shared_from_this<Impl> {
    struct Request {
        enum class Kind { list, open, close, edit, generic };
        Kind kind = Kind::list;
        std::string doc;
        std::string section;
        std::string layer;
        std::string opid;
        ListDone list_done;
        Done done;
        ReplyDone reply_done;
    };

    Impl(asio::io_context& io, ClientOptions opts, ClientCallbacks cbs)
        : ioc(io),
          strand(asio::make_strand(io)),
          options(std::move(opts)),
          callbacks(std::move(cbs)),
          rng(options.seed != 0
                  ? options.seed
                  : (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()),
          reconnect_timer(strand),
          rate_timer(strand) {
        static const char* hex = "0123456789abcdef";
        std::uint64_t bits = rng();
        for (int i = 0; i < 16; ++i, bits >>= 4) client_id += hex[bits & 0xFU];
    }

    // ---- Connection --------------------------------------------------------------------------

    void start_connection() {
        const std::uint64_t gen = ++generation;
        opened = false;
        ws = transport::WebSocketClient::create(ioc);
        std::weak_ptr<Impl> weak = shared_from_this();
        transport::WebSocketCallbacks cb;
        cb.on_open = [weak, gen] {
            if (auto self = weak.lock()) {
                asio::post(self->strand, [self, gen] {
                    if (gen == self->generation) self->opened = true;
                });
            }
        };
        cb.on_message = [weak, gen](std::string text) {
            if (auto self = weak.lock()) {
                asio::post(self->strand, [self, gen, text = std::move(text)] {
                    if (gen != self->generation || self->shut_down) return;
                    self->on_message(text);
                    self->finish();
                });
            }
        };
        cb.on_close = [weak, gen](int code, std::string reason, std::string error) {
            if (auto self = weak.lock()) {
                asio::post(self->strand,
                           [self, gen, code, reason = std::move(reason), error = std::move(error)] {
                               if (gen != self->generation || self->shut_down) return;
                               self->on_closed(code, reason, error);
                               self->finish();
                           });
            }
        };
        ws->connect(host, port, "/ws", std::move(cb));
        ws->send(protocol::serialize(
            {{"type", "hello"}, {"token", token}, {"client", options.client_name}}));
    }

    void on_closed(int code, const std::string& reason, const std::string& error) {
        ++generation;  // nothing more from that connection
        ws.reset();
        welcomed = false;
        for (auto& [id, doc] : docs) doc->disconnected();
        // Nothing sent on that connection will be answered: lists go again, documents reopen
        // themselves, edits are resubmitted by their documents.
        auto old = std::exchange(requests, {});
        for (auto it = old.rbegin(); it != old.rend(); ++it) {
            Request& r = it->second;
            if (r.kind == Request::Kind::list) queued_lists.push_front(std::move(r));
            if (r.kind == Request::Kind::close && r.done) r.done(std::nullopt);
        }
        // Whether these were carried out cannot be known: the caller decides whether to ask again.
        for (auto& [id, r] : old) {
            if (r.kind == Request::Kind::generic && r.reply_done) {
                r.reply_done(error_of("connection_lost",
                                      "the connection was lost before the server answered", r.doc),
                             nullptr);
            }
        }
        if (closing) {
            set_state(ConnectionState::closed, "closed");
            fail_all(error_of("connection_lost", "the connection was closed"));
            if (auto done = std::exchange(close_done, nullptr)) done(std::nullopt);
            return;
        }
        const std::string why = describe_close(code, reason, error);
        if (hello_error || code == policy_violation) {
            ClientError e = hello_error.value_or(
                error_of("unauthorized", "the server refused the sign-in: " + why));
            give_up(e);
            return;
        }
        if (!ever_welcomed) {
            give_up(opened ? error_of("connection_lost",
                                      "the connection closed before signing in: " + why)
                           : error_of("unreachable", why));
            return;
        }
        schedule_reconnect(why);
    }

    void schedule_reconnect(const std::string& why) {
        if (++attempts > options.max_reconnect_attempts) {
            give_up(error_of("connection_lost", "the connection was lost (" + why + ") and " +
                                                    std::to_string(options.max_reconnect_attempts) +
                                                    " attempts to reconnect failed"));
            return;
        }
        set_state(ConnectionState::reconnecting, why);
        auto delay = options.reconnect_delay;
        for (int i = 1; i < attempts && delay < options.max_reconnect_delay; ++i) delay *= 2;
        delay = std::min(delay, options.max_reconnect_delay);
        const auto ms = std::max<std::int64_t>(1, delay.count());
        std::uniform_int_distribution<std::int64_t> jitter(ms / 2, ms);
        reconnect_timer.expires_after(std::chrono::milliseconds(jitter(rng)));
        reconnect_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || self->shut_down || self->closing) return;
            self->start_connection();
            self->finish();
        });
    }

    void give_up(const ClientError& e) {
        if (auto done = std::exchange(connect_done, nullptr)) {
            done(e);
        } else if (callbacks.on_error) {
            callbacks.on_error(e);
        }
        set_state(ConnectionState::closed, e.message);
        fail_all(e);
    }

    /// Everything waiting for a connection that will not come.
    void fail_all(const ClientError& e) {
        auto lists = std::exchange(queued_lists, {});
        for (auto& r : lists) {
            if (r.list_done) r.list_done(e, {});
        }
        auto generic = std::exchange(queued_requests, {});
        for (auto& [r, msg] : generic) {
            if (r.reply_done) r.reply_done(e, nullptr);
        }
        auto waiters = std::exchange(open_waiters, {});
        for (auto& [doc, dones] : waiters) {
            auto it = docs.find(doc);
            if (it != docs.end() && !it->second->loaded()) docs.erase(it);
            for (auto& done : dones) {
                if (done) done(e);
            }
        }
    }

    void drop_connection(const std::string& why) {
        if (!ws) return;
        // The client lets go of the socket at once, as if the network had failed.
        on_closed(1006, {}, why);
    }

    void set_state(ConnectionState s, const std::string& why) {
        if (s == state) return;
        state = s;
        if (callbacks.on_state_change) callbacks.on_state_change(s, why);
    }

    // ---- Messages ----------------------------------------------------------------------------

    void on_message(const std::string& text) {
        nlohmann::json msg;
        try {
            msg = nlohmann::json::parse(text);
            if (!msg.is_object()) throw std::invalid_argument("not a JSON object");
            const std::string type = msg.value("type", std::string());
            if (type == "welcome") return on_welcome(msg);
            if (welcomed && take_generic_reply(type, msg)) return;
            if (type == "error") return on_error_message(msg);
            if (!welcomed) return;
            if (type == "ack") return on_ack(msg);
            if (type == "documents") return on_documents(msg);
            if (auto id = request_id(msg)) requests.erase(*id);  // an open's reply
            auto doc = msg.find("doc");
            if (doc == msg.end() || !doc->is_string()) return;  // nothing this client knows
            auto it = docs.find(doc->get<std::string>());
            if (it == docs.end()) return;  // closed meanwhile
            it->second->receive(msg);
            if (it->second->loaded()) complete_open(it->first, std::nullopt);
        } catch (const std::exception& e) {
            if (callbacks.on_error) {
                callbacks.on_error(
                    error_of("bad_message", std::string("a message from the server could not be "
                                                        "read: ") +
                                                e.what()));
            }
        }
    }

    static std::optional<std::uint64_t> request_id(const nlohmann::json& msg) {
        auto id = msg.find("id");
        if (id == msg.end() || !id->is_number_unsigned()) return std::nullopt;
        return id->get<std::uint64_t>();
    }

    /// The reply to a request(): handed over whole, never to a document (an `effective` or
    /// `document.created` carries a `doc` and a `rev` that are no change to apply).
    bool take_generic_reply(const std::string& type, const nlohmann::json& msg) {
        auto id = request_id(msg);
        auto it = id ? requests.find(*id) : requests.end();
        if (it == requests.end() || it->second.kind != Request::Kind::generic) return false;
        Request r = std::move(it->second);
        requests.erase(it);
        if (!r.reply_done) return true;
        if (type == "error") {
            ClientError e = error_of(msg.value("code", std::string("internal")),
                                     msg.value("message", std::string("(no message)")), r.doc);
            r.reply_done(std::move(e), msg);
        } else {
            r.reply_done(std::nullopt, msg);
        }
        return true;
    }

    void on_welcome(const nlohmann::json& msg) {
        welcomed = true;
        ever_welcomed = true;
        attempts = 0;
        ++connection_count;
        user = user_from_json(msg.at("user"));
        set_state(ConnectionState::connected, "signed in as " + user->name);
        if (auto done = std::exchange(connect_done, nullptr)) done(std::nullopt);
        auto lists = std::exchange(queued_lists, {});
        for (auto& r : lists) send_list(std::move(r));
        auto generic = std::exchange(queued_requests, {});
        for (auto& [r, m] : generic) send_request(std::move(r), std::move(m));
        for (auto& [id, doc] : docs) doc->connected();
    }

    void on_error_message(const nlohmann::json& msg) {
        ClientError e = error_of(msg.value("code", std::string("internal")),
                                 msg.value("message", std::string("(no message)")));
        auto id = request_id(msg);
        if (!welcomed && !id) {
            hello_error = e;  // the server closes the connection next
            return;
        }
        auto it = id ? requests.find(*id) : requests.end();
        if (it == requests.end()) {
            if (callbacks.on_error) callbacks.on_error(e);
            return;
        }
        Request r = std::move(it->second);
        requests.erase(it);
        e.doc = r.doc;
        switch (r.kind) {
            case Request::Kind::list:
                if (r.list_done) r.list_done(e, {});
                break;
            case Request::Kind::close:
                if (r.done) r.done(e);
                break;
            case Request::Kind::open:
                on_open_refused(r.doc, e);
                break;
            case Request::Kind::edit:
                if (auto d = docs.find(r.doc); d != docs.end()) {
                    d->second->refused(r.section, r.layer, r.opid, e.code, e.message);
                    if (e.code == "rate_limited") arm_rate_timer();
                }
                break;
            case Request::Kind::generic:  // take_generic_reply() had it first
                if (r.reply_done) r.reply_done(e, msg);
                break;
        }
    }

    void on_open_refused(const std::string& doc, ClientError e) {
        auto it = docs.find(doc);
        if (it == docs.end()) return;
        if (!it->second->loaded()) {
            docs.erase(it);
            complete_open(doc, e);
            return;
        }
        // Open before, refused now (deleted, or no longer allowed): say so, with what was typed.
        e.message = "the document '" + doc + "' could not be opened again: " + e.message;
        report_unsent(*it->second, e);
        docs.erase(it);
        if (callbacks.on_error) callbacks.on_error(e);
    }

    /// One error per layer whose local changes will never be sent, with their text.
    void report_unsent(const DocumentSync& d, const ClientError& why) {
        for (const auto& section : d.document().sections) {
            for (const auto& [name, layer] : section.layers) {
                const LayerSync* l = d.layer(section.id, name);
                if (l && l->has_pending() && callbacks.on_error) {
                    ClientError lost = why;
                    lost.section = section.id;
                    lost.layer = name;
                    lost.unsent_text = l->text();
                    callbacks.on_error(lost);
                }
            }
        }
    }

    void on_ack(const nlohmann::json& msg) {
        auto id = request_id(msg);
        auto it = id ? requests.find(*id) : requests.end();
        if (it == requests.end()) return;
        Request r = std::move(it->second);
        requests.erase(it);
        if (r.kind == Request::Kind::close) {
            if (r.done) r.done(std::nullopt);
        } else if (r.kind == Request::Kind::edit) {
            if (auto d = docs.find(r.doc); d != docs.end()) {
                d->second->acked(r.section, r.layer, r.opid, msg.at("rev").get<Rev>());
            }
        }
    }

    void on_documents(const nlohmann::json& msg) {
        auto id = request_id(msg);
        auto it = id ? requests.find(*id) : requests.end();
        if (it == requests.end()) return;
        Request r = std::move(it->second);
        requests.erase(it);
        std::vector<DocumentSummary> list;
        for (const auto& d : msg.at("documents")) {
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
            list.push_back(std::move(s));
        }
        if (r.list_done) r.list_done(std::nullopt, std::move(list));
    }

    void complete_open(const std::string& doc, const std::optional<ClientError>& e) {
        auto it = open_waiters.find(doc);
        if (it == open_waiters.end()) return;
        auto dones = std::move(it->second);
        open_waiters.erase(it);
        for (auto& done : dones) {
            if (done) done(e);
        }
    }

    // ---- Sending -----------------------------------------------------------------------------

    std::uint64_t send_request(Request r, nlohmann::json msg) {
        const std::uint64_t id = next_id++;
        msg["id"] = id;
        requests.emplace(id, std::move(r));
        ws->send(protocol::serialize(msg));
        return id;
    }

    void send_list(Request r) { send_request(std::move(r), {{"type", "list"}}); }

    /// Sends what the documents want sent and hands their events to the callbacks. Runs at the
    /// end of everything done on the strand.
    void finish() {
        for (auto& [id, doc] : docs) {
            for (Outgoing& out : doc->take_outgoing()) {
                if (!welcomed || !ws) continue;  // the document asks again once connected
                if (out.kind == Outgoing::Kind::presence) {
                    ws->send(protocol::serialize(out.msg));
                    continue;
                }
                Request r;
                r.kind =
                    out.kind == Outgoing::Kind::open ? Request::Kind::open : Request::Kind::edit;
                r.doc = id;
                r.section = std::move(out.section);
                r.layer = std::move(out.layer);
                r.opid = std::move(out.opid);
                send_request(std::move(r), std::move(out.msg));
                if (out.kind == Outgoing::Kind::edit && drop_after_edit) {
                    drop_after_edit = false;
                    asio::post(strand, [self = shared_from_this()] {
                        self->drop_connection("dropped after an edit (test hook)");
                        self->finish();
                    });
                }
            }
        }
        for (auto& [id, doc] : docs) {
            for (SyncEvent& event : doc->take_events()) dispatch(event);
        }
        if (callbacks.on_activity) callbacks.on_activity();
    }

    void dispatch(SyncEvent& event) {
        if (auto* e = std::get_if<RemoteEdit>(&event)) {
            if (callbacks.on_edit) callbacks.on_edit(*e);
        } else if (auto* p = std::get_if<PresenceEvent>(&event)) {
            if (callbacks.on_presence) callbacks.on_presence(*p);
        } else if (auto* r = std::get_if<Reloaded>(&event)) {
            if (callbacks.on_reload) callbacks.on_reload(r->doc);
        } else if (auto* err = std::get_if<ClientError>(&event)) {
            if (callbacks.on_error) callbacks.on_error(*err);
        }
    }

    void arm_rate_timer() {
        if (rate_timer_armed) return;
        rate_timer_armed = true;
        rate_timer.expires_after(options.rate_limit_delay);
        rate_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto self = weak.lock();
            if (!self || self->shut_down) return;
            self->rate_timer_armed = false;
            if (ec) return;
            for (auto& [id, doc] : self->docs) doc->resume();
            self->finish();
        });
    }

    DocumentSync* live_doc(const std::string& doc) {
        auto it = docs.find(doc);
        return it == docs.end() || !it->second->loaded() ? nullptr : it->second.get();
    }

    std::string next_opid() { return client_id + "-" + std::to_string(++opid_counter); }

    asio::io_context& ioc;
    asio::strand<asio::io_context::executor_type> strand;
    ClientOptions options;
    ClientCallbacks callbacks;
    std::mt19937_64 rng;
    std::string client_id;
    std::uint64_t opid_counter = 0;

    std::string host;
    std::uint16_t port = 0;
    std::string token;
    std::shared_ptr<transport::WebSocketClient> ws;
    std::uint64_t generation = 0;  // of the connection whose callbacks count
    ConnectionState state = ConnectionState::disconnected;
    bool opened = false;
    bool welcomed = false;
    bool ever_welcomed = false;
    bool closing = false;
    bool shut_down = false;
    bool drop_after_edit = false;
    std::optional<ClientError> hello_error;
    Done connect_done;
    Done close_done;
    int attempts = 0;
    std::uint64_t connection_count = 0;
    asio::steady_timer reconnect_timer;
    asio::steady_timer rate_timer;
    bool rate_timer_armed = false;

    std::uint64_t next_id = 1;
    std::map<std::uint64_t, Request> requests;
    std::deque<Request> queued_lists;
    std::deque<std::pair<Request, nlohmann::json>> queued_requests;  // request() before welcome
    std::map<std::string, std::unique_ptr<DocumentSync>> docs;
    std::map<std::string, std::vector<Done>> open_waiters;
    std::optional<UserRef> user;
};

// ---- Public calls: onto the strand --------------------------------------------------------------

Client::Client(asio::io_context& ioc, ClientOptions options, ClientCallbacks callbacks)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(callbacks))) {}

Client::~Client() {
    shutdown();
}

void Client::shutdown() {
    asio::post(impl_->strand, [impl = impl_] {
        impl->shut_down = true;
        impl->callbacks = {};
        impl->reconnect_timer.cancel();
        impl->rate_timer.cancel();
        ++impl->generation;
        impl->ws.reset();        // closes politely (1000)
        impl->welcomed = false;  // nothing more is sent: there is no connection to send it on
        impl->requests.clear();
        impl->queued_lists.clear();
        impl->queued_requests.clear();
        impl->open_waiters.clear();
        impl->docs.clear();
    });
}

void Client::connect(std::string host, std::uint16_t port, std::string token, Done done) {
    asio::post(impl_->strand, [impl = impl_, host = std::move(host), port, token = std::move(token),
                               done = std::move(done)]() mutable {
        if (impl->state != ConnectionState::disconnected &&
            impl->state != ConnectionState::closed) {
            if (done) done(error_of("bad_request", "already connected"));
            return;
        }
        impl->host = std::move(host);
        impl->port = port;
        impl->token = std::move(token);
        impl->ever_welcomed = false;
        impl->closing = false;
        impl->attempts = 0;
        impl->hello_error.reset();
        impl->connect_done = std::move(done);
        impl->set_state(ConnectionState::connecting,
                        "connecting to " + impl->host + ":" + std::to_string(port));
        impl->start_connection();
        impl->finish();
    });
}

void Client::close(Done done) {
    asio::post(impl_->strand, [impl = impl_, done = std::move(done)]() mutable {
        impl->closing = true;
        impl->reconnect_timer.cancel();
        if (impl->ws) {
            impl->close_done = std::move(done);
            impl->ws->close(1000, "bye");
        } else {
            impl->set_state(ConnectionState::closed, "closed");
            impl->fail_all(error_of("connection_lost", "the connection was closed"));
            if (done) done(std::nullopt);
        }
        impl->finish();
    });
}

void Client::list(ListDone done) {
    asio::post(impl_->strand, [impl = impl_, done = std::move(done)]() mutable {
        Impl::Request r;
        r.kind = Impl::Request::Kind::list;
        r.list_done = std::move(done);
        if (impl->welcomed) {
            impl->send_list(std::move(r));
        } else if (impl->state == ConnectionState::connecting ||
                   impl->state == ConnectionState::reconnecting) {
            impl->queued_lists.push_back(std::move(r));
        } else if (r.list_done) {
            r.list_done(error_of("connection_lost", "not connected"), {});
        }
        impl->finish();
    });
}

void Client::request(nlohmann::json msg, ReplyDone done) {
    asio::post(
        impl_->strand, [impl = impl_, msg = std::move(msg), done = std::move(done)]() mutable {
            Impl::Request r;
            r.kind = Impl::Request::Kind::generic;
            if (msg.is_object()) {
                if (auto doc = msg.find("doc"); doc != msg.end() && doc->is_string()) {
                    r.doc = doc->get<std::string>();
                }
            }
            r.reply_done = std::move(done);
            if (!msg.is_object() || !msg.contains("type") || !msg["type"].is_string()) {
                if (r.reply_done) {
                    r.reply_done(error_of("bad_request",
                                          "a request is a JSON object with a \"type\"", r.doc),
                                 nullptr);
                }
                return;
            }
            if (impl->welcomed && impl->ws) {
                impl->send_request(std::move(r), std::move(msg));
            } else if (impl->state == ConnectionState::connecting) {
                impl->queued_requests.emplace_back(std::move(r), std::move(msg));
            } else if (r.reply_done) {
                r.reply_done(error_of("connection_lost", "not connected", r.doc), nullptr);
            }
            impl->finish();
        });
}

void Client::open(std::string doc, Done done) {
    asio::post(impl_->strand,
               [impl = impl_, doc = std::move(doc), done = std::move(done)]() mutable {
                   if (impl->state == ConnectionState::disconnected ||
                       impl->state == ConnectionState::closed) {
                       if (done) done(error_of("connection_lost", "not connected", doc));
                       return;
                   }
                   auto it = impl->docs.find(doc);
                   if (it != impl->docs.end() && it->second->loaded()) {
                       if (done) done(std::nullopt);
                       return;
                   }
                   impl->open_waiters[doc].push_back(std::move(done));
                   if (it == impl->docs.end()) {
                       auto sync = std::make_unique<DocumentSync>(
                           doc, [raw = impl.get()] { return raw->next_opid(); });
                       if (impl->welcomed) sync->connected();
                       impl->docs.emplace(doc, std::move(sync));
                   }
                   impl->finish();
               });
}

void Client::close_document(std::string doc, Done done) {
    asio::post(impl_->strand, [impl = impl_, doc = std::move(doc),
                               done = std::move(done)]() mutable {
        auto it = impl->docs.find(doc);
        if (it == impl->docs.end()) {
            if (done) done(std::nullopt);
            return;
        }
        if (it->second->loaded()) {
            impl->report_unsent(
                *it->second,
                error_of("connection_lost",
                         "the document '" + doc + "' was closed before its local changes were sent",
                         doc));
        }
        impl->docs.erase(it);
        impl->complete_open(doc, error_of("connection_lost", "closed before it opened", doc));
        if (impl->welcomed) {
            Impl::Request r;
            r.kind = Impl::Request::Kind::close;
            r.doc = doc;
            r.done = std::move(done);
            impl->send_request(std::move(r), {{"type", "close"}, {"doc", doc}});
        } else if (done) {
            done(std::nullopt);
        }
        impl->finish();
    });
}

void Client::edit(std::string doc, std::string section, std::string layer, ot::Op op,
                  Done applied) {
    edit_with(
        std::move(doc), std::move(section), std::move(layer),
        [op = std::move(op)](const std::string&) { return op; }, std::move(applied));
}

void Client::edit_with(std::string doc, std::string section, std::string layer,
                       std::function<ot::Op(const std::string& text)> make_op, Done applied) {
    asio::post(impl_->strand, [impl = impl_, doc = std::move(doc), section = std::move(section),
                               layer = std::move(layer), make_op = std::move(make_op),
                               applied = std::move(applied)] {
        std::optional<ClientError> result;
        try {
            DocumentSync* d = impl->live_doc(doc);
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
        impl->finish();
    });
}

void Client::presence(std::string doc, std::string section, std::string layer, ot::Selection sel) {
    asio::post(impl_->strand, [impl = impl_, doc = std::move(doc), section = std::move(section),
                               layer = std::move(layer), sel] {
        if (DocumentSync* d = impl->live_doc(doc)) d->set_presence(section, layer, sel);
        impl->finish();
    });
}

void Client::post(std::function<void()> fn) {
    asio::post(impl_->strand, std::move(fn));
}

void Client::disconnect() {
    asio::post(impl_->strand, [impl = impl_] {
        impl->drop_connection("dropped by the client (test hook)");
        impl->finish();
    });
}

void Client::drop_after_next_edit() {
    asio::post(impl_->strand, [impl = impl_] { impl->drop_after_edit = true; });
}

// ---- Accessors (on the strand) ----------------------------------------------------------------

ConnectionState Client::state() const {
    return impl_->state;
}

std::optional<UserRef> Client::user() const {
    return impl_->user;
}

const model::Document* Client::document(const std::string& doc) const {
    const DocumentSync* d = sync(doc);
    return d ? &d->document() : nullptr;
}

const DocumentSync* Client::sync(const std::string& doc) const {
    return impl_->live_doc(doc);
}

std::optional<std::string> Client::text(const std::string& doc, const std::string& section,
                                        const std::string& layer) const {
    const DocumentSync* d = sync(doc);
    const LayerSync* l = d ? d->layer(section, layer) : nullptr;
    if (!l) return std::nullopt;
    return l->text();
}

std::optional<Rev> Client::rev(const std::string& doc) const {
    const DocumentSync* d = sync(doc);
    if (!d) return std::nullopt;
    return d->rev();
}

std::size_t Client::pending_edits() const {
    std::size_t n = 0;
    for (const auto& [id, doc] : impl_->docs) n += doc->pending_edits();
    return n;
}

std::uint64_t Client::connections() const {
    return impl_->connection_count;
}

}  // namespace samen::client
