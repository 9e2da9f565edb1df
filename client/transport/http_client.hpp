// A small synchronous HTTP/1.1 client for sign-in, REST calls and tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace samen::transport {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
    unsigned status = 0;
    std::string content_type;
    std::string body;
    HttpHeaders headers;  // every response header, in order

    /// The first header of that name (any case), or "".
    std::string header(std::string_view name) const;
};

/// "host:port" as a Host header or a URL has it: an IPv6 address in brackets.
std::string host_header(const std::string& host, std::uint16_t port);

/// One request on a connection of its own. A non-empty body without a Content-Type in `headers`
/// is sent as application/json. Throws std::runtime_error, naming the server, when it cannot be
/// reached or the exchange fails or takes longer than `timeout`; HTTP error statuses are
/// results, not exceptions.
HttpResult http_request(const std::string& host, std::uint16_t port, std::string_view method,
                        std::string_view target, std::string_view body = {},
                        const HttpHeaders& headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace samen::transport
