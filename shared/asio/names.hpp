// Short names for Asio and Beast, for the .cpp files and private headers of the server's network
// layer (server/net) and the client's transport (client/transport): the only code that includes
// Beast. Public headers stay free of it, so that only these files pay for compiling it.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

namespace boost::beast::http {}
namespace boost::beast::websocket {}

namespace samen::asio_names {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::beast::error_code;

}  // namespace samen::asio_names
