// samen-server's application: sign-in and the REST API over HTTP, protocol v1 sessions over
// WebSocket, the rooms, and the metrics. The network layer calls it through net::Application.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "app/auth_watch.hpp"
#include "app/client_session.hpp"
#include "app/sign_in_throttle.hpp"
#include "export/export.hpp"
#include "net/application.hpp"
#include "rooms/registry.hpp"

namespace samen::net {
struct NetStats;
}

namespace samen::app {

/// The bounds of sign-in (docs/security.md, "Sign-in").
struct SignInLimits {
    ThrottleOptions throttle;
    /// Threads that check passwords (Argon2id: ~64 MiB and tens of milliseconds each).
    std::size_t password_threads = 1;
    /// Sign-ins waiting for, or in, a password check; past it the next is refused with 503.
    std::size_t max_pending = 4;
};

struct AppOptions {
    rooms::RoomLimits room;
    SessionLimits session;
    /// How long a sign-in lasts; an open connection ends when its token expires.
    std::chrono::seconds token_lifetime = auth::kTokenLifetime;
    /// How often the users and tokens of the signed-in connections are looked at again, for
    /// changes made outside a request (samen-server user ...).
    std::chrono::milliseconds auth_check_interval{500};
    SignInLimits sign_in;
    /// Who may read /metrics besides a client on a loopback address: whoever presents
    /// `Authorization: Bearer <metrics_token>`. Empty: nobody else.
    std::string metrics_token;
    /// The exports of a plan (ODT, DOCX, PDF, HTML): the house style, and the bounds on the
    /// child processes that make them (docs/security.md).
    exporting::Options exports;
};

/// How sign-ins went, for /metrics.
struct SignInCounters {
    std::atomic<std::uint64_t> ok{0};
    std::atomic<std::uint64_t> failed{0};     // unknown user, wrong password or disabled
    std::atomic<std::uint64_t> throttled{0};  // refused with 429
    std::atomic<std::uint64_t> busy{0};       // refused with 503
};

class App : public net::Application, public std::enable_shared_from_this<App> {
  public:
    App(boost::asio::io_context& ioc, store::Store& store, AppOptions options);
    ~App() override;

    void handle_http(net::HttpRequest req, std::function<void(net::HttpResponse)> respond) override;
    std::shared_ptr<net::MessageHandler> on_websocket(
        std::shared_ptr<net::Connection> conn) override;

    /// The network layer's counters, for /metrics (set once the server exists).
    void set_net_stats(const net::NetStats* stats) { net_stats_ = stats; }
    std::string metrics_text() const;
    rooms::RoomRegistry& rooms() { return *rooms_; }

  private:
    void metrics(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond);
    void sign_in(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond);
    /// A sign-in let past the throttle and the bound.
    struct SignInAttempt {
        std::string name;
        std::string password;
        std::string address;
        std::shared_ptr<void> slot;  // one of max_pending, given back once the password is checked
    };
    /// Checks the password (on the password threads) and answers.
    void check_password(SignInAttempt attempt, std::optional<store::UserRecord> user,
                        std::function<void(net::HttpResponse)> respond);
    /// Answers a failed sign-in, and counts, logs and records it.
    void sign_in_failed(const std::string& name, const std::string& address,
                        std::optional<std::int64_t> user_id, const char* why,
                        const std::function<void(net::HttpResponse)>& respond);
    /// Writes an audit entry in a store job of its own, for what changes nothing else.
    void audit(store::AuditEntry entry);
    /// A log line for a sign-in refused by the bound: at most one a second, with the count.
    void log_busy(const std::string& name, const std::string& address);
    /// GET /api/v1/documents/{doc}/effective/{code} and /api/v1/documents/{doc}/divergence.
    void document_resource(const net::HttpRequest& req, const std::string& rest,
                           std::function<void(net::HttpResponse)> respond);
    /// Answers with `doc`'s plan for `code` as a file made by the exporter (app/plan_print.hpp).
    void export_plan(const model::Document& doc, const std::string& code, exporting::Format format,
                     std::function<void(net::HttpResponse)> done);
    void sign_out(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond);
    /// Runs `then` with the user of the request's bearer token, or answers 401.
    void with_user(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond,
                   std::function<void(auth::User, std::function<void(net::HttpResponse)>)> then);

    boost::asio::io_context& ioc_;
    store::Store& store_;
    AppOptions options_;
    std::shared_ptr<rooms::RoomMetrics> room_metrics_;
    auth::UserDirectory users_;
    std::shared_ptr<rooms::RoomRegistry> rooms_;
    std::shared_ptr<SignedInSessions> signed_in_;
    std::shared_ptr<AuthWatch> auth_watch_;
    SignInThrottle throttle_;
    SignInCounters sign_ins_;
    std::atomic<std::size_t> pending_sign_ins_{0};
    std::atomic<std::int64_t> busy_logged_at_{0};  // second of the last "busy" log line
    std::atomic<std::uint64_t> busy_unlogged_{0};  // busy refusals since that line
    /// Argon2id takes tens of milliseconds of CPU: never on the network threads.
    boost::asio::thread_pool password_pool_;
    /// pandoc and weasyprint as bounded child processes, never on the network threads.
    std::unique_ptr<exporting::Exporter> exporter_;
    const net::NetStats* net_stats_ = nullptr;
};

/// An `application/problem+json` response (RFC 9457).
net::HttpResponse problem(unsigned status, const std::string& detail);
net::HttpResponse json_response(unsigned status, const nlohmann::json& body);

}  // namespace samen::app
