// A blocking WebSocket client for tests and scripts: its own io_context on its own thread, every
// wait bounded by a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace samen::transport {

class SyncWebSocket {
  public:
    struct Event {
        enum class Kind { message, closed, timeout };
        Kind kind = Kind::timeout;
        std::string text;    // message
        int code = 0;        // closed: the close code, 1006 when there was no close frame
        std::string reason;  // closed: the peer's reason
        std::string error;   // closed: what went wrong, if anything
    };

    SyncWebSocket();
    /// Closes the connection if open (bounded) and stops the thread.
    ~SyncWebSocket();
    SyncWebSocket(const SyncWebSocket&) = delete;
    SyncWebSocket& operator=(const SyncWebSocket&) = delete;

    /// Throws std::runtime_error with the reason when the WebSocket does not open in time.
    void connect(const std::string& host, std::uint16_t port, const std::string& target = "/ws",
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
    void send(std::string text);
    /// The next message or the close, in arrival order; `timeout` when neither came in time.
    Event next(std::chrono::milliseconds timeout);
    /// The next message; nullopt when the connection closed or nothing came in time.
    std::optional<std::string> receive(std::chrono::milliseconds timeout);
    /// Sends a close and returns the close event (messages still in flight are dropped), or a
    /// timeout event.
    Event close(int code = 1000, std::chrono::milliseconds timeout = std::chrono::seconds(5));

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace samen::transport
