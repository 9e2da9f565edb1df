// Revocation that does not come with a request: a user disabled, demoted, moved to another
// municipality or given a new password by `samen-server user ...` (possibly in another process),
// or a token removed. Every `interval` the watch reads a counter that every such change moves
// (store::auth_epoch, kept by triggers); only when it moved, or sessions signed in since the last
// look, does it read the records of the signed-in users and tokens, update the user directory and
// end the sessions whose sign-in no longer holds (docs/security.md, "Revocation").
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/signed_in.hpp"
#include "auth/directory.hpp"
#include "store/repo.hpp"

namespace samen::store {
class Store;
}

namespace samen::app {

class AuthWatch : public std::enable_shared_from_this<AuthWatch> {
  public:
    AuthWatch(boost::asio::io_context& ioc, store::Store& store, auth::UserDirectory& users,
              std::shared_ptr<SignedInSessions> signed_in, std::chrono::milliseconds interval);

    void start();
    void stop();

  private:
    /// What the data file says now of the signed-in users and tokens.
    struct Reading {
        std::int64_t epoch = 0;
        bool full = false;  // users and tokens were read (the epoch or the sessions changed)
        std::map<std::int64_t, std::optional<store::UserRecord>> users;
        std::vector<std::string> gone_tokens;  // removed or expired
    };

    void schedule();
    void check();
    void apply(const Reading& reading);

    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::steady_timer timer_;
    store::Store& store_;
    auth::UserDirectory& users_;
    std::shared_ptr<SignedInSessions> signed_in_;
    std::chrono::milliseconds interval_;
    std::optional<std::int64_t> epoch_;
    std::uint64_t generation_ = 0;
    bool stopped_ = false;
};

}  // namespace samen::app
