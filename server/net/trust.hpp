// Whom a request comes from, and whether the page that sent it may: the client's address behind
// the proxies the operator trusts, and the allow-list of browser origins for the WebSocket
// (docs/security.md, "Cross-site requests" and "Behind a TLS reverse proxy"). Free of Beast.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace samen::net {

/// The address a client is known by when a trusted proxy passed on something that is no address.
inline constexpr std::string_view unknown_client = "unknown";

/// An IP address in its usual text form ("192.0.2.1", "2001:db8::1"), an IPv4-mapped IPv6 address
/// as IPv4; empty for anything that is not an IP address.
std::string normal_address(std::string_view text);

/// The client of a request that came from `peer` (an IP address) with this X-Forwarded-For
/// header: the peer itself, unless it is one of `trusted_proxies` (in normal_address form) and
/// the header names someone; then, from the right, the first address of the header that is not a
/// trusted proxy (the one the nearest trusted proxy saw: a client can put anything to the left of
/// it), or the leftmost when all are. unknown_client when that entry is not an address.
std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted_proxies);

/// Whether a browser page of `origin` (the Origin header, not empty) may open the WebSocket: it
/// is the server's own origin (http:// or https:// and the request's Host) or one of `allowed`.
/// Scheme and host compare without regard to case; "null" (a sandboxed frame, a file) never
/// matches.
bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed);

/// Whether `address` (normal_address form) is a loopback address: 127.0.0.0/8 or ::1.
bool is_loopback(std::string_view address);

}  // namespace samen::net
