#include "transport/sync_websocket.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "transport/websocket_client.hpp"

namespace samen::transport {

namespace {

// What the client's callbacks, on the I/O thread, hand to the waiting caller.
struct Inbox {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<SyncWebSocket::Event> events;  // a close is the last event and is never taken
    bool opened = false;
    bool closed = false;

    void push(SyncWebSocket::Event event) {
        {
            std::lock_guard lock(mutex);
            if (closed) return;
            closed = event.kind == SyncWebSocket::Event::Kind::closed;
            events.push_back(std::move(event));
        }
        changed.notify_all();
    }
};

}  // namespace

struct SyncWebSocket::Impl {
    boost::asio::io_context ioc;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        ioc.get_executor()};
    std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();
    std::shared_ptr<WebSocketClient> client;
    std::thread thread{[this] { ioc.run(); }};

    ~Impl() {
        client.reset();  // closes the connection, if open
        work.reset();
        // Whatever is still pending is dropped with the context.
        ioc.stop();
        thread.join();
    }
};

SyncWebSocket::SyncWebSocket() : impl_(std::make_unique<Impl>()) {}

SyncWebSocket::~SyncWebSocket() {
    if (impl_->client) {
        bool open;
        {
            std::lock_guard lock(impl_->inbox->mutex);
            open = impl_->inbox->opened && !impl_->inbox->closed;
        }
        if (open) close(1000, std::chrono::seconds(2));
    }
}

void SyncWebSocket::connect(const std::string& host, std::uint16_t port, const std::string& target,
                            std::chrono::milliseconds timeout) {
    if (impl_->client) throw std::logic_error("SyncWebSocket::connect() called twice");
    impl_->client = WebSocketClient::create(impl_->ioc);
    WebSocketCallbacks callbacks;
    callbacks.on_open = [inbox = impl_->inbox] {
        {
            std::lock_guard lock(inbox->mutex);
            inbox->opened = true;
        }
        inbox->changed.notify_all();
    };
    callbacks.on_message = [inbox = impl_->inbox](std::string text) {
        Event event;
        event.kind = Event::Kind::message;
        event.text = std::move(text);
        inbox->push(std::move(event));
    };
    callbacks.on_close = [inbox = impl_->inbox](int code, std::string reason, std::string error) {
        Event event;
        event.kind = Event::Kind::closed;
        event.code = code;
        event.reason = std::move(reason);
        event.error = std::move(error);
        inbox->push(std::move(event));
    };
    impl_->client->connect(host, port, target, std::move(callbacks));

    const std::string where = "ws://" + host + ":" + std::to_string(port) + target;
    std::unique_lock lock(impl_->inbox->mutex);
    const bool settled = impl_->inbox->changed.wait_for(
        lock, timeout, [&] { return impl_->inbox->opened || impl_->inbox->closed; });
    if (impl_->inbox->opened) return;
    if (!settled) {
        lock.unlock();
        impl_->client->close();
        throw std::runtime_error(where + ": did not open within " +
                                 std::to_string(timeout.count()) + " ms");
    }
    const auto& event = impl_->inbox->events.back();
    throw std::runtime_error(
        event.error.empty() ? where + ": closed with " + std::to_string(event.code) : event.error);
}

void SyncWebSocket::send(std::string text) {
    if (!impl_->client) throw std::logic_error("SyncWebSocket::send() before connect()");
    impl_->client->send(std::move(text));
}

SyncWebSocket::Event SyncWebSocket::next(std::chrono::milliseconds timeout) {
    auto& inbox = *impl_->inbox;
    std::unique_lock lock(inbox.mutex);
    if (!inbox.changed.wait_for(lock, timeout, [&] { return !inbox.events.empty(); }))
        return Event{};
    Event event = inbox.events.front();
    if (event.kind != Event::Kind::closed) inbox.events.pop_front();
    return event;
}

std::optional<std::string> SyncWebSocket::receive(std::chrono::milliseconds timeout) {
    auto event = next(timeout);
    if (event.kind != Event::Kind::message) return std::nullopt;
    return std::move(event.text);
}

SyncWebSocket::Event SyncWebSocket::close(int code, std::chrono::milliseconds timeout) {
    if (!impl_->client) throw std::logic_error("SyncWebSocket::close() before connect()");
    impl_->client->close(code);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto& inbox = *impl_->inbox;
    std::unique_lock lock(inbox.mutex);
    for (;;) {
        while (!inbox.events.empty() && inbox.events.front().kind != Event::Kind::closed)
            inbox.events.pop_front();
        if (!inbox.events.empty()) return inbox.events.front();
        if (inbox.changed.wait_until(lock, deadline) == std::cv_status::timeout &&
            inbox.events.empty())
            return Event{};
    }
}

}  // namespace samen::transport
