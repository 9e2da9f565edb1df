#include "protocol_client.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>

namespace samen::test {

void log_server_message(const std::string& text) {
    static std::mutex mutex;
    static std::ofstream log = [] {
        std::filesystem::create_directories(SAMEN_PROTOCOL_LOG_DIR);
        return std::ofstream(
            std::string(SAMEN_PROTOCOL_LOG_DIR) + "/" + std::to_string(getpid()) + ".jsonl",
            std::ios::app);
    }();
    nlohmann::json msg = nlohmann::json::parse(text, nullptr, false);
    std::lock_guard lock(mutex);
    if (msg.is_discarded()) {
        // Not JSON at all: log it as a string so that the validation fails and shows it.
        log << nlohmann::json{{"dir", "s2c"}, {"msg", text}}.dump(
                   -1, ' ', false, nlohmann::json::error_handler_t::replace)
            << '\n';
    } else {
        log << nlohmann::json{{"dir", "s2c"}, {"msg", msg}}.dump() << '\n';
    }
    log.flush();
}

ProtocolClient::ProtocolClient(std::uint16_t port) {
    ws_.connect("127.0.0.1", port);
}

nlohmann::json ProtocolClient::hello(const std::string& token) {
    return request({{"type", "hello"}, {"token", token}, {"client", "samen-tests"}});
}

void ProtocolClient::send(const nlohmann::json& msg) {
    ws_.send(msg.dump());
}

void ProtocolClient::send_text(std::string text) {
    ws_.send(std::move(text));
}

std::optional<nlohmann::json> ProtocolClient::receive(std::chrono::milliseconds timeout) {
    if (closed_) return std::nullopt;
    auto event = ws_.next(timeout);
    switch (event.kind) {
        case transport::SyncWebSocket::Event::Kind::message:
            log_server_message(event.text);
            return nlohmann::json::parse(event.text);
        case transport::SyncWebSocket::Event::Kind::closed:
            closed_ = event.code;
            return std::nullopt;
        case transport::SyncWebSocket::Event::Kind::timeout:
            return std::nullopt;
    }
    return std::nullopt;
}

nlohmann::json ProtocolClient::request(nlohmann::json msg, std::chrono::milliseconds timeout) {
    const std::int64_t id = next_id_++;
    msg["id"] = id;
    send(msg);
    for (auto it = kept_.begin(); it != kept_.end(); ++it) {
        if (it->value("id", nlohmann::json()) == id) {
            auto reply = *it;
            kept_.erase(it);
            return reply;
        }
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto m = receive(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()));
        if (!m) break;
        if (m->contains("id") && (*m)["id"] == id) return *m;
        kept_.push_back(std::move(*m));
    }
    throw std::runtime_error("no reply to " + msg.dump());
}

std::optional<nlohmann::json> ProtocolClient::next(std::chrono::milliseconds timeout) {
    if (!kept_.empty()) {
        auto m = std::move(kept_.front());
        kept_.pop_front();
        return m;
    }
    return receive(timeout);
}

std::optional<nlohmann::json> ProtocolClient::next_of_type(const std::string& type,
                                                           std::chrono::milliseconds timeout) {
    for (auto it = kept_.begin(); it != kept_.end(); ++it) {
        if (it->value("type", "") == type) {
            auto m = *it;
            kept_.erase(it);
            return m;
        }
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto m = receive(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()));
        if (!m) return std::nullopt;
        if (m->value("type", "") == type) return m;
        kept_.push_back(std::move(*m));
    }
    return std::nullopt;
}

std::optional<int> ProtocolClient::wait_closed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < deadline) {
        auto m = receive(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()));
        if (m) kept_.push_back(std::move(*m));
    }
    return closed_;
}

nlohmann::json ProtocolClient::open(const std::string& doc) {
    auto reply = request({{"type", "open"}, {"doc", doc}});
    if (reply.value("type", "") != "snapshot") {
        throw std::runtime_error("open " + doc + " failed: " + reply.dump());
    }
    return reply;
}

nlohmann::json edit_request(const std::string& doc, const std::string& section,
                            const std::string& layer, nlohmann::json base, nlohmann::json op,
                            const std::string& opid) {
    return {
        {"type", "edit"},          {"doc", doc},          {"section", section}, {"layer", layer},
        {"base", std::move(base)}, {"op", std::move(op)}, {"opid", opid}};
}

}  // namespace samen::test
