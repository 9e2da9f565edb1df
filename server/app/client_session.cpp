#include "app/client_session.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>

#include "auth/permissions.hpp"
#include "auth/token.hpp"
#include "model/effective.hpp"
#include "ot/json.hpp"
#include "ot/text.hpp"
#include "rooms/document_store.hpp"
#include "rooms/registry.hpp"
#include "rooms/room.hpp"
#include "store/store.hpp"
#include "text/utf8.hpp"

namespace samen::app {

namespace asio = boost::asio;
using protocol::ErrorCode;
using protocol::ProtocolError;

namespace {
std::atomic<std::uint64_t> next_session_id{1};

/// The limit on the ids a client chooses (opid, client), so nobody stores megabytes in them.
constexpr std::size_t max_name_length = 200;

const std::string& short_string_field(const nlohmann::json& msg, const char* name) {
    const std::string& s = protocol::string_field(msg, name);
    if (s.empty() || s.size() > max_name_length) {
        throw ProtocolError(ErrorCode::bad_request, std::string("\"") + name +
                                                        "\" must hold 1 to " +
                                                        std::to_string(max_name_length) + " bytes");
    }
    return s;
}
}  // namespace

bool UserConnections::acquire(std::int64_t user, std::size_t max) {
    std::lock_guard lock(mutex_);
    std::size_t& n = counts_[user];
    if (n >= max) return false;
    ++n;
    return true;
}

void UserConnections::release(std::int64_t user) {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(user);
    if (it == counts_.end()) return;
    if (--it->second == 0) counts_.erase(it);
}

std::size_t UserConnections::count(std::int64_t user) const {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(user);
    return it == counts_.end() ? 0 : it->second;
}

ClientSession::ClientSession(asio::io_context& ioc, store::Store& store,
                             std::shared_ptr<rooms::RoomRegistry> rooms,
                             std::shared_ptr<net::Connection> conn, SessionLimits limits,
                             std::shared_ptr<UserConnections> connections)
    : ioc_(ioc),
      strand_(asio::make_strand(ioc)),
      store_(store),
      rooms_(std::move(rooms)),
      conn_(std::move(conn)),
      limits_(limits),
      connections_(std::move(connections)),
      id_(next_session_id++),
      tokens_(limits.edit_burst),
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
        self->send_error(nullptr, ErrorCode::too_large,
                         "a message may hold at most " + std::to_string(limit) + " bytes");
    });
}

void ClientSession::on_binary() {
    asio::post(strand_, [self = shared_from_this()] {
        self->send_error(nullptr, ErrorCode::bad_request,
                         "binary frames are not part of the protocol: send JSON text frames");
    });
}

void ClientSession::on_close() {
    asio::post(strand_, [self = shared_from_this()] {
        self->closed_ = true;
        if (self->counted_) self->connections_->release(self->user_->id);
        self->counted_ = false;
        for (auto& [doc, room] : self->open_) room->leave(self->id_);
        self->open_.clear();
        self->waiting_messages_.clear();
    });
}

void ClientSession::handle(std::string text) {
    if (closed_) return;
    if (waiting_) {
        if (waiting_messages_.size() >= limits_.max_waiting_messages) {
            send_error(nullptr, ErrorCode::rate_limited,
                       "too many messages while a sign-in or open is answered");
            return;
        }
        waiting_messages_.push_back(std::move(text));
        return;
    }
    nlohmann::json msg;
    try {
        msg = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        send_error(nullptr, ErrorCode::bad_request,
                   std::string("the message is not valid JSON: ") + e.what());
        return;
    }
    nlohmann::json id = msg.is_object() ? protocol::request_id(msg) : nlohmann::json();
    try {
        if (!msg.is_object())
            throw ProtocolError(ErrorCode::bad_request, "a message must be a JSON object");
        auto type = msg.find("type");
        if (type == msg.end() || !type->is_string()) {
            throw ProtocolError(ErrorCode::bad_request, "a message must have a string \"type\"");
        }
        dispatch(msg, type->get<std::string>());
    } catch (const ProtocolError& e) {
        send_error(id, e.code(), e.what());
    } catch (const ot::OpError& e) {
        send_error(id, ErrorCode::bad_request, std::string("invalid op: ") + e.what());
    } catch (const std::exception& e) {
        send_error(id, ErrorCode::internal, e.what());
    }
}

void ClientSession::dispatch(const nlohmann::json& msg, const std::string& type) {
    if (type == "hello") return do_hello(msg);
    if (!user_) {
        throw ProtocolError(ErrorCode::unauthorized, "say hello with a token first");
    }
    if (type == "list") return do_list(msg);
    if (type == "open") return do_open(msg);
    if (type == "close") return do_close(msg);
    if (type == "edit") return do_edit(msg);
    if (type == "presence") return do_presence(msg);
    if (type == "effective" || type == "divergence") return do_read(msg, type);
    if (type.rfind("section.", 0) == 0) return do_change_tree(msg, type.substr(8));
    if (type == "rebase.preview" || type == "rebase.commit") return do_rebase(msg, type);
    if (type == "diverge" || type == "revert" || type == "omit" || type == "include" ||
        type == "acknowledge") {
        return do_change_layer(msg, type);
    }
    if (type == "propose" || type == "vote" || type == "tag" || type == "document.rename" ||
        type == "document.archive") {
        return do_workflow(msg, type);
    }
    if (type == "history" || type == "text.at" || type == "diff") return do_history(msg, type);
    if (type == "document.create") return do_create_document(msg);
    throw ProtocolError(ErrorCode::bad_request, "unknown message type \"" + type + "\"");
}

void ClientSession::do_hello(const nlohmann::json& msg) {
    if (user_) throw ProtocolError(ErrorCode::bad_request, "already signed in");
    const std::string token = protocol::string_field(msg, "token");
    if (msg.contains("client")) short_string_field(msg, "client");
    nlohmann::json id = protocol::request_id(msg);
    waiting_ = true;
    store_.query(
        [token](store::Db& db) { return auth::user_for_token(db, token); },
        [self = shared_from_this(), id](std::exception_ptr error, std::optional<auth::User> user) {
            asio::post(self->strand_, [self, id, error, user = std::move(user)] {
                self->waiting_ = false;
                if (self->closed_) return;  // gone meanwhile: nothing to count or answer
                if (error || !user) {
                    self->send_error(id, error ? ErrorCode::internal : ErrorCode::unauthorized,
                                     error ? "signing in failed" : "the token is not valid");
                    self->conn_->close(net::CloseReason::policy);
                    self->closed_ = true;
                    return;
                }
                if (!self->connections_->acquire(user->id,
                                                 self->limits_.max_connections_per_user)) {
                    self->send_error(id, ErrorCode::rate_limited,
                                     "you have " +
                                         std::to_string(self->limits_.max_connections_per_user) +
                                         " connections open already: close one first");
                    self->conn_->close(net::CloseReason::policy);
                    self->closed_ = true;
                    return;
                }
                self->counted_ = true;
                self->user_ = user;
                nlohmann::json welcome = {
                    {"type", "welcome"},
                    {"protocol", protocol::version},
                    {"session", self->id_},
                    {"user",
                     {{"id", user->id},
                      {"name", user->name},
                      {"display_name", user->display_name},
                      {"municipality",
                       user->municipality ? nlohmann::json(*user->municipality) : nlohmann::json()},
                      {"role", auth::to_string(user->role)}}}};
                self->send(protocol::reply(std::move(welcome), id));
                self->resume();
            });
        });
}

void ClientSession::resume() {
    while (!waiting_ && !closed_ && !waiting_messages_.empty()) {
        std::string text = std::move(waiting_messages_.front());
        waiting_messages_.pop_front();
        handle(std::move(text));
    }
}

void ClientSession::do_list(const nlohmann::json& msg) {
    nlohmann::json id = protocol::request_id(msg);
    std::optional<std::string> filter;
    if (user_->role != auth::Role::admin) filter = user_->municipality.value_or("");
    store_.query(
        [filter](store::Db& db) { return rooms::list_documents(db, filter); },
        [self = shared_from_this(), id](std::exception_ptr error,
                                        std::vector<rooms::DocumentSummary> docs) {
            asio::post(self->strand_, [self, id, error, docs = std::move(docs)] {
                if (error) {
                    self->send_error(id, ErrorCode::internal, "listing documents failed");
                    return;
                }
                auto list = nlohmann::json::array();
                for (const auto& d : docs) list.push_back(rooms::to_json(d));
                self->send(protocol::reply({{"type", "documents"}, {"documents", list}}, id));
            });
        });
}

void ClientSession::do_open(const nlohmann::json& msg) {
    nlohmann::json id = protocol::request_id(msg);
    const std::string doc = short_string_field(msg, "doc");
    std::optional<rooms::Rev> since = protocol::optional_uint_field(msg, "since");
    if (!open_.count(doc) && open_.size() >= limits_.max_open_documents) {
        throw ProtocolError(ErrorCode::too_large, "a connection may have at most " +
                                                      std::to_string(limits_.max_open_documents) +
                                                      " documents open");
    }
    // Later messages (an edit resubmitted right after a reopen) wait until the room has the
    // open request, so that they reach it after it.
    waiting_ = true;
    rooms_->get(doc, [self = shared_from_this(), id, doc, since](std::shared_ptr<rooms::Room> room,
                                                                 std::exception_ptr error) {
        asio::post(self->strand_, [self, id, doc, since, room, error] {
            self->waiting_ = false;
            if (self->closed_) return;
            if (room) {
                self->open_[doc] = room;
                room->open(rooms::Member{self->id_, *self->user_, self->conn_}, id, since);
            } else {
                try {
                    std::rethrow_exception(error);
                } catch (const ProtocolError& e) {
                    self->send_error(id, e.code(), e.what());
                } catch (const std::exception& e) {
                    self->send_error(id, ErrorCode::internal, "opening the document failed");
                }
            }
            self->resume();
        });
    });
}

void ClientSession::do_close(const nlohmann::json& msg) {
    const std::string& doc = protocol::string_field(msg, "doc");
    auto room = opened(doc);
    open_.erase(doc);
    room->close(id_, protocol::request_id(msg));
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
    tokens_ = std::min(limits_.edit_burst, tokens_ + elapsed * limits_.edits_per_second);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
}

void ClientSession::do_edit(const nlohmann::json& msg) {
    rooms::EditRequest r;
    r.conn = conn_;
    r.received = std::chrono::steady_clock::now();
    r.id = protocol::request_id(msg);
    const std::string& doc = protocol::string_field(msg, "doc");
    r.section = short_string_field(msg, "section");
    r.layer = short_string_field(msg, "layer");
    r.base = protocol::uint_field(msg, "base");
    r.opid = short_string_field(msg, "opid");
    r.op = ot::op_from_json(protocol::field(msg, "op"));
    if (r.op.empty()) throw ProtocolError(ErrorCode::bad_request, "an edit must change something");
    auto room = opened(doc);
    if (!take_edit_token()) {
        throw ProtocolError(ErrorCode::rate_limited, "too many edits: slow down and send again");
    }
    room->edit(id_, std::move(r));
}

void ClientSession::do_change_layer(const nlohmann::json& msg, const std::string& kind) {
    rooms::LayerRequest r;
    r.conn = conn_;
    r.id = protocol::request_id(msg);
    r.kind = kind;
    const std::string& doc = protocol::string_field(msg, "doc");
    r.section = short_string_field(msg, "section");
    r.layer = short_string_field(msg, "layer");
    opened(doc)->change_layer(id_, std::move(r));
}

void ClientSession::do_read(const nlohmann::json& msg, const std::string& type) {
    nlohmann::json id = protocol::request_id(msg);
    const std::string& doc = protocol::string_field(msg, "doc");
    auto room = opened(doc);
    if (type == "effective" && msg.contains("rev")) return do_history(msg, type);
    if (type == "effective") {
        const std::string code = protocol::string_field(msg, "municipality");
        room->read(conn_, [id, code](const model::Document& d) {
            if (!d.takes_part(code)) {
                return protocol::error(id, ErrorCode::not_found,
                                       code + " does not take part in '" + d.id + "'");
            }
            nlohmann::json reply = model::effective_json(d, code);
            reply["type"] = "effective";
            return protocol::reply(std::move(reply), id);
        });
    } else {
        room->read(conn_, [id](const model::Document& d) {
            nlohmann::json reply = model::to_json(model::divergence(d));
            reply["type"] = "divergence";
            reply["doc"] = d.id;
            reply["rev"] = d.rev;
            return protocol::reply(std::move(reply), id);
        });
    }
}

void ClientSession::do_change_tree(const nlohmann::json& msg, const std::string& kind) {
    if (kind != "create" && kind != "rename" && kind != "move" && kind != "delete" &&
        kind != "restore") {
        throw ProtocolError(ErrorCode::bad_request,
                            "unknown message type \"section." + kind + "\"");
    }
    rooms::TreeRequest r;
    r.conn = conn_;
    r.id = protocol::request_id(msg);
    r.kind = kind;
    const std::string& doc = protocol::string_field(msg, "doc");
    auto optional_code = [&](const char* name) -> std::optional<std::string> {
        if (!msg.contains(name) || msg[name].is_null()) return std::nullopt;
        return short_string_field(msg, name);
    };
    if (kind != "create") r.section = short_string_field(msg, "section");
    if (kind == "create" || kind == "rename") r.title = protocol::string_field(msg, "title");
    if (kind == "create" || kind == "move") {
        if (!msg.contains("parent")) {
            throw ProtocolError(ErrorCode::bad_request, "\"parent\" is missing (null: top level)");
        }
        r.parent = optional_code("parent");
        r.position = static_cast<std::int64_t>(
            std::min<std::uint64_t>(protocol::uint_field(msg, "position"), 1'000'000));
    }
    if (kind == "create") r.owner = optional_code("owner");
    opened(doc)->change_tree(id_, std::move(r));
}

void ClientSession::do_rebase(const nlohmann::json& msg, const std::string& type) {
    rooms::RebaseRequest r;
    r.conn = conn_;
    r.id = protocol::request_id(msg);
    r.commit = type == "rebase.commit";
    const std::string& doc = protocol::string_field(msg, "doc");
    r.section = short_string_field(msg, "section");
    r.layer = short_string_field(msg, "layer");
    if (r.commit) {
        r.rev = protocol::uint_field(msg, "rev");
        r.text = protocol::string_field(msg, "text");
    }
    opened(doc)->rebase(id_, std::move(r));
}

void ClientSession::do_workflow(const nlohmann::json& msg, const std::string& type) {
    rooms::WorkflowRequest r;
    r.conn = conn_;
    r.id = protocol::request_id(msg);
    r.kind = type;
    const std::string& doc = protocol::string_field(msg, "doc");
    if (type == "propose") {
        r.section = short_string_field(msg, "section");
        r.layer = short_string_field(msg, "layer");
        if (msg.contains("text")) r.text = protocol::string_field(msg, "text");
    } else if (type == "vote") {
        r.proposal = static_cast<std::int64_t>(
            std::min<std::uint64_t>(protocol::uint_field(msg, "proposal"), 1ULL << 53));
        r.vote = protocol::string_field(msg, "vote");
        if (r.vote != "approve" && r.vote != "reject") {
            throw ProtocolError(ErrorCode::bad_request, "\"vote\" is \"approve\" or \"reject\"");
        }
    } else if (type == "tag") {
        r.label = protocol::string_field(msg, "label");
        r.rev = protocol::optional_uint_field(msg, "rev");
    } else if (type == "document.rename") {
        r.title = protocol::string_field(msg, "title");
    } else {
        const auto& archived = protocol::field(msg, "archived");
        if (!archived.is_boolean())
            throw ProtocolError(ErrorCode::bad_request, "\"archived\" must be true or false");
        r.archived = archived.get<bool>();
    }
    opened(doc)->workflow(id_, std::move(r));
}

void ClientSession::do_history(const nlohmann::json& msg, const std::string& type) {
    rooms::HistoryRequest r;
    r.conn = conn_;
    r.id = protocol::request_id(msg);
    r.kind = type;
    const std::string& doc = protocol::string_field(msg, "doc");
    auto optional_string = [&](const char* name) -> std::optional<std::string> {
        if (!msg.contains(name)) return std::nullopt;
        return short_string_field(msg, name);
    };
    if (type == "history" || type == "text.at") r.section = short_string_field(msg, "section");
    if (type == "diff" && msg.contains("section")) r.section = short_string_field(msg, "section");
    r.layer = type == "text.at" ? std::optional<std::string>(short_string_field(msg, "layer"))
                                : optional_string("layer");
    if (type == "effective") r.municipality = short_string_field(msg, "municipality");
    if (type == "diff") r.municipality = optional_string("municipality");
    if (type == "text.at" || type == "effective") r.rev = protocol::uint_field(msg, "rev");
    if (type == "history") r.before = protocol::optional_uint_field(msg, "before");
    if (type == "diff") {
        r.from = protocol::uint_field(msg, "from");
        r.to = protocol::uint_field(msg, "to");
    }
    opened(doc)->history(id_, std::move(r));
}

void ClientSession::do_create_document(const nlohmann::json& msg) {
    nlohmann::json id = protocol::request_id(msg);
    if (!auth::can_manage(*user_))
        throw ProtocolError(ErrorCode::forbidden, "only an admin creates documents");
    rooms::NewDocument d;
    d.id = protocol::string_field(msg, "doc");
    if (d.id.empty() || d.id.size() > 64 || d.id.front() == '-' ||
        d.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
        throw ProtocolError(ErrorCode::bad_request,
                            "a document id holds 1 to 64 lower-case letters, digits and '-'");
    }
    d.title = protocol::string_field(msg, "title");
    if (d.title.empty() || d.title.size() > 200 || !utf8::valid(d.title)) {
        throw ProtocolError(ErrorCode::bad_request, "a title holds 1 to 200 bytes of UTF-8");
    }
    const auto& municipalities = protocol::field(msg, "municipalities");
    if (!municipalities.is_array() || municipalities.empty() || municipalities.size() > 100) {
        throw ProtocolError(ErrorCode::bad_request,
                            "\"municipalities\" lists the codes taking part");
    }
    for (const auto& code : municipalities) {
        if (!code.is_string() || !model::is_municipality_code(code.get<std::string>())) {
            throw ProtocolError(ErrorCode::bad_request,
                                "\"municipalities\" holds codes such as GM0166");
        }
        if (std::find(d.municipalities.begin(), d.municipalities.end(), code) !=
            d.municipalities.end()) {
            throw ProtocolError(ErrorCode::bad_request, "a municipality is listed twice");
        }
        d.municipalities.push_back(code.get<std::string>());
    }
    if (msg.contains("template")) d.template_doc = short_string_field(msg, "template");
    if (msg.contains("markdown")) d.markdown = protocol::string_field(msg, "markdown");
    if (d.template_doc && d.markdown) {
        throw ProtocolError(ErrorCode::bad_request,
                            "a document starts from a template or from Markdown, not both");
    }
    struct Created {
        std::size_t sections = 0;
    };
    store_.query([d](store::Db& db) { return Created{rooms::create_document(db, d)}; },
                 [self = shared_from_this(), id, d](std::exception_ptr error, Created created) {
                     asio::post(self->strand_, [self, id, d, error, created] {
                         if (!error) {
                             return self->send(protocol::reply({{"type", "document.created"},
                                                                {"doc", d.id},
                                                                {"title", d.title},
                                                                {"rev", 0},
                                                                {"sections", created.sections}},
                                                               id));
                         }
                         try {
                             std::rethrow_exception(error);
                         } catch (const ProtocolError& e) {
                             self->send_error(id, e.code(), e.what());
                         } catch (const std::exception&) {
                             self->send_error(id, ErrorCode::internal,
                                              "creating the document failed");
                         }
                     });
                 });
}

void ClientSession::do_presence(const nlohmann::json& msg) {
    const std::string& doc = protocol::string_field(msg, "doc");
    rooms::PresenceUpdate p;
    p.section = short_string_field(msg, "section");
    p.layer = short_string_field(msg, "layer");
    const auto& sel = protocol::field(msg, "sel");
    if (!sel.is_array() || sel.size() != 2 || !sel[0].is_number_unsigned() ||
        !sel[1].is_number_unsigned()) {
        throw ProtocolError(ErrorCode::bad_request, "\"sel\" must be [anchor, head]");
    }
    p.sel = {sel[0].get<std::size_t>(), sel[1].get<std::size_t>()};
    opened(doc)->presence(id_, std::move(p));
}

void ClientSession::send(const nlohmann::json& msg) {
    conn_->send(std::make_shared<const std::string>(protocol::serialize(msg)));
}

void ClientSession::send_error(const nlohmann::json& id, ErrorCode code,
                               const std::string& message) {
    send(protocol::error(id, code, message));
}

}  // namespace samen::app
