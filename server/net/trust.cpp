#include "net/trust.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>

namespace samen::net {

namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool trusted(const std::string& address, const std::vector<std::string>& trusted_proxies) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), address) !=
           trusted_proxies.end();
}

}  // namespace

std::string normal_address(std::string_view text) {
    boost::system::error_code ec;
    auto ip = boost::asio::ip::make_address(std::string(text), ec);
    if (ec) return {};
    if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, ip.to_v6()).to_string();
    }
    return ip.to_string();
}

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted_proxies) {
    std::string client = normal_address(peer);
    if (client.empty()) return std::string(unknown_client);
    // From the right: each trusted proxy names the one before it. A request to a trusted address
    // that names no one did not come through the proxy (a scraper on the proxy's machine).
    while (trusted(client, trusted_proxies) && !forwarded_for.empty()) {
        const auto comma = forwarded_for.rfind(',');
        const auto entry =
            trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
        forwarded_for =
            comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
        client = normal_address(entry);
        if (client.empty()) return std::string(unknown_client);
    }
    return client;
}

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed) {
    if (!host.empty()) {
        for (std::string_view scheme : {"http://", "https://"}) {
            if (origin.size() == scheme.size() + host.size() &&
                equal_ignoring_case(origin.substr(0, scheme.size()), scheme) &&
                equal_ignoring_case(origin.substr(scheme.size()), host)) {
                return true;
            }
        }
    }
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const std::string& a) { return equal_ignoring_case(origin, a); });
}

bool is_loopback(std::string_view address) {
    boost::system::error_code ec;
    auto ip = boost::asio::ip::make_address(std::string(address), ec);
    return !ec && ip.is_loopback();
}

}  // namespace samen::net
