#include "app/app.hpp"

#include <boost/asio/post.hpp>
#include <cctype>
#include <sstream>

#include "app/http_paths.hpp"
#include "app/plan_print.hpp"
#include "auth/authorize.hpp"
#include "auth/password.hpp"
#include "auth/permissions.hpp"
#include "auth/token.hpp"
#include "log/log.hpp"
#include "model/effective.hpp"
#include "model/history.hpp"
#include "net/problem.hpp"
#include "net/server.hpp"
#include "net/trust.hpp"
#include "protocol/limits.hpp"
#include "protocol/protocol.hpp"
#include "rooms/document_store.hpp"
#include "rooms/snapshot_backfill.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"
#include "store/time.hpp"

namespace samen::app {

namespace asio = boost::asio;

namespace {

/// The problem+json of a failed store job, by the one error mapping.
net::HttpResponse failure(std::exception_ptr error, std::string_view what_failed) {
    rooms::Failure f = rooms::failure_of(std::move(error), what_failed);
    return problem(rooms::http_status(f.code), f.message);
}

/// A document as a REST request reads it, now or in the past, and whether that read found its
/// history without the snapshots it should have.
struct DocumentRead {
    model::Document doc;
    bool backfill = false;
};

/// Checked when the user does not exist, so that a wrong name costs as long as a wrong password.
const std::string& dummy_hash() {
    static const std::string hash = auth::hash_password("samen-dummy-password");
    return hash;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// application/json, with no parameter but a charset of UTF-8. Anything else (text/plain, a form)
/// is what a page of any other site may post without asking the browser first (a CORS "simple
/// request"): a sign-in in it is refused.
bool is_json(std::string_view content_type) {
    std::string lower(content_type);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view rest = lower;
    auto next_part = [&rest] {
        const auto semicolon = rest.find(';');
        const auto part = trim(rest.substr(0, semicolon));
        rest =
            semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
        return part;
    };
    if (next_part() != "application/json") return false;
    while (!rest.empty()) {
        const auto param = next_part();
        if (!param.empty() && param != "charset=utf-8" && param != "charset=\"utf-8\"")
            return false;
    }
    return true;
}

net::HttpResponse with_retry_after(net::HttpResponse response, std::chrono::seconds wait) {
    response.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return response;
}

/// Compares a secret in time that depends on its length only, not on where it differs.
bool same_secret(std::string_view given, std::string_view secret) {
    unsigned char differ = given.size() == secret.size() ? 0 : 1;
    for (std::size_t i = 0; i < secret.size(); ++i) {
        differ |= static_cast<unsigned char>(secret[i] ^ (i < given.size() ? given[i] : 0));
    }
    return differ == 0;
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
      signed_in_(std::make_shared<SignedInSessions>()),
      auth_watch_(
          std::make_shared<AuthWatch>(ioc, store, users_, signed_in_, options.auth_check_interval)),
      throttle_(options.sign_in.throttle),
      password_pool_(options.sign_in.password_threads),
      exporter_(std::make_unique<exporting::Exporter>(options.exports)) {
    auth_watch_->start();
}

App::~App() {
    auth_watch_->stop();
    password_pool_.join();
    exporter_.reset();
}

std::shared_ptr<net::MessageHandler> App::on_websocket(std::shared_ptr<net::Connection> conn) {
    return std::make_shared<ClientSession>(
        ioc_, SessionContext{store_, rooms_, users_, signed_in_, options_.session},
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
        if (path == "/metrics") return metrics(req, std::move(respond));
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
                             },
                             store::Queue::readers);
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
    // ?format=odt|docx|pdf|html, or the same by Accept: the plan as a file for the council.
    std::optional<exporting::Format> format;
    if (auto name = query_param(req.target, "format")) {
        format = exporting::format_from_name(*name);
        if (!format && *name != "md") {
            return respond(problem(400, "format is odt, docx, pdf, html or md"));
        }
    } else if (!as_json) {
        format = exporting::format_from_accept(req.accept);
    }
    if (format && !effective) {
        return respond(problem(400, "only an effective plan is made into a file"));
    }
    // ?rev=N: the plan or the matrix as it stood at revision N (a named version's, say).
    std::optional<model::Rev> rev;
    if (auto value = query_param(req.target, "rev")) {
        rev = revision_number(*value);
        if (!rev) return respond(problem(400, "rev must be a revision number"));
    }
    // The same request as over the protocol, authorized by the same rules.
    protocol::Request request =
        effective ? protocol::DocumentRequest{protocol::Effective{doc, code, rev, {}}}
                  : protocol::DocumentRequest{protocol::Divergence{doc}};
    with_user(
        req, std::move(respond),
        [this, doc, code, effective, as_json, format, rev, request](auth::User user, auto done) {
            store_.query(
                [doc, rev, user, request, every = options_.room.snapshot_revs](store::Db& db) {
                    DocumentRead read{rooms::load_document(db, doc)};
                    if (auto no = auth::refusal(user, &read.doc, request)) {
                        throw protocol::ProtocolError(no->code, no->message);
                    }
                    if (!rev) return read;
                    const bool past = *rev < read.doc.rev;
                    read.doc = rooms::document_at(db, std::move(read.doc), *rev);
                    read.backfill = past && !rooms::missing_snapshots(db, doc, every).empty();
                    return read;
                },
                [=, this](std::exception_ptr error, DocumentRead read) {
                    if (error) return done(failure(error, "reading the document failed"));
                    const model::Document& d = read.doc;
                    // A history from before migration 10 gets its snapshots as when its room
                    // loads, this read answered meanwhile
                    // (docs/decisions/0031-a-read-of-the-past-starts-the-backfill.md).
                    if (read.backfill && (!effective || d.takes_part(code))) {
                        rooms::backfill_snapshots(ioc_, store_, doc, options_.room.snapshot_revs,
                                                  "a read of its past over REST");
                    }
                    if (!effective) {
                        nlohmann::json table = model::to_json(model::divergence(d));
                        table["doc"] = d.id;
                        table["rev"] = d.rev;
                        return done(json_response(200, table));
                    }
                    if (!d.takes_part(code)) {
                        return done(problem(404, code + " does not take part in this document"));
                    }
                    if (format) return export_plan(d, code, *format, std::move(done));
                    if (as_json) return done(json_response(200, model::effective_json(d, code)));
                    done({200,
                          "text/markdown; charset=utf-8",
                          model::effective_markdown(d, code),
                          {}});
                },
                store::Queue::readers);
        });
}

void App::export_plan(const model::Document& doc, const std::string& code, exporting::Format format,
                      std::function<void(net::HttpResponse)> done) {
    const std::string name = export_file_name(doc, code, format);
    auto answer = [done, format, name](std::exception_ptr error, std::string bytes) {
        if (!error) {
            return done({200,
                         std::string(exporting::content_type(format)),
                         std::move(bytes),
                         {{"Content-Disposition", "attachment; filename=\"" + name + "\""}}});
        }
        try {
            std::rethrow_exception(error);
        } catch (const exporting::Busy& e) {
            net::HttpResponse busy = problem(503, e.what());
            busy.headers.emplace_back("Retry-After", "5");
            done(std::move(busy));
        } catch (const std::exception& e) {
            log_line("export of " + name + " failed: " + e.what());
            done(problem(500, std::string("the file could not be made: ") + e.what()));
        }
    };
    try {
        exporter_->submit(print_plan(doc, code, store::now_string().substr(0, 10)), format, answer);
    } catch (...) {
        answer(std::current_exception(), {});
    }
}

void App::metrics(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond) {
    if (req.method != "GET") return respond(problem(405, "use GET"));
    // What runs on the server, and its sessions, is no business of the public.
    const bool token = !options_.metrics_token.empty() &&
                       same_secret(bearer_token(req.authorization), options_.metrics_token);
    if (!net::is_loopback(req.client) && !token) {
        return respond(problem(403, "the metrics are served to this machine, or with the token"));
    }
    respond({200, "text/plain; version=0.0.4; charset=utf-8", metrics_text(), {}});
}

void App::sign_in(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond) {
    if (!is_json(req.content_type)) {
        return respond(problem(415,
                               "send {\"user\": \"...\", \"password\": \"...\"} as "
                               "Content-Type: application/json"));
    }
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("user") ||
        !body.contains("password") || !body["user"].is_string() || !body["password"].is_string()) {
        return respond(problem(400, "send {\"user\": \"...\", \"password\": \"...\"} as JSON"));
    }
    SignInAttempt attempt{body["user"].get<std::string>(), body["password"].get<std::string>(),
                          req.client, nullptr};
    if (attempt.name.size() > protocol::limits::max_name_bytes ||
        attempt.password.size() > protocol::limits::max_password_bytes) {
        return respond(problem(400, "user or password too long"));
    }

    // Refused before any password work, and before the user is looked up: an unknown name waits
    // like a known one.
    if (auto refusal =
            throttle_.check(attempt.name, attempt.address, SignInThrottle::Clock::now())) {
        ++sign_ins_.throttled;
        const std::string wait = std::to_string(refusal->retry_after.count());
        // A refusal costs its sender nothing: one line and one record per delay, not per attempt
        // (they are all counted in /metrics).
        if (refusal->first) {
            log_line("sign-in throttled: user " + in_quotes(attempt.name) + " from " +
                     attempt.address + ": too many failures of this " + refusal->because +
                     "; retry after " + wait + " s");
            audit({0, store::now_string(), std::nullopt, attempt.name, attempt.address,
                   "sign_in.throttled",
                   nlohmann::json{{"by", refusal->because},
                                  {"retry_after", refusal->retry_after.count()}}
                       .dump()});
        }
        return respond(
            with_retry_after(problem(429, "too many failed sign-ins: try again in " + wait + " s"),
                             refusal->retry_after));
    }

    if (pending_sign_ins_.fetch_add(1) >= options_.sign_in.max_pending) {
        --pending_sign_ins_;
        ++sign_ins_.busy;
        log_busy(attempt.name, attempt.address);
        return respond(
            with_retry_after(problem(503, "too many sign-ins at once: try again in a moment"),
                             std::chrono::seconds(1)));
    }
    auto self = shared_from_this();
    attempt.slot = std::shared_ptr<void>(nullptr, [self](void*) { --self->pending_sign_ins_; });
    const std::string name = attempt.name;
    store_.query([name](store::Db& db) { return store::find_user_by_name(db, name); },
                 [self, attempt = std::move(attempt), respond](
                     std::exception_ptr error, std::optional<store::UserRecord> user) mutable {
                     if (error) return respond(failure(error, "signing in failed"));
                     asio::post(self->password_pool_, [self, attempt = std::move(attempt),
                                                       user = std::move(user), respond]() mutable {
                         self->check_password(std::move(attempt), std::move(user), respond);
                     });
                 },
                 store::Queue::readers);
}

void App::check_password(SignInAttempt attempt, std::optional<store::UserRecord> user,
                         std::function<void(net::HttpResponse)> respond) {
    const bool ok =
        auth::verify_password(user ? user->password_hash : dummy_hash(), attempt.password);
    attempt.slot.reset();
    if (!user)
        return sign_in_failed(attempt.name, attempt.address, std::nullopt, "unknown user", respond);
    if (!ok)
        return sign_in_failed(attempt.name, attempt.address, user->id, "wrong password", respond);
    if (user->disabled)
        return sign_in_failed(attempt.name, attempt.address, user->id, "disabled", respond);
    throttle_.succeeded(attempt.name);
    ++sign_ins_.ok;
    try {
        const auth::User signed_in = auth::to_user(*user);
        const auto entry = auth::audit_by(signed_in, attempt.address, "sign_in.ok", {});
        store_.query(
            [id = user->id, entry, lifetime = options_.token_lifetime](store::Db& db) {
                auto token = auth::issue_token(db, id, store::Clock::now(), lifetime);
                store::append_audit(db, entry);
                return token;
            },
            [respond, signed_in](std::exception_ptr err, auth::IssuedToken t) {
                if (err) return respond(failure(err, "signing in failed"));
                respond(json_response(200, {{"token", t.token},
                                            {"expires_at", t.expires_at},
                                            {"user", auth::to_json(signed_in)}}));
            });
    } catch (const std::exception& e) {
        respond(problem(503, e.what()));
    }
}

void App::sign_in_failed(const std::string& name, const std::string& address,
                         std::optional<std::int64_t> user_id, const char* why,
                         const std::function<void(net::HttpResponse)>& respond) {
    // Counted before the answer: whoever tries again at once meets the delay.
    throttle_.failed(name, address, SignInThrottle::Clock::now());
    ++sign_ins_.failed;
    log_line("sign-in failed: user " + in_quotes(name) + " from " + address + ": " + why);
    audit({0, store::now_string(), user_id, name, address, "sign_in.failed",
           nlohmann::json{{"reason", why}}.dump()});
    respond(problem(401, "wrong user name or password"));
}

void App::audit(store::AuditEntry entry) {
    const std::string action = entry.action;
    try {
        store_.submit([entry = std::move(entry)](store::Db& db) { store::append_audit(db, entry); },
                      [action](std::exception_ptr error) {
                          if (!error) return;
                          try {
                              std::rethrow_exception(error);
                          } catch (const std::exception& e) {
                              log_line("store: recording " + action + " failed: " + e.what());
                          }
                      });
    } catch (const std::exception& e) {
        log_line("store: recording " + action + " failed: " + e.what());
    }
}

void App::log_busy(const std::string& name, const std::string& address) {
    const auto second = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    ++busy_unlogged_;
    auto last = busy_logged_at_.load();
    if (second == last || !busy_logged_at_.compare_exchange_strong(last, second)) return;
    log_line("sign-in refused: user " + in_quotes(name) + " from " + address + ": " +
             std::to_string(options_.sign_in.max_pending) +
             " sign-ins are waiting for a password check (" +
             std::to_string(busy_unlogged_.exchange(0)) + " refused since the last such line)");
}

void App::sign_out(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond) {
    std::string token = bearer_token(req.authorization);
    if (token.empty())
        return respond(problem(401, "send the token as 'Authorization: Bearer ...'"));
    store_.query(
        [token, address = req.client](store::Db& db) {
            // Who signs out, for the record: read before the token goes.
            const auto user = auth::user_for_token(db, token);
            const bool revoked = auth::revoke_token(db, token);
            if (revoked) {
                store::append_audit(
                    db,
                    {0, store::now_string(), user ? std::optional(user->id) : std::nullopt,
                     user ? std::optional(user->name) : std::nullopt, address, "sign_out", "{}"});
            }
            return revoked;
        },
        [respond, token, signed_in = signed_in_](std::exception_ptr error, bool revoked) {
            if (error) return respond(failure(error, "signing out failed"));
            if (!revoked) return respond(problem(401, "the token is not valid"));
            // The connections signed in with it end before the sign-out is answered.
            signed_in->end_token(auth::token_hash(token), net::CloseReason::policy,
                                 "you signed out");
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
                 },
                 store::Queue::readers);
}

}  // namespace samen::app
