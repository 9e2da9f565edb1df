// samen-server's application: sign-in and the REST API over HTTP, protocol v1 sessions over
// WebSocket, the rooms, and the metrics. The network layer calls it through net::Application.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>

#include "app/auth_watch.hpp"
#include "app/client_session.hpp"
#include "net/application.hpp"
#include "rooms/registry.hpp"

namespace samen::net {
struct NetStats;
}

namespace samen::app {

struct AppOptions {
    rooms::RoomLimits room;
    SessionLimits session;
    /// How long a sign-in lasts; an open connection ends when its token expires.
    std::chrono::seconds token_lifetime = auth::kTokenLifetime;
    /// How often the users and tokens of the signed-in connections are looked at again, for
    /// changes made outside a request (samen-server user ...).
    std::chrono::milliseconds auth_check_interval{500};
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
    void sign_in(const net::HttpRequest& req, std::function<void(net::HttpResponse)> respond);
    /// GET /api/v1/documents/{doc}/effective/{code} and /api/v1/documents/{doc}/divergence.
    void document_resource(const net::HttpRequest& req, const std::string& rest,
                           std::function<void(net::HttpResponse)> respond);
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
    /// Argon2id takes tens of milliseconds of CPU: never on the network threads.
    boost::asio::thread_pool password_pool_{1};
    const net::NetStats* net_stats_ = nullptr;
};

/// An `application/problem+json` response (RFC 9457).
net::HttpResponse problem(unsigned status, const std::string& detail);
net::HttpResponse json_response(unsigned status, const nlohmann::json& body);

}  // namespace samen::app
