#include "net/websocket_session.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <exception>
#include <vector>

namespace samen::net {
namespace {

// Beast's own per-message limit is only a backstop that kills the connection; the real limit
// (options.max_message_bytes) is enforced here without doing so.
constexpr std::size_t hard_message_cap = 64 * 1024 * 1024;
constexpr std::size_t read_chunk = 64 * 1024;
constexpr std::size_t idle_buffer = 512;

bool is_quiet(error_code ec) {
    return ec == asio::error::operation_aborted || ec == websocket::error::closed;
}

websocket::close_reason reason_of(CloseReason why) {
    return {static_cast<websocket::close_code>(close_code(why)), close_text(why)};
}

class WebSocketSession : public Closable, public std::enable_shared_from_this<WebSocketSession> {
  public:
    WebSocketSession(beast::tcp_stream&& stream, std::shared_ptr<ServerState> state,
                     LiveConnection live, const std::string& peer, std::string client)
        : ws_(stream.release_socket()),
          state_(std::move(state)),
          live_(std::move(live)),
          tag_("ws#" + std::to_string(state_->next_websocket_number()) + " " + peer),
          client_(std::move(client)),
          read_limit_(
              std::min(state_->options().max_hello_bytes, state_->options().max_message_bytes)),
          close_deadline_(ws_.get_executor()),
          hello_deadline_(ws_.get_executor()),
          resume_(ws_.get_executor()) {}

    ~WebSocketSession() override {
        if (key_ != 0) state_->withdraw(key_);
    }

    void run(http::request<http::string_body> request);

    /// From any thread.
    void send(std::shared_ptr<const std::string> text) {
        asio::post(ws_.get_executor(),
                   [self = shared_from_this(), text = std::move(text)] { self->on_send(text); });
    }
    void send_all(std::vector<std::shared_ptr<const std::string>> texts) {
        asio::post(ws_.get_executor(), [self = shared_from_this(), texts = std::move(texts)] {
            for (const auto& text : texts) self->on_send(text);
        });
    }

    /// From any thread.
    void close(CloseReason why) override {
        asio::post(ws_.get_executor(),
                   [self = shared_from_this(), why] { self->begin_close(reason_of(why)); });
    }

    /// From any thread.
    void signed_in() {
        asio::post(ws_.get_executor(), [self = shared_from_this()] { self->on_signed_in(); });
    }

    /// From any thread.
    void handled() {
        asio::post(ws_.get_executor(), [self = shared_from_this()] { self->on_handled(); });
    }

    const std::string& tag() const { return tag_; }
    const std::string& client() const { return client_; }

  private:
    void on_accept(error_code ec);
    void on_hello_deadline(error_code ec);
    void on_signed_in();
    void do_read();
    void on_read(error_code ec, std::size_t bytes);
    void hand_over(std::string text);
    void read_on();
    void on_handled();
    void on_resume(error_code ec);
    void on_send(const std::shared_ptr<const std::string>& text);
    void too_slow();
    void begin_close(websocket::close_reason reason);
    void on_close_deadline(error_code ec);
    void do_write();
    void on_write(error_code ec, std::size_t bytes);
    void cork(bool on);
    void on_close_sent(error_code ec);
    void fail(error_code ec, const char* what);
    void maybe_finish();
    void finish();
    template <class Call>
    void tell_handler(const char* what, Call&& call);

    // On the bare socket: the WebSocket keeps its own timeouts, and a beast::tcp_stream would
    // add half a kilobyte and a timer to every connection, idle or not.
    websocket::stream<asio::ip::tcp::socket> ws_;
    beast::flat_buffer buffer_;
    std::shared_ptr<ServerState> state_;
    LiveConnection live_;
    std::string tag_;
    std::string client_;
    std::uint64_t key_ = 0;
    std::shared_ptr<MessageHandler> handler_;
    std::size_t read_limit_;   // max_hello_bytes until signed in, then max_message_bytes
    std::size_t pending_ = 0;  // messages handed to the handler and not yet handled

    // The front is being written while the queue is not empty; nullptr stands for the close
    // frame, which is a write like any other.
    // A vector, erased from the front: it holds at most --max-queue-messages, mostly none or one,
    // and an empty std::deque would allocate half a kilobyte for every idle connection.
    std::vector<std::shared_ptr<const std::string>> queue_;
    std::size_t waiting_bytes_ = 0;  // of every entry but the front
    asio::steady_timer close_deadline_;
    websocket::close_reason close_reason_;
    asio::steady_timer hello_deadline_;
    // Waits while reading is paused for the application (handled() cancels it); it also keeps
    // the session alive meanwhile, as a pending read would.
    asio::steady_timer resume_;

    bool open_ = false;  // accepted, and the handler not yet told on_close
    bool reading_ = false;
    bool paused_ = false;  // no read pending until the application handled a message
    bool writing_ = false;
    bool signed_in_ = false;
    bool closing_ = false;        // a close is queued
    bool close_started_ = false;  // async_close runs or ran: it owns the reading from now on
    bool discarding_ = false;     // the current message passed the limit
    bool corked_ = false;         // TCP_CORK: messages wait behind the one being written
};

/// What the application holds: it neither keeps the session alive nor outlives it usefully.
class ConnectionHandle : public Connection {
  public:
    ConnectionHandle(std::weak_ptr<WebSocketSession> session, std::string tag, std::string address)
        : session_(std::move(session)), tag_(std::move(tag)), address_(std::move(address)) {}

    void send(std::shared_ptr<const std::string> text) override {
        if (!text) return;
        if (auto session = session_.lock()) session->send(std::move(text));
    }
    void send_all(std::vector<std::shared_ptr<const std::string>> texts) override {
        if (auto session = session_.lock()) session->send_all(std::move(texts));
    }
    void close(CloseReason why) override {
        if (auto session = session_.lock()) session->close(why);
    }
    void signed_in() override {
        if (auto session = session_.lock()) session->signed_in();
    }
    void handled() override {
        if (auto session = session_.lock()) session->handled();
    }
    const std::string& tag() const override { return tag_; }
    const std::string& address() const override { return address_; }

  private:
    std::weak_ptr<WebSocketSession> session_;
    std::string tag_;
    std::string address_;
};

void WebSocketSession::run(http::request<http::string_body> request) {
    key_ = state_->enroll(weak_from_this());
    const auto& options = state_->options();

    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = options.idle_timeout;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [version = options.api_version](websocket::response_type& response) {
            response.set("API-Version", version);
        }));
    ws_.read_message_max(std::max(hard_message_cap, options.max_message_bytes + read_chunk));
    ws_.auto_fragment(false);
    ws_.text(true);
    ws_.async_accept(request,
                     beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(error_code ec) {
    if (ec) return fail(ec, "accept");
    open_ = true;
    ++state_->stats().websockets_open;
    // Until its hello succeeds a peer gets nothing but the time to send it: no keep-alive
    // pings (the first would come after idle_timeout / 2) keep it beyond that.
    hello_deadline_.expires_after(state_->options().hello_timeout);
    hello_deadline_.async_wait(
        beast::bind_front_handler(&WebSocketSession::on_hello_deadline, shared_from_this()));
    try {
        handler_ = state_->app().on_websocket(
            std::make_shared<ConnectionHandle>(weak_from_this(), tag_, client_));
    } catch (const std::exception& e) {
        log_line(tag_ + " on_websocket threw: " + e.what());
    }
    if (!handler_) begin_close({websocket::close_code::internal_error, "internal error"});
    do_read();
}

void WebSocketSession::on_hello_deadline(error_code ec) {
    if (ec || signed_in_ || !open_) return;
    ++state_->stats().hello_timeouts;
    begin_close({websocket::close_code::policy_error,
                 "no hello within " + std::to_string(state_->options().hello_timeout.count()) +
                     " s: sign in first"});
}

void WebSocketSession::on_signed_in() {
    if (!open_ || signed_in_) return;
    signed_in_ = true;
    read_limit_ = state_->options().max_message_bytes;
    live_.signed_in();
    hello_deadline_.cancel();
}

void WebSocketSession::do_read() {
    reading_ = true;
    // At most one byte past the limit enters the buffer: that byte tells that a message is too
    // long, and no more of it is held. A read that waits for a new message prepares no more than
    // idle_buffer (Beast would prepare a whole TCP frame): most connections wait most of the
    // time, and a longer message takes one more read from what Beast already holds.
    const std::size_t chunk = buffer_.size() == 0 ? idle_buffer : read_chunk;
    const std::size_t most =
        discarding_ ? read_chunk : std::min(chunk, read_limit_ + 1 - buffer_.size());
    ws_.async_read_some(buffer_, most,
                        beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(error_code ec, std::size_t) {
    reading_ = false;
    if (ec) return fail(ec, "read");

    const bool done = ws_.is_message_done();
    const std::size_t limit = read_limit_;
    if (ws_.got_binary()) {
        buffer_.clear();
        if (done) tell_handler("on_binary", [](MessageHandler& h) { h.on_binary(); });
    } else if (discarding_ || buffer_.size() > limit) {
        // Frame by frame, so that the rest of an oversized message is dropped as it arrives
        // and the connection stays usable.
        buffer_.clear();
        discarding_ = !done;
        if (!signed_in_) {
            // Nobody we know: not worth reading more of.
            if (!closing_) {
                ++state_->stats().oversized_before_sign_in;
                begin_close(
                    {websocket::close_code::too_big, "a message before hello may hold at most " +
                                                         std::to_string(limit) + " bytes"});
            }
        } else if (done) {
            ++state_->stats().oversized_messages;
            tell_handler("on_too_large", [limit](MessageHandler& h) { h.on_too_large(limit); });
        }
    } else if (done) {
        hand_over(beast::buffers_to_string(buffer_.data()));
        buffer_.clear();
    }
    // An idle connection waits with idle_buffer, not with the room its largest message took.
    if (buffer_.size() == 0 && buffer_.capacity() > idle_buffer) buffer_.shrink_to_fit();
    read_on();
}

void WebSocketSession::hand_over(std::string text) {
    // After a close began the application has said its last word; it hears only on_close.
    if (!handler_ || closing_) return;
    ++pending_;
    try {
        handler_->on_message(std::move(text));
    } catch (const std::exception& e) {
        --pending_;
        log_line(tag_ + " on_message threw: " + e.what());
    }
}

void WebSocketSession::read_on() {
    if (pending_ < state_->options().max_pending_messages) return do_read();
    // The peer's next frames wait in the socket buffers, and TCP holds the peer back.
    paused_ = true;
    resume_.expires_after(state_->options().idle_timeout);
    resume_.async_wait(beast::bind_front_handler(&WebSocketSession::on_resume, shared_from_this()));
}

void WebSocketSession::on_handled() {
    if (pending_ > 0) --pending_;
    if (paused_ && pending_ < state_->options().max_pending_messages) resume_.cancel();
}

void WebSocketSession::on_resume(error_code) {
    paused_ = false;
    if (!open_) return;
    if (close_started_) return maybe_finish();  // async_close reads from now on
    if (pending_ >= state_->options().max_pending_messages) {
        // The application held its messages for as long as a silent peer may stay.
        log_line(tag_ + " the application handled none of " + std::to_string(pending_) +
                 " messages in time; closing");
        error_code ignored;
        ws_.next_layer().close(ignored);
        return maybe_finish();
    }
    do_read();
}

template <class Call>
void WebSocketSession::tell_handler(const char* what, Call&& call) {
    // After a close began the application has said its last word; it hears only on_close.
    if (!handler_ || closing_) return;
    try {
        call(*handler_);
    } catch (const std::exception& e) {
        log_line(tag_ + " " + what + " threw: " + e.what());
    }
}

void WebSocketSession::on_send(const std::shared_ptr<const std::string>& text) {
    if (!open_ || closing_) return;
    queue_.push_back(text);
    if (queue_.size() == 1) return do_write();
    // What waits behind the message being written (a burst: send_all) leaves in as few packets
    // as it fills, once the queue is empty, not in one packet per message.
    if (queue_.size() == 2) cork(true);
    waiting_bytes_ += text->size();
    const auto& options = state_->options();
    if (queue_.size() - 1 > options.max_queue_messages || waiting_bytes_ > options.max_queue_bytes)
        too_slow();
}

void WebSocketSession::too_slow() {
    ++state_->stats().slow_client_disconnects;
    log_line(tag_ + " client too slow: " + std::to_string(queue_.size() - 1) + " messages, " +
             std::to_string(waiting_bytes_) + " bytes waiting; closing");
    // The client catches up on reconnect; what waits is dropped, the message in flight stays
    // (Beast still reads from it).
    queue_.resize(1);
    waiting_bytes_ = 0;
    begin_close(reason_of(CloseReason::too_slow));
}

void WebSocketSession::begin_close(websocket::close_reason reason) {
    if (!open_ || closing_) return;
    closing_ = true;
    close_reason_ = std::move(reason);
    // A client that stopped reading would hold the write, and so this session, forever.
    close_deadline_.expires_after(state_->options().close_timeout);
    close_deadline_.async_wait(
        beast::bind_front_handler(&WebSocketSession::on_close_deadline, shared_from_this()));
    queue_.push_back(nullptr);
    if (queue_.size() == 1) do_write();
}

void WebSocketSession::on_close_deadline(error_code ec) {
    if (ec || !open_) return;
    log_line(tag_ + " close: the client did not finish the close in time");
    error_code ignored;
    ws_.next_layer().close(ignored);
}

void WebSocketSession::do_write() {
    writing_ = true;
    const auto& front = queue_.front();
    if (!front) {
        cork(false);  // what went before the close frame leaves now
        close_started_ = true;
        return ws_.async_close(
            close_reason_,
            beast::bind_front_handler(&WebSocketSession::on_close_sent, shared_from_this()));
    }
    ws_.async_write(asio::buffer(*front),
                    beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::cork(bool on) {
    if (corked_ == on) return;
    corked_ = on;
    // Only fewer packets: a socket that refuses it sends each message as it is written.
    int value = on ? 1 : 0;
    ::setsockopt(ws_.next_layer().native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

void WebSocketSession::on_write(error_code ec, std::size_t) {
    writing_ = false;
    queue_.erase(queue_.begin());
    if (ec) return fail(ec, "write");
    // The reading ended: so does the connection, and nothing more goes out.
    if (!reading_ && !paused_) return maybe_finish();
    if (queue_.empty()) return cork(false);  // the burst is written: out it goes
    if (queue_.front()) waiting_bytes_ -= queue_.front()->size();
    do_write();
}

void WebSocketSession::on_close_sent(error_code ec) {
    writing_ = false;
    queue_.erase(queue_.begin());
    if (ec) return fail(ec, "close");
    maybe_finish();
}

void WebSocketSession::fail(error_code ec, const char* what) {
    // Once async_close runs, Beast ends the pending read with operation_aborted and reads the
    // peer's close itself: not an error, and the close must be left to finish.
    const bool handed_to_close = ec == asio::error::operation_aborted && close_started_;
    if (!is_quiet(ec)) log_line(tag_ + " " + what + ": " + ec.message());
    // After `closed` Beast has torn the connection down; after anything else, do it here so
    // that the other pending operation ends too.
    if (ec != websocket::error::closed && !handed_to_close) {
        error_code ignored;
        ws_.next_layer().close(ignored);
    }
    maybe_finish();
}

void WebSocketSession::maybe_finish() {
    if (!reading_ && !writing_) finish();
}

void WebSocketSession::finish() {
    if (!open_) return;
    open_ = false;
    --state_->stats().websockets_open;
    close_deadline_.cancel();
    hello_deadline_.cancel();
    resume_.cancel();
    queue_.clear();
    waiting_bytes_ = 0;
    if (auto handler = std::move(handler_)) {
        try {
            handler->on_close();
        } catch (const std::exception& e) {
            log_line(tag_ + " on_close threw: " + e.what());
        }
    }
}

}  // namespace

void run_websocket_session(beast::tcp_stream stream, http::request<http::string_body> request,
                           std::shared_ptr<ServerState> state, LiveConnection live,
                           std::string peer, std::string client) {
    std::make_shared<WebSocketSession>(std::move(stream), std::move(state), std::move(live), peer,
                                       std::move(client))
        ->run(std::move(request));
}

}  // namespace samen::net
