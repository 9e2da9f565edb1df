// Signing in over HTTP (`POST /api/v1/session`) and naming the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "samen/types.hpp"

namespace samen::client {

/// Where the server is: from "http://host:port", "http://host:port/", "host:port" or "host"
/// (port 80 for http:// without a port, else 8080).
struct ServerAddress {
    std::string host;
    std::uint16_t port = 8080;
    /// "http://host:port", the form stored and shown.
    std::string url() const;
};

/// Throws std::invalid_argument naming what is wrong (https, a path, a bad port).
ServerAddress parse_server_url(std::string_view url);

struct Session {
    std::string token;
    std::string expires_at;
    UserRef user;
};

/// Signs in with a user name and password. Throws ClientException: `unauthorized` when the
/// server refuses them, `unreachable` when it cannot be reached, `bad_message` or the HTTP
/// problem's detail otherwise.
Session sign_in(const ServerAddress& server, const std::string& user, const std::string& password,
                std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace samen::client
