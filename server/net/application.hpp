// The contract between the network layer (server/net, the only place with Beast) and the
// application (rooms, store, auth). Nothing here includes Beast or Asio.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace samen::net {

struct HttpRequest {
    std::string method;  // "GET", "POST", ...
    std::string target;  // path and query, e.g. "/api/v1/documents?x=1"
    std::string authorization;
    std::string accept;
    std::string content_type;
    std::string body;
    std::string remote;  // peer address, "127.0.0.1:53422"
    /// The client's IP address: the peer's, or behind a trusted proxy the one it names
    /// (net/trust.hpp); "unknown" when a trusted proxy named none.
    std::string client;
};

struct HttpResponse {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

/// Why the server closes a WebSocket. Each maps to one close code (docs/protocol.md).
enum class CloseReason {
    normal,          // 1000
    going_away,      // 1001: the server shuts down
    policy,          // 1008: a failed hello, or a sign-in that no longer holds (signed out,
                     // disabled, token expired or removed): sign in again over HTTP
    too_slow,        // 4001: the outgoing queue passed its bound; reconnect with `since`
    idle_timeout,    // 4002: reserved; an idle peer is dropped by the WebSocket's own timeout
    rights_changed,  // 4003: the user's role or municipality changed: connect and say hello again
};

/// The application's handle on one WebSocket session. Thread-safe: every call posts to the
/// session's strand.
class Connection {
  public:
    virtual ~Connection() = default;
    /// Queues one text frame. When the queue passes its bound the session closes with too_slow.
    virtual void send(std::shared_ptr<const std::string> text) = 0;
    /// Queues several text frames at once, in order: a burst, which the connection sends in as
    /// few packets as it fills.
    virtual void send_all(std::vector<std::shared_ptr<const std::string>> texts) {
        for (auto& text : texts) send(std::move(text));
    }
    /// Sends what is queued, then closes.
    virtual void close(CloseReason why) = 0;
    /// The peer signed in. Until then its messages may hold at most max_hello_bytes (a longer
    /// one closes the connection with 1009), it counts against its address's bound on
    /// connections that have not signed in, and it is closed (1008) unless it signs in within
    /// hello_timeout. From now on it may send messages of max_message_bytes (a longer one is
    /// reported to on_too_large), and none of the rest applies.
    virtual void signed_in() = 0;
    /// One message of on_message has been handled. The session hands at most
    /// max_pending_messages messages that are not, and reads no further until one is: an
    /// application that never says so stalls its connection.
    virtual void handled() = 0;
    /// "ws#12 127.0.0.1:53422", for logs.
    virtual const std::string& tag() const = 0;
    /// The client's IP address, as HttpRequest::client of the upgrade request.
    virtual const std::string& address() const = 0;
};

/// The application's side of one WebSocket session. Called on the session's strand, one call at a
/// time, in the order the frames arrived.
class MessageHandler {
  public:
    virtual ~MessageHandler() = default;
    /// Answer each with Connection::handled() once done with it.
    virtual void on_message(std::string text) = 0;
    /// A message longer than the limit arrived; its bytes were discarded, the connection stays.
    virtual void on_too_large(std::size_t limit) = 0;
    /// A binary frame arrived (the protocol is text only); it was discarded.
    virtual void on_binary() = 0;
    /// The connection is gone (any reason). No call follows.
    virtual void on_close() = 0;
};

class Application {
  public:
    virtual ~Application() = default;
    /// Any HTTP request except static files and the WebSocket upgrade. `respond` may be called
    /// from any thread, exactly once.
    virtual void handle_http(HttpRequest req, std::function<void(HttpResponse)> respond) = 0;
    /// A WebSocket on /ws was accepted.
    virtual std::shared_ptr<MessageHandler> on_websocket(std::shared_ptr<Connection> conn) = 0;
};

}  // namespace samen::net
