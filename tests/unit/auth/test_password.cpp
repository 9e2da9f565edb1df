#include <catch2/catch.hpp>

#include "auth/password.hpp"

using namespace samen::auth;

TEST_CASE("Passwords hash with Argon2id and verify", "[auth][password]") {
    auto hash = hash_password("samen waar het kan");
    CHECK(hash.rfind("$argon2id$", 0) == 0);
    CHECK(hash.find("samen") == std::string::npos);
    CHECK(verify_password(hash, "samen waar het kan"));
    CHECK_FALSE(verify_password(hash, "samen waar het kan "));
    CHECK_FALSE(verify_password(hash, "lokaal waar het moet"));
    CHECK_FALSE(verify_password(hash, ""));
    // A fresh salt each time.
    CHECK(hash_password("samen waar het kan") != hash);
    CHECK_FALSE(password_needs_rehash(hash));
}

TEST_CASE("Unusual passwords and malformed hashes are handled", "[auth][password]") {
    std::string with_nul("a\0b", 3);
    auto hash = hash_password(with_nul);
    CHECK(verify_password(hash, with_nul));
    CHECK_FALSE(verify_password(hash, "a"));  // the bytes after a NUL count
    auto utf8 = hash_password("v\xC3\xA9iligheid");
    CHECK(verify_password(utf8, "v\xC3\xA9iligheid"));

    for (const std::string& bad :
         {std::string(), std::string("plain"), std::string("$argon2id$"),
          hash.substr(0, hash.size() - 4), std::string(500, 'x'), hash + std::string(1, '\0')}) {
        CHECK_FALSE(verify_password(bad, with_nul));
    }
    CHECK(password_needs_rehash("plain"));
}
