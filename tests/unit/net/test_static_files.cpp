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

TEST_CASE("accepted_codings reads Accept-Encoding as RFC 9110 says", "[net][static]") {
    auto is = [](std::string_view header, bool br, bool gzip) {
        INFO(header);
        const AcceptedCodings got = accepted_codings(header);
        CHECK(got.br == br);
        CHECK(got.gzip == gzip);
    };
    is("", false, false);
    is("identity", false, false);
    is("gzip, deflate, br", true, true);  // Chromium
    is("gzip", false, true);
    is("BR;q=1.0 , GZIP ; q=0.5", true, true);
    is("br;q=0, gzip", false, true);
    is("br;q=0.000, gzip;q=0.", false, false);
    is("br;q=0.001", true, false);
    is("*", true, true);
    is("*;q=0.1, br;q=0", false, true);
    is("*;q=0", false, false);
    is("x-gzip", false, true);
    is("brotli, gzipped", false, false);  // other names, not these codings
    is(",,; ;q=,", false, false);
}

TEST_CASE("choose_variant sends the precompressed twin the client takes, brotli first",
          "[net][static]") {
    test::StaticRoot root;
    const auto js = root.path() / "assets" / "app-1.js";
    CHECK(choose_variant(js, {true, true}).file == root.path() / "assets" / "app-1.js.br");
    CHECK(choose_variant(js, {true, true}).encoding == "br");
    CHECK(choose_variant(js, {false, true}).file == root.path() / "assets" / "app-1.js.gz");
    CHECK(choose_variant(js, {false, true}).encoding == "gzip");
    CHECK(choose_variant(js, {false, false}).file == js);
    CHECK(choose_variant(js, {false, false}).encoding.empty());
    // Without twins, the file itself whatever the client takes.
    const auto css = root.path() / "style.css";
    CHECK(choose_variant(css, {true, true}).file == css);
    CHECK(choose_variant(css, {true, true}).encoding.empty());
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
