// The benchmark's client side: an event loop, a WebSocket signed in with a token, and a requester
// that times one request at a time.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "common.hpp"
#include "figures.hpp"
#include "quick_reader.hpp"
#include "transport/websocket_client.hpp"

namespace samen::bench {

namespace asio = boost::asio;

/// One thread runs a loop and every connection on it, so that the clients' state needs no locks
/// and what a client records happens in the order it received it. The main thread's loop holds
/// all connections but the typists of client threads other than the first (client_thread.hpp).
class Loop {
  public:
    asio::io_context& ioc() { return ioc_; }

    /// Runs handlers until `done()` holds; false when `timeout` passed first.
    bool run_until(const std::function<bool()>& done, Clock::duration timeout) {
        const auto deadline = Clock::now() + timeout;
        while (!done()) {
            const auto now = Clock::now();
            if (now >= deadline) return false;
            ioc_.run_until(std::min(deadline, now + 5ms));
        }
        return true;
    }
    void run_until(Clock::time_point t) { ioc_.run_until(t); }

  private:
    asio::io_context ioc_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
};

/// Whether the clients' hello asks for `batch` messages, as the client library's does
/// (`--no-batches` turns it off, to compare).
inline bool ask_for_batches = true;

/// A WebSocket signed in with a token; every message goes to the handler, parsed (each of a
/// `batch` on its own, with the batch's size as its bytes). A connection that `read_quickly`
/// gets its edits and acks read by a QuickReader instead, when a message holds nothing else.
class Connection {
  public:
    using Handler = std::function<void(const json&, std::size_t bytes)>;
    using QuickHandler = std::function<void(const QuickMessage&)>;

    Connection(Loop& loop, std::uint16_t port, const std::string& token, Handler handler)
        : ws_(transport::WebSocketClient::create(loop.ioc())), handler_(std::move(handler)) {
        transport::WebSocketCallbacks callbacks;
        // The client drops its callbacks with its last shared_ptr, which this object holds.
        callbacks.on_message = [this](std::string text) { receive(text); };
        callbacks.on_close = [this](int code, std::string reason, std::string error) {
            closed_ = true;
            if (!closing_ && failure_.empty()) {
                failure_ = "the connection closed (" + std::to_string(code) + " " + reason + " " +
                           error + ")";
            }
        };
        ws_->connect("127.0.0.1", port, "/ws", std::move(callbacks));
        send({{"type", "hello"},
              {"id", "hello"},
              {"token", token},
              {"client", "samen-bench"},
              {"batches", ask_for_batches}});
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void read_quickly(QuickHandler handler) {
        quick_reader_ = std::make_unique<QuickReader>();
        quick_handler_ = std::move(handler);
    }

    void send(const json& msg) { ws_->send(msg.dump()); }
    void send_text(std::string text) { ws_->send(std::move(text)); }
    void close() {
        closing_ = true;
        ws_->close();
    }

    bool signed_in() const { return signed_in_; }
    bool closed() const { return closed_; }
    /// Empty while all is well.
    const std::string& failure() const { return failure_; }

  private:
    void take(const json& msg, std::size_t bytes) {
        const std::string& type = msg.at("type").get_ref<const std::string&>();
        if (type == "welcome") signed_in_ = true;
        if (type == "error" && msg.value("id", json()) == "hello") {
            failure_ = "hello refused: " + msg.value("message", std::string());
        }
        if (handler_) handler_(msg, bytes);
    }

    void receive(const std::string& text) {
        try {
            if (quick_reader_ && quick_reader_->read(text, quick_)) {
                for (const QuickMessage& m : quick_) quick_handler_(m);
                return;
            }
            json msg = json::parse(text);
            if (msg.at("type") == "batch") {
                for (const json& one : msg.at("messages")) take(one, text.size());
            } else {
                take(msg, text.size());
            }
        } catch (const std::exception& e) {
            if (failure_.empty()) failure_ = std::string("handling a message failed: ") + e.what();
        }
    }

    std::shared_ptr<transport::WebSocketClient> ws_;
    Handler handler_;
    std::unique_ptr<QuickReader> quick_reader_;
    QuickHandler quick_handler_;
    std::vector<QuickMessage> quick_;
    bool signed_in_ = false;
    bool closed_ = false;
    bool closing_ = false;
    std::string failure_;
};

/// A connection for request and reply, one at a time, timed from send to the parsed reply.
class Requester {
  public:
    struct Reply {
        json msg;
        double ms = 0;
        std::size_t bytes = 0;
    };

    Requester(Loop& loop, std::uint16_t port, const std::string& token)
        : loop_(loop), conn_(loop, port, token, [this](const json& msg, std::size_t bytes) {
              if (auto id = msg.find("id"); id != msg.end() && *id == waiting_for_) {
                  reply_ = Reply{msg, ms(Clock::now() - sent_at_), bytes};
              }
          }) {}

    void wait_signed_in() {
        bool ok =
            loop_.run_until([this] { return conn_.signed_in() || !conn_.failure().empty(); }, 30s);
        if (!ok || !conn_.failure().empty()) {
            throw std::runtime_error("signing in failed: " +
                                     (ok ? conn_.failure() : std::string("no welcome in 30 s")));
        }
    }

    /// Sends `msg` with a fresh id; throws when no reply comes in time.
    Reply request(json msg, Clock::duration timeout = 60s) {
        waiting_for_ = "r" + std::to_string(++next_id_);
        msg["id"] = waiting_for_;
        reply_.reset();
        sent_at_ = Clock::now();
        conn_.send(msg);
        bool ok = loop_.run_until([this] { return reply_.has_value() || !conn_.failure().empty(); },
                                  timeout);
        if (!reply_) {
            throw std::runtime_error(msg.at("type").get<std::string>() + " got no reply: " +
                                     (ok ? conn_.failure() : std::string("timed out")));
        }
        return std::move(*reply_);
    }

    Connection& connection() { return conn_; }

  private:
    Loop& loop_;
    std::string waiting_for_;
    std::optional<Reply> reply_;
    Clock::time_point sent_at_;
    std::int64_t next_id_ = 0;
    Connection conn_;  // last: its handler uses the members above
};

/// The server's own counters from GET /metrics (the plain `name value` lines), for what the
}  // namespace samen::bench
