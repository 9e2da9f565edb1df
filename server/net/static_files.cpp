#include "net/static_files.hpp"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace samen::net {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
    if (text.size() < suffix.size()) return false;
    return std::equal(suffix.begin(), suffix.end(), text.end() - static_cast<long>(suffix.size()),
                      [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                      });
}

StaticLookup refuse(unsigned status, std::string detail) {
    StaticLookup result;
    result.status = status;
    result.detail = std::move(detail);
    return result;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        const int high = hex_value(text[i + 1]);
        const int low = hex_value(text[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        const char c = static_cast<char>(high * 16 + low);
        if (c == '\0') return std::nullopt;
        out += c;
        i += 2;
    }
    return out;
}

StaticLookup resolve_static(const std::filesystem::path& root, std::string_view target) {
    const auto path_end = target.find_first_of("?#");
    const std::string_view raw = target.substr(0, path_end);
    if (raw.empty() || raw.front() != '/') return refuse(400, "the path must start with '/'");

    auto decoded = percent_decode(raw);
    if (!decoded) return refuse(400, "the path has a malformed percent-encoding");
    std::string path = std::move(*decoded);
    if (path.find('\\') != std::string::npos) return refuse(400, "the path must not contain '\\'");

    // Segment by segment, so that "..." or "a..b" stay ordinary names.
    std::size_t start = 1;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const std::string_view segment(path.data() + start, end - start);
        if (segment == "..") return refuse(400, "the path must not contain '..'");
        if (!segment.empty() && segment.front() == '.') return refuse(404, "no such file");
        start = end + 1;
    }
    if (path.back() == '/') path += "index.html";

    std::filesystem::path file = root / std::filesystem::path(path.substr(1)).relative_path();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return refuse(404, "no such file");

    StaticLookup found;
    found.file = std::move(file);
    found.path = std::move(path);
    return found;
}

std::string_view mime_type(std::string_view path) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 19> types{{
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".ico", "image/vnd.microsoft.icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"},
        {".md", "text/markdown; charset=utf-8"},
        {".wasm", "application/wasm"},
    }};
    for (const auto& [extension, type] : types)
        if (ends_with_ci(path, extension)) return type;
    return "application/octet-stream";
}

std::string_view cache_control(std::string_view path) {
    // HTML names the current build's assets, so it is revalidated on every load; the bundler
    // puts a content hash in every name under /assets/, so those never change; anything else
    // (icons, fonts at fixed names) may be an hour old.
    if (ends_with_ci(path, ".html")) return "no-cache";
    if (path.starts_with("/assets/")) return "public, max-age=31536000, immutable";
    return "public, max-age=3600";
}

AcceptedCodings accepted_codings(std::string_view accept_encoding) {
    // Per coding: listed with a weight above 0 (true), listed with q=0 (false), or not listed.
    std::optional<bool> br, gzip, any;
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    };
    auto equal_ci = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() && ends_with_ci(a, b);
    };
    while (!accept_encoding.empty()) {
        const auto comma = accept_encoding.find(',');
        std::string_view item = accept_encoding.substr(0, comma);
        accept_encoding.remove_prefix(comma == std::string_view::npos ? accept_encoding.size()
                                                                      : comma + 1);
        const auto semicolon = item.find(';');
        const std::string_view coding = trim(item.substr(0, semicolon));
        bool taken = true;
        if (semicolon != std::string_view::npos) {
            std::string_view weight = trim(item.substr(semicolon + 1));
            if (weight.size() >= 2 && (weight[0] == 'q' || weight[0] == 'Q') && weight[1] == '=') {
                weight = trim(weight.substr(2));
                // "0", "0.", "0.000": refused; anything else a client sends is a weight above 0.
                taken = !(weight.starts_with('0') &&
                          weight.substr(1).find_first_not_of(".0") == std::string_view::npos);
            }
        }
        if (equal_ci(coding, "br")) br = taken;
        if (equal_ci(coding, "gzip") || equal_ci(coding, "x-gzip")) gzip = taken;
        if (coding == "*") any = taken;
    }
    return {br.value_or(any.value_or(false)), gzip.value_or(any.value_or(false))};
}

StaticVariant choose_variant(const std::filesystem::path& file, AcceptedCodings accepted) {
    auto twin = [&](const char* suffix) {
        std::filesystem::path candidate = file;
        candidate += suffix;
        std::error_code ec;
        return std::filesystem::is_regular_file(candidate, ec) ? std::optional{candidate}
                                                               : std::nullopt;
    };
    if (accepted.br)
        if (auto br = twin(".br")) return {std::move(*br), "br"};
    if (accepted.gzip)
        if (auto gz = twin(".gz")) return {std::move(*gz), "gzip"};
    return {file, {}};
}

std::string new_nonce() {
    std::array<unsigned char, 16> bytes{};
    if (getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
        throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 0xF];
    }
    return out;
}

std::string with_nonce(std::string_view page, std::string_view nonce) {
    std::string out;
    out.reserve(page.size());
    for (std::size_t at = 0;;) {
        const auto found = page.find(page_nonce_placeholder, at);
        out.append(page.substr(at, found - at));
        if (found == std::string_view::npos) return out;
        out.append(nonce);
        at = found + page_nonce_placeholder.size();
    }
}

std::string content_security_policy(std::string_view style_nonce) {
    std::string style = "style-src 'self'";
    if (!style_nonce.empty()) style += " 'nonce-" + std::string(style_nonce) + "'";
    return "default-src 'self'; script-src 'self'; " + style +
           "; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

}  // namespace samen::net
