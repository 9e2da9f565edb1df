#include "net/http_session.hpp"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>

#include "net/problem.hpp"
#include "net/static_files.hpp"
#include "net/trust.hpp"
#include "net/websocket_session.hpp"

namespace samen::net {
namespace {

// The whole of one request, or of one response, must move within this time.
constexpr auto io_timeout = std::chrono::seconds(30);
// After a response that ends the connection, the rest of what the client sends is read and
// dropped for this long: closing with unread input would reset the connection, and the client
// could lose the response (typically a 413 sent before its body was read).
constexpr auto linger_timeout = std::chrono::seconds(5);

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find_first_of("?#"));
}

bool for_application(std::string_view path) {
    return path.starts_with("/api/") || path == "/healthz" || path == "/metrics";
}

// Header names and values from the application go out verbatim: refuse line breaks, which would
// let them forge headers.
bool safe_header(std::string_view text) {
    return text.find_first_of("\r\n") == std::string_view::npos && !text.empty();
}

bool is_parse_error(error_code ec) {
    return ec.category() == http::make_error_code(http::error::bad_target).category();
}

/// The peer's IP address alone, in normal_address form; "" when the socket no longer knows it.
std::string peer_address(const tcp::socket& socket) {
    error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    return ec ? std::string() : normal_address(endpoint.address().to_string());
}

// On every response, whatever answers it, besides the Content-Security-Policy (docs/security.md,
// "Security headers").
constexpr std::pair<std::string_view, std::string_view> security_headers[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
};

constexpr std::string_view csp_header = "Content-Security-Policy";

// A page read whole to put its nonce in: the web client's index.html is a few hundred bytes.
constexpr std::uintmax_t max_page_bytes = 1024 * 1024;

class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
  public:
    HttpSession(tcp::socket&& socket, std::shared_ptr<ServerState> state, LiveConnection live)
        : stream_(std::move(socket)),
          state_(std::move(state)),
          live_(std::move(live)),
          peer_(peer_name(stream_.socket())),
          peer_address_(peer_address(stream_.socket())),
          tag_("http#" + std::to_string(state_->next_http_number()) + " " + peer_) {}

    ~HttpSession() override {
        if (key_ != 0) state_->withdraw(key_);
    }

    void run() {
        key_ = state_->enroll(weak_from_this());
        asio::dispatch(stream_.get_executor(),
                       beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
    }

    void close(CloseReason) override {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            self->closing_ = true;
            // An idle keep-alive connection goes now; a busy one after its response.
            if (self->reading_) self->stream_.cancel();
        });
    }

    /// Takes the application's answer from any thread to this session's strand.
    void post_answer(HttpResponse answer);

  private:
    void on_answer(HttpResponse answer);
    void do_read();
    void on_header(error_code ec, std::size_t bytes);
    void on_read(error_code ec, std::size_t bytes);
    void handle_request();
    /// The client's address of the request being answered (behind trusted proxies).
    std::string client() const;
    void upgrade();
    void ask_application();
    void serve_static(std::string_view target);
    /// An HTML file, with a fresh style nonce in it and in its Content-Security-Policy.
    void serve_page(const std::filesystem::path& file, std::string_view path);
    void answer_problem(unsigned status, std::string_view detail,
                        std::optional<std::pair<http::field, std::string_view>> extra = {});
    void write_text(http::response<http::string_body>&& response, std::string body);
    template <class Body>
    void do_write(http::response<Body>&& response);
    void send(http::message_generator&& message);
    void on_write(bool keep_alive, error_code ec, std::size_t bytes);
    void do_linger();
    void on_linger(error_code ec, std::size_t bytes);
    void fail(error_code ec, const char* what);

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<ServerState> state_;
    LiveConnection live_;
    std::string peer_;
    std::string peer_address_;
    std::string tag_;
    std::uint64_t key_ = 0;

    // Of the request being answered.
    unsigned version_ = 11;
    bool keep_alive_ = false;
    bool head_ = false;

    bool reading_ = false;
    bool closing_ = false;  // close() came: no keep-alive after the current response
    std::array<char, 4096> drain_{};
};

/// Holds the application's `respond` to exactly one answer, from any thread; an application
/// that drops it without answering gets the client a 500 rather than a hung request.
class PendingAnswer {
  public:
    explicit PendingAnswer(std::shared_ptr<HttpSession> session) : session_(std::move(session)) {}
    PendingAnswer(const PendingAnswer&) = delete;
    PendingAnswer& operator=(const PendingAnswer&) = delete;
    ~PendingAnswer() {
        if (!answered_.load()) {
            HttpResponse problem{500,
                                 std::string(problem_content_type),
                                 problem_body(500, "the request was not answered"),
                                 {}};
            deliver(std::move(problem));
        }
    }

    void deliver(HttpResponse answer) {
        if (answered_.exchange(true)) return;
        auto session = session_;
        session->post_answer(std::move(answer));
    }

  private:
    std::shared_ptr<HttpSession> session_;
    std::atomic<bool> answered_{false};
};

void HttpSession::do_read() {
    if (closing_) return;  // nothing pending: the session ends and its socket closes
    parser_.emplace();
    head_ = false;
    parser_->body_limit(state_->options().max_http_body);
    parser_->header_limit(http_header_limit);
    stream_.expires_after(io_timeout);
    reading_ = true;
    // The header first: whether a body may follow is decided before any of it is read.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(error_code ec, std::size_t bytes) {
    if (!ec && parser_->chunked()) {
        reading_ = false;
        ++state_->stats().http_requests;
        version_ = parser_->get().version();
        keep_alive_ = false;  // the body's bytes are still on the way
        return answer_problem(411, chunked_body_refused);
    }
    if (ec || parser_->is_done()) return on_read(ec, bytes);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(error_code ec, std::size_t) {
    reading_ = false;
    // The client went away mid-request: nobody is left to answer.
    if (ec == http::error::partial_message) return;
    if (ec == http::error::end_of_stream) {
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        return;
    }
    // An idle keep-alive connection running out its time is the normal end of one.
    if (ec == beast::error::timeout && parser_ && !parser_->got_some()) return;
    if (ec == http::error::body_limit) {
        ++state_->stats().http_requests;
        version_ = parser_->get().version();
        keep_alive_ = false;
        return answer_problem(413, "the request body is larger than " +
                                       std::to_string(state_->options().max_http_body) + " bytes");
    }
    if (ec == http::error::header_limit) {
        ++state_->stats().http_requests;
        keep_alive_ = false;
        return answer_problem(431, "the request header is too large");
    }
    if (is_parse_error(ec)) {
        ++state_->stats().http_requests;
        keep_alive_ = false;
        return answer_problem(400, "malformed HTTP request: " + ec.message());
    }
    if (ec) return fail(ec, "read");

    ++state_->stats().http_requests;
    handle_request();
}

void HttpSession::handle_request() {
    auto& request = parser_->get();
    version_ = request.version();
    keep_alive_ = request.keep_alive();
    head_ = request.method() == http::verb::head;
    const std::string_view target = request.target();
    const std::string_view path = path_of(target);

    if (websocket::is_upgrade(request)) {
        if (path != "/ws") return answer_problem(404, "no WebSocket endpoint here; use /ws");
        return upgrade();
    }
    if (path == "/ws")
        return answer_problem(426, "/ws speaks WebSocket only",
                              std::pair{http::field::upgrade, std::string_view("websocket")});
    if (for_application(path)) return ask_application();
    if (request.method() != http::verb::get && !head_)
        return answer_problem(405, "only GET and HEAD are allowed here",
                              std::pair{http::field::allow, std::string_view("GET, HEAD")});
    if (state_->options().static_root.empty()) return answer_problem(404, "no such resource");
    serve_static(target);
}

std::string HttpSession::client() const {
    // Several header lines are one list, in order.
    std::string forwarded_for;
    const auto [first, last] = parser_->get().equal_range("X-Forwarded-For");
    for (auto line = first; line != last; ++line) {
        if (!forwarded_for.empty()) forwarded_for += ',';
        forwarded_for += line->value();
    }
    return client_address(peer_address_, forwarded_for, state_->options().trusted_proxies);
}

void HttpSession::upgrade() {
    const auto& request = parser_->get();
    // A page of another site must not speak for its visitor here; clients that are no browser
    // send no Origin and are let in (docs/security.md, "Cross-site requests").
    if (auto origin = request.find(http::field::origin); origin != request.end()) {
        if (!origin_allowed(origin->value(), request[http::field::host],
                            state_->options().allowed_origins)) {
            log_line(tag_ + " refused a WebSocket from origin " + in_quotes(origin->value()));
            keep_alive_ = false;
            return answer_problem(403, "pages of this origin may not open the WebSocket");
        }
    }
    std::string address = client();
    // The connection becomes the WebSocket's; this session ends when this handler returns.
    stream_.expires_never();
    run_websocket_session(std::move(stream_), parser_->release(), state_, std::move(live_),
                          std::move(peer_), std::move(address));
}

void HttpSession::ask_application() {
    auto& request = parser_->get();
    HttpRequest question;
    question.method = std::string(request.method_string());
    question.target = std::string(request.target());
    question.authorization = std::string(request[http::field::authorization]);
    question.accept = std::string(request[http::field::accept]);
    question.content_type = std::string(request[http::field::content_type]);
    question.body = std::move(request.body());
    question.remote = peer_;
    question.client = client();

    auto pending = std::make_shared<PendingAnswer>(shared_from_this());
    try {
        state_->app().handle_http(std::move(question), [pending](HttpResponse answer) {
            pending->deliver(std::move(answer));
        });
    } catch (const std::exception& e) {
        log_line(tag_ + " handle_http threw: " + e.what());
        pending->deliver({500,
                          std::string(problem_content_type),
                          problem_body(500, "the server failed to answer"),
                          {}});
    }
}

void HttpSession::post_answer(HttpResponse answer) {
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), answer = std::move(answer)]() mutable {
                   self->on_answer(std::move(answer));
               });
}

void HttpSession::on_answer(HttpResponse answer) {
    if (answer.status < 100 || answer.status > 599) {
        log_line(tag_ + " the application answered with status " + std::to_string(answer.status));
        return answer_problem(500, "the server failed to answer");
    }
    http::response<http::string_body> response{static_cast<http::status>(answer.status), version_};
    if (!answer.content_type.empty()) response.set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) {
        if (safe_header(name) && (value.empty() || safe_header(value)))
            response.set(name, value);
        else
            log_line(tag_ + " dropped a header with a line break from the application");
    }
    write_text(std::move(response), std::move(answer.body));
}

void HttpSession::serve_static(std::string_view target) {
    const auto& root = state_->options().static_root;
    const auto found = resolve_static(root, target);
    if (found.status != 200) return answer_problem(found.status, found.detail);
    if (mime_type(found.path).starts_with("text/html")) return serve_page(found.file, found.path);

    const auto variant =
        choose_variant(found.file, accepted_codings(parser_->get()[http::field::accept_encoding]));
    error_code ec;
    http::file_body::value_type file;
    file.open(variant.file.c_str(), beast::file_mode::scan, ec);
    if (ec == boost::system::errc::no_such_file_or_directory)
        return answer_problem(404, "no such file");
    if (ec) {
        log_line(tag_ + " open " + variant.file.string() + ": " + ec.message());
        return answer_problem(500, "the file could not be read");
    }
    const auto size = file.size();
    auto head = [&](auto& response) {
        response.set(http::field::content_type, mime_type(found.path));
        response.set(http::field::cache_control, cache_control(found.path));
        // Caches keep the brotli, gzip and plain answers apart.
        response.set(http::field::vary, "Accept-Encoding");
        if (!variant.encoding.empty())
            response.set(http::field::content_encoding, variant.encoding);
        response.content_length(size);
    };
    if (head_) {
        http::response<http::empty_body> response{http::status::ok, version_};
        head(response);
        return do_write(std::move(response));
    }
    http::response<http::file_body> response{std::piecewise_construct,
                                             std::make_tuple(std::move(file)),
                                             std::make_tuple(http::status::ok, version_)};
    head(response);
    do_write(std::move(response));
}

void HttpSession::serve_page(const std::filesystem::path& file, std::string_view path) {
    std::error_code size_error;
    const auto size = std::filesystem::file_size(file, size_error);
    if (size_error || size > max_page_bytes) {
        log_line(tag_ + " page " + file.string() + " unreadable or larger than 1 MiB");
        return answer_problem(500, "the page could not be read");
    }
    std::ifstream in(file, std::ios::binary);
    std::string page(static_cast<std::size_t>(size), '\0');
    if (!in.read(page.data(), static_cast<std::streamsize>(page.size()))) {
        log_line(tag_ + " read " + file.string() + " failed");
        return answer_problem(500, "the page could not be read");
    }
    const std::string nonce = new_nonce();
    http::response<http::string_body> response{http::status::ok, version_};
    response.set(http::field::content_type, mime_type(path));
    response.set(http::field::cache_control, cache_control(path));
    response.set(csp_header, content_security_policy(nonce));
    write_text(std::move(response), with_nonce(page, nonce));
}

void HttpSession::answer_problem(unsigned status, std::string_view detail,
                                 std::optional<std::pair<http::field, std::string_view>> extra) {
    http::response<http::string_body> response{static_cast<http::status>(status), version_};
    response.set(http::field::content_type, problem_content_type);
    if (extra) response.set(extra->first, extra->second);
    write_text(std::move(response), problem_body(status, detail));
}

void HttpSession::write_text(http::response<http::string_body>&& response, std::string body) {
    // A HEAD answer says how long the body would be, and sends none.
    if (head_) {
        response.content_length(body.size());
    } else {
        response.body() = std::move(body);
        response.prepare_payload();
    }
    do_write(std::move(response));
}

template <class Body>
void HttpSession::do_write(http::response<Body>&& response) {
    response.set("API-Version", state_->options().api_version);
    for (const auto& [name, value] : security_headers) response.set(name, value);
    // A page has set its own, with its nonce.
    if (response.find(csp_header) == response.end())
        response.set(csp_header, content_security_policy());
    response.keep_alive(keep_alive_ && !closing_);
    send(http::message_generator(std::move(response)));
}

// Not a template: one instantiation of the write operation serves every kind of body.
void HttpSession::send(http::message_generator&& message) {
    const bool keep_alive = message.keep_alive();
    stream_.expires_after(io_timeout);
    beast::async_write(
        stream_, std::move(message),
        beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
}

void HttpSession::on_write(bool keep_alive, error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    if (!keep_alive) return do_linger();
    do_read();
}

void HttpSession::do_linger() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return;
    stream_.expires_after(linger_timeout);
    stream_.async_read_some(asio::buffer(drain_),
                            beast::bind_front_handler(&HttpSession::on_linger, shared_from_this()));
}

void HttpSession::on_linger(error_code ec, std::size_t) {
    if (ec) return;  // end of input, the time is up, or close(): the socket closes with us
    stream_.async_read_some(asio::buffer(drain_),
                            beast::bind_front_handler(&HttpSession::on_linger, shared_from_this()));
}

void HttpSession::fail(error_code ec, const char* what) {
    if (ec == asio::error::operation_aborted) return;
    log_line(tag_ + " " + what + ": " + ec.message());
}

}  // namespace

void run_http_session(tcp::socket socket, std::shared_ptr<ServerState> state, LiveConnection live) {
    std::make_shared<HttpSession>(std::move(socket), std::move(state), std::move(live))->run();
}

}  // namespace samen::net
