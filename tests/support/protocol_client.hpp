// A raw protocol v1 client for integration tests: JSON in, JSON out, over the real transport.
// Every message the server sends is also written to the protocol log, which the
// `protocol-messages` test validates against schemas/protocol afterwards.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "transport/sync_websocket.hpp"

namespace samen::test {

using namespace std::chrono_literals;

class ProtocolClient {
  public:
    /// Connects to ws://127.0.0.1:port/ws.
    explicit ProtocolClient(std::uint16_t port);

    /// hello with the token; returns the welcome (or the error).
    nlohmann::json hello(const std::string& token);
    void send(const nlohmann::json& msg);
    void send_text(std::string text);

    /// Sends a request with a fresh id and returns the reply with that id (other messages that
    /// arrive meanwhile are kept for next()).
    nlohmann::json request(nlohmann::json msg, std::chrono::milliseconds timeout = 20s);
    /// The next message (kept ones first); nullopt on close or timeout.
    std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = 20s);
    /// The next message of this type, keeping the others; nullopt on close or timeout.
    std::optional<nlohmann::json> next_of_type(const std::string& type,
                                               std::chrono::milliseconds timeout = 20s);
    /// The close code once the server closed the connection (waits up to `timeout`).
    std::optional<int> wait_closed(std::chrono::milliseconds timeout = 20s);

    /// Opens a document and returns the snapshot.
    nlohmann::json open(const std::string& doc);

  private:
    std::optional<nlohmann::json> receive(std::chrono::milliseconds timeout);

    transport::SyncWebSocket ws_;
    std::deque<nlohmann::json> kept_;
    std::optional<int> closed_;
    std::int64_t next_id_ = 1;
};

/// An `edit` request: `op` (an ot-text-unicode op as JSON) on one section layer, based on `base`
/// (a revision, or whatever JSON a test sends to see it refused).
nlohmann::json edit_request(const std::string& doc, const std::string& section,
                            const std::string& layer, nlohmann::json base, nlohmann::json op,
                            const std::string& opid);

/// Appends one server message to the protocol log (a JSONL file per test process).
void log_server_message(const std::string& text);

}  // namespace samen::test
