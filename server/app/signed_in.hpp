// The WebSocket sessions that are signed in, by user and by token: what bounds the connections of
// one user, and what revocation (a sign-out, a disabled user, a changed role, an expired or removed
// token) ends. Shared by all sessions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "net/application.hpp"

namespace samen::app {

/// What revocation can do to a signed-in session: end it with a close code and a last `error`.
class Revocable {
  public:
    virtual ~Revocable() = default;
    /// Sends `error {code: "unauthorized", message}`, stops handling requests and closes the
    /// connection with `why`. Any thread.
    virtual void end(net::CloseReason why, const std::string& message) = 0;
};

class SignedInSessions {
  public:
    struct Entry {
        std::uint64_t session = 0;
        std::int64_t user = 0;
        std::string token_hash;
        std::weak_ptr<Revocable> handle;
    };

    /// Counts the session unless its user has `max_per_user` signed in already.
    bool add(Entry entry, std::size_t max_per_user);
    void remove(std::uint64_t session);
    std::size_t count(std::int64_t user) const;

    /// Ends every session of the user, or of the token.
    void end_user(std::int64_t user, net::CloseReason why, const std::string& message);
    void end_token(const std::string& token_hash, net::CloseReason why, const std::string& message);

    /// Who and which tokens are signed in now, and a number that changes with every session added:
    /// what the revocation check reads.
    struct Snapshot {
        std::set<std::int64_t> users;
        std::set<std::string> tokens;
        std::uint64_t generation = 0;
    };
    Snapshot snapshot() const;

  private:
    void end_where(const std::function<bool(const Entry&)>& match, net::CloseReason why,
                   const std::string& message);

    mutable std::mutex mutex_;
    std::map<std::uint64_t, Entry> sessions_;
    std::map<std::int64_t, std::size_t> per_user_;
    std::uint64_t generation_ = 0;
};

}  // namespace samen::app
