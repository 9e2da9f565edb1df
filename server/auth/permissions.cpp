#include "auth/permissions.hpp"

#include <algorithm>

namespace samen::auth {

namespace {

bool active(const User& user) {
    return !user.disabled;
}

bool is_admin(const User& user) {
    return active(user) && user.role == Role::admin;
}

bool of(const User& user, std::string_view municipality) {
    return user.municipality.has_value() && *user.municipality == municipality;
}

// Editors and coordinators of `municipality`.
bool writer_of(const User& user, std::string_view municipality) {
    return active(user) && (user.role == Role::editor || user.role == Role::coordinator) &&
           of(user, municipality);
}

bool coordinator_of(const User& user, std::string_view municipality) {
    return active(user) && user.role == Role::coordinator && of(user, municipality);
}

}  // namespace

bool can_read_document(const User& user, const std::vector<std::string>& municipalities) {
    if (is_admin(user)) return true;
    return active(user) && user.municipality.has_value() &&
           std::find(municipalities.begin(), municipalities.end(), *user.municipality) !=
               municipalities.end();
}

bool can_open(const User& user, const std::vector<std::string>& municipalities, bool archived) {
    return can_read_document(user, municipalities) && (!archived || is_admin(user));
}

bool can_edit_layer(const User& user, std::string_view layer) {
    if (is_admin(user)) return true;
    if (!active(user) || (user.role != Role::editor && user.role != Role::coordinator)) {
        return false;
    }
    return layer == kCommonLayer || of(user, layer);
}

bool can_diverge(const User& user, std::string_view municipality) {
    return is_admin(user) || writer_of(user, municipality);
}

bool can_revert(const User& user, std::string_view municipality) {
    return is_admin(user) || writer_of(user, municipality);
}

bool can_propose(const User& user, std::string_view municipality) {
    return is_admin(user) || coordinator_of(user, municipality);
}

bool can_set_priorities(const User& user, std::string_view municipality) {
    return is_admin(user) || coordinator_of(user, municipality);
}

bool can_record_adoption(const User& user, std::string_view municipality) {
    return (is_admin(user) && of(user, municipality)) || coordinator_of(user, municipality);
}

bool can_tag(const User& user) {
    return is_admin(user) || (active(user) && user.role == Role::coordinator);
}

bool can_omit(const User& user, std::string_view municipality) {
    return is_admin(user) || coordinator_of(user, municipality);
}

bool can_rebase(const User& user, std::string_view municipality) {
    return is_admin(user) || coordinator_of(user, municipality);
}

bool can_acknowledge(const User& user, std::string_view municipality) {
    return is_admin(user) || coordinator_of(user, municipality);
}

bool can_vote(const User& user, std::string_view municipality) {
    return is_admin(user) || coordinator_of(user, municipality);
}

bool can_change_tree(const User& user, std::optional<std::string_view> owner) {
    if (is_admin(user)) return true;
    if (!owner) return active(user) && user.role == Role::coordinator;
    return coordinator_of(user, *owner);
}

bool can_manage(const User& user) {
    return is_admin(user);
}

}  // namespace samen::auth
