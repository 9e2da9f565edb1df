// The parts of App's HTTP routing that are plain string work: a target's path and query, the
// bearer token, and what a document resource names. Free of sockets and the store, so that they
// can be unit-tested and fuzzed alone (tests/fuzz/fuzz_http.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace samen::app {

/// The target without its query: "/api/v1/documents?x=1" -> "/api/v1/documents".
std::string path_of(std::string_view target);

/// The value of `name` in the target's query string (not percent-decoded: for plain values);
/// "" for a name without '='; nullopt when the name is not there.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

/// The token of an `Authorization: Bearer <token>` header; "" when there is none.
std::string bearer_token(std::string_view authorization);

/// What the rest of /api/v1/documents/{rest} names: `{doc}/effective/{code}` (an effective plan)
/// or `{doc}/divergence` (the divergence matrix).
struct DocumentResource {
    std::string doc;
    std::string code;  // the municipality of an effective plan; empty for the matrix
    bool effective = false;
    bool operator==(const DocumentResource&) const = default;
};
/// nullopt when `rest` names neither.
std::optional<DocumentResource> document_resource_of(std::string_view rest);

/// The N of `?rev=N`: 1 to 15 decimal digits (so that it fits any revision and parses without
/// overflow); nullopt for anything else.
std::optional<std::uint64_t> revision_number(std::string_view value);

}  // namespace samen::app
