#include "app/client_session.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>

#include "app/inbox.hpp"
#include "auth/authorize.hpp"
#include "auth/permissions.hpp"
#include "auth/token.hpp"
#include "rooms/document_store.hpp"
#include "rooms/registry.hpp"
#include "rooms/room.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"

namespace samen::app {

namespace asio = boost::asio;
namespace p = protocol;
using protocol::ErrorCode;
using protocol::ProtocolError;

namespace {
std::atomic<std::uint64_t> next_session_id{1};
}  // namespace

ClientSession::ClientSession(asio::io_context& ioc, SessionContext context,
                             std::shared_ptr<net::Connection> conn)
    : strand_(asio::make_strand(ioc)),
      context_(std::move(context)),
      conn_(std::move(conn)),
      expiry_(strand_),
      id_(next_session_id++),
      reads_(rooms::ReadSlots::create(context_.limits.max_reads_per_connection)),
      tokens_(context_.limits.edit_burst),
      last_refill_(std::chrono::steady_clock::now()) {}

// The network layer calls these on the connection's strand; the session's own state lives on its
// strand, where the replies of the store and the rooms arrive too.

void ClientSession::on_message(std::string text) {
    asio::post(strand_, [self = shared_from_this(), text = std::move(text)]() mutable {
        self->handle(std::move(text));
    });
}

void ClientSession::on_too_large(std::size_t limit) {
    asio::post(strand_, [self = shared_from_this(), limit] {
        self->send_error(ErrorCode::too_large,
                         "a message may hold at most " + std::to_string(limit) + " bytes");
    });
}

void ClientSession::on_binary() {
    asio::post(strand_, [self = shared_from_this()] {
        self->send_error(ErrorCode::bad_request,
                         "binary frames are not part of the protocol: send JSON text frames");
    });
}

void ClientSession::on_close() {
    asio::post(strand_, [self = shared_from_this()] { self->stop(); });
}

void ClientSession::end(net::CloseReason why, const std::string& message) {
    asio::post(strand_, [self = shared_from_this(), why, message] {
        if (self->closed_) return;
        self->send_error(ErrorCode::unauthorized, message);
        self->conn_->close(why);
        self->stop();
    });
}

void ClientSession::stop() {
    closed_ = true;
    if (counted_) context_.signed_in->remove(id_);
    counted_ = false;
    expiry_.cancel();
    for (auto& [doc, room] : open_) room->leave(id_);
    open_.clear();
    waiting_messages_.clear();
}

void ClientSession::handle(std::string text) {
    if (waiting_ && !closed_) {
        // Handled when its turn comes. The connection hands over no more than
        // --max-pending-messages unhandled: this queue needs no bound of its own.
        waiting_messages_.push_back(std::move(text));
        return;
    }
    if (!closed_) parse_and_serve(std::move(text));
    conn_->handled();
}

void ClientSession::parse_and_serve(std::string text) {
    nlohmann::json msg;
    try {
        msg = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        return send_error(ErrorCode::bad_request,
                          std::string("the message is not valid JSON: ") + e.what());
    }
    rooms::Reply reply(conn_, msg.is_object() ? p::request_id(msg) : nlohmann::json(), batches_);
    try {
        serve(reply, p::parse_request(msg));
    } catch (...) {
        reply.fail(std::current_exception());
    }
}

void ClientSession::serve(const rooms::Reply& reply, p::Request request) {
    const bool hello_request = std::holds_alternative<p::Hello>(request);
    if (!user_ && !hello_request) {
        throw ProtocolError(ErrorCode::unauthorized, "say hello with a token first");
    }
    std::shared_ptr<const auth::User> user;
    if (user_) {
        user = context_.users.find(*user_);
        if (!user) throw ProtocolError(ErrorCode::unauthorized, "say hello with a token first");
    }
    // A request about a document is authorized by its room, against the document as it stands.
    if (user && !std::holds_alternative<p::DocumentRequest>(request)) {
        if (auto no = auth::refusal(*user, nullptr, request)) {
            return reply.error(no->code, no->message);
        }
    }
    std::visit(p::overloaded{[&](const p::Hello& r) { hello(reply, r); },
                             [&](const p::List&) { list(reply, *user); },
                             [&](const p::Ping&) {
                                 reply.send({{"type", "pong"}});
                             },
                             [&](const p::Inbox&) { inbox(reply, *user); },
                             [&](const p::DocumentCreate& r) { create_document(reply, *user, r); },
                             [&](p::DocumentRequest& r) { to_room(reply, std::move(r)); }},
               request);
}

// ---- Sign-in ----------------------------------------------------------------------------------

void ClientSession::hello(const rooms::Reply& reply, const p::Hello& r) {
    if (user_) throw ProtocolError(ErrorCode::bad_request, "already signed in");
    waiting_ = true;
    auto self = shared_from_this();
    rooms::ask_store_read(
        context_.store, strand_, reply, "signing in failed",
        [token = r.token](store::Db& db) { return auth::session_for_token(db, token); },
        [self, reply, batches = r.batches](std::optional<auth::TokenSession> signed_in) {
            self->batches_ = signed_in && batches;
            self->welcome(reply, std::move(signed_in));
        },
        [self] {
            self->waiting_ = false;
            self->conn_->close(net::CloseReason::policy);
            self->closed_ = true;
        });
}

void ClientSession::welcome(const rooms::Reply& reply,
                            std::optional<auth::TokenSession> signed_in) {
    waiting_ = false;
    if (closed_) return;  // gone meanwhile: nothing to count or answer
    auto refuse = [&](ErrorCode code, const std::string& message) {
        reply.error(code, message);
        conn_->close(net::CloseReason::policy);
        closed_ = true;
    };
    if (!signed_in) return refuse(ErrorCode::unauthorized, "the token is not valid");
    const auth::User& user = signed_in->user;
    const std::size_t max = context_.limits.max_connections_per_user;
    if (!context_.signed_in->add({id_, user.id, signed_in->token_hash, weak_from_this()}, max)) {
        return refuse(ErrorCode::rate_limited, "you have " + std::to_string(max) +
                                                   " connections open already: close one first");
    }
    counted_ = true;
    user_ = user.id;
    context_.users.put(user);
    // The session lasts as long as its token.
    expiry_.expires_after(signed_in->expires_at - store::Clock::now());
    expiry_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) self->end(net::CloseReason::policy, "your session expired: sign in again");
    });
    // Before the welcome goes out: what the client sends after it may be as long as any message.
    conn_->signed_in();
    reply.send({{"type", "welcome"},
                {"protocol", p::version},
                {"session", id_},
                {"user", auth::to_json(user)}});
    resume();
}

void ClientSession::resume() {
    while (!waiting_ && !closed_ && !waiting_messages_.empty()) {
        std::string text = std::move(waiting_messages_.front());
        waiting_messages_.erase(waiting_messages_.begin());
        handle(std::move(text));
    }
}

// ---- Requests about no document ---------------------------------------------------------------

void ClientSession::list(const rooms::Reply& reply, const auth::User& user) {
    rooms::ask_store_read(
        context_.store, strand_, reply, "listing documents failed",
        [](store::Db& db) { return rooms::list_documents(db, std::nullopt); },
        [reply, user, slot = reads_->take()](std::vector<rooms::DocumentSummary> docs) mutable {
            slot.reset();  // given back first: the next read finds it free
            auto list = nlohmann::json::array();
            for (const auto& d : docs) {
                if (auth::can_open(user, d.municipalities, d.archived)) {
                    list.push_back(rooms::to_json(d));
                }
            }
            reply.send({{"type", "documents"}, {"documents", std::move(list)}});
        });
}

void ClientSession::inbox(const rooms::Reply& reply, const auth::User& user) {
    // After every write submitted before it: an edit just acknowledged is in what it reads.
    rooms::ask_store_on(
        store::Queue::readers_after_writes, context_.store, strand_, reply,
        "reading the inbox failed", [user](store::Db& db) { return inbox_message(db, user); },
        [reply, slot = reads_->take()](nlohmann::json message) mutable {
            slot.reset();  // given back first: the next read finds it free
            reply.send(std::move(message));
        });
}

void ClientSession::create_document(const rooms::Reply& reply, const auth::User& user,
                                    const p::DocumentCreate& r) {
    rooms::NewDocument d{r.doc, r.title, r.municipalities, r.template_doc, r.markdown};
    nlohmann::json detail = {
        {"doc", d.id}, {"title", d.title}, {"municipalities", d.municipalities}};
    if (r.template_doc) detail["template"] = *r.template_doc;
    if (r.markdown) detail["from_markdown"] = true;
    auto audit = auth::audit_by(user, conn_->address(), "document.create", detail);
    rooms::ask_store(
        context_.store, strand_, reply, "creating the document failed",
        [d, audit](store::Db& db) {
            auto sections = rooms::create_document(db, d);
            store::append_audit(db, audit);
            return sections;
        },
        [reply, doc = d.id, title = d.title](std::size_t sections) {
            reply.send({{"type", "document.created"},
                        {"doc", doc},
                        {"title", title},
                        {"rev", 0},
                        {"sections", sections}});
        });
}

// ---- Requests about a document: to its room --------------------------------------------------

void ClientSession::to_room(const rooms::Reply& reply, p::DocumentRequest request) {
    const std::string doc = p::document_of(request);
    if (std::holds_alternative<p::Open>(request)) return open(reply, std::move(request), doc);
    auto room = opened(doc);
    if (std::holds_alternative<p::Edit>(request) && !take_edit_token()) {
        throw ProtocolError(ErrorCode::rate_limited, "too many edits: slow down and send again");
    }
    if (std::holds_alternative<p::Close>(request)) open_.erase(doc);
    room->serve(caller(reply), std::move(request));
}

rooms::Caller ClientSession::caller(const rooms::Reply& reply) const {
    return {id_, *user_, reply, std::chrono::steady_clock::now(), reads_, conn_->address()};
}

void ClientSession::open(const rooms::Reply& reply, p::Request request, const std::string& doc) {
    if (!open_.count(doc) && open_.size() >= context_.limits.max_open_documents) {
        throw ProtocolError(ErrorCode::too_large,
                            "a connection may have at most " +
                                std::to_string(context_.limits.max_open_documents) +
                                " documents open");
    }
    // Later messages (an edit resubmitted right after a reopen) wait until the room has the
    // open request, so that they reach it after it.
    waiting_ = true;
    context_.rooms->get(doc, [self = shared_from_this(), reply, doc, request = std::move(request)](
                                 std::shared_ptr<rooms::Room> room, std::exception_ptr error) {
        asio::post(self->strand_, [self, reply, doc, request, room, error]() mutable {
            self->waiting_ = false;
            if (self->closed_) return;
            if (room) {
                self->open_[doc] = room;
                room->serve(self->caller(reply), std::move(request));
            } else {
                reply.fail(error, "opening the document failed");
            }
            self->resume();
        });
    });
}

std::shared_ptr<rooms::Room> ClientSession::opened(const std::string& doc) const {
    auto it = open_.find(doc);
    if (it == open_.end()) {
        throw ProtocolError(ErrorCode::bad_request, "open the document '" + doc + "' first");
    }
    return it->second;
}

bool ClientSession::take_edit_token() {
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - last_refill_).count();
    last_refill_ = now;
    tokens_ =
        std::min(context_.limits.edit_burst, tokens_ + elapsed * context_.limits.edits_per_second);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
}

void ClientSession::send_error(ErrorCode code, const std::string& message) {
    rooms::send(*conn_, p::error(nullptr, code, message));
}

}  // namespace samen::app
