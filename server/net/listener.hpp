// Accepts TCP connections and hands each, on a strand of its own, to an HTTP session, or to a
// refusal when a bound on connections says no (net/refusal.hpp).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "net/beast.hpp"
#include "net/server_state.hpp"

namespace samen::net {

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(asio::io_context& ioc, std::shared_ptr<ServerState> state);

    /// Binds and listens; returns the bound port. Throws std::runtime_error on failure.
    unsigned short open(const std::string& address, unsigned short port);
    void run();
    /// Closes the acceptor; safe from any thread.
    void stop();

  private:
    void do_accept();
    void on_accept(error_code ec, tcp::socket socket);
    void on_pause_over(error_code ec);

    asio::io_context& ioc_;
    tcp::acceptor acceptor_;
    asio::steady_timer pause_;
    std::shared_ptr<ServerState> state_;
};

}  // namespace samen::net
