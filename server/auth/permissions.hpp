// Who may do what (docs/security.md). Pure functions of the user and the target, so the rooms check
// every message with them (through auth::refusal, the one place they are asked) and the tests can
// try every role against every layer.
//
// `layer` is "common" or a municipality's CBS code; `municipality` is a CBS code. A disabled
// user may do nothing. Whether the document includes the user's municipality is a separate check
// (can_read_document), made before any of the others.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/user.hpp"

namespace samen::auth {

inline constexpr std::string_view kCommonLayer = "common";

/// Everyone signed in reads every layer of the documents their municipality takes part in;
/// admins read all documents.
bool can_read_document(const User& user, const std::vector<std::string>& municipalities);
/// can_read_document, and an archived document is for admins only.
bool can_open(const User& user, const std::vector<std::string>& municipalities, bool archived);

/// Editors and coordinators: the common text and their own municipality's override. Admins: all.
bool can_edit_layer(const User& user, std::string_view layer);

/// Create an override of a section for `municipality` (editors and coordinators of it; admins).
bool can_diverge(const User& user, std::string_view municipality);
/// Drop an override of `municipality` (editors and coordinators of it; admins).
bool can_revert(const User& user, std::string_view municipality);

/// Coordinators of `municipality`, and admins.
bool can_omit(const User& user, std::string_view municipality);
bool can_rebase(const User& user, std::string_view municipality);
bool can_acknowledge(const User& user, std::string_view municipality);
bool can_vote(const User& user, std::string_view municipality);
/// Propose a common text on behalf of `municipality` (its coordinators; admins).
bool can_propose(const User& user, std::string_view municipality);
/// Choose and order `municipality`'s priorities (its coordinators; admins).
bool can_set_priorities(const User& user, std::string_view municipality);
/// Record `municipality`'s decision on its plan: its coordinators, and admins of that
/// municipality; an admin does not decide for another municipality.
bool can_record_adoption(const User& user, std::string_view municipality);
/// Name a revision of a document (coordinators; admins).
bool can_tag(const User& user);

/// Create, move, rename or delete a section. A common section (owner nullopt): any coordinator,
/// and admins. A local-only section: the coordinators of its owner, and admins.
bool can_change_tree(const User& user, std::optional<std::string_view> owner);

/// Users, municipalities and documents.
bool can_manage(const User& user);

}  // namespace samen::auth
