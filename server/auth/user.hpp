// Who a signed-in person is, for the permission checks of auth/permissions.hpp.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "model/document.hpp"
#include "store/repo.hpp"

namespace samen::auth {

enum class Role { viewer, editor, coordinator, admin };

std::string_view to_string(Role role);
/// "viewer", "editor", "coordinator" or "admin"; nullopt for anything else.
std::optional<Role> parse_role(std::string_view text);

struct User {
    std::int64_t id = 0;
    std::string name;
    std::string display_name;
    std::optional<std::string> municipality;  // CBS code; admins may have none
    Role role = Role::viewer;
    bool disabled = false;
    bool operator==(const User&) const = default;
};

/// Throws std::runtime_error for a role the schema would not have let in.
User to_user(const store::UserRecord& record);

/// The user as others see them: the author of a change, a cursor's name.
model::UserRef ref(const User& user);

/// The user as the protocol shows them to themselves (`welcome`, sign-in): the author's fields and
/// the role.
nlohmann::json to_json(const User& user);

/// The audit entry of something `user` did now from `address` (docs/security.md, "Audit").
store::AuditEntry audit_by(const User& user, std::string address, std::string action,
                           const nlohmann::json& detail);

}  // namespace samen::auth
