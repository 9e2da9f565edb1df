// Mapping request targets to the web client's files. Free of Beast so it can be tested alone.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace samen::net {

struct StaticLookup {
    unsigned status = 200;       // 200, or 400 / 404 with `detail` saying why
    std::filesystem::path file;  // when 200: an existing regular file under the root
    std::string path;            // the decoded URL path served, e.g. "/index.html"
    std::string detail;
};

/// "/a%20b/" -> "/a b/"; nullopt for a malformed escape or an encoded NUL.
std::optional<std::string> percent_decode(std::string_view text);

/// Resolves `target` (path and query) under `root`. "/" and every path ending in "/" mean its
/// index.html. A ".." segment, before or after percent-decoding, is refused with 400; hidden
/// files (a segment starting with ".") and anything that is not a regular file are 404.
StaticLookup resolve_static(const std::filesystem::path& root, std::string_view target);

/// Content-Type from the file name's extension.
std::string_view mime_type(std::string_view path);

/// Cache-Control for a served path (see the definition for the policy).
std::string_view cache_control(std::string_view path);

// ---- Precompressed files (docs/decisions/0016-precompressed-assets.md) ----

/// The content codings a client takes, from its Accept-Encoding (RFC 9110, 12.5.3): a coding is
/// taken when listed with a weight above 0, or when "*" is and it is not listed with q=0.
struct AcceptedCodings {
    bool br = false;
    bool gzip = false;
};
AcceptedCodings accepted_codings(std::string_view accept_encoding);

/// A file as it is sent: `file` itself (`encoding` empty), or the twin the web client's build
/// wrote beside it, `file` + ".br" or + ".gz", with its Content-Encoding; brotli first.
struct StaticVariant {
    std::filesystem::path file;
    std::string_view encoding;
};
StaticVariant choose_variant(const std::filesystem::path& file, AcceptedCodings accepted);

// ---- The Content-Security-Policy (docs/security.md, "Security headers") ----

/// Where a page (a .html file) has its style nonce: every occurrence is replaced with a fresh one
/// per response. The web client reads it from <meta name="samen-csp-nonce"> and gives it to
/// CodeMirror, whose style-mod writes its rules into a <style> element.
inline constexpr std::string_view page_nonce_placeholder = "__CSP_NONCE__";

/// 128 random bits from the kernel, as 32 hex digits (valid in a CSP nonce-source).
std::string new_nonce();

/// `page` with every page_nonce_placeholder replaced by `nonce`.
std::string with_nonce(std::string_view page, std::string_view nonce);

/// The policy of every response: the app's own script and styles only, no inline script, no
/// inline style but <style> elements with `style_nonce` when it is not empty, no plugins, no
/// frames, no <base>, forms only to the server.
std::string content_security_policy(std::string_view style_nonce = {});

}  // namespace samen::net
