#include "net/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <chrono>
#include <stdexcept>

#include "net/http_session.hpp"
#include "net/refusal.hpp"

namespace samen::net {

std::string peer_name(const tcp::socket& socket) {
    error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) return "?";
    const auto address = endpoint.address();
    const auto port = std::to_string(endpoint.port());
    return address.is_v6() ? "[" + address.to_string() + "]:" + port
                           : address.to_string() + ":" + port;
}

Listener::Listener(asio::io_context& ioc, std::shared_ptr<ServerState> state)
    : ioc_(ioc),
      acceptor_(asio::make_strand(ioc)),
      pause_(acceptor_.get_executor()),
      state_(std::move(state)) {}

unsigned short Listener::open(const std::string& address, unsigned short port) {
    const auto where = address + ":" + std::to_string(port);
    error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": not an IP address");
    const tcp::endpoint endpoint(ip, port);

    auto check = [&](const char* step) {
        if (ec)
            throw std::runtime_error("cannot listen on " + where + ": " + step + ": " +
                                     ec.message());
    };
    acceptor_.open(endpoint.protocol(), ec);
    check("open");
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    check("set_option");
    acceptor_.bind(endpoint, ec);
    check("bind");
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    check("listen");
    const auto bound = acceptor_.local_endpoint(ec);
    check("local_endpoint");
    return bound.port();
}

void Listener::run() {
    asio::dispatch(acceptor_.get_executor(),
                   beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
    asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
        error_code ec;
        self->acceptor_.close(ec);
        self->pause_.cancel();
    });
}

void Listener::do_accept() {
    if (!acceptor_.is_open()) return;
    // Each connection gets its own strand: its handlers never run concurrently.
    acceptor_.async_accept(asio::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
        // Typically EMFILE: pause instead of spinning, and keep serving once it passes.
        log_line("listener accept: " + ec.message());
        pause_.expires_after(std::chrono::milliseconds(100));
        pause_.async_wait(beast::bind_front_handler(&Listener::on_pause_over, shared_from_this()));
        return;
    }
    // Small frames (an ack, a keystroke) go out at once instead of waiting up to 40 ms for Nagle.
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const auto peer = socket.remote_endpoint(ignored);
    Admission admission = state_->admit(ignored ? std::string("?") : address_key(peer.address()));
    if (admission.live) {
        run_http_session(std::move(socket), state_, std::move(*admission.live));
    } else {
        refuse_connection(std::move(socket), state_, std::move(admission.refusal));
    }
    do_accept();
}

void Listener::on_pause_over(error_code ec) {
    if (ec) return;  // cancelled by stop()
    do_accept();
}

}  // namespace samen::net
