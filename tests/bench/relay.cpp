// samen-relay: the floor under samen-bench (docs/performance.md, "Against the floor"). A bare
// WebSocket relay built with the same Beast as samen-server: `hello` is answered with a `welcome`,
// `open` with the snapshot it was given, and every `edit` is forwarded to the other connections
// that opened the document and acknowledged with a counter as `rev`. No OT, no storage, no checks:
// what samen-server costs above this is what its work (transforming, storing, authorizing) costs.
// Only what samen-bench's clients send is understood; anything else is answered with an error.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "command_line.hpp"
#include "tool_main.hpp"

#ifdef SAMEN_JEMALLOC
// The same allocator settings as samen-server's (docs/decisions/0025-jemalloc.md).
extern "C" {
// NOLINTNEXTLINE: the name jemalloc reads its settings from
const char* malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#endif

namespace samen::relay {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

struct Options {
    std::uint16_t port = 0;
    std::size_t threads = 1;
    std::string snapshot;
};

const char* const usage_text = R"(samen-relay: a bare WebSocket relay, the floor under samen-bench

usage: samen-relay [options]

  --port N         port on 127.0.0.1 (default 0: a free one; the line "samen-relay listening on
                   http://127.0.0.1:N/" names it)
  --threads N      io threads (default 1)
  --snapshot FILE  the `snapshot` message every `open` is answered with (its "doc" and "rev"
                   replaced); without it `open` is refused
  --demo, --data DIR
                   accepted and ignored, so that what starts samen-server starts this alike

It answers hello with welcome, open with the snapshot, close with ack, and forwards every edit to
the other connections that opened its document, acknowledging it with a counter as rev. It does
not transform, store or check anything.
)";

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    for (test::Args arg(args); arg.next();) {
        const std::string& a = arg.flag();
        // clang-format off
        if (a == "--port") o.port = arg.number<std::uint16_t>(0, 65535);
        else if (a == "--threads") o.threads = arg.number<std::size_t>(1, 64);
        else if (a == "--snapshot") o.snapshot = arg.value();
        else if (a == "--data") arg.value();
        else if (a != "--demo") throw std::invalid_argument("unknown option " + a);
        // clang-format on
    }
    return o;
}

class Session;

/// Who opened which document, and each document's counter. Touched from every io thread, so
/// behind one mutex; sessions are held weakly and locked outside it.
class SharedState {
  public:
    explicit SharedState(std::optional<json> snapshot) : snapshot_(std::move(snapshot)) {}

    const std::optional<json>& snapshot() const { return snapshot_; }

    std::uint64_t open(const std::string& doc, const std::shared_ptr<Session>& s) {
        std::lock_guard lock(mutex_);
        auto& d = docs_[doc];
        if (d.rev == 0 && snapshot_) d.rev = snapshot_->value("rev", std::uint64_t{0});
        d.readers[s.get()] = s;
        return d.rev;
    }
    void close(const std::string& doc, const Session* s) {
        std::lock_guard lock(mutex_);
        if (auto it = docs_.find(doc); it != docs_.end()) it->second.readers.erase(s);
    }
    /// The next revision of `doc`, and everyone else who opened it.
    std::pair<std::uint64_t, std::vector<std::shared_ptr<Session>>> edit(const std::string& doc,
                                                                         const Session* from) {
        std::vector<std::weak_ptr<Session>> weak;
        std::uint64_t rev = 0;
        {
            std::lock_guard lock(mutex_);
            auto& d = docs_[doc];
            rev = ++d.rev;
            for (const auto& [who, w] : d.readers) {
                if (who != from) weak.push_back(w);
            }
        }
        std::vector<std::shared_ptr<Session>> others;
        for (auto& w : weak) {
            if (auto s = w.lock()) others.push_back(std::move(s));
        }
        return {rev, std::move(others)};
    }

  private:
    struct Doc {
        std::uint64_t rev = 0;
        std::map<const Session*, std::weak_ptr<Session>> readers;
    };
    const std::optional<json> snapshot_;
    std::mutex mutex_;
    std::map<std::string, Doc> docs_;
};

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, std::shared_ptr<SharedState> state)
        : ws_(std::move(socket)), state_(std::move(state)) {}

    ~Session() {
        for (const auto& doc : docs_) state_->close(doc, this);
    }

    void run() {
        ws_.next_layer().socket().set_option(tcp::no_delay(true));
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.text(true);
        ws_.async_accept(beast::bind_front_handler(&Session::on_accept, shared_from_this()));
    }

    /// From any thread: the message is written on this session's strand, one write at a time.
    void send(std::shared_ptr<const std::string> msg) {
        asio::post(ws_.get_executor(), [self = shared_from_this(), msg = std::move(msg)] {
            self->queue_.push_back(msg);
            if (self->queue_.size() == 1) self->do_write();
        });
    }

  private:
    void on_accept(beast::error_code ec) {
        if (ec) return fail(ec, "accept");
        do_read();
    }

    void do_read() {
        ws_.async_read(buffer_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "read");
        std::string text = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        try {
            handle(text);
        } catch (const std::exception& e) {  // a field of the wrong type
            reply(error(json(), std::string("samen-relay: ") + e.what()));
        }
        do_read();
    }

    void handle(const std::string& text) {
        json msg = json::parse(text, nullptr, false);
        if (msg.is_discarded() || !msg.is_object()) return reply(error(json(), "not JSON"));
        const json id = msg.value("id", json());
        const std::string type = msg.value("type", std::string());
        if (type == "hello") {
            return reply({{"type", "welcome"},
                          {"id", id},
                          {"protocol", 1},
                          {"session", 1},
                          {"user", json::object()}});
        }
        const std::string doc = msg.value("doc", std::string());
        if (type == "open") {
            if (!state_->snapshot()) return reply(error(id, "samen-relay has no --snapshot"));
            json snap = *state_->snapshot();
            snap["id"] = id;
            snap["doc"] = doc;
            snap["rev"] = state_->open(doc, shared_from_this());
            docs_.insert(doc);
            return reply(snap);
        }
        if (type == "close") {
            state_->close(doc, this);
            docs_.erase(doc);
            return reply({{"type", "ack"}, {"id", id}});
        }
        if (type == "edit" && docs_.count(doc) > 0) {
            auto [rev, others] = state_->edit(doc, this);
            // Serialized once, shared by every receiver.
            auto relayed = std::make_shared<const std::string>(json{
                {"type", "edit"},
                {"doc", doc},
                {"section", msg["section"]},
                {"layer", msg["layer"]},
                {"rev", rev},
                {"op", msg["op"]},
                {"opid", msg["opid"]}}.dump());
            for (auto& s : others) s->send(relayed);
            return reply({{"type", "ack"}, {"id", id}, {"rev", rev}});
        }
        reply(error(id, "samen-relay does not do " + type + (type == "edit" ? " unopened" : "")));
    }

    static json error(const json& id, const std::string& message) {
        return {{"type", "error"}, {"id", id}, {"code", "bad_request"}, {"message", message}};
    }

    /// Already on the strand: queued directly.
    void reply(const json& msg) {
        queue_.push_back(std::make_shared<const std::string>(msg.dump()));
        if (queue_.size() == 1) do_write();
    }

    void do_write() {
        ws_.async_write(asio::buffer(*queue_.front()),
                        beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "write");
        queue_.pop_front();
        if (!queue_.empty()) do_write();
    }

    static void fail(beast::error_code ec, const char* what) {
        if (ec == asio::error::operation_aborted || ec == websocket::error::closed ||
            ec == asio::error::eof || ec == asio::error::connection_reset) {
            return;
        }
        std::cerr << "samen-relay: " << what << ": " << ec.message() << "\n";
    }

    websocket::stream<beast::tcp_stream> ws_;
    std::shared_ptr<SharedState> state_;
    beast::flat_buffer buffer_;
    std::deque<std::shared_ptr<const std::string>> queue_;
    std::set<std::string> docs_;
};

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(asio::io_context& ioc, tcp::endpoint at, std::shared_ptr<SharedState> state)
        : ioc_(ioc), acceptor_(ioc, at), state_(std::move(state)) {}

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

    void do_accept() {
        acceptor_.async_accept(asio::make_strand(ioc_),
                               beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

  private:
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (!ec) std::make_shared<Session>(std::move(socket), state_)->run();
        do_accept();
    }

    asio::io_context& ioc_;
    tcp::acceptor acceptor_;
    std::shared_ptr<SharedState> state_;
};

int run(const Options& o) {
    std::optional<json> snapshot;
    if (!o.snapshot.empty()) {
        std::ifstream in(o.snapshot);
        if (!in) throw std::runtime_error("cannot read " + o.snapshot);
        snapshot = json::parse(in);
    }
    asio::io_context ioc(static_cast<int>(o.threads));
    auto listener =
        std::make_shared<Listener>(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port),
                                   std::make_shared<SharedState>(std::move(snapshot)));
    listener->do_accept();
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
    std::cout << "samen-relay listening on http://127.0.0.1:" << listener->port() << "/"
              << std::endl;
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < o.threads; ++i) threads.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    return 0;
}

}  // namespace
}  // namespace samen::relay

int main(int argc, char** argv) {
    return samen::bench::tool_main("samen-relay", samen::relay::usage_text, argc, argv,
                                   samen::relay::parse_options, samen::relay::run);
}
