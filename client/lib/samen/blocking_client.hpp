// A blocking facade over Client for scripts, tests and the command-line tool: it runs its own
// io_context on its own thread, and every call that waits takes a timeout.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "model/document.hpp"
#include "samen/client.hpp"
#include "samen/sign_in.hpp"
#include "samen/types.hpp"

namespace samen::client {

class BlockingClient {
  public:
    using Timeout = std::chrono::milliseconds;
    static constexpr Timeout default_timeout = std::chrono::seconds(10);

    explicit BlockingClient(ClientOptions options = {});
    /// Closes the connection (bounded) and stops the thread.
    ~BlockingClient();
    BlockingClient(const BlockingClient&) = delete;
    BlockingClient& operator=(const BlockingClient&) = delete;

    /// `POST /api/v1/session`; returns the token. Throws ClientException (`unauthorized`,
    /// `unreachable`, ...).
    static std::string sign_in(const std::string& host, std::uint16_t port, const std::string& user,
                               const std::string& password, Timeout timeout = default_timeout);

    // Each of these throws ClientException with the server's or the client's error code, and
    // `timeout` when no answer came in time.
    void connect(const std::string& host, std::uint16_t port, const std::string& token,
                 Timeout timeout = default_timeout);
    std::vector<DocumentSummary> list(Timeout timeout = default_timeout);
    void open(const std::string& doc, Timeout timeout = default_timeout);
    void close_document(const std::string& doc, Timeout timeout = default_timeout);
    /// Closes the connection; a closed client stays closed.
    void close(Timeout timeout = default_timeout);

    /// Sends any protocol request (see Client::request) and returns the reply. Throws
    /// ClientException with the server's error code and message, `connection_lost`, or `timeout`.
    nlohmann::json request(nlohmann::json msg, Timeout timeout = default_timeout);

    // Typed requests on an open document (open() first). Reads return the server's reply as it
    // is (schemas/protocol/s2c); changes return the revision of their ack.
    /// The effective plan of `municipality`, now or as it stood at `rev`.
    nlohmann::json effective(const std::string& doc, const std::string& municipality,
                             std::optional<Rev> rev = std::nullopt,
                             Timeout timeout = default_timeout);
    nlohmann::json divergence(const std::string& doc, Timeout timeout = default_timeout);
    /// The changes of a section (of one layer, when given), oldest first, and the versions.
    nlohmann::json history(const std::string& doc, const std::string& section,
                           std::optional<std::string> layer = std::nullopt,
                           Timeout timeout = default_timeout);
    nlohmann::json text_at(const std::string& doc, const std::string& section,
                           const std::string& layer, Rev rev, Timeout timeout = default_timeout);
    /// The difference of one section layer between two revisions.
    nlohmann::json diff_layer(const std::string& doc, const std::string& section,
                              const std::string& layer, Rev from, Rev to,
                              Timeout timeout = default_timeout);
    /// The difference of a municipality's effective plan (as Markdown) between two revisions.
    nlohmann::json diff_effective(const std::string& doc, const std::string& municipality, Rev from,
                                  Rev to, Timeout timeout = default_timeout);
    /// Names revision `rev` (the current one when not given).
    Rev tag(const std::string& doc, const std::string& label, std::optional<Rev> rev = std::nullopt,
            Timeout timeout = default_timeout);
    /// `diverge`, `revert`, `omit`, `include` or `acknowledge` of one section layer.
    Rev layer_action(const std::string& action, const std::string& doc, const std::string& section,
                     const std::string& layer, Timeout timeout = default_timeout);
    /// A municipality's override (`layer` its code) or, with `text`, a common text (`layer`
    /// `common`) proposed as the common text.
    Rev propose(const std::string& doc, const std::string& section, const std::string& layer,
                std::optional<std::string> text = std::nullopt, Timeout timeout = default_timeout);
    /// `vote` is `approve` or `reject`.
    Rev vote(const std::string& doc, std::int64_t proposal, const std::string& vote,
             Timeout timeout = default_timeout);

    /// What document.create needs; `template_doc` and `markdown` exclude each other.
    struct NewDocument {
        std::string doc;
        std::string title;
        std::vector<std::string> municipalities;
        std::optional<std::string> template_doc;
        std::optional<std::string> markdown;
    };
    /// An admin creates a document (no open needed); returns the `document.created` reply.
    nlohmann::json create_document(const NewDocument& d, Timeout timeout = default_timeout);
    Rev rename_document(const std::string& doc, const std::string& title,
                        Timeout timeout = default_timeout);
    Rev archive_document(const std::string& doc, bool archived, Timeout timeout = default_timeout);

    /// Applies a local edit (returns once it is in the local text; it is sent asynchronously:
    /// wait_synced() waits for its ack). Throws ClientException `bad_request` when it does not fit.
    void edit(const std::string& doc, const std::string& section, const std::string& layer,
              const ot::Op& op);
    /// The op is made from the layer's current text on the client's thread (see Client::edit_with).
    void edit_with(const std::string& doc, const std::string& section, const std::string& layer,
                   std::function<ot::Op(const std::string& text)> make_op);
    void presence(const std::string& doc, const std::string& section, const std::string& layer,
                  ot::Selection sel);

    /// Evaluates `predicate` (on the calling thread) now and after everything the client handles,
    /// until it holds or `timeout` passes. Returns whether it held.
    bool wait_until(const std::function<bool()>& predicate, Timeout timeout);
    /// Waits until every local edit is acknowledged.
    bool wait_synced(Timeout timeout = default_timeout);

    // Reads of the client's state (each a short trip to the client's thread).
    /// The layer's local text; throws ClientException `not_found` when there is none.
    std::string text(const std::string& doc, const std::string& section, const std::string& layer);
    /// The last revision applied; throws `not_found` unless the document is open.
    Rev rev(const std::string& doc);
    model::Document document(const std::string& doc);
    std::size_t pending_edits();
    ConnectionState state();
    std::optional<UserRef> user();
    std::uint64_t connections();
    /// Errors reported outside any request (refused edits with their text, lost connections),
    /// oldest first; taken, so each is returned once.
    std::vector<ClientError> take_errors();

    /// Callbacks, run on the client's thread; set them before connect().
    void on_edit(std::function<void(const RemoteEdit&)> fn);
    void on_presence(std::function<void(const PresenceEvent&)> fn);
    void on_state_change(std::function<void(ConnectionState, const std::string&)> fn);
    void on_error(std::function<void(const ClientError&)> fn);
    void on_reload(std::function<void(const std::string& doc)> fn);

    // Test hooks (see Client).
    void disconnect();
    void drop_after_next_edit();

    /// Runs `fn` on the client's thread with the client, and waits for it.
    void run(const std::function<void(Client&)>& fn, Timeout timeout = default_timeout);

    Client& async() { return *client_; }

  private:
    struct Completion;
    void activity();
    static void wait_done(const std::shared_ptr<Completion>& c, Timeout timeout,
                          const std::string& what);
    /// Starts a call of the Client with a Done of its own, and waits for it.
    void call(const std::function<void(Client::Done)>& start, Timeout timeout,
              const std::string& what);

    std::unique_ptr<boost::asio::io_context> ioc_;
    std::shared_ptr<void> work_;  // keeps ioc_ running while idle
    std::unique_ptr<Client> client_;
    std::thread thread_;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t activity_ = 0;
    std::vector<ClientError> errors_;
    ClientCallbacks user_callbacks_;
};

}  // namespace samen::client
