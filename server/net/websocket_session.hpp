// One WebSocket connection on /ws, speaking to the application's MessageHandler.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <string>

#include "net/beast.hpp"
#include "net/server_state.hpp"

namespace samen::net {

/// Completes the upgrade `request` read from `stream` and runs the session. `peer` is for the
/// logs, `client` the client's address (HttpRequest::client).
void run_websocket_session(beast::tcp_stream stream, http::request<http::string_body> request,
                           std::shared_ptr<ServerState> state, LiveConnection live,
                           std::string peer, std::string client);

}  // namespace samen::net
