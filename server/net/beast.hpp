// Names for Asio and Beast inside server/net (the namespace `net` is taken by ours).
#pragma once

#include <boost/beast/core/tcp_stream.hpp>

#include "asio/names.hpp"

namespace samen::net {

using namespace samen::asio_names;

/// "127.0.0.1:53422", "[::1]:53422"; "?" when the socket no longer knows its peer.
std::string peer_name(const tcp::socket& socket);

}  // namespace samen::net
