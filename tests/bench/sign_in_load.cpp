// samen-bench-sign-in: how long a real sign-in takes while many wrong ones hammer the server.
// N attackers each send wrong sign-ins back to back (one connection per attempt) for the whole
// run; meanwhile one real user signs in with the right password, a few times, one at a time.
// Reported: the real sign-ins' statuses and latencies, and what the attackers were answered.
// One JSON line on stdout; progress on stderr. Figures and commands: docs/security.md.
//
// Attackers and the real user come from the same loopback address. Each request also carries an
// X-Forwarded-For address (the attackers' from 198.51.100.0/24, the user's 192.0.2.10), which a
// server started with `--trusted-proxy 127.0.0.1` takes as the client's address: that shows how
// the per-address throttle tells them apart.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "command_line.hpp"
#include "server_process.hpp"
#include "transport/http_client.hpp"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
    std::size_t attackers = 150;
    std::size_t addresses = 1;  // distinct X-Forwarded-For addresses the attackers use
    std::size_t names = 1;      // 1: every attacker guesses --attack-user; more: unknown names
    std::string attack_user = "kampen-editor";
    std::string user = "kampen-coordinator";
    std::string password = "samen-demo";
    std::size_t samples = 3;
    double warmup = 2;  // seconds of attack before the first real sign-in
    double pause = 1;   // seconds between real sign-ins
    std::optional<std::uint16_t> port;
    std::vector<std::string> server_args;  // after --, for a server it starts
};

const char* usage = R"(samen-bench-sign-in: a real sign-in's latency under a flood of wrong ones

usage: samen-bench-sign-in [options] [-- samen-server flags]

  --attackers N      concurrent attackers, each sending wrong sign-ins back to back (default 150)
  --addresses N      distinct X-Forwarded-For addresses among them, 1 to 254 (default 1)
  --names N          1: all guess --attack-user's password; more: N unknown names (default 1)
  --attack-user NAME (default kampen-editor)
  --user NAME        the real user (default kampen-coordinator)
  --password P       the real user's password (default samen-demo)
  --samples N        real sign-ins, one after another (default 3)
  --warmup S         seconds of attack before the first (default 2)
  --pause S          seconds between them (default 1)
  --port N           use the server on 127.0.0.1:N instead of starting one

Without --port it starts samen-server --demo on a fresh data directory, with the flags after --.
)";

Options parse(int argc, char** argv) {
    Options o;
    for (samen::test::Args arg({argv + 1, argv + argc}); arg.next();) {
        const std::string& a = arg.flag();
        if (a == "--") {
            o.server_args = arg.rest();
            break;
        }
        if (a == "--attackers")
            o.attackers = arg.number<std::size_t>(0, 1000);
        else if (a == "--addresses")
            o.addresses = arg.number<std::size_t>(1, 254);
        else if (a == "--names")
            o.names = arg.number<std::size_t>(1, 100000);
        else if (a == "--attack-user")
            o.attack_user = arg.value();
        else if (a == "--user")
            o.user = arg.value();
        else if (a == "--password")
            o.password = arg.value();
        else if (a == "--samples")
            o.samples = arg.number<std::size_t>(1, 1000);
        else if (a == "--warmup")
            o.warmup = arg.number<double>(0, 600);
        else if (a == "--pause")
            o.pause = arg.number<double>(0, 600);
        else if (a == "--port")
            o.port = arg.number<std::uint16_t>(1, 65535);
        else
            throw std::invalid_argument("unknown option " + a);
    }
    return o;
}

struct Attempt {
    unsigned status = 0;  // 0: no answer (the exchange failed or timed out)
    double seconds = 0;
    std::string retry_after;
};

Attempt sign_in(std::uint16_t port, const std::string& user, const std::string& password,
                const std::string& address) {
    const json body = {{"user", user}, {"password", password}};
    const auto start = Clock::now();
    Attempt a;
    try {
        auto r = samen::transport::http_request("127.0.0.1", port, "POST", "/api/v1/session",
                                                body.dump(), {{"X-Forwarded-For", address}}, 120s);
        a.status = r.status;
        a.retry_after = r.header("Retry-After");
    } catch (const std::exception&) {
    }
    a.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return a;
}

int run(const Options& o) {
    std::unique_ptr<samen::test::ServerProcess> server;
    std::uint16_t port = 0;
    if (o.port) {
        port = *o.port;
    } else {
        server = std::make_unique<samen::test::ServerProcess>(o.server_args);
        port = server->port();
    }
    std::cerr << "samen-bench-sign-in: server on port " << port << ", " << o.attackers
              << " attackers" << std::endl;

    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::map<unsigned, std::uint64_t> attacker_statuses;
    std::vector<std::thread> attackers;
    for (std::size_t i = 0; i < o.attackers; ++i) {
        attackers.emplace_back([&, i] {
            const std::string address = "198.51.100." + std::to_string(1 + i % o.addresses);
            const std::string name =
                o.names == 1 ? o.attack_user : "guess-" + std::to_string(i % o.names);
            std::map<unsigned, std::uint64_t> mine;
            while (!stop.load()) {
                ++mine[sign_in(port, name, "wrong-password", address).status];
            }
            std::lock_guard lock(mutex);
            for (auto [status, count] : mine) attacker_statuses[status] += count;
        });
    }

    std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));
    json samples = json::array();
    for (std::size_t i = 0; i < o.samples; ++i) {
        if (i > 0) std::this_thread::sleep_for(std::chrono::duration<double>(o.pause));
        Attempt a = sign_in(port, o.user, o.password, "192.0.2.10");
        std::cerr << "real sign-in " << i + 1 << ": " << a.status << " in " << a.seconds << " s"
                  << (a.retry_after.empty() ? "" : ", Retry-After " + a.retry_after) << std::endl;
        samples.push_back({{"status", a.status}, {"seconds", a.seconds}});
        if (!a.retry_after.empty()) samples.back()["retry_after"] = a.retry_after;
    }
    stop = true;
    for (auto& t : attackers) t.join();

    json attacks = json::object();
    for (auto [status, count] : attacker_statuses) attacks[std::to_string(status)] = count;
    std::cout << json{{"attackers", o.attackers},
                      {"addresses", o.addresses},
                      {"names", o.names},
                      {"real_sign_ins", samples},
                      {"attacker_statuses", attacks}}
                     .dump()
              << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            if (a == "--") break;
            if (a == "--help" || a == "-h") {
                std::cout << usage;
                return 0;
            }
        }
        return run(parse(argc, argv));
    } catch (const std::invalid_argument& e) {
        std::cerr << "samen-bench-sign-in: " << e.what() << "\n\n" << usage;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "samen-bench-sign-in: " << e.what() << std::endl;
        return 1;
    }
}
