// Who may make which request: the one place a right is checked. Every request, reads as much as
// writes, is put to `refusal` with the user as the server knows them at that moment
// (auth::UserDirectory) and the document as it stands; no handler re-states a rule. The rules
// themselves are the pure functions of auth/permissions.hpp.
#pragma once

#include <optional>
#include <string>

#include "auth/user.hpp"
#include "model/document.hpp"
#include "protocol/protocol.hpp"
#include "protocol/requests.hpp"

namespace samen::auth {

struct Refusal {
    protocol::ErrorCode code;
    std::string message;
};

/// Why `user` may not make `request` on `doc` (null for a request about no document), or nullopt
/// when they may. A target the document does not have (a section, a proposal, a municipality) is
/// not refused here: the handler answers not_found for it.
std::optional<Refusal> refusal(const User& user, const model::Document* doc,
                               const protocol::Request& request);

}  // namespace samen::auth
