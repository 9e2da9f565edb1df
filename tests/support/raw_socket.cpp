#include "raw_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <utility>

namespace samen::test {
namespace {

sockaddr_in loopback(const std::string& address, std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1) {
        throw std::invalid_argument("not an IPv4 address: " + address);
    }
    return a;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

RawSocket::RawSocket(std::uint16_t port, const std::string& from) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    const auto source = loopback(from, 0);
    const auto target = loopback("127.0.0.1", port);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0 ||
        ::connect(fd_, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
        const std::string why = std::strerror(errno);
        close();
        throw std::runtime_error("connect from " + from + " to port " + std::to_string(port) +
                                 ": " + why);
    }
}

RawSocket::~RawSocket() {
    close();
}

RawSocket::RawSocket(RawSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

bool RawSocket::send(std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string RawSocket::read_until_closed(std::chrono::milliseconds timeout) {
    return read_while([](const std::string&) { return true; }, timeout);
}

std::string RawSocket::read_head(std::chrono::milliseconds timeout) {
    return read_while(
        [](const std::string& text) { return text.find("\r\n\r\n") == std::string::npos; },
        timeout);
}

std::string RawSocket::read_while(const std::function<bool(const std::string&)>& more,
                                  std::chrono::milliseconds timeout) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (fd_ >= 0 && more(out)) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char buffer[4096];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // closed, or reset
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

void RawSocket::close() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

std::string RawResponse::header(std::string_view name) const {
    const std::string head = lower(text.substr(0, text.find("\r\n\r\n")));
    const std::string key = "\r\n" + lower(name) + ":";
    const auto at = head.find(key);
    if (at == std::string::npos) return {};
    const auto start = text.find_first_not_of(' ', at + key.size());
    return text.substr(start, text.find("\r\n", start) - start);
}

RawResponse parse_response(std::string text) {
    RawResponse r;
    r.text = std::move(text);
    if (r.text.rfind("HTTP/1.1 ", 0) == 0 && r.text.size() >= 12) {
        r.status = static_cast<unsigned>(std::stoul(r.text.substr(9, 3)));
    }
    return r;
}

RawResponse raw_upgrade(RawSocket& socket) {
    socket.send(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    return parse_response(socket.read_head());
}

RawResponse raw_get(std::uint16_t port, const std::string& path, const std::string& from) {
    RawSocket socket(port, from);
    socket.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    return parse_response(socket.read_until_closed());
}

}  // namespace samen::test
