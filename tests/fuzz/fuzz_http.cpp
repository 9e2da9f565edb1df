// An HTTP request as samen-server reads and routes it, up to where the network or the store
// would come in: the bytes go through Beast's request parser with the session's limits
// (server/net/http_session.cpp), fed once whole and once in small pieces as a slow client sends
// them (both must read the same request, or both none); a request that parses is routed as the
// server does: the application's path, query, bearer token and document resource
// (server/app/http_paths.hpp), the static file lookup against a small fixed web root
// (server/net/static_files.hpp), and the problem+json answer, written as the session writes it and
// read back. Nothing may throw, and nothing found may lie outside what was asked.
#include <algorithm>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/http_paths.hpp"
#include "asio/names.hpp"
#include "fuzz_check.hpp"
#include "net/problem.hpp"
#include "net/server.hpp"
#include "net/static_files.hpp"

namespace {

using namespace samen::asio_names;
namespace app = samen::app;
namespace net = samen::net;
using samen::fuzz::require;

using Request = http::request<http::string_body>;

/// What the parser made of the bytes: the request, or the error the session answers.
struct Parsed {
    error_code ec;
    std::optional<Request> request;
    bool chunked = false;   // a chunked body: refused with 411 after the header
    unsigned version = 11;  // what the session answers an error in
};

std::string fields_of(const Request& r) {
    std::string out;
    for (const auto& field : r) {
        out += std::string(field.name_string()) + ": " + std::string(field.value()) + "\n";
    }
    return out;
}

/// The same request, or none. Not always the same error: once the parser has asked for more, it
/// waits for the header's blank line before it looks at the fields again, so a malformed line
/// that came in pieces is an error only when the header is complete (or at the end of input).
bool same(const Parsed& a, const Parsed& b) {
    if (a.chunked != b.chunked) return false;
    if (a.request.has_value() != b.request.has_value()) return false;
    if (!a.request) return true;
    const Request& x = *a.request;
    const Request& y = *b.request;
    return x.method_string() == y.method_string() && x.target() == y.target() &&
           x.version() == y.version() && x.body() == y.body() && fields_of(x) == fields_of(y);
}

/// Reads one request as the session does, http::async_read_header and then http::async_read:
/// the parser takes what it can of the buffer (the header alone at first), and more bytes come
/// `piece` at a time until the request is done, fails, or the input ends. A chunked body is
/// never read.
Parsed parse(std::string_view bytes, std::size_t piece) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(net::ServerOptions{}.max_http_body);
    parser.header_limit(net::http_header_limit);
    parser.eager(false);
    std::string buffer;
    std::size_t fed = 0;
    Parsed out;
    for (;;) {
        if (!buffer.empty()) {
            const std::size_t used = parser.put(asio::buffer(buffer), out.ec);
            require(used <= buffer.size(), "the parser used more than it was given");
            buffer.erase(0, used);
            if (!out.ec && parser.is_header_done() && !parser.eager()) {
                if (parser.chunked()) {
                    out.chunked = true;
                    break;
                }
                parser.eager(true);
            }
            if (out.ec == http::error::need_more) {
                out.ec = {};
            } else if (out.ec || parser.is_done()) {
                break;
            } else if (used > 0) {
                continue;
            }
        }
        if (fed == bytes.size()) {
            // The client closed its side.
            if (parser.got_some()) {
                parser.put_eof(out.ec);
            } else {
                out.ec = http::error::end_of_stream;
            }
            break;
        }
        const std::size_t n = std::min(piece, bytes.size() - fed);
        buffer.append(bytes.substr(fed, n));
        fed += n;
    }
    if (parser.got_some()) out.version = parser.get().version();
    if (!out.ec && parser.is_done()) out.request = parser.release();
    return out;
}

/// The answer the session writes for a problem, read back as a client reads it.
void check_problem(unsigned status, std::string_view detail, unsigned version) {
    http::response<http::string_body> response{static_cast<http::status>(status), version};
    response.set(http::field::content_type, net::problem_content_type);
    response.set("API-Version", net::ServerOptions{}.api_version);
    response.body() = net::problem_body(status, detail);
    response.prepare_payload();
    std::ostringstream written;
    written << response;
    const std::string text = written.str();

    http::response_parser<http::string_body> reader;
    reader.eager(true);
    error_code ec;
    reader.put(asio::buffer(text), ec);
    if (!reader.is_done() && !ec) reader.put_eof(ec);
    require(!ec && reader.is_done(), "the problem answer does not read back", text);
    require(reader.get().body() == response.body(), "the problem body changed on the way", text);

    const auto problem = nlohmann::json::parse(response.body(), nullptr, false);
    require(!problem.is_discarded() && problem.at("status") == status &&
                problem.at("detail").is_string(),
            "the problem body is not problem+json", response.body());
}

/// The application's side (server/app/app.cpp): each piece it takes of the target or the header
/// is a piece of it.
void check_application(const Request& request) {
    const std::string_view target = request.target();
    const std::string path = app::path_of(target);
    require(target.starts_with(path), "the path is not the start of the target");
    if (const auto rev = app::query_param(target, "rev")) {
        require(target.find(*rev) != std::string_view::npos, "a query value not in the target");
        if (const auto n = app::revision_number(*rev)) {
            require(rev->find_first_not_of('0') == std::string::npos
                        ? *n == 0
                        : std::to_string(*n) == rev->substr(rev->find_first_not_of('0')),
                    "revision_number is not the number written", *rev);
        }
    }
    const std::string_view authorization = request[http::field::authorization];
    const std::string token = app::bearer_token(authorization);
    require(token.empty() || "Bearer " + token == authorization, "a token that was not sent");

    constexpr std::string_view documents = "/api/v1/documents/";
    if (path.starts_with(documents)) {
        const std::string_view rest = std::string_view(path).substr(documents.size());
        if (const auto resource = app::document_resource_of(rest)) {
            const std::string again = resource->effective
                                          ? resource->doc + "/effective/" + resource->code
                                          : resource->doc + "/divergence";
            require(again == rest, "a document resource that is not the path");
        }
    }
    check_problem(404, "no resource at " + path, request.version());
}

/// The web root: a few files the web client's build has, a hidden file and a folder.
const std::filesystem::path& static_root() {
    static const std::filesystem::path root =
        std::filesystem::path(SAMEN_FUZZ_STATIC_ROOT).lexically_normal();
    return root;
}

void check_static(const Request& request) {
    const net::StaticLookup found = net::resolve_static(static_root(), request.target());
    require(found.status == 200 || found.status == 400 || found.status == 404,
            "resolve_static answered another status");
    if (found.status != 200) {
        require(!found.detail.empty(), "a refusal without a reason");
        return check_problem(found.status, found.detail, request.version());
    }
    // Inside the root, and not hidden.
    const auto relative = found.file.lexically_normal().lexically_relative(static_root());
    require(!relative.empty() && *relative.begin() != "..", "a file outside the web root",
            found.file.string());
    for (const auto& part : relative) {
        require(!part.string().starts_with("."), "a hidden file served", found.file.string());
    }
    require(std::filesystem::is_regular_file(found.file), "a file that is no regular file");
    require(found.path.starts_with("/"), "a served path that is not absolute");
    require(!net::mime_type(found.path).empty() && !net::cache_control(found.path).empty(),
            "a file without a type or a cache policy");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const Parsed whole = parse(bytes, std::max<std::size_t>(size, 1));
    // A slow client: the same bytes a few at a time (3 to 17, from the input's size).
    if (size <= 16 * 1024) {
        const Parsed pieces = parse(bytes, 3 + size % 15);
        require(same(whole, pieces), "the request reads differently in pieces",
                whole.ec.message() + " / " + pieces.ec.message());
    }
    if (whole.chunked) {
        check_problem(411, net::chunked_body_refused, whole.version);
        return 0;
    }
    if (!whole.request) {
        // The session answers a malformed request with 400 (and 413, 431 for the limits).
        if (whole.ec && whole.ec != http::error::end_of_stream &&
            whole.ec != http::error::partial_message) {
            check_problem(400, "malformed HTTP request: " + whole.ec.message(), whole.version);
        }
        return 0;
    }
    const Request& request = *whole.request;
    websocket::is_upgrade(request);
    request.keep_alive();
    check_application(request);
    check_static(request);
    return 0;
}
