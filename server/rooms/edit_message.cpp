#include "rooms/edit_message.hpp"

#include "ot/json.hpp"
#include "protocol/json_text.hpp"

namespace samen::rooms {

namespace p = protocol;

nlohmann::json edit_message(std::string_view doc, const AppliedEdit& e,
                            const nlohmann::json& author, const std::vector<std::string>* stale) {
    nlohmann::json msg = {{"type", "edit"},          {"doc", doc},           {"rev", e.rev},
                          {"author", author},        {"section", e.section}, {"layer", e.layer},
                          {"op", ot::to_json(e.op)}, {"opid", e.opid}};
    if (stale) msg["stale"] = *stale;
    return msg;
}

std::string edit_message_text(std::string_view doc, const AppliedEdit& e,
                              std::string_view author_json, const std::vector<std::string>* stale) {
    // The keys in the order a JSON object keeps them (sorted), as serialize() writes them.
    std::string out;
    out.reserve(160 + author_json.size() + e.section.size() + e.opid.size());
    out += R"({"author":)";
    out += author_json;
    out += R"(,"doc":)";
    p::append_json_string(out, doc);
    out += R"(,"layer":)";
    p::append_json_string(out, e.layer);
    out += R"(,"op":)";
    p::append_json_op(out, e.op);
    out += R"(,"opid":)";
    p::append_json_string(out, e.opid);
    out += R"(,"rev":)";
    p::append_json_number(out, std::uint64_t{e.rev});
    out += R"(,"section":)";
    p::append_json_string(out, e.section);
    if (stale) {
        out += R"(,"stale":[)";
        for (std::size_t i = 0; i < stale->size(); ++i) {
            if (i > 0) out += ',';
            p::append_json_string(out, (*stale)[i]);
        }
        out += ']';
    }
    out += R"(,"type":"edit"})";
    return out;
}

}  // namespace samen::rooms
