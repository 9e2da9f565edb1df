#include "flood.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "asio/names.hpp"

namespace samen::test {

using namespace samen::asio_names;

std::string padded_message(std::size_t bytes) {
    const std::string head = R"({"type":"flood","pad":")";
    const std::string tail = R"("})";
    return head + std::string(std::max<std::size_t>(bytes, 40) - head.size() - tail.size(), 'x') +
           tail;
}

struct Flood::Impl {
    asio::io_context ioc{1};
    websocket::stream<tcp::socket> ws{ioc};
    beast::flat_buffer buffer;
    std::string message;
    std::size_t count = 0;
    Result result;
    bool ended = false;

    bool done() const { return ended || (result.sent == count && result.replies >= count); }

    void do_write() {
        if (result.sent == count || ended) return;
        ws.async_write(asio::buffer(message), [this](error_code ec, std::size_t) {
            if (ec) return end(ec);
            ++result.sent;
            do_write();
        });
    }

    void do_read() {
        buffer.clear();
        ws.async_read(buffer, [this](error_code ec, std::size_t) {
            if (ec) return end(ec);
            ++result.replies;
            do_read();
        });
    }

    void end(error_code ec) {
        if (ended) return;
        ended = true;
        if (ec == websocket::error::closed) {
            result.close_code = ws.reason().code;
            result.close_reason = std::string(ws.reason().reason.c_str());
        } else {
            result.error = ec.message();
        }
        error_code ignored;
        ws.next_layer().close(ignored);
    }
};

Flood::Flood(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
    try {
        impl_->ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        impl_->ws.handshake("127.0.0.1", "/ws");
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("flood: cannot open the WebSocket: ") + e.what());
    }
}

Flood::~Flood() {
    close();
}

nlohmann::json Flood::ask(const nlohmann::json& msg) {
    impl_->ws.write(asio::buffer(msg.dump()));
    beast::flat_buffer buffer;
    impl_->ws.read(buffer);
    return nlohmann::json::parse(beast::buffers_to_string(buffer.data()));
}

Flood::Result Flood::run(const std::string& message, std::size_t count,
                         std::chrono::seconds limit) {
    impl_->message = message;
    impl_->count = count;
    impl_->do_write();
    impl_->do_read();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!impl_->done() && std::chrono::steady_clock::now() < deadline) {
        impl_->ioc.run_one_until(deadline);
    }
    return impl_->result;
}

void Flood::close() {
    error_code ignored;
    impl_->ws.next_layer().close(ignored);
    impl_->ended = true;
    impl_->ioc.restart();
    impl_->ioc.poll();
}

}  // namespace samen::test
