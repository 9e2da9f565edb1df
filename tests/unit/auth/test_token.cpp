#include <catch2/catch.hpp>

#include "auth/token.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"
#include "store/repo.hpp"
#include "temp_dir.hpp"

using namespace samen;
using namespace std::chrono_literals;

namespace {

struct Fixture {
    test::TempDir dir;
    store::Db db{dir.file("samen.db")};
    std::int64_t anna = 0;
    store::TimePoint now = *store::parse_time("2026-11-26T03:40:00Z");
    Fixture() {
        store::migrate(db);
        store::upsert_municipality(db, {"GM0166", "Kampen"});
        anna = store::create_user(db, {"anna", "Anna", "GM0166", "editor", "h"},
                                  store::format_time(now));
    }
};

}  // namespace

TEST_CASE("Tokens are 32 random bytes in base64url", "[auth][token]") {
    auto a = auth::new_token();
    auto b = auth::new_token();
    CHECK(a.size() == 43);
    CHECK(a != b);
    CHECK(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    CHECK(auth::token_hash(a).size() == 64);
    CHECK(auth::token_hash(a) == auth::token_hash(a));
    CHECK(auth::token_hash(a) != auth::token_hash(b));
    // SHA-256 of "abc".
    CHECK(auth::token_hash("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE_METHOD(Fixture, "A token finds its user until it expires", "[auth][token]") {
    auto issued = auth::issue_token(db, anna, now);
    CHECK(issued.expires_at == "2026-11-26T15:40:00Z");  // 12 hours

    auto user = auth::user_for_token(db, issued.token, now + 1h);
    REQUIRE(user);
    CHECK(user->id == anna);
    CHECK(user->name == "anna");
    CHECK(user->role == auth::Role::editor);
    CHECK(user->municipality == "GM0166");

    CHECK(auth::user_for_token(db, issued.token, now + 12h - 1s));
    CHECK_FALSE(auth::user_for_token(db, issued.token, now + 12h));
    CHECK_FALSE(auth::user_for_token(db, issued.token, now + 24h));

    auto short_lived = auth::issue_token(db, anna, now, 60s);
    CHECK_FALSE(auth::user_for_token(db, short_lived.token, now + 61s));
    CHECK(store::delete_expired_tokens(db, store::format_time(now + 13h)) == 2);
}

TEST_CASE_METHOD(Fixture, "Only the token's hash is stored", "[auth][token]") {
    auto issued = auth::issue_token(db, anna, now);
    auto st = db.prepare("SELECT hash FROM token");
    REQUIRE(st.step());
    CHECK(st.get_text(0) == auth::token_hash(issued.token));
    CHECK(st.get_text(0) != issued.token);
}

TEST_CASE_METHOD(Fixture, "Disabled users, revoked and malformed tokens fail", "[auth][token]") {
    auto issued = auth::issue_token(db, anna, now);
    auto other = auth::issue_token(db, anna, now);
    CHECK(auth::revoke_token(db, other.token));
    CHECK_FALSE(auth::revoke_token(db, other.token));
    CHECK_FALSE(auth::user_for_token(db, other.token, now));

    store::set_disabled(db, anna, true);
    CHECK_FALSE(auth::user_for_token(db, issued.token, now));
    store::set_disabled(db, anna, false);
    CHECK(auth::user_for_token(db, issued.token, now));

    for (const std::string& bad :
         {std::string(), std::string("x"), issued.token + "A", issued.token.substr(1),
          std::string(43, '='), std::string(43, '\0'), auth::token_hash(issued.token)}) {
        CHECK_FALSE(auth::user_for_token(db, bad, now));
    }
    // A well-formed token that was never issued.
    CHECK_FALSE(auth::user_for_token(db, auth::new_token(), now));
}
