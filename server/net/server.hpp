// samen-server's network layer: one port for the WebSocket at /ws, the application's HTTP routes
// and the web client's static files. Beast stays behind this header.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/application.hpp"

namespace boost::asio {
class io_context;
}

namespace samen::net {

/// The most an HTTP request's start line and header may hold; past it the answer is 431.
inline constexpr std::uint32_t http_header_limit = 16 * 1024;
/// A request body comes with Content-Length; a chunked one is answered 411 with this, before any
/// of it is read (docs/decisions/0012-no-chunked-request-bodies.md).
inline constexpr std::string_view chunked_body_refused =
    "a request body needs a Content-Length; chunked transfer coding is not accepted";

struct ServerOptions {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;  // 0: an ephemeral port, see Server::port()
    /// A longer incoming WebSocket message from a peer that signed in is discarded and reported
    /// to the handler; the connection stays.
    std::size_t max_message_bytes = 1024 * 1024;
    /// Until the application says Connection::signed_in(), a WebSocket message may hold at most
    /// this many bytes; a longer one closes the connection with 1009.
    std::size_t max_hello_bytes = 4096;
    /// A WebSocket that has not signed in this long after its upgrade is closed with 1008.
    std::chrono::seconds hello_timeout{10};
    /// Messages of one WebSocket handed to the application and not yet handled
    /// (Connection::handled). At the bound the session stops reading, and TCP's flow control
    /// slows the peer down: a connection holds at most this many messages of the read limit.
    std::size_t max_pending_messages = 8;
    /// TCP connections at once, HTTP and WebSocket. Past it a new connection is answered 503
    /// and closed. 0: no bound (samen-server always sets one, fitted to its descriptor limit).
    std::size_t max_connections = 0;
    /// Connections from one IP address that have not signed in (every HTTP connection, every
    /// WebSocket until Connection::signed_in()). Past it a new connection from that address is
    /// answered 503 and closed. 0: no bound.
    std::size_t max_unauthenticated_per_address = 32;
    /// Refused connections being answered at once; past it a new one is closed unanswered. Each
    /// holds its descriptor for at most refusal_linger.
    std::size_t max_refusals = 64;
    /// How long a refused connection may take to read its 503 and close.
    std::chrono::seconds refusal_linger{2};
    /// Outgoing messages waiting behind the one being written. Past either bound the client is
    /// too slow and its connection is closed (4001).
    std::size_t max_queue_messages = 1024;
    std::size_t max_queue_bytes = 8 * 1024 * 1024;
    /// A WebSocket that answers neither data nor pings for this long is dropped.
    std::chrono::seconds idle_timeout{60};
    /// Once a close has begun, the queue flush and the close handshake must end within this
    /// time, else the socket is closed: a client that stopped reading cannot hold a session.
    std::chrono::seconds close_timeout{10};
    std::size_t max_http_body = 1024 * 1024;
    std::filesystem::path static_root;  // empty: no static files
    std::string api_version = "1.0.0";  // the API-Version header of every response
    /// Browser origins besides the server's own (http(s):// and the Host) whose pages may open
    /// the WebSocket, e.g. "https://samen.gemeente.nl" behind a proxy that rewrites Host.
    std::vector<std::string> allowed_origins;
    /// Peers (IP addresses, in net::normal_address form) whose X-Forwarded-For names the client:
    /// the reverse proxies in front of the server.
    std::vector<std::string> trusted_proxies;
};

/// Counters for /metrics. Monotonic except the ones that say open.
struct NetStats {
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::uint64_t> connections_open{0};
    std::atomic<std::uint64_t> connections_unauthenticated{0};  // open and not signed in
    std::atomic<std::uint64_t> connections_max{0};              // the bound; 0: none
    std::atomic<std::uint64_t> websockets_open{0};
    std::atomic<std::uint64_t> http_requests{0};
    std::atomic<std::uint64_t> slow_client_disconnects{0};
    std::atomic<std::uint64_t> oversized_messages{0};
    std::atomic<std::uint64_t> refused_over_capacity{0};  // past max_connections
    std::atomic<std::uint64_t> refused_per_address{0};    // past max_unauthenticated_per_address
    std::atomic<std::uint64_t> refused_unanswered{0};     // past max_refusals as well
    std::atomic<std::uint64_t> hello_timeouts{0};
    std::atomic<std::uint64_t> oversized_before_sign_in{0};  // closed with 1009
};

/// The WebSocket close code of each reason (docs/protocol.md).
constexpr int close_code(CloseReason why) {
    switch (why) {
        case CloseReason::normal:
            return 1000;
        case CloseReason::going_away:
            return 1001;
        case CloseReason::policy:
            return 1008;
        case CloseReason::too_slow:
            return 4001;
        case CloseReason::idle_timeout:
            return 4002;
        case CloseReason::rights_changed:
            return 4003;
    }
    return 1011;
}
std::string_view close_text(CloseReason why);

class ServerState;
class Listener;

/// Runs on the caller's io_context; every member may be called from any thread.
class Server {
  public:
    Server(boost::asio::io_context& ioc, ServerOptions options, std::shared_ptr<Application> app);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and listens. Throws std::runtime_error naming the address when that fails.
    void start();
    /// The bound port (the ephemeral one when options.port was 0); 0 before start().
    unsigned short port() const;
    void stop_accepting();
    /// Every WebSocket sends what it has queued, then closes with `why`; idle HTTP keep-alive
    /// connections close, busy ones after their current response. With stop_accepting() this
    /// lets io_context::run() return once the clients have gone.
    void close_all(CloseReason why);
    /// Open TCP connections, HTTP and WebSocket.
    std::size_t connection_count() const;
    const ServerOptions& options() const;
    const NetStats& stats() const;

  private:
    boost::asio::io_context& ioc_;
    std::shared_ptr<ServerState> state_;
    std::shared_ptr<Listener> listener_;
    std::atomic<unsigned short> port_{0};
};

}  // namespace samen::net
