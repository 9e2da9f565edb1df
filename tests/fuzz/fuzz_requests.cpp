// The protocol's edge: a WebSocket text frame becomes JSON (nlohmann::json::parse, which may only
// throw its parse_error, or out_of_range 406 for a number past a double), then a typed request
// (protocol::parse_request, which may only throw ProtocolError(bad_request) or ot::OpError), as
// ClientSession::handle does it. A request that parses keeps what the schemas promise: its type and
// document are the message's, its names and titles are within the limits, an edit's op is valid;
// the error reply of one that does not can always be sent.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "fuzz_check.hpp"
#include "ot/json.hpp"
#include "ot/text.hpp"
#include "protocol/limits.hpp"
#include "protocol/protocol.hpp"
#include "protocol/requests.hpp"

namespace {

namespace p = samen::protocol;
namespace ot = samen::ot;
using nlohmann::json;
using samen::fuzz::require;

bool is_name(const std::string& s) {
    return !s.empty() && s.size() <= p::limits::max_name_bytes;
}

/// The error reply the server would send: it must serialize whatever the message quoted.
void check_error_reply(const json& id, p::ErrorCode code, const char* what) {
    const std::string text = p::serialize(p::error(id, code, what));
    require(json::accept(text), "an error reply is not valid JSON", text);
}

void check_document_request(const json& msg, const p::DocumentRequest& request) {
    require(p::type_name(request) == msg.at("type").get_ref<const std::string&>(),
            "type_name is not the message's type");
    require(p::document_of(request) == msg.at("doc").get_ref<const std::string&>(),
            "document_of is not the message's doc");
    p::is_read(request);
    std::visit(
        [&](const auto& r) {
            if constexpr (requires { r.section.size(); }) {
                require(is_name(r.section), "a section id outside the name limits");
            }
            if constexpr (requires { r.layer.size(); }) {
                require(is_name(r.layer), "a layer outside the name limits");
            }
            if constexpr (requires { r.title.size(); }) {
                require(p::valid_title(r.title), "a title that valid_title refuses");
            }
            if constexpr (requires { r.position; }) {
                require(r.position >= 0 &&
                            static_cast<std::uint64_t>(r.position) <= p::limits::max_position,
                        "a position past max_position");
            }
            if constexpr (std::is_same_v<std::decay_t<decltype(r)>, p::Edit>) {
                require(!r.op.empty(), "an edit without a change");
                ot::check(r.op);
                require(ot::op_from_json(ot::to_json(r.op)) == r.op, "an edit's op round trip");
                require(is_name(r.opid), "an opid outside the name limits");
            }
            if constexpr (std::is_same_v<std::decay_t<decltype(r)>, p::Vote>) {
                require(r.proposal >= 0 &&
                            static_cast<std::uint64_t>(r.proposal) <= p::limits::max_proposal_id,
                        "a proposal id past max_proposal_id");
            }
            if constexpr (std::is_same_v<std::decay_t<decltype(r)>, p::Tag>) {
                require(!r.label.empty() && r.label.size() <= p::limits::max_label_bytes,
                        "a label outside its limits");
            }
        },
        request);
}

void check_request(const json& msg, const p::Request& request) {
    std::visit(
        p::overloaded{[&](const p::Hello&) { require(msg.at("type") == "hello", "hello's type"); },
                      [&](const p::List&) { require(msg.at("type") == "list", "list's type"); },
                      [&](const p::Inbox&) { require(msg.at("type") == "inbox", "inbox's type"); },
                      [&](const p::Ping&) { require(msg.at("type") == "ping", "ping's type"); },
                      [&](const p::DocumentCreate& r) {
                          require(msg.at("type") == "document.create", "document.create's type");
                          require(!r.doc.empty() && r.doc.size() <= p::limits::max_doc_id_bytes,
                                  "a document id outside its limits");
                          require(p::valid_title(r.title), "a document title valid_title refuses");
                          require(!r.municipalities.empty() &&
                                      r.municipalities.size() <= p::limits::max_municipalities,
                                  "a document with no or too many municipalities");
                          require(!(r.template_doc && r.markdown), "both a template and Markdown");
                      },
                      [&](const p::DocumentRequest& r) { check_document_request(msg, r); }},
        request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    json msg;
    try {
        msg = json::parse(text);
    } catch (const json::parse_error& e) {
        check_error_reply(json(), p::ErrorCode::bad_request, e.what());
        return 0;
    } catch (const json::out_of_range& e) {
        // Documented too: a number too large for a double (406). ClientSession catches both.
        require(e.id == 406, "json::parse threw out_of_range other than 406", e.what());
        check_error_reply(json(), p::ErrorCode::bad_request, e.what());
        return 0;
    }
    const json id = msg.is_object() ? p::request_id(msg) : json();
    require(id.is_null() || id.is_string() || id.is_number_integer(), "a request id of a bad type");
    std::optional<p::Request> request;
    try {
        request = p::parse_request(msg);
    } catch (const p::ProtocolError& e) {
        require(e.code() == p::ErrorCode::bad_request, "parse_request refused with another code",
                e.what());
        check_error_reply(id, e.code(), e.what());
        return 0;
    } catch (const ot::OpError& e) {
        check_error_reply(id, p::ErrorCode::bad_request, e.what());
        return 0;
    }
    check_request(msg, *request);
    // The same message as the server logs it or a client sends it again parses the same way.
    const p::Request again = p::parse_request(json::parse(p::serialize(msg)));
    require(again.index() == request->index(), "a request parses differently after a dump");
    return 0;
}
