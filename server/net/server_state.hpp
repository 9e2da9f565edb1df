// What every session of one Server shares: options, the application, counters, the bounds on
// connections, and the registry close_all() walks. Free of Beast; sessions hold it by shared_ptr
// so it outlives them all.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "log/log.hpp"
#include "net/application.hpp"
#include "net/server.hpp"

namespace samen::net {

/// A session close_all() can reach. close() may be called from any thread.
class Closable {
  public:
    virtual ~Closable() = default;
    virtual void close(CloseReason why) = 0;
};

class ServerState;

/// Counts one open TCP connection for as long as it lives and, until it signs in, one connection
/// of its address that has not. Moves from the HTTP session to the WebSocket session on upgrade
/// so the connection is counted once.
class LiveConnection {
  public:
    LiveConnection(LiveConnection&& other) noexcept;
    LiveConnection& operator=(LiveConnection&&) = delete;
    LiveConnection(const LiveConnection&) = delete;
    ~LiveConnection();

    /// The peer signed in: it no longer counts against its address.
    void signed_in();

  private:
    friend class ServerState;
    LiveConnection(ServerState& state, std::string address);

    ServerState* state_;
    std::string address_;
    bool unauthenticated_ = true;
};

/// What ServerState::admit decided about a new connection.
struct Admission {
    std::optional<LiveConnection> live;  // taken: it counts while this lives
    std::string refusal;                 // refused: why, for the client
};

class ServerState {
  public:
    ServerState(ServerOptions options, std::shared_ptr<Application> app);

    const ServerOptions& options() const { return options_; }
    Application& app() { return *app_; }
    NetStats& stats() { return stats_; }
    std::size_t open_connections() const { return stats_.connections_open.load(); }

    /// Takes a new connection from `address` (see address_key) unless max_connections or
    /// max_unauthenticated_per_address refuses it.
    Admission admit(const std::string& address);
    /// Counts a refused connection while it is answered; false past max_refusals.
    bool begin_refusal();
    void end_refusal();
    /// True at most once in `every`: for log lines about what an attacker may repeat at will.
    bool may_log(std::chrono::steady_clock::duration every);

    std::uint64_t next_http_number() { return ++http_numbers_; }
    std::uint64_t next_websocket_number() { return ++websocket_numbers_; }

    /// Registers a session for close_all(); returns the key to unregister it with.
    std::uint64_t enroll(std::weak_ptr<Closable> session);
    void withdraw(std::uint64_t key);
    void close_all(CloseReason why);

  private:
    friend class LiveConnection;
    void release(const std::string& address, bool unauthenticated, bool open);

    const ServerOptions options_;
    const std::shared_ptr<Application> app_;
    NetStats stats_;
    std::atomic<std::size_t> refusals_{0};
    std::atomic<std::int64_t> last_log_{0};  // steady_clock ticks of may_log's last yes
    std::atomic<std::uint64_t> http_numbers_{0};
    std::atomic<std::uint64_t> websocket_numbers_{0};

    std::mutex admission_mutex_;
    std::unordered_map<std::string, std::size_t> unauthenticated_by_address_;

    std::mutex mutex_;
    std::uint64_t next_key_ = 0;
    std::unordered_map<std::uint64_t, std::weak_ptr<Closable>> sessions_;
};

}  // namespace samen::net
