// An asynchronous WebSocket client on the caller's io_context. Beast stays in the .cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace samen::transport {

/// Called on the client's strand, one at a time.
struct WebSocketCallbacks {
    std::function<void()> on_open;
    std::function<void(std::string text)> on_message;
    /// Exactly once per connect(), last. `code` is the peer's close code, or 1006 when the
    /// connection failed or dropped without a close frame; then `error` says why.
    std::function<void(int code, std::string reason, std::string error)> on_close;
};

/// Dropping the last shared_ptr closes the connection (1000) and drops the callbacks not yet
/// run. The callbacks are released after on_close, which breaks any cycle through them.
class WebSocketClient {
  public:
    static std::shared_ptr<WebSocketClient> create(boost::asio::io_context& ioc);
    ~WebSocketClient();
    WebSocketClient(const WebSocketClient&) = delete;
    WebSocketClient& operator=(const WebSocketClient&) = delete;

    /// Once per client. `target` is the path, e.g. "/ws".
    void connect(std::string host, std::uint16_t port, std::string target,
                 WebSocketCallbacks callbacks);
    /// Thread-safe. Queued before the connection opens; written one at a time, in order.
    void send(std::string text);
    /// Thread-safe. Sends what is queued, then the close frame; on_close follows.
    void close(int code = 1000, std::string reason = {});

    /// Incoming messages above this size end the connection (1009). Before connect().
    void set_max_message_bytes(std::size_t bytes);

  private:
    struct Impl;
    explicit WebSocketClient(boost::asio::io_context& ioc);
    std::shared_ptr<Impl> impl_;  // outlives this object while its operations finish
};

}  // namespace samen::transport
