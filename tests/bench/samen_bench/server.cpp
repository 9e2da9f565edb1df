#include "server.hpp"

#include <sstream>
#include <stdexcept>

#include "samen/sign_in.hpp"
#include "transport/http_client.hpp"

namespace samen::bench {

std::optional<std::uint64_t> settled_rss(Loop& loop, const Server& server) {
    loop.run_until(Clock::now() + 300ms);
    return server.rss();
}

std::string token_for(std::map<std::string, std::string>& tokens, const Server& server,
                      const std::string& user, const Options& o) {
    auto it = tokens.find(user);
    if (it != tokens.end()) return it->second;
    return tokens[user] = client::sign_in({"127.0.0.1", server.port}, user, o.password).token;
}

void require_ok(const Requester::Reply& reply, const std::string& what) {
    if (reply.msg.at("type") == "error") {
        throw std::runtime_error(what + " failed: " + reply.msg.dump());
    }
}

std::map<std::string, double> scrape_metrics(std::uint16_t port) {
    std::map<std::string, double> values;
    try {
        auto r = transport::http_request("127.0.0.1", port, "GET", "/metrics", {}, {}, 5s);
        if (r.status != 200) return values;
        std::istringstream in(r.body);
        std::string line;
        while (std::getline(in, line)) {
            auto space = line.rfind(' ');
            if (line.empty() || line[0] == '#' || space == std::string::npos) continue;
            const std::string name = line.substr(0, space);
            if (name.find('{') != std::string::npos) continue;  // histogram buckets
            values[name] = std::stod(line.substr(space + 1));
        }
    } catch (const std::exception& e) {
        progress(std::string("reading /metrics failed: ") + e.what());
    }
    return values;
}

/// What the server's counters say about the measured window.
json server_metrics(const std::map<std::string, double>& before,
                    const std::map<std::string, double>& after) {
    auto delta = [&](const std::string& name) -> std::optional<double> {
        auto a = after.find(name);
        auto b = before.find(name);
        if (a == after.end() || b == before.end()) return std::nullopt;
        return a->second - b->second;
    };
    json m;
    auto edits = delta("samen_edit_latency_seconds_count");
    auto latency = delta("samen_edit_latency_seconds_sum");
    auto commits = delta("samen_commit_batch_size_count");
    auto jobs = delta("samen_commit_batch_size_sum");
    auto committing = delta("samen_store_commit_seconds_total");
    if (edits && latency && *edits > 0) {
        m["edits"] = *edits;
        m["edit_latency_ms_mean"] = round_to(*latency / *edits * 1000, 3);
    }
    if (commits && jobs && committing && *commits > 0) {
        m["commits"] = *commits;
        m["jobs_per_commit"] = round_to(*jobs / *commits, 2);
        m["commit_ms_mean"] = round_to(*committing / *commits * 1000, 3);
    }
    if (auto here = delta("samen_store_network_commits_total")) m["network_thread_commits"] = *here;
    return m;
}
}  // namespace samen::bench
