// samen-bench: the live server under the workgroup workload, an editor and a coordinator of each of
// the four municipalities writing one document together. Clients type single characters into
// random sections of the common layer of one document, over real WebSockets, each keeping at most
// one edit in flight per section layer (LayerSync). Measured: end-to-end and ack latency,
// throughput, server CPU per op, server memory per connection and per open document, and the time
// to open a large document. With --flood-diffs, a viewer floods the server with `diff` requests
// meanwhile (what one reader of the past costs everyone else); with --churn-edits, one client
// inserts and deletes large texts, leaves, and the server's memory is followed until it is idle.
// One JSON line on stdout; progress on stderr. Figures and commands:
// docs/performance/live-server.md, "Live server".
#include <sys/resource.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../tool_main.hpp"
#include "common.hpp"
#include "connection.hpp"
#include "figures.hpp"
#include "floor.hpp"
#include "fsync.hpp"
#include "measures.hpp"
#include "options.hpp"
#include "server.hpp"
#include "workload.hpp"

namespace samen::bench {
namespace {

/// The bench holds one descriptor per connection: its soft limit (often 1024) would stop it long
/// before 10,000 idle connections, so it goes up to the hard one. Returns {soft, hard} after.
json raise_descriptor_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return nullptr;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return {{"soft", limit.rlim_cur}, {"hard", limit.rlim_max}};
}

int run(const Options& o) {
    json result;
    result["benchmark"] = "samen-bench";
    result["mode"] = o.mode == Mode::open ? "open" : "closed";
    result["rate"] = o.mode == Mode::open ? json(o.rate) : json();
    result["clients"] = o.clients;
    result["client_threads"] = o.client_threads;
    result["seconds"] = o.seconds;
    result["warmup"] = o.warmup;
    result["seed"] = o.seed;
    result["batches"] = o.batches;
    ask_for_batches = o.batches;
    result["doc"] = o.doc;
    result["machine"] = {{"nproc", sysconf(_SC_NPROCESSORS_ONLN)},
                         {"cpu", cpu_model()},
                         {"loadavg_start", load_average()},
                         {"bench_descriptors", raise_descriptor_limit()}};
    progress("seed " + std::to_string(o.seed));

    Server server;
    if (o.port) {
        server.port = *o.port;
        server.pid = o.server_pid;
        result["server"] = {{"started", false}, {"port", *o.port}};
    } else {
        test::ServerOptions options;
        options.executable = o.server_path;
        // The idle connections are all one user's, and all come from 127.0.0.1 at once: lift
        // the per-user bound and the per-address bound on connections still signing in.
        options.args = {"--edit-rate",
                        "1000000",
                        "--edit-burst",
                        "1000000",
                        "--max-connections-per-user",
                        "100000",
                        "--max-unauthenticated-per-address",
                        "0"};
        options.args.insert(options.args.end(), o.server_args.begin(), o.server_args.end());
        // Every acknowledged edit is on disk already, so a server that does not stop in order
        // within 5 s loses nothing to SIGKILL; the wait is only for the orderly case.
        options.stop_timeout = 5s;
        server.child = std::make_unique<test::ServerProcess>(std::move(options));
        server.port = server.child->port();
        server.pid = server.child->pid();
        result["server"] = {{"started", true}, {"command", server.child->command()}};
        progress("started samen-server (pid " + std::to_string(*server.pid) + ") on port " +
                 std::to_string(server.port));
    }

    if (o.fsync_samples > 0) {
        // Before any client: the disk as the server finds it, not busy with the server's commits.
        const std::string dir = server.child ? server.child->data_dir().string() : ".";
        result["fsync_ms"] = measure_fsync(dir, o.fsync_samples, o.fsync_gap_ms, o.seed);
        progress("fdatasync in " + dir + ": p50 " + result["fsync_ms"]["p50"].dump() + " ms, p99 " +
                 result["fsync_ms"]["p99"].dump() + " ms");
    }

    Loop loop;
    std::map<std::string, std::string> tokens;
    const std::string& first_user = workgroup.front();
    json open;
    std::vector<std::unique_ptr<Connection>> idle;  // open while the clients type
    result["memory_kib"] =
        measure_memory(loop, server, o, token_for(tokens, server, first_user, o), open, idle);
    result["open"] = std::move(open);
    std::string snapshot;  // of --doc as the typists find it, for the relay
    if (o.floor) {
        Requester reader(loop, server.port, token_for(tokens, server, first_user, o));
        reader.wait_signed_in();
        auto reply = reader.request({{"type", "open"}, {"doc", o.doc}});
        require_ok(reply, "opening " + o.doc);
        snapshot = reply.msg.dump();
        reader.connection().close();
        loop.run_until([&] { return reader.connection().closed(); }, 5s);
    }
    Plan plan = workgroup_plan(o);
    if (o.docs > 0) {
        plan =
            Plan{create_documents(loop, server, o, token_for(tokens, server, "admin", o), o.docs),
                 o.clients_per_doc, o.rate_per_client, false};
        result["clients"] = o.docs * o.clients_per_doc;
        result["rate"] =
            o.mode == Mode::open
                ? json(static_cast<double>(o.docs * o.clients_per_doc) * o.rate_per_client)
                : json();
    }
    WorkloadResult workload = run_workload(loop, server, o, tokens, plan);
    close_all(loop, idle);
    result.update(workload.figures);
    result["memory_kib"]["end"] = workload.figures["rss_end"];
    result.erase("rss_end");
    // Right after the run it is compared with, on a machine as busy.
    if (o.floor) {
        WorkloadResult relay = run_on_relay(loop, o, tokens, snapshot);
        workload.ok = workload.ok && relay.ok;
        result["ratios"] = floor_ratios(result, relay.figures);
        result["floor"] = std::move(relay.figures);
        progress("samen-server / samen-relay: " + result["ratios"].dump());
    }
    if (o.large_kib > 0) {
        result["large_document"] =
            measure_large_document(loop, server, o, token_for(tokens, server, first_user, o));
    }
    if (o.churn_edits > 0) {
        result["churn"] = measure_churn(loop, server, o, token_for(tokens, server, first_user, o));
    }
    if (result.contains("fsync_ms") && result["e2e_ms"].is_object()) {
        result["e2e_p99_minus_fsync_p99_ms"] = round_to(
            result["e2e_ms"]["p99"].get<double>() - result["fsync_ms"]["p99"].get<double>(), 3);
    }
    result["machine"]["loadavg_end"] = load_average();
    std::cout << result.dump() << std::endl;
    return workload.ok ? 0 : 1;
}

}  // namespace
}  // namespace samen::bench

int main(int argc, char** argv) {
    return samen::bench::tool_main("samen-bench", samen::bench::usage_text, argc, argv,
                                   samen::bench::parse_options, samen::bench::run);
}
