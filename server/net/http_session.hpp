// One HTTP connection: reads requests one at a time, answers each (the application, static
// files, or an error of its own), and hands a WebSocket upgrade on /ws to a WebSocket session.
#pragma once

#include <memory>

#include "net/beast.hpp"
#include "net/server_state.hpp"

namespace samen::net {

/// Starts a session on `socket`, whose executor must be a strand of its own; `live` counts it.
void run_http_session(tcp::socket socket, std::shared_ptr<ServerState> state, LiveConnection live);

}  // namespace samen::net
