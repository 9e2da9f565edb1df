#include "auth/token.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "auth/password.hpp"
#include "store/repo.hpp"

namespace samen::auth {

namespace {

constexpr std::size_t kTokenBytes = 32;
// base64url without padding of 32 bytes.
constexpr std::size_t kTokenChars = (kTokenBytes * 4 + 2) / 3;

bool well_formed(std::string_view token) {
    return token.size() == kTokenChars && std::all_of(token.begin(), token.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
           });
}

}  // namespace

std::string new_token() {
    init_crypto();
    std::array<unsigned char, kTokenBytes> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_ENCODED_LEN(kTokenBytes, variant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
    out.resize(kTokenChars);  // drop the terminating NUL
    sodium_memzero(bytes.data(), bytes.size());
    return out;
}

std::string token_hash(std::string_view token) {
    init_crypto();
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                       token.size());
    std::string hex(digest.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    hex.pop_back();
    return hex;
}

IssuedToken issue_token(store::Db& db, std::int64_t user_id, store::TimePoint now,
                        std::chrono::seconds lifetime) {
    IssuedToken issued{new_token(), store::format_time(now + lifetime)};
    store::insert_token(db, token_hash(issued.token), user_id, store::format_time(now),
                        issued.expires_at);
    return issued;
}

std::optional<User> user_for_token(store::Db& db, std::string_view token, store::TimePoint now) {
    if (!well_formed(token)) return std::nullopt;
    auto user_id = store::find_token_user(db, token_hash(token), store::format_time(now));
    if (!user_id) return std::nullopt;
    auto record = store::find_user(db, *user_id);
    if (!record || record->disabled) return std::nullopt;
    return to_user(*record);
}

bool revoke_token(store::Db& db, std::string_view token) {
    if (!well_formed(token)) return false;
    return store::delete_token(db, token_hash(token));
}

}  // namespace samen::auth
