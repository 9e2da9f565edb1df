// Names for Asio and Beast inside client/transport, for its .cpp files only: the transport's
// public headers stay free of Beast, so that only these files pay for compiling it.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

namespace boost::beast::http {}
namespace boost::beast::websocket {}

namespace samen::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::beast::error_code;

}  // namespace samen::transport
