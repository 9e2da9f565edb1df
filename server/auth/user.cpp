#include "auth/user.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "store/time.hpp"

namespace samen::auth {

std::string_view to_string(Role role) {
    switch (role) {
        case Role::viewer:
            return "viewer";
        case Role::editor:
            return "editor";
        case Role::coordinator:
            return "coordinator";
        case Role::admin:
            return "admin";
    }
    return "viewer";
}

std::optional<Role> parse_role(std::string_view text) {
    for (Role r : {Role::viewer, Role::editor, Role::coordinator, Role::admin}) {
        if (to_string(r) == text) return r;
    }
    return std::nullopt;
}

User to_user(const store::UserRecord& record) {
    auto role = parse_role(record.role);
    if (!role) throw std::runtime_error("user " + record.name + " has unknown role " + record.role);
    return User{record.id,           record.name, record.display_name,
                record.municipality, *role,       record.disabled};
}

model::UserRef ref(const User& user) {
    return {user.id, user.name, user.display_name, user.municipality};
}

nlohmann::json to_json(const User& user) {
    nlohmann::json j = model::to_json(ref(user));
    j["role"] = to_string(user.role);
    return j;
}

store::AuditEntry audit_by(const User& user, std::string address, std::string action,
                           const nlohmann::json& detail) {
    return {0,
            store::now_string(),
            user.id,
            user.name,
            std::move(address),
            std::move(action),
            detail.is_null()
                ? "{}"
                : detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace samen::auth
