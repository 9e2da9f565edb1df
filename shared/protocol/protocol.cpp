#include "protocol/protocol.hpp"

#include <array>
#include <utility>

#include "protocol/limits.hpp"

namespace samen::protocol {
namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 8> error_names{{
    {ErrorCode::bad_request, "bad_request"},
    {ErrorCode::unauthorized, "unauthorized"},
    {ErrorCode::forbidden, "forbidden"},
    {ErrorCode::not_found, "not_found"},
    {ErrorCode::conflict, "conflict"},
    {ErrorCode::too_large, "too_large"},
    {ErrorCode::rate_limited, "rate_limited"},
    {ErrorCode::internal, "internal"},
}};

[[noreturn]] void bad(const char* name, const char* what) {
    throw ProtocolError(ErrorCode::bad_request, std::string("\"") + name + "\" " + what);
}

}  // namespace

std::string_view to_string(ErrorCode c) noexcept {
    for (const auto& [code, name] : error_names) {
        if (code == c) return name;
    }
    return "internal";
}

std::optional<ErrorCode> parse_error_code(std::string_view s) noexcept {
    for (const auto& [code, name] : error_names) {
        if (name == s) return code;
    }
    return std::nullopt;
}

std::string serialize(const nlohmann::json& msg) {
    return msg.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::shared_ptr<const std::string> batch(
    const std::vector<std::shared_ptr<const std::string>>& messages) {
    constexpr std::string_view head = R"({"type":"batch","messages":[)";
    std::size_t size = head.size() + 2 + messages.size();
    for (const auto& m : messages) size += m->size();
    std::string out;
    out.reserve(size);
    out += head;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (i > 0) out += ',';
        out += *messages[i];
    }
    out += "]}";
    return std::make_shared<const std::string>(std::move(out));
}

nlohmann::json reply(nlohmann::json msg, const nlohmann::json& id) {
    if (!id.is_null()) msg["id"] = id;
    return msg;
}

nlohmann::json error(const nlohmann::json& id, ErrorCode code, std::string_view message) {
    return reply({{"type", "error"}, {"code", to_string(code)}, {"message", message}}, id);
}

const nlohmann::json& field(const nlohmann::json& msg, const char* name) {
    auto it = msg.find(name);
    if (it == msg.end()) bad(name, "is missing");
    return *it;
}

const std::string& string_field(const nlohmann::json& msg, const char* name) {
    const auto& v = field(msg, name);
    if (!v.is_string()) bad(name, "must be a string");
    return v.get_ref<const std::string&>();
}

std::optional<std::uint64_t> whole_number(const nlohmann::json& v) noexcept {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
        return static_cast<std::uint64_t>(v.get<std::int64_t>());
    }
    return std::nullopt;
}

std::uint64_t uint_field(const nlohmann::json& msg, const char* name) {
    if (auto n = whole_number(field(msg, name))) return *n;
    bad(name, "must be a non-negative whole number");
}

std::optional<std::uint64_t> optional_uint_field(const nlohmann::json& msg, const char* name) {
    if (!msg.contains(name) || msg[name].is_null()) return std::nullopt;
    return uint_field(msg, name);
}

nlohmann::json request_id(const nlohmann::json& msg) {
    auto it = msg.find("id");
    if (it == msg.end()) return nullptr;
    if (it->is_string() && it->get_ref<const std::string&>().size() <= limits::max_request_id_bytes)
        return *it;
    if (it->is_number_integer()) return *it;
    return nullptr;
}

}  // namespace samen::protocol
