// Names for Asio and Beast inside server/net (the namespace `net` is taken by ours).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace boost::beast::http {}
namespace boost::beast::websocket {}

namespace samen::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::beast::error_code;

/// "127.0.0.1:53422", "[::1]:53422"; "?" when the socket no longer knows its peer.
std::string peer_name(const tcp::socket& socket);

}  // namespace samen::net
