// What every session of one Server shares: options, the application, counters, and the registry
// close_all() walks. Free of Beast; sessions hold it by shared_ptr so it outlives them all.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
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

/// Counts one open TCP connection for as long as it lives; moves from the HTTP session to the
/// WebSocket session on upgrade so the connection is counted once.
class LiveConnection {
  public:
    explicit LiveConnection(ServerState& state);
    LiveConnection(LiveConnection&& other) noexcept;
    LiveConnection& operator=(LiveConnection&&) = delete;
    LiveConnection(const LiveConnection&) = delete;
    ~LiveConnection();

  private:
    ServerState* state_;
};

class ServerState {
  public:
    ServerState(ServerOptions options, std::shared_ptr<Application> app);

    const ServerOptions& options() const { return options_; }
    Application& app() { return *app_; }
    NetStats& stats() { return stats_; }
    std::size_t open_connections() const { return open_connections_.load(); }

    std::uint64_t next_http_number() { return ++http_numbers_; }
    std::uint64_t next_websocket_number() { return ++websocket_numbers_; }

    /// Registers a session for close_all(); returns the key to unregister it with.
    std::uint64_t enroll(std::weak_ptr<Closable> session);
    void withdraw(std::uint64_t key);
    void close_all(CloseReason why);

  private:
    friend class LiveConnection;

    const ServerOptions options_;
    const std::shared_ptr<Application> app_;
    NetStats stats_;
    std::atomic<std::size_t> open_connections_{0};
    std::atomic<std::uint64_t> http_numbers_{0};
    std::atomic<std::uint64_t> websocket_numbers_{0};

    std::mutex mutex_;
    std::uint64_t next_key_ = 0;
    std::unordered_map<std::uint64_t, std::weak_ptr<Closable>> sessions_;
};

}  // namespace samen::net
