// One WebSocket that writes large messages back to back, as fast as the server takes them, while
// it reads whatever the server sends: the flood of the memory tests and of samen-flood.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace samen::test {

/// A JSON object of exactly `bytes` bytes (at least 40) whose type no server knows.
std::string padded_message(std::size_t bytes);

class Flood {
  public:
    struct Result {
        std::size_t sent = 0;     // messages written whole
        std::size_t replies = 0;  // messages the server sent meanwhile
        std::optional<int> close_code;
        std::string close_reason;
        std::string error;  // when the connection ended without a close frame
    };

    /// Opens ws://127.0.0.1:port/ws. Throws std::runtime_error when it cannot.
    explicit Flood(std::uint16_t port);
    ~Flood();
    Flood(const Flood&) = delete;
    Flood& operator=(const Flood&) = delete;

    /// Sends one message and returns the next one the server sends (before a flood).
    nlohmann::json ask(const nlohmann::json& msg);
    /// Writes `count` copies of `message`; returns once the server answered each one, or ended
    /// the connection, or `limit` passed.
    Result run(const std::string& message, std::size_t count, std::chrono::seconds limit);
    /// Drops the connection.
    void close();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace samen::test
