// Growing delays after failed sign-ins, per account and per address (docs/security.md,
// "Sign-in"): after `free_failures` failures in a row, each further failure makes the next
// attempt wait base_delay, 2 * base_delay, 4 * base_delay, ... up to max_delay. A refused attempt
// is answered before any password work and is not itself counted as a failure. A success starts
// the account's count again, not the address's: one account's right password must not wash out
// guesses at others from the same place.
//
// The account is the name as sent, whether or not a user has it: a name that does not exist is
// throttled like one that does, so the answer tells nothing about which names exist. The address
// is the client's IP address; an IPv6 address counts by its /64, which one subscriber usually
// holds whole.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace samen::app {

struct ThrottleOptions {
    /// Failures in a row before the first delay.
    unsigned free_failures = 5;
    /// The first delay; each further failure doubles it.
    std::chrono::seconds base_delay{1};
    /// No delay is longer. A count is forgotten once this long has passed after its delay ended.
    std::chrono::seconds max_delay{300};
    /// Accounts and addresses remembered at once; past it the one whose failure is oldest goes.
    std::size_t max_entries = 100'000;
};

/// Thread-safe: sign-ins are answered on several threads.
class SignInThrottle {
  public:
    using Clock = std::chrono::steady_clock;

    explicit SignInThrottle(ThrottleOptions options) : options_(options) {}

    struct Refusal {
        std::chrono::seconds retry_after;  // whole seconds, at least 1
        /// The first refusal since the delay began: the one worth a log line and a record.
        bool first = false;
        const char* because = "";  // "account" or "address" (the longer wait, when both)
    };

    /// Whether a sign-in as `name` from `address` must wait now. Counts nothing.
    std::optional<Refusal> check(std::string_view name, std::string_view address,
                                 Clock::time_point now);
    /// A failed sign-in (unknown name, wrong password, disabled user): counts for both.
    void failed(std::string_view name, std::string_view address, Clock::time_point now);
    /// A successful sign-in: the account's count starts again.
    void succeeded(std::string_view name);

    /// Accounts and addresses remembered.
    std::size_t size() const;

    /// The key an address is counted under: an IPv6 address by its /64, an IPv4-mapped one as
    /// IPv4; anything else as it is.
    static std::string address_key(std::string_view address);

  private:
    struct Entry {
        std::string key;
        unsigned failures = 0;
        Clock::time_point last_failure{};
        Clock::time_point blocked_until{};
        bool refused = false;  // an attempt was refused since the last failure
    };
    using Entries = std::list<Entry>;  // most recent failure first

    Entry* find(const std::string& key, Clock::time_point now);
    void count_failure(std::string key, Clock::time_point now);
    bool forgotten(const Entry& e, Clock::time_point now) const;
    void forget_old(Clock::time_point now);

    const ThrottleOptions options_;
    mutable std::mutex mutex_;
    Entries entries_;
    std::unordered_map<std::string, Entries::iterator> index_;
};

}  // namespace samen::app
