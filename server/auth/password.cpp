#include "auth/password.hpp"

#include <sodium.h>

#include <mutex>

namespace samen::auth {

void init_crypto() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] { ok = sodium_init() >= 0; });
    if (!ok) throw AuthError("libsodium failed to initialize");
}

std::string hash_password(std::string_view password) {
    init_crypto();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(
            out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw AuthError("password hashing failed (out of memory)");
    }
    return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
    init_crypto();
    // libsodium reads the hash as a C string: a stored value with a NUL or without room for one
    // is malformed, and fails.
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES ||
        hash.find('\0') != std::string_view::npos) {
        return false;
    }
    std::string terminated(hash);
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash) {
    init_crypto();
    if (hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) {
        return true;
    }
    std::string terminated(hash);
    return crypto_pwhash_str_needs_rehash(terminated.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

}  // namespace samen::auth
