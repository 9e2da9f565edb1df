// Protocol v1 building blocks shared by the server and the clients: error codes, and reading the
// fields of a message with a clear error for each way it can be wrong. schemas/protocol/ holds
// the authority on every message; docs/protocol.md explains it.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace samen::protocol {

inline constexpr int version = 1;

enum class ErrorCode {
    bad_request,
    unauthorized,
    forbidden,
    not_found,
    conflict,
    too_large,
    rate_limited,
    internal
};
std::string_view to_string(ErrorCode c) noexcept;
std::optional<ErrorCode> parse_error_code(std::string_view s) noexcept;

/// Thrown by message handlers; turned into an `error` reply at the edge.
class ProtocolError : public std::runtime_error {
  public:
    ProtocolError(ErrorCode code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    ErrorCode code() const noexcept { return code_; }

  private:
    ErrorCode code_;
};

/// The text of a message. Invalid UTF-8 (which only an error message quoting bad input can hold)
/// becomes U+FFFD instead of throwing.
std::string serialize(const nlohmann::json& msg);

/// `{"type":"batch","messages":[...]}`: several serialized messages as one, in order, each as it
/// would have gone alone (for a client whose hello asked for batches).
std::shared_ptr<const std::string> batch(
    const std::vector<std::shared_ptr<const std::string>>& messages);

/// `msg` with `"id": id` added, unless id is null (a request without an id gets a reply without).
nlohmann::json reply(nlohmann::json msg, const nlohmann::json& id);

/// `{"type":"error","id":...,"code":...,"message":...}`; `id` is left out when null.
nlohmann::json error(const nlohmann::json& id, ErrorCode code, std::string_view message);

/// The value as a non-negative whole number, or nullopt. JSON parsed from text holds one as an
/// unsigned number, a value built in code as a signed one: both count.
std::optional<std::uint64_t> whole_number(const nlohmann::json& v) noexcept;

// Field readers: each throws ProtocolError(bad_request, "<field> must be ...").
const std::string& string_field(const nlohmann::json& msg, const char* name);
std::uint64_t uint_field(const nlohmann::json& msg, const char* name);
std::optional<std::uint64_t> optional_uint_field(const nlohmann::json& msg, const char* name);
const nlohmann::json& field(const nlohmann::json& msg, const char* name);
/// The request id to echo: a string or an integer, or null when absent.
nlohmann::json request_id(const nlohmann::json& msg);

}  // namespace samen::protocol
