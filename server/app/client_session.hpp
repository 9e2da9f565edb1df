// One WebSocket client speaking protocol v1: sign-in with `hello`, then requests that go to the
// rooms of the documents it opens. The edge where JSON becomes typed requests and every failure
// becomes an `error` reply; the connection stays usable after each.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auth/user.hpp"
#include "net/application.hpp"
#include "protocol/protocol.hpp"

namespace samen::rooms {
class Room;
class RoomRegistry;
}  // namespace samen::rooms
namespace samen::store {
class Store;
}

namespace samen::app {

struct SessionLimits {
    double edits_per_second = 50;  // sustained, per connection
    double edit_burst = 200;       // tokens in the bucket when full
    std::size_t max_open_documents = 32;
    std::size_t max_connections_per_user = 16;  // signed-in connections at once
    std::size_t max_waiting_messages = 256;     // queued behind a `hello` or `open` being answered
};

/// The signed-in connections of every user, shared by all sessions: what bounds them per user.
class UserConnections {
  public:
    /// Counts one more connection of `user` unless it has `max` already.
    bool acquire(std::int64_t user, std::size_t max);
    void release(std::int64_t user);
    std::size_t count(std::int64_t user) const;

  private:
    mutable std::mutex mutex_;
    std::map<std::int64_t, std::size_t> counts_;
};

class ClientSession : public net::MessageHandler,
                      public std::enable_shared_from_this<ClientSession> {
  public:
    ClientSession(boost::asio::io_context& ioc, store::Store& store,
                  std::shared_ptr<rooms::RoomRegistry> rooms, std::shared_ptr<net::Connection> conn,
                  SessionLimits limits, std::shared_ptr<UserConnections> connections);

    void on_message(std::string text) override;
    void on_too_large(std::size_t limit) override;
    void on_binary() override;
    void on_close() override;

  private:
    void handle(std::string text);
    void dispatch(const nlohmann::json& msg, const std::string& type);
    void do_hello(const nlohmann::json& msg);
    void do_list(const nlohmann::json& msg);
    void do_open(const nlohmann::json& msg);
    void do_close(const nlohmann::json& msg);
    void do_edit(const nlohmann::json& msg);
    void do_presence(const nlohmann::json& msg);
    void do_workflow(const nlohmann::json& msg, const std::string& type);
    void do_history(const nlohmann::json& msg, const std::string& type);
    void do_create_document(const nlohmann::json& msg);
    void do_read(const nlohmann::json& msg, const std::string& type);
    void do_rebase(const nlohmann::json& msg, const std::string& type);
    void do_change_tree(const nlohmann::json& msg, const std::string& kind);
    void do_change_layer(const nlohmann::json& msg, const std::string& kind);
    /// The room of a document this session has open; throws bad_request when it has not.
    std::shared_ptr<rooms::Room> opened(const std::string& doc) const;
    bool take_edit_token();
    void resume();

    void send(const nlohmann::json& msg);
    void send_error(const nlohmann::json& id, protocol::ErrorCode code, const std::string& message);

    boost::asio::io_context& ioc_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    store::Store& store_;
    std::shared_ptr<rooms::RoomRegistry> rooms_;
    std::shared_ptr<net::Connection> conn_;
    SessionLimits limits_;
    std::shared_ptr<UserConnections> connections_;
    bool counted_ = false;  // this session holds one of its user's connections
    const std::uint64_t id_;

    std::optional<auth::User> user_;
    bool waiting_ = false;  // a hello or an open is being answered: later messages wait
    std::deque<std::string> waiting_messages_;
    std::map<std::string, std::shared_ptr<rooms::Room>> open_;
    bool closed_ = false;

    double tokens_;
    std::chrono::steady_clock::time_point last_refill_;
};

}  // namespace samen::app
