#include "app/auth_watch.hpp"

#include <boost/asio/post.hpp>

#include "log/log.hpp"
#include "store/store.hpp"
#include "store/time.hpp"

namespace samen::app {

namespace asio = boost::asio;

AuthWatch::AuthWatch(asio::io_context& ioc, store::Store& store, auth::UserDirectory& users,
                     std::shared_ptr<SignedInSessions> signed_in,
                     std::chrono::milliseconds interval)
    : strand_(asio::make_strand(ioc)),
      timer_(strand_),
      store_(store),
      users_(users),
      signed_in_(std::move(signed_in)),
      interval_(interval) {}

void AuthWatch::start() {
    asio::post(strand_, [self = shared_from_this()] { self->schedule(); });
}

void AuthWatch::stop() {
    asio::post(strand_, [self = shared_from_this()] {
        self->stopped_ = true;
        self->timer_.cancel();
    });
}

void AuthWatch::schedule() {
    if (stopped_) return;
    timer_.expires_after(interval_);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) self->check();
    });
}

void AuthWatch::check() {
    SignedInSessions::Snapshot signed_in = signed_in_->snapshot();
    if (signed_in.users.empty()) {
        generation_ = signed_in.generation;
        return schedule();
    }
    const bool new_sessions = signed_in.generation != generation_;
    auto work = [known = epoch_, new_sessions, signed_in](store::Db& db) {
        Reading r;
        r.epoch = store::auth_epoch(db);
        if (known && *known == r.epoch && !new_sessions) return r;
        r.full = true;
        for (std::int64_t id : signed_in.users) r.users[id] = store::find_user(db, id);
        const std::string now = store::now_string();
        for (const auto& hash : signed_in.tokens) {
            if (!store::find_token(db, hash, now)) r.gone_tokens.push_back(hash);
        }
        return r;
    };
    auto done = [self = shared_from_this(), generation = signed_in.generation](
                    std::exception_ptr error, Reading reading) {
        asio::post(self->strand_, [self, generation, error, reading = std::move(reading)] {
            if (error) {
                log_line("auth watch: reading users and tokens failed; trying again");
            } else {
                self->epoch_ = reading.epoch;
                self->generation_ = generation;
                self->apply(reading);
            }
            self->schedule();
        });
    };
    try {
        // Only reads: on a reader thread, never in the way of the commits.
        store_.query(std::move(work), std::move(done), store::Queue::readers);
    } catch (const std::exception&) {
        schedule();  // the store takes no more work now: look again later
    }
}

void AuthWatch::apply(const Reading& reading) {
    if (!reading.full) return;
    for (const auto& [id, record] : reading.users) {
        std::shared_ptr<const auth::User> before = users_.find(id);
        if (!record || record->disabled) {
            if (before) {
                auth::User disabled = *before;
                disabled.disabled = true;
                users_.put(disabled);
            }
            signed_in_->end_user(id, net::CloseReason::policy, "your account was disabled");
            continue;
        }
        auth::User now = auth::to_user(*record);
        users_.put(now);
        if (before && (before->role != now.role || before->municipality != now.municipality)) {
            // Its requests are refused by the new rights already; the client signs in again to
            // learn them.
            signed_in_->end_user(id, net::CloseReason::rights_changed,
                                 "your role or municipality changed: connect again");
        }
    }
    for (const auto& hash : reading.gone_tokens) {
        signed_in_->end_token(hash, net::CloseReason::policy, "you were signed out: sign in again");
    }
}

}  // namespace samen::app
