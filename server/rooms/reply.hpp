// Where the answer to one request goes, and the one way anything that went wrong becomes an
// `error` reply (failure_of). Every ack of the server is made by Reply::ack.
#pragma once

#include <boost/asio/post.hpp>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "model/document.hpp"
#include "net/application.hpp"
#include "protocol/protocol.hpp"
#include "store/store.hpp"

namespace samen::rooms {

/// Sends one message to a connection (serialized here, once).
void send(net::Connection& conn, const nlohmann::json& msg);

class Reply {
  public:
    Reply() = default;
    Reply(std::shared_ptr<net::Connection> conn, nlohmann::json id, bool batches = false)
        : conn_(std::move(conn)), id_(std::move(id)), batches_(batches) {}

    /// `msg` with the request's id.
    void send(nlohmann::json msg) const;
    /// `{"type": "ack", "rev": rev}` once the request's change is committed (no rev: `close`).
    void ack(std::optional<model::Rev> rev) const;
    /// The ack as it goes on the wire, for a room that sends it with others (Room::deliver).
    std::shared_ptr<const std::string> ack_text(std::optional<model::Rev> rev) const;
    void error(protocol::ErrorCode code, std::string_view message) const;
    /// The error reply of `error` (failure_of); `what_failed` says what, when nothing better does.
    void fail(std::exception_ptr error, std::string_view what_failed = "the request failed") const;

    const std::shared_ptr<net::Connection>& connection() const { return conn_; }
    /// The connection takes `batch` messages (its hello said so).
    bool batches() const { return batches_; }

  private:
    std::shared_ptr<net::Connection> conn_;
    nlohmann::json id_;
    bool batches_ = false;
};

struct Failure {
    protocol::ErrorCode code;
    std::string message;
};

/// The one error mapping: a refusal of the protocol, the model or the history keeps its own code
/// and words; an overloaded store is `internal` with "try again"; anything else is `internal`
/// with `what_failed`, and is logged.
Failure failure_of(std::exception_ptr error, std::string_view what_failed);

/// The HTTP status of an error code, for the REST API's problem+json.
unsigned http_status(protocol::ErrorCode code);

/// Nothing to clean up after a failed ask_store.
struct NoCleanup {
    void operator()() const {}
};

/// Runs `work` on the store's `queue`, then on `executor` `then(value)`. When the work throws (or
/// the store takes no more work), `reply` gets the error instead (`what_failed` names it when
/// nothing better does) and `on_failure()` runs; an exception out of `then` goes to `reply` too.
/// The one way to answer after a store job: ask_store for the writer, ask_store_read for the
/// readers.
template <class Executor, class Work, class Then, class OnFailure = NoCleanup>
void ask_store_on(store::Queue queue, store::Store& store, const Executor& executor, Reply reply,
                  std::string_view what_failed, Work work, Then then,
                  OnFailure on_failure = OnFailure{}) {
    using T = std::invoke_result_t<Work&, store::Db&>;
    auto done = [executor, reply, what = std::string(what_failed), then = std::move(then),
                 on_failure](std::exception_ptr error, T value) mutable {
        // Moved, not copied: what `then` holds (a read slot) lives in one place only.
        boost::asio::post(executor, [reply, what, then = std::move(then), on_failure, error,
                                     value = std::move(value)]() mutable {
            if (error) {
                reply.fail(error, what);
                return on_failure();
            }
            try {
                then(std::move(value));
            } catch (...) {
                reply.fail(std::current_exception(), what);
            }
        });
    };
    try {
        store.query(std::move(work), std::move(done), queue);
    } catch (...) {
        reply.fail(std::current_exception(), what_failed);
        on_failure();
    }
}

/// ask_store_on the writer: for work that writes, or must see what is queued before it.
template <class Executor, class Work, class Then, class OnFailure = NoCleanup>
void ask_store(store::Store& store, const Executor& executor, Reply reply,
               std::string_view what_failed, Work work, Then then,
               OnFailure on_failure = OnFailure{}) {
    ask_store_on(store::Queue::writer, store, executor, std::move(reply), what_failed,
                 std::move(work), std::move(then), std::move(on_failure));
}

/// ask_store_on a reader: for work that only reads what is committed.
template <class Executor, class Work, class Then, class OnFailure = NoCleanup>
void ask_store_read(store::Store& store, const Executor& executor, Reply reply,
                    std::string_view what_failed, Work work, Then then,
                    OnFailure on_failure = OnFailure{}) {
    ask_store_on(store::Queue::readers, store, executor, std::move(reply), what_failed,
                 std::move(work), std::move(then), std::move(on_failure));
}

}  // namespace samen::rooms
