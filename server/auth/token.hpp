// Sign-in tokens: 32 random bytes, given to the client as base64url without padding, stored only
// as the hex SHA-256, so a copy of the data file signs nobody in.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/user.hpp"
#include "store/db.hpp"
#include "store/time.hpp"

namespace samen::auth {

inline constexpr std::chrono::seconds kTokenLifetime = std::chrono::hours(12);

struct IssuedToken {
    std::string token;       // what the client sends; never stored
    std::string expires_at;  // RFC 3339 UTC
};

/// 43 characters of base64url.
std::string new_token();
/// Hex SHA-256 of the token, as stored.
std::string token_hash(std::string_view token);

/// Creates and stores a token for the user.
IssuedToken issue_token(store::Db& db, std::int64_t user_id,
                        store::TimePoint now = store::Clock::now(),
                        std::chrono::seconds lifetime = kTokenLifetime);
/// The user of a token that exists, has not expired at `now`, and whose user is not disabled.
/// Malformed tokens simply fail.
std::optional<User> user_for_token(store::Db& db, std::string_view token,
                                   store::TimePoint now = store::Clock::now());
/// Signs out. False when the token was not stored.
bool revoke_token(store::Db& db, std::string_view token);

}  // namespace samen::auth
