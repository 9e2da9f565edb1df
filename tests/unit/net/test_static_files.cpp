// Resolving request targets to files: decoding, traversal, types, caching.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "net/problem.hpp"
#include "net/static_files.hpp"
#include "net_fixture.hpp"

using namespace samen::net;

TEST_CASE("percent_decode", "[net][static]") {
    CHECK(percent_decode("/a%20b/%C3%A9") == "/a b/\xC3\xA9");
    CHECK(percent_decode("/plain+text") == "/plain+text");
    CHECK_FALSE(percent_decode("/%"));
    CHECK_FALSE(percent_decode("/%4"));
    CHECK_FALSE(percent_decode("/%g0"));
    CHECK_FALSE(percent_decode("/nul%00byte"));
}

TEST_CASE("resolve_static keeps every request inside the root", "[net][static]") {
    test::StaticRoot root;
    const auto& dir = root.path();

    CHECK(resolve_static(dir, "/").file == dir / "index.html");
    CHECK(resolve_static(dir, "/docs/").path == "/docs/index.html");
    CHECK(resolve_static(dir, "/app.js?v=3#top").file == dir / "app.js");
    CHECK(resolve_static(dir, "/assets/index-4f2a9c.js").status == 200);

    for (const std::string target : {"/../secret.txt", "/%2e%2e/secret.txt", "/docs/../../x",
                                     "/docs/%2e%2E/app.js", "/a\\..\\b", "relative", "", "/%ZZ"}) {
        INFO(target);
        CHECK(resolve_static(dir, target).status == 400);
        CHECK_FALSE(resolve_static(dir, target).detail.empty());
    }
    // Names that merely contain dots are names.
    CHECK(resolve_static(dir, "/a..b").status == 404);
    for (const std::string target : {"/.env", "/docs", "/nothing", "/assets/", "//etc/passwd"}) {
        INFO(target);
        CHECK(resolve_static(dir, target).status == 404);
    }
}

TEST_CASE("mime_type and cache_control", "[net][static]") {
    CHECK(mime_type("/index.html") == "text/html; charset=utf-8");
    CHECK(mime_type("/APP.JS") == "text/javascript; charset=utf-8");
    CHECK(mime_type("/x.css") == "text/css; charset=utf-8");
    CHECK(mime_type("/x.svg") == "image/svg+xml");
    CHECK(mime_type("/x.png") == "image/png");
    CHECK(mime_type("/x.woff2") == "font/woff2");
    CHECK(mime_type("/x.json") == "application/json");
    CHECK(mime_type("/x.js.map") == "application/json");
    CHECK(mime_type("/x.unknown") == "application/octet-stream");
    CHECK(mime_type("/noext") == "application/octet-stream");

    CHECK(cache_control("/index.html") == "no-cache");
    CHECK(cache_control("/assets/index-4f2a9c.js") == "public, max-age=31536000, immutable");
    CHECK(cache_control("/logo.svg") == "public, max-age=3600");
}

TEST_CASE("problem_body survives hostile detail text", "[net][http]") {
    const auto body = problem_body(400, "bad \"quote\" and \xff invalid UTF-8");
    const auto problem = nlohmann::json::parse(body);
    CHECK(problem.at("title") == "Bad Request");
    CHECK(problem.at("status") == 400);
}

TEST_CASE("the Content-Security-Policy and a page's style nonce", "[net][static][csp]") {
    const auto a = new_nonce();
    const auto b = new_nonce();
    CHECK(a.size() == 32);
    CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(a != b);

    CHECK(with_nonce("<meta content=\"__CSP_NONCE__\"><x n=__CSP_NONCE__>", "abc") ==
          "<meta content=\"abc\"><x n=abc>");
    CHECK(with_nonce("no placeholder", "abc") == "no placeholder");
    CHECK(with_nonce("", "abc").empty());

    const auto plain = content_security_policy();
    CHECK_THAT(plain, Catch::Contains("script-src 'self';"));
    CHECK_THAT(plain, Catch::Contains("style-src 'self';"));
    CHECK_THAT(plain, Catch::Contains("object-src 'none'"));
    CHECK_THAT(plain, Catch::Contains("frame-ancestors 'none'"));
    CHECK_THAT(plain, !Catch::Contains("unsafe"));
    CHECK_THAT(content_security_policy(a), Catch::Contains("style-src 'self' 'nonce-" + a + "';"));
}
