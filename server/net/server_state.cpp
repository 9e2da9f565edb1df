#include "net/server_state.hpp"

#include <cstdio>
#include <utility>
#include <vector>

namespace samen::net {

LiveConnection::LiveConnection(ServerState& state, std::string address)
    : state_(&state), address_(std::move(address)) {}

LiveConnection::LiveConnection(LiveConnection&& other) noexcept
    : state_(std::exchange(other.state_, nullptr)),
      address_(std::move(other.address_)),
      unauthenticated_(other.unauthenticated_) {}

LiveConnection::~LiveConnection() {
    if (state_ != nullptr) state_->release(address_, unauthenticated_, true);
}

void LiveConnection::signed_in() {
    if (state_ == nullptr || !unauthenticated_) return;
    unauthenticated_ = false;
    state_->release(address_, true, false);
}

ServerState::ServerState(ServerOptions options, std::shared_ptr<Application> app)
    : options_(std::move(options)), app_(std::move(app)) {
    stats_.connections_max = options_.max_connections;
}

Admission ServerState::admit(const std::string& address) {
    ++stats_.connections_total;
    std::lock_guard lock(admission_mutex_);
    const std::size_t most = options_.max_connections;
    if (most != 0 && stats_.connections_open.load() >= most) {
        ++stats_.refused_over_capacity;
        return {std::nullopt, "the server holds as many connections as it may (" +
                                  std::to_string(most) + "): try again later"};
    }
    const std::size_t per_address = options_.max_unauthenticated_per_address;
    if (per_address != 0) {
        auto found = unauthenticated_by_address_.find(address);
        if (found != unauthenticated_by_address_.end() && found->second >= per_address) {
            ++stats_.refused_per_address;
            return {std::nullopt, "your address has " + std::to_string(per_address) +
                                      " connections that have not signed in: sign in on one, or "
                                      "close one, and try again"};
        }
        ++unauthenticated_by_address_[address];
    }
    ++stats_.connections_open;
    ++stats_.connections_unauthenticated;
    return {LiveConnection(*this, address), {}};
}

void ServerState::release(const std::string& address, bool unauthenticated, bool open) {
    std::lock_guard lock(admission_mutex_);
    if (unauthenticated) {
        --stats_.connections_unauthenticated;
        auto found = unauthenticated_by_address_.find(address);
        if (found != unauthenticated_by_address_.end() && --found->second == 0) {
            unauthenticated_by_address_.erase(found);
        }
    }
    if (open) --stats_.connections_open;
}

bool ServerState::begin_refusal() {
    if (++refusals_ <= options_.max_refusals) return true;
    --refusals_;
    return false;
}

void ServerState::end_refusal() {
    --refusals_;
}

bool ServerState::may_log(std::chrono::steady_clock::duration every) {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto last = last_log_.load();
    if (last != 0 && now - last < every.count()) return false;
    return last_log_.compare_exchange_strong(last, now);
}

std::uint64_t ServerState::enroll(std::weak_ptr<Closable> session) {
    std::lock_guard lock(mutex_);
    const auto key = ++next_key_;
    sessions_.emplace(key, std::move(session));
    return key;
}

void ServerState::withdraw(std::uint64_t key) {
    std::lock_guard lock(mutex_);
    sessions_.erase(key);
}

void ServerState::close_all(CloseReason why) {
    std::vector<std::weak_ptr<Closable>> sessions;
    {
        std::lock_guard lock(mutex_);
        sessions.reserve(sessions_.size());
        for (const auto& [key, session] : sessions_) sessions.push_back(session);
    }
    // Locked outside the mutex: a session's destructor withdraws itself and takes the mutex.
    for (const auto& weak : sessions)
        if (auto session = weak.lock()) session->close(why);
}

std::string_view close_text(CloseReason why) {
    switch (why) {
        case CloseReason::normal:
            return "normal closure";
        case CloseReason::going_away:
            return "server going away";
        case CloseReason::policy:
            return "policy violation";
        case CloseReason::too_slow:
            return "client too slow";
        case CloseReason::idle_timeout:
            return "idle timeout";
        case CloseReason::rights_changed:
            return "rights changed";
    }
    return "internal error";
}

}  // namespace samen::net
