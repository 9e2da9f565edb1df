// The asynchronous Samen client: one WebSocket connection on the caller's io_context, signed in
// with a token, with the documents it opened kept live (DocumentSync) and the connection brought
// back by itself when it drops.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/document.hpp"
#include "samen/types.hpp"

namespace boost::asio {
class io_context;
}

namespace samen::client {

class DocumentSync;

enum class ConnectionState {
    disconnected,  // connect() not called yet
    connecting,    // the first connection and its hello are under way
    connected,     // signed in: requests flow
    reconnecting,  // the connection dropped; trying again after a pause
    closed,        // closed by close(), refused, or given up: nothing more happens
};
std::string_view to_string(ConnectionState s) noexcept;

struct ClientOptions {
    /// Sent in `hello`.
    std::string client_name = "samen-cli/0.1";
    /// Reconnect attempts in a row before giving up (then the state is `closed`).
    int max_reconnect_attempts = 8;
    /// The pause before the first attempt; it doubles per failed attempt up to the maximum, and
    /// each pause is drawn between half and all of it so that clients do not come back in step.
    std::chrono::milliseconds reconnect_delay{200};
    std::chrono::milliseconds max_reconnect_delay{5000};
    /// How long an edit refused with `rate_limited` waits before it goes again.
    std::chrono::milliseconds rate_limit_delay{500};
    /// Seeds the client id (part of every opid) and the jitter; 0 draws from std::random_device.
    std::uint64_t seed = 0;
};

/// Run on the client's strand. None is required.
struct ClientCallbacks {
    std::function<void(const RemoteEdit&)> on_edit;
    std::function<void(const PresenceEvent&)> on_presence;
    std::function<void(ConnectionState, const std::string& why)> on_state_change;
    /// Errors that belong to no request: refused or lost local changes, a connection given up.
    std::function<void(const ClientError&)> on_error;
    /// A document was loaded again from a snapshot: read it whole again.
    std::function<void(const std::string& doc)> on_reload;
    /// After every message and every event the client handled (to wake up waiters).
    std::function<void()> on_activity;
};

/// Every public call is thread-safe and returns at once: it posts to the client's strand, where
/// all state lives and every completion handler and callback runs. The accessors at the end read
/// that state and must be called on the strand: from a callback, or inside post().
///
/// Destroy it on the strand or after its io_context stopped running: callbacks already queued
/// may run until the strand gets to the shutdown otherwise.
class Client {
  public:
    using Done = std::function<void(std::optional<ClientError>)>;
    using ListDone = std::function<void(std::optional<ClientError>, std::vector<DocumentSummary>)>;
    using ReplyDone = std::function<void(std::optional<ClientError>, nlohmann::json reply)>;

    Client(boost::asio::io_context& ioc, ClientOptions options = {},
           ClientCallbacks callbacks = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// Connects to ws://host:port/ws and says hello with `token`. `done` gets nothing when signed
    /// in, or an error `unreachable`, `unauthorized` or `connection_lost`. Only a connection
    /// that was signed in once is brought back after it drops.
    void connect(std::string host, std::uint16_t port, std::string token, Done done = {});
    /// Closes the connection; nothing reconnects. Local changes not yet acknowledged are lost.
    void close(Done done = {});

    void list(ListDone done);
    /// Opens `doc` and keeps it live; `done` runs once its snapshot is loaded (at once when it
    /// already is), or with the server's error (`not_found`, `forbidden`).
    void open(std::string doc, Done done = {});
    void close_document(std::string doc, Done done = {});

    /// Sends any request of the protocol (`effective`, `history`, `tag`, `diverge`, ...) with a
    /// fresh `id` (one already in `msg` is replaced) and hands `done` the reply with that id: the
    /// reply itself, or the server's `error` as a ClientError with its code and message. Most
    /// requests need their document open first (open()). Sent at once when signed in, after the
    /// sign-in while the first connection is made; `connection_lost` when the connection is (or
    /// goes) down before the reply came: such a request is never sent again by itself, since it
    /// may have been carried out.
    void request(nlohmann::json msg, ReplyDone done);

    /// A local edit of one section layer, applied at once and sent when it can be. `applied`
    /// gets an error (`bad_request`, with nothing changed) when the op does not fit the text or
    /// there is no such document, section or text layer.
    void edit(std::string doc, std::string section, std::string layer, ot::Op op,
              Done applied = {});
    /// Like edit(), with the op made on the strand from the layer's current text, so that
    /// nothing can change the text between reading it and editing it.
    void edit_with(std::string doc, std::string section, std::string layer,
                   std::function<ot::Op(const std::string& text)> make_op, Done applied = {});
    void presence(std::string doc, std::string section, std::string layer, ot::Selection sel);

    /// Runs `fn` on the strand.
    void post(std::function<void()> fn);
    /// Stops everything at once: no more callbacks, no reconnect, documents forgotten. The
    /// destructor does this; a later post() runs after it.
    void shutdown();

    // ---- Test hooks: make real failures happen on purpose -------------------------------------
    /// Drops the connection now, as a network failure would; the client reconnects.
    void disconnect();
    /// Drops the connection right after the next edit is handed to it, so that its ack is lost.
    void drop_after_next_edit();

    // ---- On the strand only ------------------------------------------------------------------
    ConnectionState state() const;
    /// The signed-in user (from `welcome`).
    std::optional<UserRef> user() const;
    /// nullptr unless `doc` is open and loaded.
    const model::Document* document(const std::string& doc) const;
    const DocumentSync* sync(const std::string& doc) const;
    /// The layer's local text; nullopt when there is no such open document or text layer.
    std::optional<std::string> text(const std::string& doc, const std::string& section,
                                    const std::string& layer) const;
    std::optional<Rev> rev(const std::string& doc) const;
    /// Local edits not acknowledged yet, over every open document.
    std::size_t pending_edits() const;
    /// How many times the connection was (re)established and signed in.
    std::uint64_t connections() const;

  private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace samen::client
