#include "net/refusal.hpp"

#include <array>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "net/problem.hpp"

namespace samen::net {
namespace {

// What a client is told to wait: long enough for connections to end, short enough to be retried
// by a person who waits for a page.
constexpr const char* retry_after_seconds = "5";

class Refusal : public std::enable_shared_from_this<Refusal> {
  public:
    Refusal(tcp::socket&& socket, std::shared_ptr<ServerState> state, const std::string& why)
        : stream_(std::move(socket)),
          state_(std::move(state)),
          response_(http::status::service_unavailable, 11) {
        response_.set(http::field::content_type, problem_content_type);
        response_.set(http::field::retry_after, retry_after_seconds);
        response_.set(http::field::cache_control, "no-store");
        response_.set("API-Version", state_->options().api_version);
        response_.keep_alive(false);
        response_.body() = problem_body(503, why);
        response_.prepare_payload();
    }

    ~Refusal() { state_->end_refusal(); }

    void run() {
        // One deadline for the whole exchange: a client that neither reads nor closes is let go.
        stream_.expires_after(state_->options().refusal_linger);
        http::async_write(stream_, response_,
                          beast::bind_front_handler(&Refusal::on_write, shared_from_this()));
    }

  private:
    void on_write(error_code ec, std::size_t) {
        if (ec) return;
        // Closing with the request unread would reset the connection, and the client could lose
        // the answer: read to its end first.
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) return;
        do_drain();
    }

    void do_drain() {
        stream_.async_read_some(asio::buffer(drain_),
                                beast::bind_front_handler(&Refusal::on_drain, shared_from_this()));
    }

    void on_drain(error_code ec, std::size_t) {
        if (!ec) do_drain();
    }

    beast::tcp_stream stream_;
    std::shared_ptr<ServerState> state_;
    http::response<http::string_body> response_;
    std::array<char, 4096> drain_{};
};

}  // namespace

void refuse_connection(tcp::socket socket, std::shared_ptr<ServerState> state, std::string why) {
    if (state->may_log(std::chrono::seconds(10))) {
        log_line("refusing connections (" + why + "); " +
                 std::to_string(state->stats().refused_over_capacity.load() +
                                state->stats().refused_per_address.load()) +
                 " refused so far");
    }
    if (!state->begin_refusal()) {
        ++state->stats().refused_unanswered;
        return;  // the socket closes here
    }
    std::make_shared<Refusal>(std::move(socket), std::move(state), why)->run();
}

std::string address_key(const asio::ip::address& address) {
    if (address.is_v4()) return address.to_string();
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace samen::net
