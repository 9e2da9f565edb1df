#include "transport/http_client.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <stdexcept>

#include "asio/names.hpp"

namespace samen::transport {

using namespace samen::asio_names;
namespace {

constexpr std::uint64_t max_response_body = 256 * 1024 * 1024;

}  // namespace

std::string host_header(const std::string& host, std::uint16_t port) {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string HttpResult::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (beast::iequals(key, name)) return value;
    return {};
}

HttpResult http_request(const std::string& host, std::uint16_t port, std::string_view method,
                        std::string_view target, std::string_view body, const HttpHeaders& headers,
                        std::chrono::milliseconds timeout) {
    const auto verb = http::string_to_verb(method);
    if (verb == http::verb::unknown)
        throw std::invalid_argument("unknown HTTP method '" + std::string(method) + "'");
    const std::string where = host_header(host, port);

    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, where);
    request.set(http::field::user_agent, "samen-client");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() && request[http::field::content_type].empty())
        request.set(http::field::content_type, "application/json");
    request.body() = std::string(body);
    request.keep_alive(false);
    request.prepare_payload();

    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_response_body);
    parser.skip(verb == http::verb::head);

    std::string failure;
    error_code write_error;
    auto on_read = [&](error_code ec, std::size_t) {
        // A server may answer and close before it read the whole request (413): then the
        // response counts, not the failed write.
        if (ec)
            failure = "HTTP " + std::string(method) + " http://" + where + std::string(target) +
                      ": " + (write_error ? write_error : ec).message();
    };
    auto on_write = [&](error_code ec, std::size_t) {
        write_error = ec;
        http::async_read(stream, buffer, parser, on_read);
    };
    auto on_connect = [&](error_code ec, const tcp::endpoint&) {
        if (ec) {
            failure = "cannot reach http://" + where + ": " + ec.message();
            return;
        }
        http::async_write(stream, request, on_write);
    };
    resolver.async_resolve(host, std::to_string(port),
                           [&](error_code ec, const tcp::resolver::results_type& results) {
                               if (ec) {
                                   failure = "cannot resolve " + host + ": " + ec.message();
                                   return;
                               }
                               // One deadline for connect, write and read together.
                               stream.expires_after(timeout);
                               stream.async_connect(results, on_connect);
                           });
    ioc.run_for(timeout + std::chrono::seconds(1));
    if (!ioc.stopped() && failure.empty())
        failure = "HTTP " + std::string(method) + " http://" + where + std::string(target) +
                  ": no answer in time";
    if (!failure.empty()) throw std::runtime_error(failure);

    auto& response = parser.get();
    HttpResult result;
    result.status = response.result_int();
    result.content_type = std::string(response[http::field::content_type]);
    for (const auto& field : response)
        result.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    result.body = std::move(response.body());
    return result;
}

}  // namespace samen::transport
