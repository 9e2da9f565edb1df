#include "net/server.hpp"

#include <boost/asio/io_context.hpp>

#include "net/listener.hpp"
#include "net/server_state.hpp"

namespace samen::net {

Server::Server(boost::asio::io_context& ioc, ServerOptions options,
               std::shared_ptr<Application> app)
    : ioc_(ioc), state_(std::make_shared<ServerState>(std::move(options), std::move(app))) {}

Server::~Server() {
    stop_accepting();
}

void Server::start() {
    if (listener_) throw std::logic_error("Server::start() called twice");
    auto listener = std::make_shared<Listener>(ioc_, state_);
    port_ = listener->open(state_->options().address, state_->options().port);
    listener_ = std::move(listener);
    listener_->run();
}

unsigned short Server::port() const {
    return port_.load();
}

void Server::stop_accepting() {
    if (listener_) listener_->stop();
}

void Server::close_all(CloseReason why) {
    state_->close_all(why);
}

std::size_t Server::connection_count() const {
    return state_->open_connections();
}

const ServerOptions& Server::options() const {
    return state_->options();
}

const NetStats& Server::stats() const {
    return state_->stats();
}

}  // namespace samen::net
