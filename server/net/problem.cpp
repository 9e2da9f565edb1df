#include "net/problem.hpp"

#include <nlohmann/json.hpp>

namespace samen::net {

std::string_view status_title(unsigned status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 426:
            return "Upgrade Required";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Error";
    }
}

std::string problem_body(unsigned status, std::string_view detail) {
    const nlohmann::json problem = {
        {"type", "about:blank"},
        {"title", status_title(status)},
        {"status", status},
        {"detail", detail},
    };
    // Details may quote client input: never let invalid UTF-8 make the error path throw.
    return problem.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace samen::net
