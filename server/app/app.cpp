#include "app/app.hpp"

#include <boost/asio/post.hpp>
#include <sstream>

#include "app/http_paths.hpp"
#include "auth/authorize.hpp"
#include "auth/password.hpp"
#include "auth/permissions.hpp"
#include "auth/token.hpp"
#include "model/effective.hpp"
#include "model/history.hpp"
#include "net/problem.hpp"
#include "net/server.hpp"
#include "protocol/limits.hpp"
#include "protocol/protocol.hpp"
#include "rooms/document_store.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"

namespace samen::app {

namespace asio = boost::asio;

namespace {

/// The problem+json of a failed store job, by the one error mapping.
net::HttpResponse failure(std::exception_ptr error, std::string_view what_failed) {
    rooms::Failure f = rooms::failure_of(std::move(error), what_failed);
    return problem(rooms::http_status(f.code), f.message);
}

/// Checked when the user does not exist, so that a wrong name costs as long as a wrong password.
const std::string& dummy_hash() {
    static const std::string hash = auth::hash_password("samen-dummy-password");
    return hash;
}

}  // namespace

net::HttpResponse problem(unsigned status, const std::string& detail) {
    return {status, std::string(net::problem_content_type), net::problem_body(status, detail), {}};
}

net::HttpResponse json_response(unsigned status, const nlohmann::json& body) {
    return {status, "application/json", protocol::serialize(body), {}};
}

App::App(asio::io_context& ioc, store::Store& store, AppOptions options)
    : ioc_(ioc),
      store_(store),
      options_(options),
      room_metrics_(std::make_shared<rooms::RoomMetrics>()),
      rooms_(
          std::make_shared<rooms::RoomRegistry>(ioc, store, users_, options.room, room_metrics_)),
      connections_(std::make_shared<UserConnections>()) {}

App::~App() {
    password_pool_.join();
}

std::shared_ptr<net::MessageHandler> App::on_websocket(std::shared_ptr<net::Connection> conn) {
    return std::make_shared<ClientSession>(
        ioc_, SessionContext{store_, rooms_, users_, connections_, options_.session},
        std::move(conn));
}

void App::handle_http(net::HttpRequest req, std::function<void(net::HttpResponse)> respond) {
    const std::string path = path_of(req.target);
    try {
        if (path == "/healthz") {
            if (req.method != "GET" && req.method != "HEAD")
                return respond(problem(405, "use GET"));
            return respond(json_response(200, {{"status", "ok"}}));
        }
        if (path == "/metrics") {
            if (req.method != "GET") return respond(problem(405, "use GET"));
            return respond({200, "text/plain; version=0.0.4; charset=utf-8", metrics_text(), {}});
        }
        if (path == "/api/v1/session") {
            if (req.method == "POST") return sign_in(req, std::move(respond));
            if (req.method == "DELETE") return sign_out(req, std::move(respond));
            return respond(problem(405, "POST to sign in, DELETE to sign out"));
        }
        if (path == "/api/v1/documents") {
            if (req.method != "GET") return respond(problem(405, "use GET"));
            return with_user(req, std::move(respond), [this](auth::User user, auto done) {
                store_.query([](store::Db& db) { return rooms::list_documents(db, std::nullopt); },
                             [user, done](std::exception_ptr error,
                                          std::vector<rooms::DocumentSummary> docs) {
                                 if (error) return done(failure(error, "listing documents failed"));
                                 auto list = nlohmann::json::array();
                                 for (const auto& d : docs) {
                                     if (auth::can_open(user, d.municipalities, d.archived)) {
                                         list.push_back(rooms::to_json(d));
                                     }
                                 }
                                 done(json_response(200, {{"documents", list}}));
                             });
            });
        }
        if (path.rfind("/api/v1/documents/", 0) == 0) {
            if (req.method != "GET") return respond(problem(405, "use GET"));
            return document_resource(req, path.substr(std::string("/api/v1/documents/").size()),
                                     std::move(respond));
        }
        respond(problem(404, "no resource at " + path));
    } catch (const std::exception& e) {
        respond(problem(503, std::string("the server cannot take this request now: ") + e.what()));
    }
}

void App::document_resource(const net::HttpRequest& req, const std::string& rest,
                            std::function<void(net::HttpResponse)> respond) {
    const auto resource = document_resource_of(rest);
    if (!resource) return respond(problem(404, "no resource at " + req.target));
    const std::string doc = resource->doc;
    const std::string code = resource->code;
    const bool effective = resource->effective;
    const bool as_json = req.accept.find("application/json") != std::string::npos;
    // ?rev=N: the plan or the matrix as it stood at revision N (a named version's, say).
    std::optional<model::Rev> rev;
    if (auto value = query_param(req.target, "rev")) {
        rev = revision_number(*value);
        if (!rev) return respond(problem(400, "rev must be a revision number"));
    }
    // The same request as over the protocol, authorized by the same rules.
    protocol::Request request = effective
                                    ? protocol::DocumentRequest{protocol::Effective{doc, code, rev}}
                                    : protocol::DocumentRequest{protocol::Divergence{doc}};
    with_user(
        req, std::move(respond),
        [this, doc, code, effective, as_json, rev, request](auth::User user, auto done) {
            store_.query(
                [doc, rev, user, request](store::Db& db) {
                    model::Document d = rooms::load_document(db, doc);
                    if (auto no = auth::refusal(user, &d, request)) {
                        throw protocol::ProtocolError(no->code, no->message);
                    }
                    return rev ? rooms::document_at(db, std::move(d), *rev) : d;
                },
                [=](std::exception_ptr error, model::Document d) {
                    if (error) return done(failure(error, "reading the document failed"));
                    if (!effective) {
                        nlohmann::json table = model::to_json(model::divergence(d));
                        table["doc"] = d.id;
                        table["rev"] = d.rev;
                        return done(json_response(200, table));
                    }
                    if (!d.takes_part(code)) {
                        return done(problem(404, code + " does not take part in this document"));
                    }
                    if (as_json) return done(json_response(200, model::effective_json(d, code)));
                    done({200,
                          "text/markdown; charset=utf-8",
                          model::effective_markdown(d, code),
                          {}});
                });
        });
}

void App::sign_in(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("user") ||
        !body.contains("password") || !body["user"].is_string() || !body["password"].is_string()) {
        return respond(problem(400, "send {\"user\": \"...\", \"password\": \"...\"} as JSON"));
    }
    std::string name = body["user"].get<std::string>();
    std::string password = body["password"].get<std::string>();
    if (name.size() > protocol::limits::max_name_bytes ||
        password.size() > protocol::limits::max_password_bytes) {
        return respond(problem(400, "user or password too long"));
    }
    auto self = shared_from_this();
    store_.query(
        [name](store::Db& db) { return store::find_user_by_name(db, name); },
        [self, password, respond](std::exception_ptr error, std::optional<store::UserRecord> user) {
            if (error) return respond(failure(error, "signing in failed"));
            asio::post(self->password_pool_, [self, password, respond, user = std::move(user)] {
                bool ok =
                    auth::verify_password(user ? user->password_hash : dummy_hash(), password);
                if (!user || !ok || user->disabled) {
                    return respond(problem(401, "wrong user name or password"));
                }
                try {
                    self->store_.query(
                        [id = user->id](store::Db& db) { return auth::issue_token(db, id); },
                        [respond, record = *user](std::exception_ptr err, auth::IssuedToken t) {
                            if (err) return respond(failure(err, "signing in failed"));
                            respond(json_response(
                                200, {{"token", t.token},
                                      {"expires_at", t.expires_at},
                                      {"user", auth::to_json(auth::to_user(record))}}));
                        });
                } catch (const std::exception& e) {
                    respond(problem(503, e.what()));
                }
            });
        });
}

void App::sign_out(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond) {
    std::string token = bearer_token(req.authorization);
    if (token.empty())
        return respond(problem(401, "send the token as 'Authorization: Bearer ...'"));
    store_.query([token](store::Db& db) { return auth::revoke_token(db, token); },
                 [respond](std::exception_ptr error, bool revoked) {
                     if (error) return respond(failure(error, "signing out failed"));
                     if (!revoked) return respond(problem(401, "the token is not valid"));
                     respond({204, "application/json", "", {}});
                 });
}

void App::with_user(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond,
                    std::function<void(auth::User, std::function<void(net::HttpResponse)>)> then) {
    std::string token = bearer_token(req.authorization);
    if (token.empty())
        return respond(problem(401, "send the token as 'Authorization: Bearer ...'"));
    store_.query([token](store::Db& db) { return auth::user_for_token(db, token); },
                 [respond, then](std::exception_ptr error, std::optional<auth::User> user) {
                     if (error) return respond(failure(error, "checking the token failed"));
                     if (!user) return respond(problem(401, "the token is not valid"));
                     try {
                         then(*user, respond);
                     } catch (const std::exception& e) {
                         respond(problem(503, e.what()));
                     }
                 });
}

}  // namespace samen::app
