// Client::Impl: connecting, reconnecting after a pause, closing, and shutting down.
#include <algorithm>
#include <boost/asio/post.hpp>

#include "protocol/protocol.hpp"
#include "samen/client_impl.hpp"
#include "transport/websocket_client.hpp"

namespace samen::client {

namespace asio = boost::asio;

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

/// The pause before reconnect attempt `attempt` (1, 2, ...): it doubles per attempt up to the
/// maximum, and is drawn between half and all of that so that clients do not come back in step.
std::chrono::milliseconds reconnect_pause(const ClientOptions& options, int attempt,
                                          std::mt19937_64& rng) {
    auto delay = options.reconnect_delay;
    for (int i = 1; i < attempt && delay < options.max_reconnect_delay; ++i) delay *= 2;
    delay = std::min(delay, options.max_reconnect_delay);
    const auto ms = std::max<std::int64_t>(1, delay.count());
    std::uniform_int_distribution<std::int64_t> jitter(ms / 2, ms);
    return std::chrono::milliseconds(jitter(rng));
}

/// Runs `step` on the client's strand if the client still exists. For the WebSocket's
/// callbacks, which run on the socket's own strand and must not keep the client alive.
template <class Impl, class Step>
void post_to(const std::weak_ptr<Impl>& weak, Step step) {
    if (auto self = weak.lock()) {
        asio::post(self->strand(), [self, step = std::move(step)] { step(*self); });
    }
}

}  // namespace

Client::Impl::Impl(asio::io_context& ioc, ClientOptions options, ClientCallbacks callbacks)
    : ioc_(ioc),
      strand_(asio::make_strand(ioc)),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      rng_(options_.seed != 0
               ? options_.seed
               : (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()),
      reconnect_timer_(strand_),
      rate_timer_(strand_) {
    static const char* hex = "0123456789abcdef";
    std::uint64_t bits = rng_();
    for (int i = 0; i < 16; ++i, bits >>= 4) client_id_ += hex[bits & 0xFU];
}

// ---- The user's calls ---------------------------------------------------------------------------

void Client::Impl::do_connect(std::string host, std::uint16_t port, std::string token, Done done) {
    if (state_ != ConnectionState::disconnected && state_ != ConnectionState::closed) {
        if (done) done(error_of("bad_request", "already connected"));
        return;
    }
    host_ = std::move(host);
    port_ = port;
    token_ = std::move(token);
    ever_welcomed_ = false;
    closing_ = false;
    attempts_ = 0;
    hello_error_.reset();
    connect_done_ = std::move(done);
    set_state(ConnectionState::connecting, "connecting to " + host_ + ":" + std::to_string(port));
    do_open_socket();
    finish();
}

void Client::Impl::do_close(Done done) {
    closing_ = true;
    reconnect_timer_.cancel();
    if (ws_) {
        close_done_ = std::move(done);  // on_connection_lost() calls it
        ws_->close(1000, "bye");
    } else {
        set_state(ConnectionState::closed, "closed");
        fail_all(error_of("connection_lost", "the connection was closed"));
        if (done) done(std::nullopt);
    }
    finish();
}

void Client::Impl::do_shutdown() {
    shut_down_ = true;
    callbacks_ = {};
    reconnect_timer_.cancel();
    rate_timer_.cancel();
    ++generation_;
    ws_.reset();        // closes politely (1000)
    welcomed_ = false;  // nothing more is sent: there is no connection to send it on
    requests_.clear();
    queued_lists_.clear();
    queued_requests_.clear();
    open_waiters_.clear();
    docs_.clear();
}

void Client::Impl::do_disconnect(const std::string& why) {
    drop_connection(why);
    finish();
}

// ---- One connection -----------------------------------------------------------------------------

void Client::Impl::do_open_socket() {
    const std::uint64_t gen = ++generation_;
    opened_ = false;
    ws_ = transport::WebSocketClient::create(ioc_);
    std::weak_ptr<Impl> weak = shared_from_this();
    transport::WebSocketCallbacks cb;
    cb.on_open = [weak, gen] { post_to(weak, [gen](Impl& self) { self.on_socket_open(gen); }); };
    cb.on_message = [weak, gen](std::string text) {
        post_to(weak,
                [gen, text = std::move(text)](Impl& self) { self.on_socket_message(gen, text); });
    };
    cb.on_close = [weak, gen](int code, std::string reason, std::string error) {
        post_to(weak, [gen, code, reason = std::move(reason), error = std::move(error)](
                          Impl& self) { self.on_socket_close(gen, code, reason, error); });
    };
    ws_->connect(host_, port_, "/ws", std::move(cb));
    ws_->send(protocol::serialize({{"type", "hello"},
                                   {"token", token_},
                                   {"client", options_.client_name},
                                   {"batches", true}}));
}

void Client::Impl::on_socket_open(std::uint64_t generation) {
    if (generation == generation_) opened_ = true;
}

void Client::Impl::on_socket_message(std::uint64_t generation, const std::string& text) {
    if (generation != generation_ || shut_down_) return;
    on_message(text);
    finish();
}

void Client::Impl::on_socket_close(std::uint64_t generation, int code, const std::string& reason,
                                   const std::string& error) {
    if (generation != generation_ || shut_down_) return;
    on_connection_lost(code, reason, error);
    finish();
}

void Client::Impl::on_connection_lost(int code, const std::string& reason,
                                      const std::string& error) {
    ++generation_;  // nothing more from that connection
    ws_.reset();
    welcomed_ = false;
    for (auto& [id, doc] : docs_) doc->disconnected();
    // Nothing sent on that connection will be answered: lists go again, documents reopen
    // themselves, edits are resubmitted by their documents.
    auto old = std::exchange(requests_, {});
    for (auto it = old.rbegin(); it != old.rend(); ++it) {
        Request& r = it->second;
        if (r.kind == Request::Kind::list) queued_lists_.push_front(std::move(r));
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
    if (closing_) {
        set_state(ConnectionState::closed, "closed");
        fail_all(error_of("connection_lost", "the connection was closed"));
        if (auto done = std::exchange(close_done_, nullptr)) done(std::nullopt);
        return;
    }
    const std::string why = describe_close(code, reason, error);
    if (hello_error_ || code == policy_violation) {
        give_up(hello_error_.value_or(
            error_of("unauthorized", "the server refused the sign-in: " + why)));
        return;
    }
    if (!ever_welcomed_) {
        give_up(opened_
                    ? error_of("connection_lost", "the connection closed before signing in: " + why)
                    : error_of("unreachable", why));
        return;
    }
    do_reconnect_after_pause(why);
}

void Client::Impl::drop_connection(const std::string& why) {
    if (!ws_) return;
    // The client lets go of the socket at once, as if the network had failed.
    on_connection_lost(1006, {}, why);
}

// ---- Reconnecting, or giving up -----------------------------------------------------------------

void Client::Impl::do_reconnect_after_pause(const std::string& why) {
    if (++attempts_ > options_.max_reconnect_attempts) {
        give_up(error_of("connection_lost", "the connection was lost (" + why + ") and " +
                                                std::to_string(options_.max_reconnect_attempts) +
                                                " attempts to reconnect failed"));
        return;
    }
    set_state(ConnectionState::reconnecting, why);
    reconnect_timer_.expires_after(reconnect_pause(options_, attempts_, rng_));
    reconnect_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        if (auto self = weak.lock()) self->on_reconnect_timer(ec);
    });
}

void Client::Impl::on_reconnect_timer(boost::system::error_code ec) {
    if (ec || shut_down_ || closing_) return;
    do_open_socket();
    finish();
}

void Client::Impl::give_up(const ClientError& e) {
    if (auto done = std::exchange(connect_done_, nullptr)) {
        done(e);
    } else if (callbacks_.on_error) {
        callbacks_.on_error(e);
    }
    set_state(ConnectionState::closed, e.message);
    fail_all(e);
}

void Client::Impl::fail_all(const ClientError& e) {
    auto lists = std::exchange(queued_lists_, {});
    for (auto& r : lists) {
        if (r.list_done) r.list_done(e, {});
    }
    auto generic = std::exchange(queued_requests_, {});
    for (auto& [r, msg] : generic) {
        if (r.reply_done) r.reply_done(e, nullptr);
    }
    auto waiters = std::exchange(open_waiters_, {});
    for (auto& [doc, dones] : waiters) {
        auto it = docs_.find(doc);
        if (it != docs_.end() && !it->second->loaded()) docs_.erase(it);
        for (auto& done : dones) {
            if (done) done(e);
        }
    }
}

void Client::Impl::set_state(ConnectionState s, const std::string& why) {
    if (s == state_) return;
    state_ = s;
    if (callbacks_.on_state_change) callbacks_.on_state_change(s, why);
}

}  // namespace samen::client
