// The users as the server knows them now. Every request is authorized against the entry here at
// the moment it is handled, never against a copy taken at sign-in: what changes a user (sign-in
// reading the data file, administration) updates the entry, and the next request sees it.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <unordered_map>

#include "auth/user.hpp"

namespace samen::auth {

class UserDirectory {
  public:
    /// The user now; null when the server does not know them (never signed in since start).
    std::shared_ptr<const User> find(std::int64_t id) const;
    /// Records what the data file says of a user now.
    void put(User user);

  private:
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::int64_t, std::shared_ptr<const User>> users_;
};

}  // namespace samen::auth
