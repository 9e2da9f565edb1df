// samen-flood: the real samen-server's memory while one WebSocket floods it with large messages,
// signed in or not. It starts the server (tests/support's ServerProcess), reads its RSS, sends the
// messages as fast as the server takes them while reading whatever comes back, and reads the RSS
// again once the server has answered every message (or closed the socket), and once more after
// the socket is gone. One JSON line on stdout. Figures and commands: docs/performance/memory.md,
// "Memory under a flood".
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "command_line.hpp"
#include "flood.hpp"
#include "server_process.hpp"
#include "tool_main.hpp"

namespace samen::bench {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
    std::size_t messages = 500;
    std::size_t kib = 1024;
    bool hello = false;
    std::string server_path = test::ServerProcess::executable();
    std::vector<std::string> server_args;
};

const char* usage =
    R"(samen-flood: samen-server's memory under a flood of large messages on one WebSocket

usage: samen-flood [options]

  --messages N        messages to send (default 500)
  --kib N             size of each message in KiB (default 1024)
  --hello             sign in (hello as kampen-editor) before the flood; without it the socket
                      never says hello
  --server PATH       samen-server to start (default: the one of this build)
  --server-arg ARG    one more argument for samen-server (repeat for more)

Every message is one JSON object of a type the server does not know, answered with an `error`
each. When the server closes the socket the flood ends there; the output says after how many
messages and with which close code.
)";

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    for (test::Args arg(args); arg.next();) {
        const std::string& a = arg.flag();
        if (a == "--messages")
            o.messages = arg.number<std::size_t>(1, 100000);
        else if (a == "--kib")
            o.kib = arg.number<std::size_t>(1, 64 * 1024);
        else if (a == "--hello")
            o.hello = true;
        else if (a == "--server")
            o.server_path = arg.value();
        else if (a == "--server-arg")
            o.server_args.push_back(arg.value());
        else
            throw std::invalid_argument("unknown option " + a);
    }
    return o;
}

/// RSS once it has stopped moving (two readings 300 ms apart within 1 %), at most 10 s.
std::optional<std::uint64_t> settled_rss(pid_t pid) {
    auto last = test::process_rss_kib(pid);
    for (int i = 0; i < 33 && last; ++i) {
        std::this_thread::sleep_for(300ms);
        auto now = test::process_rss_kib(pid);
        if (!now) return last;
        const auto gap = *now > *last ? *now - *last : *last - *now;
        last = now;
        if (gap * 100 <= *now) break;
    }
    return last;
}

json kib_or_null(std::optional<std::uint64_t> v) {
    return v ? json(*v) : json();
}

json grown(std::optional<std::uint64_t> from, std::optional<std::uint64_t> to) {
    if (!from || !to) return nullptr;
    return static_cast<std::int64_t>(*to) - static_cast<std::int64_t>(*from);
}

int run(const Options& o) {
    test::ServerOptions server_options;
    server_options.executable = o.server_path;
    server_options.args = o.server_args;
    test::ServerProcess server(server_options);

    json result = {{"benchmark", "samen-flood"},
                   {"messages", o.messages},
                   {"message_bytes", o.kib * 1024},
                   {"hello", o.hello},
                   {"server", server.command()}};
    test::Flood flood(server.port());
    if (o.hello) {
        const json welcome =
            flood.ask({{"type", "hello"}, {"token", server.sign_in("kampen-editor")}});
        if (welcome.value("type", "") != "welcome") {
            throw std::runtime_error("hello failed: " + welcome.dump());
        }
    }
    const auto start = settled_rss(server.pid());
    const auto began = Clock::now();
    const auto r = flood.run(test::padded_message(o.kib * 1024), o.messages, 300s);
    result["seconds"] = std::chrono::duration<double>(Clock::now() - began).count();
    const auto after_flood = settled_rss(server.pid());
    flood.close();
    const auto after_close = settled_rss(server.pid());

    result["messages_sent"] = r.sent;
    result["replies"] = r.replies;
    if (r.close_code) result["closed"] = {{"code", *r.close_code}, {"reason", r.close_reason}};
    if (!r.error.empty()) result["ended"] = r.error;
    result["rss_kib"] = {{"start", kib_or_null(start)},
                         {"after_flood", kib_or_null(after_flood)},
                         {"after_close", kib_or_null(after_close)}};
    result["grown_kib"] = {{"after_flood", grown(start, after_flood)},
                           {"after_close", grown(start, after_close)}};
    std::cout << result.dump() << std::endl;
    return 0;
}

}  // namespace
}  // namespace samen::bench

int main(int argc, char** argv) {
    return samen::bench::tool_main("samen-flood", samen::bench::usage, argc, argv,
                                   samen::bench::parse_options, samen::bench::run);
}
