// samen-bench-keystroke: what one keystroke costs the server as its section grows. One editor types
// single characters, one at a time (each waits for its ack), into the middle of a section of about
// --small-kib KiB, then of one of --large-kib KiB; per keystroke: the server's CPU time
// (/proc/<pid>/task/*/schedstat) and the bytes it had written to storage (/proc/<pid>/io,
// write_bytes: the data file, its WAL and their syncs), and the ratio of the large to the small
// section. A keystroke should cost the same whatever the size of its section. One JSON line on
// stdout; progress on stderr. Figures and command: docs/performance/section-size.md, "A keystroke
// by the size of its section".
#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "protocol_client.hpp"
#include "server_process.hpp"
#include "tool_main.hpp"

namespace samen::bench {
namespace {

using json = nlohmann::json;

struct Options {
    std::size_t small_kib = 2;
    std::size_t large_kib = 500;
    std::size_t keystrokes = 300;
    std::size_t rounds = 3;
};

const char* usage = R"(samen-bench-keystroke: a keystroke's server cost by the size of its section

usage: samen-bench-keystroke [options]

  --small-kib N    the small section's size in KiB (default 2)
  --large-kib N    the large section's size in KiB (default 500)
  --keystrokes N   keystrokes per section and round, each after the previous one's ack (default 300)
  --rounds N       rounds, each typing into the small section and then the large one; the figures
                   are the medians (default 3)

It starts samen-server (this build's, demo data, a fresh data directory) on a loopback port.
)";

Options parse(const std::vector<std::string>& args) {
    Options o;
    for (test::Args arg(args); arg.next();) {
        const std::string& a = arg.flag();
        if (a == "--small-kib")
            o.small_kib = arg.number<std::size_t>(1, 1000);
        else if (a == "--large-kib")
            o.large_kib = arg.number<std::size_t>(1, 1000);
        else if (a == "--keystrokes")
            o.keystrokes = arg.number<std::size_t>(1, 100000);
        else if (a == "--rounds")
            o.rounds = arg.number<std::size_t>(1, 100);
        else
            throw std::invalid_argument("unknown option " + a);
    }
    return o;
}

/// write_bytes of /proc/<pid>/io: what the process caused to be written to storage.
std::uint64_t written_bytes(pid_t pid) {
    std::ifstream io("/proc/" + std::to_string(pid) + "/io");
    std::string key;
    std::uint64_t value = 0;
    while (io >> key >> value) {
        if (key == "write_bytes:") return value;
    }
    throw std::runtime_error("no write_bytes in /proc/<pid>/io");
}

std::uint64_t cpu_ns(pid_t pid) {
    auto ns = test::process_cpu_ns(pid);
    if (!ns) throw std::runtime_error("cannot read the server's CPU time");
    return *ns;
}

json ok(json reply, const std::string& what) {
    if (reply.value("type", "") == "error") throw std::runtime_error(what + ": " + reply.dump());
    return reply;
}

/// The section's common text grown to `kib` KiB of plain Dutch prose, in pieces under the message
/// bound; returns the revision it stands at.
std::uint64_t grow(test::ProtocolClient& c, const std::string& doc, const std::string& section,
                   std::size_t kib, std::uint64_t rev) {
    const std::string sentence =
        "De vier gemeenten werken samen waar het kan en lokaal waar het moet. ";
    std::string piece;
    while (piece.size() < 32 * 1024) piece += sentence;
    std::size_t have = 0;
    while (have < kib * 1024) {
        const std::size_t n = std::min(piece.size(), kib * 1024 - have);
        auto ack = ok(c.request(test::edit_request(doc, section, "common", rev,
                                                   json::array({piece.substr(0, n)}),
                                                   "grow-" + section + "-" + std::to_string(have))),
                      "growing " + section);
        rev = ack["rev"].get<std::uint64_t>();
        have += n;
    }
    return rev;
}

struct Cost {
    double cpu_us = 0;
    double bytes = 0;
};

/// Types `n` characters into the middle of the section, one ack at a time.
Cost type(test::ProtocolClient& c, pid_t pid, const std::string& doc, const std::string& section,
          std::size_t at, std::size_t n, std::uint64_t& rev) {
    const auto cpu0 = cpu_ns(pid);
    const auto io0 = written_bytes(pid);
    for (std::size_t i = 0; i < n; ++i) {
        auto ack =
            ok(c.request(test::edit_request(doc, section, "common", rev, json::array({at + i, "x"}),
                                            "k-" + section + "-" + std::to_string(rev))),
               "typing");
        rev = ack["rev"].get<std::uint64_t>();
    }
    return {static_cast<double>(cpu_ns(pid) - cpu0) / 1000.0 / static_cast<double>(n),
            static_cast<double>(written_bytes(pid) - io0) / static_cast<double>(n)};
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

int run(const Options& o) {
    test::ServerProcess server({"--edit-rate", "1000000", "--edit-burst", "1000000"});
    test::ProtocolClient c(server.port());
    ok(c.hello(server.sign_in("kampen-editor")), "signing in");
    const std::string doc = "ivp-2023-2026";
    const json snapshot = ok(c.open(doc), "opening");
    std::uint64_t rev = snapshot["rev"].get<std::uint64_t>();
    const std::string small = "inleiding", large = "veiligheidsanalyse";
    std::cerr << "growing " << small << " to " << o.small_kib << " KiB and " << large << " to "
              << o.large_kib << " KiB\n";
    rev = grow(c, doc, small, o.small_kib, rev);
    rev = grow(c, doc, large, o.large_kib, rev);
    std::vector<double> small_cpu, small_bytes, large_cpu, large_bytes;
    for (std::size_t r = 0; r < o.rounds; ++r) {
        const Cost s = type(c, server.pid(), doc, small, o.small_kib * 512, o.keystrokes, rev);
        const Cost l = type(c, server.pid(), doc, large, o.large_kib * 512, o.keystrokes, rev);
        std::cerr << "round " << r + 1 << ": small " << s.cpu_us << " us, " << s.bytes
                  << " B; large " << l.cpu_us << " us, " << l.bytes << " B per keystroke\n";
        small_cpu.push_back(s.cpu_us);
        small_bytes.push_back(s.bytes);
        large_cpu.push_back(l.cpu_us);
        large_bytes.push_back(l.bytes);
    }
    const json out = {
        {"small_kib", o.small_kib},
        {"large_kib", o.large_kib},
        {"keystrokes", o.keystrokes},
        {"rounds", o.rounds},
        {"small", {{"cpu_us", median(small_cpu)}, {"bytes_written", median(small_bytes)}}},
        {"large", {{"cpu_us", median(large_cpu)}, {"bytes_written", median(large_bytes)}}},
        {"ratio",
         {{"cpu", median(large_cpu) / median(small_cpu)},
          {"bytes_written", median(large_bytes) / median(small_bytes)}}}};
    std::cout << out.dump() << std::endl;
    return 0;
}

}  // namespace
}  // namespace samen::bench

int main(int argc, char** argv) {
    return samen::bench::tool_main("samen-bench-keystroke", samen::bench::usage, argc, argv,
                                   samen::bench::parse, samen::bench::run);
}
