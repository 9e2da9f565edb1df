#include "app/signed_in.hpp"

namespace samen::app {

bool SignedInSessions::add(Entry entry, std::size_t max_per_user) {
    std::lock_guard lock(mutex_);
    std::size_t& n = per_user_[entry.user];
    if (n >= max_per_user) {
        if (n == 0) per_user_.erase(entry.user);
        return false;
    }
    ++n;
    ++generation_;
    sessions_[entry.session] = std::move(entry);
    return true;
}

void SignedInSessions::remove(std::uint64_t session) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    auto user = per_user_.find(it->second.user);
    if (user != per_user_.end() && --user->second == 0) per_user_.erase(user);
    sessions_.erase(it);
}

std::size_t SignedInSessions::count(std::int64_t user) const {
    std::lock_guard lock(mutex_);
    auto it = per_user_.find(user);
    return it == per_user_.end() ? 0 : it->second;
}

void SignedInSessions::end_user(std::int64_t user, net::CloseReason why,
                                const std::string& message) {
    end_where([user](const Entry& e) { return e.user == user; }, why, message);
}

void SignedInSessions::end_token(const std::string& token_hash, net::CloseReason why,
                                 const std::string& message) {
    end_where([&](const Entry& e) { return e.token_hash == token_hash; }, why, message);
}

void SignedInSessions::end_where(const std::function<bool(const Entry&)>& match,
                                 net::CloseReason why, const std::string& message) {
    std::vector<std::shared_ptr<Revocable>> ending;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [session, entry] : sessions_) {
            if (!match(entry)) continue;
            if (auto handle = entry.handle.lock()) ending.push_back(std::move(handle));
        }
    }
    // Outside the mutex: a session that ends removes itself.
    for (const auto& session : ending) session->end(why, message);
}

SignedInSessions::Snapshot SignedInSessions::snapshot() const {
    std::lock_guard lock(mutex_);
    Snapshot s;
    for (const auto& [session, entry] : sessions_) {
        s.users.insert(entry.user);
        s.tokens.insert(entry.token_hash);
    }
    s.generation = generation_;
    return s;
}

}  // namespace samen::app
