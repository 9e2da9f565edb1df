// Passwords are stored as Argon2id hashes in libsodium's crypto_pwhash_str format, which carries
// its own salt and parameters.
//
// Hashing and verifying cost ~64 MiB and tens of milliseconds on purpose: never run them on the
// store's writer thread or a room's strand, and bound how many run at once.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace samen::auth {

class AuthError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Initializes libsodium once per process; every function here calls it. Throws AuthError when
/// libsodium cannot start.
void init_crypto();

/// Argon2id with libsodium's "interactive" limits. Throws AuthError when out of memory.
std::string hash_password(std::string_view password);
/// False for a wrong password and for a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);
/// The hash was made with other limits than hash_password uses now: re-hash at the next sign-in.
bool password_needs_rehash(std::string_view hash);

}  // namespace samen::auth
