// One WebSocket client speaking protocol v1: sign-in with `hello`, then requests. The edge where
// text becomes a typed request (protocol::parse_request) and every failure an `error` reply; the
// connection stays usable after each. Requests about a document go to its room; `list` and
// `document.create` are answered here.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/signed_in.hpp"
#include "auth/directory.hpp"
#include "auth/token.hpp"
#include "net/application.hpp"
#include "protocol/requests.hpp"
#include "rooms/read_slots.hpp"
#include "rooms/reply.hpp"

namespace samen::rooms {
class Room;
class RoomRegistry;
struct Caller;
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
    /// Reads of the past (`history`, `text.at`, `diff`, `effective` at a revision, the rebase
    /// preview, `list`) waiting or running at once; past it `rate_limited`.
    std::size_t max_reads_per_connection = 4;
};

/// What every session shares.
struct SessionContext {
    store::Store& store;
    std::shared_ptr<rooms::RoomRegistry> rooms;
    auth::UserDirectory& users;
    std::shared_ptr<SignedInSessions> signed_in;
    SessionLimits limits;
};

class ClientSession : public net::MessageHandler,
                      public Revocable,
                      public std::enable_shared_from_this<ClientSession> {
  public:
    ClientSession(boost::asio::io_context& ioc, SessionContext context,
                  std::shared_ptr<net::Connection> conn);

    void on_message(std::string text) override;
    void on_too_large(std::size_t limit) override;
    void on_binary() override;
    void on_close() override;
    void end(net::CloseReason why, const std::string& message) override;

  private:
    /// Serves the message now, or keeps it while a `hello` or an `open` is answered.
    void handle(std::string text);
    void parse_and_serve(std::string text);
    void serve(const rooms::Reply& reply, protocol::Request request);
    void hello(const rooms::Reply& reply, const protocol::Hello& r);
    void welcome(const rooms::Reply& reply, std::optional<auth::TokenSession> signed_in);
    /// Ends the session's work: leaves its rooms, stops its timer, counts it out. Idempotent.
    void stop();
    void list(const rooms::Reply& reply, const auth::User& user);
    void inbox(const rooms::Reply& reply, const auth::User& user);
    void create_document(const rooms::Reply& reply, const auth::User& user,
                         const protocol::DocumentCreate& r);
    void to_room(const rooms::Reply& reply, protocol::DocumentRequest request);
    void open(const rooms::Reply& reply, protocol::Request request, const std::string& doc);
    /// Who a request to a room comes from.
    rooms::Caller caller(const rooms::Reply& reply) const;
    /// The room of a document this session has open; throws bad_request when it has not.
    std::shared_ptr<rooms::Room> opened(const std::string& doc) const;
    bool take_edit_token();
    /// Handles the messages that waited for a `hello` or an `open` to be answered.
    void resume();
    void send_error(protocol::ErrorCode code, const std::string& message);

    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    SessionContext context_;
    std::shared_ptr<net::Connection> conn_;
    bool counted_ = false;              // this session is one of its user's signed-in connections
    boost::asio::steady_timer expiry_;  // when its token expires, the session ends
    const std::uint64_t id_;

    std::optional<std::int64_t> user_;  // signed in as; who they are now is context_.users'
    bool waiting_ = false;              // a hello or an open is being answered: later messages wait
    // Not yet handled (net::Connection::handled): at most --max-pending-messages. A vector, as an
    // empty std::deque allocates half a kilobyte, and every connection has this queue.
    std::vector<std::string> waiting_messages_;
    std::map<std::string, std::shared_ptr<rooms::Room>> open_;
    bool closed_ = false;
    bool batches_ = false;  // its hello said it takes `batch` messages
    std::shared_ptr<rooms::ReadSlots> reads_;

    double tokens_;
    std::chrono::steady_clock::time_point last_refill_;
};

}  // namespace samen::app
