// App's routing of HTTP targets: path, query, bearer token and document resources.
#include <catch2/catch.hpp>

#include "app/http_paths.hpp"

using namespace samen::app;

TEST_CASE("path_of drops the query", "[app][http]") {
    CHECK(path_of("/api/v1/documents?x=1") == "/api/v1/documents");
    CHECK(path_of("/healthz") == "/healthz");
    CHECK(path_of("?") == "");
    CHECK(path_of("") == "");
}

TEST_CASE("query_param finds a plain value", "[app][http]") {
    const std::string target = "/api/v1/documents/ivp/divergence?x=1&rev=12&flag&rev=13";
    CHECK(query_param(target, "rev") == "12");
    CHECK(query_param(target, "x") == "1");
    CHECK(query_param(target, "flag") == "");
    CHECK_FALSE(query_param(target, "re"));
    CHECK_FALSE(query_param("/no/query", "rev"));
    CHECK(query_param("/a?rev=%31", "rev") == "%31");  // not decoded
    CHECK(query_param("/a?", "") == "");
    CHECK(query_param("/a?&&rev=", "rev") == "");
}

TEST_CASE("bearer_token reads 'Authorization: Bearer <token>' only", "[app][http]") {
    CHECK(bearer_token("Bearer t0k3n") == "t0k3n");
    CHECK(bearer_token("Bearer ") == "");
    CHECK(bearer_token("bearer t0k3n") == "");
    CHECK(bearer_token("Basic dXNlcjpwdw==") == "");
    CHECK(bearer_token("") == "");
}

TEST_CASE("document_resource_of names an effective plan or the divergence matrix", "[app][http]") {
    CHECK(document_resource_of("ivp/effective/GM0166") == DocumentResource{"ivp", "GM0166", true});
    CHECK(document_resource_of("ivp/divergence") == DocumentResource{"ivp", "", false});
    // Empty parts stay empty: the store answers for a document or code that does not exist.
    CHECK(document_resource_of("/effective/") == DocumentResource{"", "", true});
    for (const char* rest : {"", "ivp", "ivp/", "ivp/effective", "ivp/effective/GM0166/x",
                             "ivp/divergence/", "ivp/matrix", "ivp/Effective/GM0166"}) {
        INFO(rest);
        CHECK_FALSE(document_resource_of(rest));
    }
}

TEST_CASE("revision_number takes 1 to 15 decimal digits", "[app][http]") {
    CHECK(revision_number("0") == 0u);
    CHECK(revision_number("0012") == 12u);
    CHECK(revision_number("999999999999999") == 999999999999999u);
    for (const char* value : {"", "1000000000000000", "-1", "+1", "1e3", "12 ", "0x1", "½"}) {
        INFO(value);
        CHECK_FALSE(revision_number(value));
    }
}
