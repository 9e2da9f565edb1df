// What stands behind a Client: the connection, the requests waiting for their replies, and the
// open documents. Private to the client library.
//
// Everything here runs on the strand. Client's public calls post one do_* member onto it; the
// WebSocket's callbacks and the timers come back through the on_* members. Each step ends with
// finish(), which sends what the documents want sent and hands their events to the callbacks.
//
// The code is in three files: client_connection.cpp (connecting, reconnecting, closing),
// client_requests.cpp (what the user asks for, and sending it) and client_messages.cpp (what the
// server says).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "samen/client.hpp"
#include "samen/document_sync.hpp"

namespace samen::transport {
class WebSocketClient;
}

namespace samen::client {

class Client::Impl : public std::enable_shared_from_this<Impl> {
  public:
    using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

    Impl(boost::asio::io_context& ioc, ClientOptions options, ClientCallbacks callbacks);

    const Strand& strand() const noexcept { return strand_; }

    // ---- The user's calls, on the strand (see Client) ------------------------------------------
    void do_connect(std::string host, std::uint16_t port, std::string token, Done done);
    void do_close(Done done);
    void do_shutdown();
    /// Lets go of the connection as a network failure would; the client reconnects.
    void do_disconnect(const std::string& why);
    void do_drop_after_next_edit() { drop_after_edit_ = true; }
    void do_list(ListDone done);
    void do_request(nlohmann::json msg, ReplyDone done);
    void do_open(std::string doc, Done done);
    void do_close_document(const std::string& doc, Done done);
    void do_edit(const std::string& doc, const std::string& section, const std::string& layer,
                 const std::function<ot::Op(const std::string& text)>& make_op,
                 const Done& applied);
    void do_presence(const std::string& doc, const std::string& section, const std::string& layer,
                     ot::Selection sel);

    // ---- Reads, on the strand -----------------------------------------------------------------
    ConnectionState state() const noexcept { return state_; }
    const std::optional<UserRef>& user() const noexcept { return user_; }
    /// nullptr unless `doc` is open and loaded.
    DocumentSync* live_doc(const std::string& doc);
    std::size_t pending_edits() const;
    std::uint64_t connections() const noexcept { return connection_count_; }

  private:
    /// A message sent with an `id`, waiting for the reply with that id.
    struct Request {
        enum class Kind { list, open, close, edit, generic };
        Kind kind = Kind::list;
        std::string doc;
        std::string section;  // edit
        std::string layer;    // edit
        std::string opid;     // edit
        ListDone list_done;
        Done done;             // close
        ReplyDone reply_done;  // generic
    };

    // ---- The connection (client_connection.cpp) -----------------------------------------------
    /// A new WebSocket with its hello; what it reports comes back through on_socket_*.
    void do_open_socket();
    void on_socket_open(std::uint64_t generation);
    void on_socket_message(std::uint64_t generation, const std::string& text);
    void on_socket_close(std::uint64_t generation, int code, const std::string& reason,
                         const std::string& error);
    /// The connection is gone (closed, failed, or dropped on purpose): what was waiting on it is
    /// sent again, failed, or left to the documents; then reconnect, or give up.
    void on_connection_lost(int code, const std::string& reason, const std::string& error);
    void do_reconnect_after_pause(const std::string& why);
    void on_reconnect_timer(boost::system::error_code ec);
    void give_up(const ClientError& e);
    /// Everything waiting for a connection that will not come.
    void fail_all(const ClientError& e);
    void drop_connection(const std::string& why);
    void set_state(ConnectionState s, const std::string& why);

    // ---- What the server says (client_messages.cpp) -------------------------------------------
    void on_message(const std::string& text);
    /// One message (of a `batch`, or alone).
    void on_json(const nlohmann::json& msg);
    /// A message that could not be read: the on_error callback hears of it as `bad_message`.
    void report_bad_message(const std::exception& e);
    void on_welcome(const nlohmann::json& msg);
    /// The reply to a request(): handed over whole, never to a document.
    bool on_reply(const std::string& type, const nlohmann::json& msg);
    void on_error_message(const nlohmann::json& msg);
    void on_ack(const nlohmann::json& msg);
    void on_documents(const nlohmann::json& msg);
    void on_open_refused(const std::string& doc, ClientError e);
    /// Takes the request that `msg` answers (by its `id`) out of the table, if it is of `kind`.
    std::optional<Request> take_request(const nlohmann::json& msg,
                                        std::optional<Request::Kind> kind = std::nullopt);
    /// One error per layer whose local changes will never be sent, with their text.
    void report_unsent(const DocumentSync& d, const ClientError& why);
    void complete_open(const std::string& doc, const std::optional<ClientError>& e);

    // ---- Sending, and what follows every step (client_requests.cpp) ---------------------------
    void send_request(Request r, nlohmann::json msg);
    void send_list(Request r);
    /// Sends what the documents want sent and hands their events to the callbacks. Runs at the
    /// end of every step on the strand.
    void finish();
    void send_outgoing(const std::string& doc, Outgoing out);
    void dispatch(SyncEvent& event);
    void do_rate_limit_pause();
    void on_rate_timer(boost::system::error_code ec);
    std::string next_opid();

    boost::asio::io_context& ioc_;
    Strand strand_;
    ClientOptions options_;
    ClientCallbacks callbacks_;
    std::mt19937_64 rng_;
    std::string client_id_;  // part of every opid
    std::uint64_t opid_counter_ = 0;

    // The connection.
    std::string host_;
    std::uint16_t port_ = 0;
    std::string token_;
    std::shared_ptr<transport::WebSocketClient> ws_;
    std::uint64_t generation_ = 0;  // of the connection whose callbacks count
    ConnectionState state_ = ConnectionState::disconnected;
    bool opened_ = false;    // the WebSocket of this generation opened
    bool welcomed_ = false;  // signed in on this connection: requests may be sent
    bool ever_welcomed_ = false;
    bool closing_ = false;
    bool shut_down_ = false;
    bool drop_after_edit_ = false;
    std::optional<ClientError> hello_error_;
    Done connect_done_;
    Done close_done_;
    int attempts_ = 0;  // reconnects in a row that failed
    std::uint64_t connection_count_ = 0;
    boost::asio::steady_timer reconnect_timer_;
    boost::asio::steady_timer rate_timer_;
    bool rate_timer_armed_ = false;
    std::optional<UserRef> user_;

    // Requests.
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, Request> requests_;  // sent on this connection, by id
    std::deque<Request> queued_lists_;           // list() while (re)connecting
    std::deque<std::pair<Request, nlohmann::json>> queued_requests_;  // request() before welcome

    // Documents.
    std::map<std::string, std::unique_ptr<DocumentSync>> docs_;
    std::map<std::string, std::vector<Done>> open_waiters_;
};

}  // namespace samen::client
