#include "auth/directory.hpp"

#include <mutex>

namespace samen::auth {

std::shared_ptr<const User> UserDirectory::find(std::int64_t id) const {
    std::shared_lock lock(mutex_);
    auto it = users_.find(id);
    return it == users_.end() ? nullptr : it->second;
}

void UserDirectory::put(User user) {
    auto entry = std::make_shared<const User>(std::move(user));
    std::unique_lock lock(mutex_);
    users_[entry->id] = std::move(entry);
}

}  // namespace samen::auth
