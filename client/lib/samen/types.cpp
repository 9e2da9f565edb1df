#include "samen/types.hpp"

#include <nlohmann/json.hpp>

namespace samen::client {

UserRef user_from_json(const nlohmann::json& j) {
    UserRef u;
    u.id = j.at("id").get<std::int64_t>();
    u.name = j.at("name").get<std::string>();
    u.display_name = j.value("display_name", std::string());
    if (auto m = j.find("municipality"); m != j.end() && m->is_string()) {
        u.municipality = m->get<std::string>();
    }
    u.role = j.value("role", std::string());
    return u;
}

Version version_from_json(const nlohmann::json& j) {
    Version v;
    v.rev = j.at("rev").get<Rev>();
    v.label = j.at("label").get<std::string>();
    if (auto a = j.find("author"); a != j.end() && a->is_object()) v.author = user_from_json(*a);
    v.created_at = j.value("created_at", std::string());
    return v;
}

}  // namespace samen::client
