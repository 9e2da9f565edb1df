// A real samen::net::Server on 127.0.0.1 (ephemeral port, two I/O threads) with a small echo
// application whose behaviour the tests steer through the messages they send.
#pragma once

#include <unistd.h>

#include <atomic>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/application.hpp"
#include "net/server.hpp"

namespace samen::net::test {

using namespace std::chrono_literals;

/// Waits at most `limit` for `ready`; every wait in these tests has a bound.
inline bool eventually(const std::function<bool()>& ready, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!ready()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

/// Runs one asynchronous operation on `ioc` for at most `limit`: `start` receives the
/// completion handler. A timeout returns asio::error::timed_out and leaves the operation to the
/// caller to abandon (close its socket).
template <class Start>
boost::system::error_code run_bounded(boost::asio::io_context& ioc, Start start,
                                      std::chrono::milliseconds limit = 10s) {
    auto result = std::make_shared<std::optional<boost::system::error_code>>();
    start([result](boost::system::error_code ec, auto&&...) { *result = ec; });
    ioc.restart();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!*result && std::chrono::steady_clock::now() < deadline) ioc.run_one_until(deadline);
    return result->value_or(boost::asio::error::timed_out);
}

class EchoApp;

/// "flood N SIZE": N copies of one SIZE-byte message (one shared buffer, as a broadcast does).
/// "queue N": the messages "m0".."m<N-1>", then tells the app it queued them.
/// "close": the server closes with CloseReason::normal.
/// "hold ...": kept unhandled until the test calls EchoApp::release().
/// Anything else is echoed. Every connection counts as signed in, unless the app's `sign_in` is
/// false: then only the message "sign in" signs it in.
class EchoHandler : public MessageHandler {
  public:
    EchoHandler(std::shared_ptr<Connection> conn, EchoApp& app);
    void on_message(std::string text) override;
    void on_too_large(std::size_t limit) override;
    void on_binary() override;
    void on_close() override;

  private:
    void handle(std::string text);
    void say(std::string text) {
        conn_->send(std::make_shared<const std::string>(std::move(text)));
    }
    std::shared_ptr<Connection> conn_;
    EchoApp& app_;
};

class EchoApp : public Application {
  public:
    ~EchoApp() override {
        for (auto& t : threads_) t.join();
    }

    void handle_http(HttpRequest req, std::function<void(HttpResponse)> respond) override {
        const std::string path = req.target.substr(0, req.target.find('?'));
        if (path == "/api/echo") {
            HttpResponse res;
            res.content_type = "text/plain";
            res.body = req.method + " " + req.target + " auth=" + req.authorization +
                       " type=" + req.content_type + " client=" + req.client + " body=" + req.body;
            res.headers.emplace_back("X-Echo", "yes");
            return respond(std::move(res));
        }
        if (path == "/api/later") {
            // Answered from a thread of the application's own, as the store's thread would.
            std::lock_guard lock(mutex_);
            threads_.emplace_back([respond = std::move(respond)] {
                std::this_thread::sleep_for(20ms);
                respond(HttpResponse{200, "text/plain", "later", {}});
            });
            return;
        }
        if (path == "/api/drop") return;  // never answers
        if (path == "/api/throw") throw std::runtime_error("the application failed");
        if (path == "/healthz") return respond(HttpResponse{200, "text/plain", "ok", {}});
        respond(HttpResponse{404, "application/problem+json", R"({"status":404})", {}});
    }

    std::shared_ptr<MessageHandler> on_websocket(std::shared_ptr<Connection> conn) override {
        tags.push(conn->tag());
        return std::make_shared<EchoHandler>(std::move(conn), *this);
    }

    struct Tags {
        std::mutex mutex;
        std::vector<std::string> all;
        void push(std::string tag) {
            std::lock_guard lock(mutex);
            all.push_back(std::move(tag));
        }
        std::vector<std::string> get() {
            std::lock_guard lock(mutex);
            return all;
        }
    } tags;
    /// Says handled() for every message held so far.
    void release() {
        std::vector<std::shared_ptr<Connection>> releasing;
        {
            std::lock_guard lock(mutex_);
            releasing.swap(held_);
        }
        for (auto& conn : releasing) conn->handled();
    }
    void hold(std::shared_ptr<Connection> conn) {
        std::lock_guard lock(mutex_);
        held_.push_back(std::move(conn));
        ++held;
    }

    std::atomic<bool> sign_in{true};
    std::atomic<int> queued{0};
    std::atomic<int> held{0};
    std::atomic<int> too_large{0};
    std::atomic<int> binary{0};
    std::atomic<int> closed{0};

  private:
    std::mutex mutex_;
    std::vector<std::thread> threads_;
    std::vector<std::shared_ptr<Connection>> held_;
};

inline EchoHandler::EchoHandler(std::shared_ptr<Connection> conn, EchoApp& app)
    : conn_(std::move(conn)), app_(app) {
    if (app_.sign_in) conn_->signed_in();
}

inline void EchoHandler::on_message(std::string text) {
    if (text.starts_with("hold")) return app_.hold(conn_);
    handle(std::move(text));
    conn_->handled();
}

inline void EchoHandler::handle(std::string text) {
    if (text.starts_with("flood ")) {
        std::size_t count = 0;
        std::size_t size = 0;
        std::sscanf(text.c_str(), "flood %zu %zu", &count, &size);
        auto message = std::make_shared<const std::string>(size, 'x');
        for (std::size_t i = 0; i < count; ++i) conn_->send(message);
        return;
    }
    if (text.starts_with("queue ")) {
        const int count = std::stoi(text.substr(6));
        for (int i = 0; i < count; ++i) say("m" + std::to_string(i));
        ++app_.queued;
        return;
    }
    if (text == "close") return conn_->close(CloseReason::normal);
    if (text == "sign in") return conn_->signed_in();
    say(std::move(text));
}

inline void EchoHandler::on_too_large(std::size_t limit) {
    ++app_.too_large;
    say("too_large " + std::to_string(limit));
}

inline void EchoHandler::on_binary() {
    ++app_.binary;
    say("binary");
}

inline void EchoHandler::on_close() {
    ++app_.closed;
    conn_.reset();  // as an application drops its handle when the connection is gone
}

/// A directory of web client files, removed again at the end.
class StaticRoot {
  public:
    StaticRoot() {
        static std::atomic<int> counter{0};
        base_ = std::filesystem::temp_directory_path() /
                ("samen-net-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        root_ = base_ / "www";
        std::filesystem::create_directories(root_ / "assets");
        std::filesystem::create_directories(root_ / "docs");
        write("index.html", "<!doctype html><title>Samen</title>");
        write("app.js", "console.log('samen');");
        write("style.css", "body { margin: 0 }");
        write("logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
        write("font.woff2", "wOF2");
        write("assets/index-4f2a9c.js", "export {};");
        // A file with the twins the web client's build writes (the tests read which one came).
        write("assets/app-1.js", "plain");
        write("assets/app-1.js.gz", "gzip twin");
        write("assets/app-1.js.br", "brotli twin");
        write("docs/index.html", "<p>docs</p>");
        write("nonce.html", "<meta name=\"samen-csp-nonce\" content=\"__CSP_NONCE__\">");
        write(".env", "SECRET=1");
        std::ofstream(base_ / "secret.txt") << "outside the root";
    }
    ~StaticRoot() {
        std::error_code ec;
        std::filesystem::remove_all(base_, ec);
    }
    const std::filesystem::path& path() const { return root_; }

  private:
    void write(const std::string& name, const std::string& text) {
        std::ofstream(root_ / name, std::ios::binary) << text;
    }
    std::filesystem::path base_;
    std::filesystem::path root_;
};

/// Options small enough that the bounds are reached quickly.
inline ServerOptions test_options() {
    ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.max_message_bytes = 1024;
    options.max_queue_messages = 16;
    options.max_queue_bytes = 256 * 1024;
    options.max_http_body = 1024;
    options.api_version = "1.2.3";
    return options;
}

class TestServer {
  public:
    explicit TestServer(ServerOptions options = test_options())
        : app(std::make_shared<EchoApp>()), server(ioc, std::move(options), app) {
        server.start();
        for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc.run(); });
    }

    ~TestServer() {
        server.stop_accepting();
        server.close_all(CloseReason::going_away);
        eventually([this] { return server.connection_count() == 0; }, 5s);
        work_.reset();
        ioc.stop();
        for (auto& t : threads_) t.join();
    }

    unsigned short port() const { return server.port(); }

    boost::asio::io_context ioc;
    std::shared_ptr<EchoApp> app;
    Server server;

  private:
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
        ioc.get_executor()};
    std::vector<std::thread> threads_;
};

}  // namespace samen::net::test
