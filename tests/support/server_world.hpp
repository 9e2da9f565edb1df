// The server's parts in one test process: a real data file (with the four municipalities, a user
// per role and two documents), the user directory, the rooms, and an io_context running on a
// thread of its own; and a Connection that records what the server sends it. For unit tests of
// rooms and sessions that need no sockets.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/directory.hpp"
#include "net/application.hpp"
#include "rooms/registry.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace samen::test {

/// A WebSocket as the server sees it, recording every message sent to it.
class RecordingConnection : public net::Connection {
  public:
    void send(std::shared_ptr<const std::string> text) override;
    void close(net::CloseReason why) override;
    void signed_in() override { signed_in_ = true; }
    void handled() override { ++handled_; }
    const std::string& tag() const override { return tag_; }
    const std::string& address() const override { return address_; }

    bool is_signed_in() const { return signed_in_; }
    /// Messages the session said it handled.
    std::size_t handled_count() const { return handled_; }

    /// The first message (from the start) that `match` accepts; waits at most `timeout` for it,
    /// and throws std::runtime_error with what arrived when none does.
    nlohmann::json wait_for(const std::function<bool(const nlohmann::json&)>& match,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// The reply to the request with this id.
    nlohmann::json reply_to(const nlohmann::json& id);
    std::vector<nlohmann::json> messages() const;
    std::optional<net::CloseReason> closed() const;
    /// Waits at most `timeout` for the server to close the connection.
    std::optional<net::CloseReason> wait_closed(
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// Runs `watch` on every message as the server sends it, on the sender's thread: what it
    /// sees is the server's state at that moment, not after the sender went on.
    void on_send(std::function<void(const nlohmann::json&)> watch);

  private:
    mutable std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<nlohmann::json> messages_;
    std::function<void(const nlohmann::json&)> watch_;
    std::optional<net::CloseReason> closed_;
    std::atomic<bool> signed_in_{false};
    std::atomic<std::size_t> handled_{0};
    std::string tag_ = "test";
    std::string address_ = "192.0.2.1";
};

/// What a World is made with; the store's path is the world's own.
struct WorldOptions {
    rooms::RoomLimits room;
    store::StoreOptions store;
};

struct World {
    /// Kampen (GM0166), Staphorst (GM0180), Steenwijkerland (GM1708), Zwartewaterland (GM1896);
    /// users "<municipality>-<role>" (e.g. "kampen-editor") and "admin"; the documents "ivp"
    /// (all four; sections "inleiding" and "jeugd") and "staphorst-only" (GM0180).
    explicit World(WorldOptions options = {});
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    /// The user (as the directory knows them) by name.
    const auth::User& user(const std::string& name) const { return users_by_name.at(name); }
    /// A sign-in token of the user.
    std::string token(const std::string& name);
    /// The room of `doc`, loaded on first use.
    std::shared_ptr<rooms::Room> room(const std::string& doc);
    /// Runs `work` on the store's thread and waits for it.
    template <class F>
    auto run(F work) {
        return store.run(std::move(work)).get();
    }

    TempDir dir;
    store::Store store;
    auth::UserDirectory users;
    std::map<std::string, auth::User> users_by_name;
    boost::asio::io_context ioc;
    std::shared_ptr<rooms::RoomRegistry> registry;

  private:
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::thread thread_;
};

}  // namespace samen::test
