// Connections the server does not take (past max_connections, or past its address's bound on
// connections that have not signed in): each is answered `503` with `Retry-After` and closed.
#pragma once

#include <memory>
#include <string>

#include "net/beast.hpp"
#include "net/server_state.hpp"

namespace samen::net {

/// Writes the 503 at once (before the request is read: whatever it is, the answer is the same),
/// reads and drops what the client sends until it closes or refusal_linger passes, and closes.
/// Past max_refusals answers at once the socket is closed unanswered.
void refuse_connection(tcp::socket socket, std::shared_ptr<ServerState> state, std::string why);

/// The key of `address` for the per-address bound: the address itself for IPv4, its /64 for
/// IPv6 (one subscriber's network, which hands out its addresses freely).
std::string address_key(const asio::ip::address& address);

}  // namespace samen::net
