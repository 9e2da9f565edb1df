// A plain TCP connection to the server on loopback, from any 127.x.y.z address (Linux routes the
// whole of 127.0.0.0/8 to this machine): for the tests of what the server does with connections
// that say little or nothing, and with many of them from one address.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace samen::test {

class RawSocket {
  public:
    /// Connects from `from` (the port the system picks) to 127.0.0.1:port. Throws
    /// std::runtime_error when it cannot.
    explicit RawSocket(std::uint16_t port, const std::string& from = "127.0.0.1");
    ~RawSocket();
    RawSocket(RawSocket&& other) noexcept;
    RawSocket& operator=(RawSocket&&) = delete;
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;

    /// Writes all of `data`; false when the connection refused it.
    bool send(std::string_view data);
    /// What the server sends until it closes the connection (or resets it), at most `timeout`.
    std::string read_until_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// What the server sends up to the end of an HTTP head ("\r\n\r\n", and whatever came
    /// with it), or until it closes the connection, at most `timeout`.
    std::string read_head(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    void close();

  private:
    std::string read_while(const std::function<bool(const std::string&)>& more,
                           std::chrono::milliseconds timeout);

    int fd_ = -1;
};

/// An HTTP response read as text: its status and head.
struct RawResponse {
    unsigned status = 0;  // 0: no status line came
    std::string text;     // everything that came

    /// The value of the first header of that name (any case), or "".
    std::string header(std::string_view name) const;
};

/// `GET path` on a connection of its own from `from`; what came before the server closed.
RawResponse raw_get(std::uint16_t port, const std::string& path,
                    const std::string& from = "127.0.0.1");
/// Asks for a WebSocket on /ws and reads the answer's head: 101 leaves `socket` an open WebSocket
/// that has said nothing yet.
RawResponse raw_upgrade(RawSocket& socket);
/// Parses what a RawSocket read.
RawResponse parse_response(std::string text);

}  // namespace samen::test
