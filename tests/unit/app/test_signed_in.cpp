// The signed-in sessions: the per-user bound, and what revocation ends.
#include <catch2/catch.hpp>

#include "app/signed_in.hpp"

using namespace samen;

namespace {

struct Ended : app::Revocable {
    std::vector<std::pair<net::CloseReason, std::string>> calls;
    void end(net::CloseReason why, const std::string& message) override {
        calls.emplace_back(why, message);
    }
};

}  // namespace

TEST_CASE("A user has at most the bound of signed-in sessions", "[app][signed-in]") {
    app::SignedInSessions s;
    auto a = std::make_shared<Ended>();
    CHECK(s.add({1, 7, "t1", a}, 2));
    CHECK(s.add({2, 7, "t2", a}, 2));
    CHECK_FALSE(s.add({3, 7, "t3", a}, 2));
    CHECK(s.add({4, 8, "t4", a}, 2));
    CHECK(s.count(7) == 2);
    s.remove(1);
    CHECK(s.count(7) == 1);
    CHECK(s.add({3, 7, "t3", a}, 2));
    s.remove(99);  // unknown: nothing
    CHECK(s.count(7) == 2);
}

TEST_CASE("Revocation ends the sessions of a user, or of a token, and no others",
          "[app][signed-in]") {
    app::SignedInSessions s;
    auto first = std::make_shared<Ended>(), second = std::make_shared<Ended>(),
         other = std::make_shared<Ended>();
    REQUIRE(s.add({1, 7, "t1", first}, 16));
    REQUIRE(s.add({2, 7, "t2", second}, 16));
    REQUIRE(s.add({3, 8, "t3", other}, 16));

    s.end_token("t2", net::CloseReason::policy, "you signed out");
    CHECK(first->calls.empty());
    REQUIRE(second->calls.size() == 1);
    CHECK(second->calls[0].first == net::CloseReason::policy);

    s.end_user(7, net::CloseReason::rights_changed, "changed");
    CHECK(first->calls.size() == 1);
    CHECK(second->calls.size() == 2);
    CHECK(other->calls.empty());
}

TEST_CASE("The snapshot names who is signed in and moves with every new session",
          "[app][signed-in]") {
    app::SignedInSessions s;
    auto a = std::make_shared<Ended>();
    const auto empty = s.snapshot();
    CHECK(empty.users.empty());
    REQUIRE(s.add({1, 7, "t1", a}, 16));
    const auto one = s.snapshot();
    CHECK(one.users == std::set<std::int64_t>{7});
    CHECK(one.tokens == std::set<std::string>{"t1"});
    CHECK(one.generation != empty.generation);
    s.remove(1);
    CHECK(s.snapshot().generation == one.generation);  // leaving needs no new look
}
