#include "samen/sign_in.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "transport/http_client.hpp"

namespace samen::client {

std::string ServerAddress::url() const {
    return "http://" + transport::host_header(host, port);
}

ServerAddress parse_server_url(std::string_view url) {
    const std::string original(url);
    ServerAddress a;
    bool http_scheme = false;
    if (url.rfind("https://", 0) == 0) {
        throw std::invalid_argument("'" + original +
                                    "': https is not supported; use http:// (put TLS in front of "
                                    "the server with a proxy)");
    }
    if (url.rfind("http://", 0) == 0) {
        url.remove_prefix(7);
        http_scheme = true;
    } else if (url.find("://") != std::string_view::npos) {
        throw std::invalid_argument("'" + original +
                                    "': only http:// server addresses are supported");
    }
    while (!url.empty() && url.back() == '/') url.remove_suffix(1);
    if (url.find('/') != std::string_view::npos) {
        throw std::invalid_argument("'" + original + "': give the server without a path");
    }
    std::string_view port;
    if (!url.empty() && url.front() == '[') {
        auto close = url.find(']');
        if (close == std::string_view::npos) {
            throw std::invalid_argument("'" + original + "': unclosed [ in the address");
        }
        a.host = std::string(url.substr(1, close - 1));
        std::string_view rest = url.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') throw std::invalid_argument("'" + original + "': bad address");
            port = rest.substr(1);
            if (port.empty()) throw std::invalid_argument("'" + original + "': the port is empty");
        }
    } else {
        auto colon = url.rfind(':');
        a.host = std::string(url.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = url.substr(colon + 1);
            if (port.empty()) throw std::invalid_argument("'" + original + "': the port is empty");
        }
    }
    if (a.host.empty()) throw std::invalid_argument("'" + original + "': no host name");
    if (port.empty()) {
        a.port = http_scheme ? 80 : 8080;
    } else {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
            throw std::invalid_argument("'" + original +
                                        "': the port must be a number from 1 to 65535");
        }
        a.port = static_cast<std::uint16_t>(value);
    }
    return a;
}

namespace {

/// The `detail` of an application/problem+json body, or the body itself.
std::string problem_detail(const transport::HttpResult& r) {
    try {
        auto j = nlohmann::json::parse(r.body);
        if (j.is_object() && j.contains("detail") && j["detail"].is_string()) {
            return j["detail"].get<std::string>();
        }
    } catch (const nlohmann::json::exception&) {
    }
    return r.body.substr(0, 200);
}

}  // namespace

Session sign_in(const ServerAddress& server, const std::string& user, const std::string& password,
                std::chrono::milliseconds timeout) {
    const std::string body = nlohmann::json{{"user", user}, {"password", password}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    transport::HttpResult r;
    try {
        r = transport::http_request(server.host, server.port, "POST", "/api/v1/session", body, {},
                                    timeout);
    } catch (const std::exception& e) {
        throw ClientException(error_of("unreachable", e.what()));
    }
    if (r.status == 401) {
        throw ClientException(error_of("unauthorized", "sign-in refused: " + problem_detail(r)));
    }
    if (r.status != 200) {
        throw ClientException(error_of(
            r.status == 429 ? "rate_limited" : "internal",
            "sign-in failed with HTTP " + std::to_string(r.status) + ": " + problem_detail(r)));
    }
    try {
        auto j = nlohmann::json::parse(r.body);
        Session s;
        s.token = j.at("token").get<std::string>();
        if (auto e = j.find("expires_at"); e != j.end() && !e->is_null()) {
            s.expires_at = e->is_string() ? e->get<std::string>() : e->dump();
        }
        if (j.contains("user") && j["user"].is_object()) s.user = user_from_json(j["user"]);
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw ClientException(
            error_of("bad_message",
                     std::string("the server's sign-in reply is not understood: ") + e.what()));
    }
}

}  // namespace samen::client
