#include "transport/websocket_client.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <deque>
#include <optional>
#include <stdexcept>

#include "asio/names.hpp"
#include "transport/http_client.hpp"

namespace samen::transport {

using namespace samen::asio_names;
namespace {

constexpr auto connect_timeout = std::chrono::seconds(30);
constexpr int abnormal_closure = 1006;

}  // namespace

struct WebSocketClient::Impl : std::enable_shared_from_this<Impl> {
    explicit Impl(asio::io_context& ioc)
        : resolver(asio::make_strand(ioc)), ws(resolver.get_executor()) {}

    void start(std::string host_name, std::uint16_t port, std::string path,
               WebSocketCallbacks handlers) {
        host = host_header(host_name, port);
        target = std::move(path);
        callbacks = std::move(handlers);
        resolver.async_resolve(host_name, std::to_string(port),
                               beast::bind_front_handler(&Impl::on_resolve, shared_from_this()));
    }

    void on_resolve(error_code ec, const tcp::resolver::results_type& results) {
        if (ec) return finish(abnormal_closure, {}, failure("resolve", ec));
        if (closing) return finish(abnormal_closure, {}, "closed before the connection opened");
        beast::get_lowest_layer(ws).expires_after(connect_timeout);
        beast::get_lowest_layer(ws).async_connect(
            results, beast::bind_front_handler(&Impl::on_connect, shared_from_this()));
    }

    void on_connect(error_code ec, const tcp::endpoint&) {
        if (ec) return finish(abnormal_closure, {}, failure("connect to", ec));
        if (closing) return abandon();
        // From here the WebSocket's own timeouts apply.
        beast::get_lowest_layer(ws).expires_never();
        // Small frames go out at once instead of waiting for Nagle's algorithm.
        error_code ignored;
        beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true), ignored);
        ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
            request.set(http::field::user_agent, "samen-client");
        }));
        ws.read_message_max(max_message_bytes);
        ws.auto_fragment(false);
        ws.text(true);
        ws.async_handshake(handshake_response, host, target,
                           beast::bind_front_handler(&Impl::on_handshake, shared_from_this()));
    }

    void on_handshake(error_code ec) {
        if (ec == websocket::error::upgrade_declined)
            return finish(abnormal_closure, {},
                          "WebSocket " + host + target + ": declined with HTTP " +
                              std::to_string(handshake_response.result_int()));
        if (ec) return finish(abnormal_closure, {}, failure("WebSocket handshake with", ec));
        if (closing) return abandon();
        open = true;
        if (callbacks.on_open) callbacks.on_open();
        do_read();
        if (!queue.empty() && !writing) do_write();
    }

    void abandon() {
        beast::get_lowest_layer(ws).close();
        finish(abnormal_closure, {}, "closed before the connection opened");
    }

    void do_read() {
        reading = true;
        ws.async_read(buffer, beast::bind_front_handler(&Impl::on_read, shared_from_this()));
    }

    void on_read(error_code ec, std::size_t) {
        reading = false;
        if (ec) return fail(ec);
        auto text = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        if (callbacks.on_message) callbacks.on_message(std::move(text));
        do_read();
    }

    void on_send(std::string text) {
        if (finished || closing) return;
        queue.emplace_back(std::move(text));
        if (open && !writing) do_write();
    }

    void on_close_request(int code, std::string reason) {
        if (finished || closing) return;
        closing = true;
        if (!open) {
            // Still connecting: abandon it; the pending step fails and reports.
            resolver.cancel();
            beast::get_lowest_layer(ws).close();
            return;
        }
        close_reason = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
        queue.emplace_back(std::nullopt);
        if (!writing) do_write();
    }

    // One write at a time; the front stays queued until its write completes. A close frame
    // (nullopt) is a write like any other.
    void do_write() {
        writing = true;
        if (!queue.front()) {
            close_started = true;
            return ws.async_close(close_reason, [self = shared_from_this()](error_code ec) {
                self->on_write(ec, 0);
            });
        }
        ws.async_write(asio::buffer(*queue.front()),
                       beast::bind_front_handler(&Impl::on_write, shared_from_this()));
    }

    void on_write(error_code ec, std::size_t) {
        writing = false;
        queue.pop_front();
        if (ec) return fail(ec);
        if (!reading) return maybe_finish();  // the connection is ending
        if (!queue.empty()) do_write();
    }

    void fail(error_code ec) {
        // `closed`: the close handshake is done and Beast tore the connection down. Aborted
        // after async_close began: Beast handed the reading to the close, which reports.
        const bool handed_to_close = ec == asio::error::operation_aborted && close_started;
        if (ec != websocket::error::closed && !handed_to_close) {
            // The first error is the one worth reporting; closing the socket makes the other
            // pending operation end too.
            if (first_error.empty()) first_error = ec.message();
            beast::get_lowest_layer(ws).close();
        }
        maybe_finish();
    }

    void maybe_finish() {
        if (reading || writing) return;
        const auto& why = ws.reason();
        if (first_error.empty() && why.code != websocket::close_code::none)
            return finish(static_cast<int>(why.code), std::string(why.reason.c_str()), {});
        finish(abnormal_closure, {}, first_error.empty() ? "connection lost" : first_error);
    }

    void finish(int code, std::string reason, std::string error) {
        if (finished) return;
        finished = true;
        open = false;
        queue.clear();
        auto on_close = std::move(callbacks.on_close);
        callbacks = {};
        if (on_close) on_close(code, std::move(reason), std::move(error));
    }

    std::string failure(const char* step, error_code ec) const {
        if (ec == asio::error::operation_aborted && closing)
            return "closed before the connection opened";
        return std::string(step) + " " + host + ": " + ec.message();
    }

    tcp::resolver resolver;
    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    websocket::response_type handshake_response;
    WebSocketCallbacks callbacks;
    std::string host;  // "name:port", as the Host header wants it
    std::string target;
    std::deque<std::optional<std::string>> queue;
    websocket::close_reason close_reason;
    std::string first_error;
    std::size_t max_message_bytes = 64 * 1024 * 1024;
    std::atomic<bool> connect_called{false};
    bool open = false;
    bool reading = false;
    bool writing = false;
    bool closing = false;
    bool close_started = false;
    bool finished = false;
};

std::shared_ptr<WebSocketClient> WebSocketClient::create(boost::asio::io_context& ioc) {
    return std::shared_ptr<WebSocketClient>(new WebSocketClient(ioc));
}

WebSocketClient::WebSocketClient(boost::asio::io_context& ioc)
    : impl_(std::make_shared<Impl>(ioc)) {}

WebSocketClient::~WebSocketClient() {
    if (!impl_->connect_called) return;
    asio::post(impl_->ws.get_executor(), [impl = impl_] {
        impl->callbacks = {};
        impl->on_close_request(1000, {});
    });
}

void WebSocketClient::connect(std::string host, std::uint16_t port, std::string target,
                              WebSocketCallbacks callbacks) {
    if (impl_->connect_called.exchange(true))
        throw std::logic_error("WebSocketClient::connect() called twice");
    asio::post(impl_->ws.get_executor(),
               [impl = impl_, host = std::move(host), port, target = std::move(target),
                callbacks = std::move(callbacks)]() mutable {
                   impl->start(std::move(host), port, std::move(target), std::move(callbacks));
               });
}

void WebSocketClient::send(std::string text) {
    asio::post(impl_->ws.get_executor(), [impl = impl_, text = std::move(text)]() mutable {
        impl->on_send(std::move(text));
    });
}

void WebSocketClient::close(int code, std::string reason) {
    asio::post(impl_->ws.get_executor(),
               [impl = impl_, code, reason = std::move(reason)]() mutable {
                   impl->on_close_request(code, std::move(reason));
               });
}

void WebSocketClient::set_max_message_bytes(std::size_t bytes) {
    impl_->max_message_bytes = bytes;
}

}  // namespace samen::transport
