#include "floor.hpp"

#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "figures.hpp"
#include "measures.hpp"
#include "server.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace samen::bench {

WorkloadResult run_on_relay(Loop& loop, const Options& o,
                            std::map<std::string, std::string>& tokens,
                            const std::string& snapshot) {
    test::TempDir dir("samen-relay");
    const std::string file = dir.file("snapshot.json");
    std::ofstream(file) << snapshot;
    test::ServerOptions options;
    options.executable = o.relay_path.empty() ? SAMEN_RELAY_PATH : o.relay_path;
    options.args = {"--snapshot", file, "--threads", std::to_string(o.relay_threads)};
    options.stop_timeout = 5s;
    Server relay;
    relay.child = std::make_unique<test::ServerProcess>(std::move(options));
    relay.port = relay.child->port();
    relay.pid = relay.child->pid();
    progress("started samen-relay (pid " + std::to_string(*relay.pid) + ") on port " +
             std::to_string(relay.port));
    // The tokens are samen-server's, all known already: the relay takes any.
    // As many idle connections beside the clients as samen-server had.
    std::vector<std::unique_ptr<Connection>> idle;
    connect_idle(loop, relay.port, tokens.at(workgroup.front()), o, idle);
    Plan plan = workgroup_plan(o);
    plan.relayed = true;
    WorkloadResult r = run_workload(loop, relay, o, tokens, plan);
    r.figures["idle_connections"] = idle.size();
    close_all(loop, idle);
    r.figures["rss_kib"] = r.figures["rss_end"];
    r.figures.erase("rss_end");
    r.figures["command"] = relay.child->command();
    return r;
}

json floor_ratios(const json& samen, const json& relay) {
    auto ratio = [](const json& a, const json& b) -> json {
        if (!a.is_number() || !b.is_number() || b.get<double>() <= 0) return nullptr;
        return round_to(a.get<double>() / b.get<double>(), 2);
    };
    auto at = [](const json& f, const char* figure, const char* p) -> json {
        return f.contains(figure) && f[figure].is_object() ? f[figure].value(p, json()) : json();
    };
    // What a durable edit costs at the least: the relay's work plus the disk's sync, once per
    // commit (as many commits per edit as samen-server made in the run).
    json durable_floor = nullptr;
    const json relay_cpu = relay.value("server_cpu_us_per_op_schedstat", json());
    const json sync_cpu = at(samen, "fsync_ms", "cpu_us_per_sync");
    const json per_commit = at(samen, "server_metrics", "jobs_per_commit");
    if (relay_cpu.is_number() && sync_cpu.is_number() && per_commit.is_number() &&
        per_commit.get<double>() > 0) {
        durable_floor = round_to(
            relay_cpu.get<double>() + sync_cpu.get<double>() / per_commit.get<double>(), 1);
    }
    return {{"cpu_per_op", ratio(samen.value("server_cpu_us_per_op_schedstat", json()), relay_cpu)},
            {"durable_floor_cpu_us_per_op", durable_floor},
            {"cpu_per_op_durable",
             ratio(samen.value("server_cpu_us_per_op_schedstat", json()), durable_floor)},
            {"ack_p50", ratio(at(samen, "ack_ms", "p50"), at(relay, "ack_ms", "p50"))},
            {"ack_p99", ratio(at(samen, "ack_ms", "p99"), at(relay, "ack_ms", "p99"))},
            {"e2e_p50", ratio(at(samen, "e2e_ms", "p50"), at(relay, "e2e_ms", "p50"))},
            {"e2e_p99", ratio(at(samen, "e2e_ms", "p99"), at(relay, "e2e_ms", "p99"))}};
}

}  // namespace samen::bench
