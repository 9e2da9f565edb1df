// The sign-in throttle on a clock of its own: the delays, what resets them, what is forgotten.
#include <catch2/catch.hpp>
#include <string>

#include "app/sign_in_throttle.hpp"

using samen::app::SignInThrottle;
using samen::app::ThrottleOptions;
using namespace std::chrono_literals;

namespace {

const auto t0 = SignInThrottle::Clock::time_point{} + 1000h;

ThrottleOptions options(unsigned free_failures = 3) {
    ThrottleOptions o;
    o.free_failures = free_failures;
    o.base_delay = 1s;
    o.max_delay = 8s;
    return o;
}

std::chrono::seconds wait(SignInThrottle& t, const std::string& name, const std::string& address,
                          SignInThrottle::Clock::time_point now) {
    auto refusal = t.check(name, address, now);
    return refusal ? refusal->retry_after : 0s;
}

}  // namespace

TEST_CASE("failures past the free ones make the next attempt wait, twice as long each time",
          "[app][throttle]") {
    SignInThrottle t(options());
    auto now = t0;
    t.failed("anna", "192.0.2.1", now);
    t.failed("anna", "192.0.2.1", now);
    CHECK_FALSE(t.check("anna", "192.0.2.1", now));
    t.failed("anna", "192.0.2.1", now);  // the third: 1 s
    auto refusal = t.check("anna", "192.0.2.1", now);
    REQUIRE(refusal);
    CHECK(refusal->retry_after == 1s);
    CHECK(refusal->first);
    auto again = t.check("anna", "192.0.2.1", now + 100ms);
    REQUIRE(again);
    CHECK_FALSE(again->first);        // one record per delay
    CHECK(again->retry_after == 1s);  // whole seconds, rounded up

    std::vector<std::chrono::seconds> delays;
    for (int i = 0; i < 6; ++i) {
        now += wait(t, "anna", "192.0.2.1", now);
        REQUIRE_FALSE(t.check("anna", "192.0.2.1", now));
        t.failed("anna", "192.0.2.1", now);
        delays.push_back(wait(t, "anna", "192.0.2.1", now));
    }
    CHECK(delays == std::vector<std::chrono::seconds>{2s, 4s, 8s, 8s, 8s, 8s});  // capped
}

TEST_CASE("an unknown name is throttled like a known one, an address for every name it tries",
          "[app][throttle]") {
    SignInThrottle t(options());
    for (const char* name : {"bestaat-niet-1", "bestaat-niet-2", "bestaat-niet-3"}) {
        t.failed(name, "198.51.100.7", t0);
    }
    // The address has had its three failures: every name from it waits.
    auto refusal = t.check("kampen-editor", "198.51.100.7", t0);
    REQUIRE(refusal);
    CHECK(std::string(refusal->because) == "address");
    // The names have one each: from elsewhere they are free.
    CHECK_FALSE(t.check("bestaat-niet-1", "192.0.2.1", t0));
    for (int i = 0; i < 2; ++i) t.failed("bestaat-niet-1", "192.0.2." + std::to_string(i + 2), t0);
    refusal = t.check("bestaat-niet-1", "192.0.2.1", t0);
    REQUIRE(refusal);
    CHECK(std::string(refusal->because) == "account");
}

TEST_CASE("a success starts the account again, not the address", "[app][throttle]") {
    SignInThrottle t(options());
    for (int i = 0; i < 3; ++i) t.failed("anna", "192.0.2.1", t0);
    REQUIRE(t.check("anna", "192.0.2.9", t0));
    t.succeeded("anna");
    CHECK_FALSE(t.check("anna", "192.0.2.9", t0));
    // The address that guessed still waits, whatever name it tries now.
    CHECK(t.check("bob", "192.0.2.1", t0));
    // And anna's count is new: one failure is free again.
    t.failed("anna", "192.0.2.9", t0);
    CHECK_FALSE(t.check("anna", "192.0.2.9", t0));
}

TEST_CASE("a count is forgotten once max_delay has passed after its delay", "[app][throttle]") {
    SignInThrottle t(options());
    for (int i = 0; i < 2; ++i) t.failed("anna", "192.0.2.1", t0);
    CHECK(t.size() == 2);
    t.failed("anna", "192.0.2.1", t0 + 7s);  // within max_delay of the last: the third
    CHECK(wait(t, "anna", "192.0.2.1", t0 + 7s) == 1s);
    CHECK(t.size() == 2);
    // max_delay (8 s) after the delay ended, it starts again from nothing.
    CHECK_FALSE(t.check("anna", "192.0.2.1", t0 + 16s));
    CHECK(t.size() == 0);
    t.failed("anna", "192.0.2.1", t0 + 16s);
    CHECK_FALSE(t.check("anna", "192.0.2.1", t0 + 16s));
}

TEST_CASE("no more accounts and addresses than max_entries are remembered", "[app][throttle]") {
    ThrottleOptions o = options(2);
    o.max_entries = 10;
    SignInThrottle t(o);
    // A spray of names from many addresses: each failure adds two entries.
    for (int i = 0; i < 100; ++i) {
        t.failed("naam-" + std::to_string(i), "198.51.100." + std::to_string(i), t0);
        CHECK(t.size() <= 10);
    }
    // The newest are kept; the one under attack now stays throttled.
    t.failed("anna", "192.0.2.1", t0);
    t.failed("anna", "192.0.2.2", t0);
    CHECK(t.check("anna", "192.0.2.3", t0));
    CHECK(t.size() == 10);
}

TEST_CASE("IPv6 addresses count by their /64", "[app][throttle]") {
    CHECK(SignInThrottle::address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
    CHECK(SignInThrottle::address_key("2001:db8:1:2:bbbb::7") == "2001:db8:1:2::/64");
    CHECK(SignInThrottle::address_key("::ffff:192.0.2.1") == "192.0.2.1");
    CHECK(SignInThrottle::address_key("192.0.2.1") == "192.0.2.1");
    CHECK(SignInThrottle::address_key("unknown") == "unknown");

    SignInThrottle t(options());
    for (int i = 1; i <= 3; ++i) {
        t.failed("naam-" + std::to_string(i), "2001:db8:1:2::" + std::to_string(i), t0);
    }
    CHECK(t.check("anna", "2001:db8:1:2:ffff::1", t0));
    CHECK_FALSE(t.check("anna", "2001:db8:1:3::1", t0));
}
