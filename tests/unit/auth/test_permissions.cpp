#include <catch2/catch.hpp>

#include "auth/permissions.hpp"

using namespace samen::auth;

namespace {

User make(Role role, std::optional<std::string> municipality = "GM0166", bool disabled = false) {
    return User{1, "u", "U", std::move(municipality), role, disabled};
}

const char* kOwn = "GM0166";    // Kampen, the user's municipality
const char* kOther = "GM0180";  // Staphorst

}  // namespace

TEST_CASE("Roles parse and print", "[auth][permissions]") {
    for (Role r : {Role::viewer, Role::editor, Role::coordinator, Role::admin}) {
        CHECK(parse_role(to_string(r)) == r);
    }
    CHECK_FALSE(parse_role("Admin"));
    CHECK_FALSE(parse_role(""));
    CHECK_FALSE(parse_role("root"));
}

TEST_CASE("Every role against every layer", "[auth][permissions]") {
    struct Row {
        const char* who;
        User user;
        // common, own, other
        bool edit[3];
        bool diverge_revert[2];  // own, other
        bool coordinate[2];      // omit/rebase/acknowledge/propose/vote: own, other
    };
    const Row rows[] = {
        {"viewer", make(Role::viewer), {false, false, false}, {false, false}, {false, false}},
        {"editor", make(Role::editor), {true, true, false}, {true, false}, {false, false}},
        {"coordinator", make(Role::coordinator), {true, true, false}, {true, false}, {true, false}},
        {"admin", make(Role::admin), {true, true, true}, {true, true}, {true, true}},
        {"admin without municipality",
         make(Role::admin, std::nullopt),
         {true, true, true},
         {true, true},
         {true, true}},
        {"editor without municipality",
         make(Role::editor, std::nullopt),
         {true, false, false},
         {false, false},
         {false, false}},
        {"disabled coordinator",
         make(Role::coordinator, kOwn, true),
         {false, false, false},
         {false, false},
         {false, false}},
        {"disabled admin",
         make(Role::admin, std::nullopt, true),
         {false, false, false},
         {false, false},
         {false, false}},
    };
    for (const auto& row : rows) {
        INFO(row.who);
        const User& u = row.user;
        CHECK(can_edit_layer(u, "common") == row.edit[0]);
        CHECK(can_edit_layer(u, kOwn) == row.edit[1]);
        CHECK(can_edit_layer(u, kOther) == row.edit[2]);
        const char* targets[2] = {kOwn, kOther};
        for (int i = 0; i < 2; ++i) {
            INFO("municipality " << targets[i]);
            CHECK(can_diverge(u, targets[i]) == row.diverge_revert[i]);
            CHECK(can_revert(u, targets[i]) == row.diverge_revert[i]);
            CHECK(can_propose(u, targets[i]) == row.coordinate[i]);
            CHECK(can_omit(u, targets[i]) == row.coordinate[i]);
            CHECK(can_rebase(u, targets[i]) == row.coordinate[i]);
            CHECK(can_acknowledge(u, targets[i]) == row.coordinate[i]);
            CHECK(can_vote(u, targets[i]) == row.coordinate[i]);
        }
        // Naming a version: a coordinator's or an admin's.
        CHECK(can_tag(u) == row.coordinate[0]);
        // "common" is no municipality: nobody but an admin diverges or omits it.
        CHECK(can_diverge(u, "common") == can_manage(u));
        CHECK(can_omit(u, "common") == can_manage(u));
        // A layer name that is neither common nor a code is nobody's but an admin's.
        CHECK(can_edit_layer(u, "") == can_manage(u));
    }
}

TEST_CASE("Section tree, management and reading", "[auth][permissions]") {
    const std::vector<std::string> ijsselland = {"GM1708", "GM1896", "GM0180", "GM0166"};
    const std::vector<std::string> others = {"GM0180"};
    struct Row {
        const char* who;
        User user;
        bool tree_common, tree_own, tree_other, manage, read_ours, read_theirs;
    };
    const Row rows[] = {
        {"viewer", make(Role::viewer), false, false, false, false, true, false},
        {"editor", make(Role::editor), false, false, false, false, true, false},
        {"coordinator", make(Role::coordinator), true, true, false, false, true, false},
        {"admin", make(Role::admin, std::nullopt), true, true, true, true, true, true},
        {"viewer without municipality", make(Role::viewer, std::nullopt), false, false, false,
         false, false, false},
        {"disabled viewer", make(Role::viewer, kOwn, true), false, false, false, false, false,
         false},
    };
    for (const auto& row : rows) {
        INFO(row.who);
        CHECK(can_change_tree(row.user, std::nullopt) == row.tree_common);
        CHECK(can_change_tree(row.user, kOwn) == row.tree_own);
        CHECK(can_change_tree(row.user, kOther) == row.tree_other);
        CHECK(can_manage(row.user) == row.manage);
        CHECK(can_read_document(row.user, ijsselland) == row.read_ours);
        CHECK(can_read_document(row.user, others) == row.read_theirs);
    }
}
