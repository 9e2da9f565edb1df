// The inbox (docs/protocol.md, `inbox`): what needs a user over every document they may open —
// their municipality's local versions that fell behind, the open proposals waiting for its vote,
// and what others changed since the user last had the document open.
#pragma once

#include <nlohmann/json.hpp>

#include "auth/user.hpp"
#include "store/db.hpp"

namespace samen::app {

/// At most this many items in one inbox; `more` says when some were left out.
inline constexpr std::size_t max_inbox_items = 200;
/// Sections and authors named per "changes" item.
inline constexpr std::int64_t max_inbox_names = 10;

/// The `inbox` message for `user`, read from the store as it is committed.
nlohmann::json inbox_message(store::Db& db, const auth::User& user);

}  // namespace samen::app
