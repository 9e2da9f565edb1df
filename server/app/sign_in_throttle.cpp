#include "app/sign_in_throttle.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

namespace samen::app {

namespace {

const std::string account_prefix = "account ";
const std::string address_prefix = "address ";

}  // namespace

std::string SignInThrottle::address_key(std::string_view address) {
    boost::system::error_code ec;
    auto ip = boost::asio::ip::make_address(std::string(address), ec);
    if (ec || !ip.is_v6()) return std::string(address);
    auto v6 = ip.to_v6();
    if (v6.is_v4_mapped()) {
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
    }
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

bool SignInThrottle::forgotten(const Entry& e, Clock::time_point now) const {
    return now >= std::max(e.last_failure, e.blocked_until) + options_.max_delay;
}

void SignInThrottle::forget_old(Clock::time_point now) {
    while (!entries_.empty() && forgotten(entries_.back(), now)) {
        index_.erase(entries_.back().key);
        entries_.pop_back();
    }
}

SignInThrottle::Entry* SignInThrottle::find(const std::string& key, Clock::time_point now) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    if (forgotten(*it->second, now)) {
        entries_.erase(it->second);
        index_.erase(it);
        return nullptr;
    }
    return &*it->second;
}

std::optional<SignInThrottle::Refusal> SignInThrottle::check(std::string_view name,
                                                             std::string_view address,
                                                             Clock::time_point now) {
    std::lock_guard lock(mutex_);
    forget_old(now);
    std::optional<Refusal> refusal;
    Clock::duration longest{0};
    for (const auto& [key, because] :
         {std::pair{account_prefix + std::string(name), "account"},
          std::pair{address_prefix + address_key(address), "address"}}) {
        Entry* e = find(key, now);
        if (!e || e->blocked_until <= now) continue;
        if (!refusal) refusal.emplace();
        refusal->first = refusal->first || !e->refused;
        e->refused = true;
        if (e->blocked_until - now > longest) {
            longest = e->blocked_until - now;
            refusal->because = because;
        }
    }
    if (refusal) {
        auto seconds = std::chrono::ceil<std::chrono::seconds>(longest);
        refusal->retry_after = std::max(seconds, std::chrono::seconds(1));
    }
    return refusal;
}

void SignInThrottle::count_failure(std::string key, Clock::time_point now) {
    auto it = index_.find(key);
    if (it != index_.end() && forgotten(*it->second, now)) {
        entries_.erase(it->second);
        index_.erase(it);
        it = index_.end();
    }
    if (it == index_.end()) {
        if (!entries_.empty() && index_.size() >= options_.max_entries) {
            index_.erase(entries_.back().key);
            entries_.pop_back();
        }
        entries_.push_front(Entry{key});
        it = index_.emplace(std::move(key), entries_.begin()).first;
    } else {
        entries_.splice(entries_.begin(), entries_, it->second);
    }
    Entry& e = *it->second;
    ++e.failures;
    e.last_failure = now;
    e.refused = false;
    if (e.failures < options_.free_failures) return;
    // base * 2^(failures - free_failures), capped: no shift past what the cap needs.
    auto delay = std::chrono::duration_cast<Clock::duration>(options_.base_delay);
    const auto cap = std::chrono::duration_cast<Clock::duration>(options_.max_delay);
    for (unsigned k = options_.free_failures; k < e.failures && delay < cap; ++k) delay *= 2;
    e.blocked_until = now + std::min(delay, cap);
}

void SignInThrottle::failed(std::string_view name, std::string_view address,
                            Clock::time_point now) {
    std::lock_guard lock(mutex_);
    forget_old(now);
    count_failure(account_prefix + std::string(name), now);
    count_failure(address_prefix + address_key(address), now);
}

void SignInThrottle::succeeded(std::string_view name) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(account_prefix + std::string(name));
    if (it == index_.end()) return;
    entries_.erase(it->second);
    index_.erase(it);
}

std::size_t SignInThrottle::size() const {
    std::lock_guard lock(mutex_);
    return index_.size();
}

}  // namespace samen::app
