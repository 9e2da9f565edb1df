#include "workload.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "client_thread.hpp"
#include "figures.hpp"
#include "flooder.hpp"
#include "typists.hpp"

namespace samen::bench {
namespace {

/// The measured window, opened and closed on thread 0 (the caller's thread) as its loop turns,
/// while every client thread types: the phase the recorders read, and the server's CPU and
/// counters and this process's CPU (all its threads) at both ends.
struct Window {
    Window(ClientThreads& client_threads, const Server& measured_server, bool on_relay,
           Clock::time_point open_at, Clock::time_point close_at)
        : threads(client_threads),
          server(measured_server),
          relayed(on_relay),
          from(open_at),
          to(close_at) {}

    ClientThreads& threads;
    const Server& server;
    const bool relayed;
    const Clock::time_point from, to;

    /// What is read at each end of the window.
    struct Reading {
        std::optional<std::uint64_t> cpu_us, cpu_ns;  // the server's
        std::uint64_t own_us = 0;                     // this process's
        std::map<std::string, double> metrics;        // the server's counters
    };

    bool opened = false, closed = false;
    Clock::time_point measured_at{}, measured_until{};
    Reading before, after;

    void tick(Clock::time_point now) {
        if (!opened && now >= from) open(now);
        if (opened && !closed && now >= to) close();
    }

    void open(Clock::time_point now) {
        opened = true;
        measured_at = now;
        threads.set_phase(Recorder::Phase::measuring);
        before = read();
    }

    void close() {
        closed = true;
        measured_until = Clock::now();
        threads.set_phase(Recorder::Phase::draining);
        after = read();
    }

    Reading read() const {
        Reading r;
        if (server.pid) {
            r.cpu_us = test::process_cpu_us(*server.pid);
            r.cpu_ns = test::process_cpu_ns(*server.pid);
        }
        r.own_us = own_cpu_us();
        if (!relayed) r.metrics = scrape_metrics(server.port);
        return r;
    }
};

}  // namespace

Plan workgroup_plan(const Options& o) {
    return Plan{{o.doc}, o.clients, o.rate / static_cast<double>(o.clients), false};
}

WorkloadResult run_workload(Loop& loop, const Server& server, const Options& o,
                            std::map<std::string, std::string>& tokens, const Plan& plan) {
    // Client i on thread i % N, the same keystrokes whatever N: they are seeded by i.
    ClientThreads threads(loop, o.client_threads);
    std::size_t clients = 0;
    // In batches, each opened before the next connects: hundreds of documents loading at once
    // would measure the server's start, not its typing.
    for (const std::string& doc : plan.docs) {
        for (std::size_t c = 0; c < plan.clients_per_doc; ++c) {
            const std::size_t i = clients++;
            const std::string& user = workgroup[i % workgroup.size()];
            ClientThread& thread = threads.of_client(i);
            thread.add(std::make_unique<Typist>(thread.loop(), thread.recorder(), o, i, server.port,
                                                token_for(tokens, server, user, o), doc,
                                                plan.clients_per_doc, plan.relayed));
            if (clients % o.connect_batch == 0) {
                threads.run([](ClientThread& t) { t.wait_loaded(120s); });
            }
        }
    }
    const std::string what =
        plan.docs.size() == 1 ? plan.docs.front() : std::to_string(plan.docs.size()) + " documents";
    std::unique_ptr<Flooder> flooder;
    if (o.flood_diffs > 0) {
        flooder = std::make_unique<Flooder>(loop, o, server.port,
                                            token_for(tokens, server, "kampen-viewer", o));
        threads[0].set_flooder(flooder.get());  // on the caller's loop, as thread 0
    }
    threads.run([](ClientThread& t) { t.wait_loaded(120s); });
    if (auto f = threads.failure(); !f.empty()) throw std::runtime_error(f);
    if (!threads.loaded()) {
        throw std::runtime_error("the clients did not open " + what + " in 120 s");
    }
    const Typist& client0 = *threads[0].typists().front();
    const std::size_t sections = client0.layer_count();
    const std::size_t window = o.window == 0 ? sections : std::min(o.window, sections);
    progress(std::to_string(clients) + " clients typing into " + std::to_string(sections) +
             " sections of " + what + (plan.relayed ? " on samen-relay" : "") +
             (o.mode == Mode::open
                  ? ", " + std::to_string(plan.rate_per_client * static_cast<double>(clients)) +
                        " keystrokes/s"
                  : ", closed loop, " + std::to_string(window) + " edits in flight per client") +
             (threads.size() > 1 ? ", on " + std::to_string(threads.size()) + " threads" : ""));

    // What the server spends with these clients connected and nobody typing (timers, pings):
    // the floor under the CPU per op at low rates.
    json idle_cpu_percent;
    if (server.pid) {
        auto idle_from = Clock::now();
        auto idle_before = test::process_cpu_ns(*server.pid);
        threads.run([&](ClientThread& t) { t.loop().run_until(idle_from + 1s); });
        auto idle_ns = difference(test::process_cpu_ns(*server.pid), idle_before);
        const double idle_s = std::chrono::duration<double>(Clock::now() - idle_from).count();
        if (idle_ns) idle_cpu_percent = round_to(static_cast<double>(*idle_ns) / 1e7 / idle_s, 2);
    }

    Schedule schedule;
    schedule.mode = o.mode;
    schedule.window = window;
    schedule.interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / plan.rate_per_client));
    schedule.clients = clients;
    schedule.start = Clock::now();
    schedule.measure_from = schedule.start + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(o.warmup));
    schedule.measure_to = schedule.measure_from + std::chrono::duration_cast<Clock::duration>(
                                                      std::chrono::duration<double>(o.seconds));
    Window measured(threads, server, plan.relayed, schedule.measure_from, schedule.measure_to);
    if (flooder) flooder->start(o.flood_diffs);
    threads.run([&](ClientThread& t) {
        if (&t == &threads[0]) {
            t.type(schedule, [&](Clock::time_point now) { measured.tick(now); });
        } else {
            t.type(schedule, nullptr);
        }
    });
    if (!measured.closed) measured.close();  // a client failed before the window's end
    std::string failed = threads.failure();

    // Drain: what was typed goes out and comes back to everyone.
    std::atomic<bool> settled = failed.empty();
    if (settled) {
        const auto deadline = Clock::now() + 60s;
        threads.run([&](ClientThread& t) {
            if (!t.drain(deadline)) settled = false;
        });
    }
    if (failed.empty()) failed = threads.failure();
    if (!failed.empty()) throw std::runtime_error(failed);

    // Every client of a document must hold the same text: a benchmark of a server that diverges
    // measures nothing. (samen-relay does not transform: its clients are not compared.)
    bool converged = settled.load();
    std::map<std::string, const Typist*> first_of;
    for (std::size_t n = 0; n < threads.size(); ++n) {
        for (const auto& t : threads[n].typists()) {
            const Typist* first = first_of.emplace(t->doc(), t.get()).first->second;
            for (std::size_t i = 0; converged && i < t->layer_count(); ++i) {
                if (t->layer(i).text() != first->layer(i).text() || t->rev() != first->rev()) {
                    converged = false;
                }
            }
        }
    }

    // Every thread's figures, now that no thread runs.
    const Recorder recorder = threads.recorded();
    const double window_s =
        std::chrono::duration<double>(measured.measured_until - measured.measured_at).count();
    const double ops = static_cast<double>(recorder.acked());
    json f;
    f["keystrokes"] = recorder.keystrokes();
    f["edits_sent"] = recorder.submitted();
    f["ops"] = recorder.acked();
    f["measured_seconds"] = round_to(window_s, 3);
    f["ops_per_second"] = round_to(ops / window_s, 1);
    f["window"] = o.mode == Mode::closed ? json(window) : json();
    f["sections"] = sections;
    if (plan.docs.size() > 1) {
        f["docs"] = plan.docs.size();
        f["clients_per_doc"] = plan.clients_per_doc;
        f["rate_per_client"] = plan.rate_per_client;
        f["typing_connections"] = clients;
    }
    f["ack_ms"] = percentiles(recorder.ack_ms());
    f["e2e_ms"] = percentiles(recorder.e2e_ms());
    auto cpu_us = difference(measured.after.cpu_us, measured.before.cpu_us);
    auto cpu_ns = difference(measured.after.cpu_ns, measured.before.cpu_ns);
    f["server_cpu_us_per_op"] =
        cpu_us && ops > 0 ? json(round_to(static_cast<double>(*cpu_us) / ops, 1)) : json();
    f["server_cpu_us_per_op_schedstat"] =
        cpu_ns && ops > 0 ? json(round_to(static_cast<double>(*cpu_ns) / 1000.0 / ops, 1)) : json();
    // Per keystroke, as the workgroup's bound is put (docs/performance.md): a keystroke typed
    // while its section's edit was in flight rides along in the next edit.
    const double keys = static_cast<double>(recorder.keystrokes());
    f["server_cpu_us_per_keystroke"] =
        cpu_ns && keys > 0 ? json(round_to(static_cast<double>(*cpu_ns) / 1000.0 / keys, 1))
                           : json();
    f["server_cpu_percent"] =
        cpu_ns ? json(round_to(static_cast<double>(*cpu_ns) / 1e7 / window_s, 1)) : json();
    f["server_idle_cpu_percent"] = idle_cpu_percent;
    // The whole process, every client thread: near 100 % per client thread the clients, not the
    // server, would set the pace.
    const auto own_us = static_cast<double>(measured.after.own_us - measured.before.own_us);
    f["bench_cpu_us_per_op"] = ops > 0 ? json(round_to(own_us / ops, 1)) : json();
    f["bench_cpu_percent"] = round_to(own_us / 1e4 / window_s, 1);
    f["server_metrics"] = server_metrics(measured.before.metrics, measured.after.metrics);
    f["rate_limited"] = recorder.rate_limited_count();
    f["late_keystrokes"] = recorder.late_count();
    f["errors"] = recorder.errors().size();
    f["settled"] = settled.load();
    f["converged"] = plan.relayed ? json() : json(converged);
    f["rev"] = client0.rev();
    f["rss_end"] = optional_number(server.rss());
    if (flooder) f["flood"] = flooder->figures();
    progress(std::to_string(recorder.acked()) + " ops in " + std::to_string(window_s) + " s" +
             (plan.relayed ? ""
              : converged  ? ", all clients agree"
                           : ", THE CLIENTS DISAGREE"));

    threads.run([](ClientThread& t) { t.close(); });
    return {std::move(f), settled && (converged || plan.relayed) && recorder.errors().empty()};
}
}  // namespace samen::bench
