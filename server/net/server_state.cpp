#include "net/server_state.hpp"

#include <cstdio>
#include <utility>
#include <vector>

namespace samen::net {

LiveConnection::LiveConnection(ServerState& state) : state_(&state) {
    ++state_->open_connections_;
    ++state_->stats_.connections_total;
}

LiveConnection::LiveConnection(LiveConnection&& other) noexcept
    : state_(std::exchange(other.state_, nullptr)) {}

LiveConnection::~LiveConnection() {
    if (state_ != nullptr) --state_->open_connections_;
}

ServerState::ServerState(ServerOptions options, std::shared_ptr<Application> app)
    : options_(std::move(options)), app_(std::move(app)) {}

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
