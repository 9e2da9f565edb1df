#include "workload.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "figures.hpp"
#include "flooder.hpp"
#include "typists.hpp"

namespace samen::bench {

Plan workgroup_plan(const Options& o) {
    return Plan{{o.doc}, o.clients, o.rate / static_cast<double>(o.clients), false};
}

WorkloadResult run_workload(Loop& loop, const Server& server, const Options& o,
                            std::map<std::string, std::string>& tokens, const Plan& plan) {
    Recorder recorder;
    std::vector<std::unique_ptr<Typist>> typists;
    // In batches, each opened before the next connects: hundreds of documents loading at once
    // would measure the server's start, not its typing.
    for (const std::string& doc : plan.docs) {
        for (std::size_t c = 0; c < plan.clients_per_doc; ++c) {
            const std::size_t i = typists.size();
            const std::string& user = workgroup[i % workgroup.size()];
            typists.push_back(std::make_unique<Typist>(loop, recorder, o, i, server.port,
                                                       token_for(tokens, server, user, o), doc,
                                                       plan.clients_per_doc, plan.relayed));
            if (typists.size() % o.connect_batch == 0) {
                loop.run_until(
                    [&] {
                        return std::all_of(typists.begin(), typists.end(), [](const auto& t) {
                            return t->loaded() || !t->failure().empty();
                        });
                    },
                    120s);
            }
        }
    }
    const std::size_t clients = typists.size();
    const std::string what =
        plan.docs.size() == 1 ? plan.docs.front() : std::to_string(plan.docs.size()) + " documents";
    std::unique_ptr<Flooder> flooder;
    if (o.flood_diffs > 0) {
        flooder = std::make_unique<Flooder>(loop, o, server.port,
                                            token_for(tokens, server, "kampen-viewer", o));
    }
    auto failure = [&]() -> std::string {
        for (const auto& t : typists) {
            if (auto f = t->failure(); !f.empty()) return f;
        }
        return flooder ? flooder->failure() : std::string();
    };
    bool loaded = loop.run_until(
        [&] {
            return !failure().empty() || (std::all_of(typists.begin(), typists.end(),
                                                      [](const auto& t) { return t->loaded(); }) &&
                                          (!flooder || flooder->loaded()));
        },
        120s);
    if (!failure().empty()) throw std::runtime_error(failure());
    if (!loaded) throw std::runtime_error("the clients did not open " + what + " in 120 s");
    const std::size_t sections = typists.front()->layer_count();
    const std::size_t window = o.window == 0 ? sections : std::min(o.window, sections);
    progress(std::to_string(clients) + " clients typing into " + std::to_string(sections) +
             " sections of " + what + (plan.relayed ? " on samen-relay" : "") +
             (o.mode == Mode::open
                  ? ", " + std::to_string(plan.rate_per_client * static_cast<double>(clients)) +
                        " keystrokes/s"
                  : ", closed loop, " + std::to_string(window) + " edits in flight per client"));

    // What the server spends with these clients connected and nobody typing (timers, pings):
    // the floor under the CPU per op at low rates.
    json idle_cpu_percent;
    if (server.pid) {
        auto idle_from = Clock::now();
        auto idle_before = test::process_cpu_ns(*server.pid);
        loop.run_until(idle_from + 1s);
        auto idle_ns = difference(test::process_cpu_ns(*server.pid), idle_before);
        const double idle_s = std::chrono::duration<double>(Clock::now() - idle_from).count();
        if (idle_ns) idle_cpu_percent = round_to(static_cast<double>(*idle_ns) / 1e7 / idle_s, 2);
    }

    const auto start = Clock::now();
    const auto measure_from = start + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(o.warmup));
    const auto measure_to = measure_from + std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(o.seconds));
    // Open loop: each client on its own fixed schedule, the clients spread over one interval.
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / plan.rate_per_client));
    std::vector<Clock::time_point> next(clients);
    for (std::size_t i = 0; i < clients; ++i) {
        next[i] = start + interval * static_cast<long>(i) / static_cast<long>(clients);
    }
    if (o.mode == Mode::closed) {
        for (auto& t : typists) t->start_closed(window);
    }
    if (flooder) flooder->start(o.flood_diffs);

    std::optional<std::uint64_t> cpu_us_before, cpu_ns_before;
    std::uint64_t own_before = 0;
    std::map<std::string, double> metrics_before;
    Clock::time_point measured_at{}, measured_until{};
    bool measuring = false;
    std::string failed;
    while (true) {
        const auto now = Clock::now();
        if (!measuring && now >= measure_from) {
            measuring = true;
            measured_at = now;
            recorder.set_phase(Recorder::Phase::measuring);
            if (server.pid) {
                cpu_us_before = test::process_cpu_us(*server.pid);
                cpu_ns_before = test::process_cpu_ns(*server.pid);
            }
            own_before = own_cpu_us();
            if (!plan.relayed) metrics_before = scrape_metrics(server.port);
        }
        if (now >= measure_to) break;
        if (failed = failure(); !failed.empty()) break;
        auto wake = std::min(measure_to, now + 5ms);
        if (!measuring) wake = std::min(wake, measure_from);
        if (o.mode == Mode::open) {
            for (std::size_t i = 0; i < clients; ++i) {
                // A schedule fallen far behind skips ahead rather than firing a burst.
                for (int n = 0; next[i] <= now && n < 20; ++n) {
                    typists[i]->keystroke();
                    next[i] += interval;
                }
                if (next[i] <= now) {
                    recorder.late(static_cast<std::uint64_t>((now - next[i]) / interval) + 1);
                    next[i] = now + interval;
                }
                wake = std::min(wake, next[i]);
            }
        }
        for (auto& t : typists) t->resend_due(now);
        if (flooder) flooder->resend_due(now);
        loop.run_until(wake);
    }
    measured_until = Clock::now();
    recorder.set_phase(Recorder::Phase::draining);
    std::optional<std::uint64_t> cpu_us_after, cpu_ns_after;
    if (server.pid) {
        cpu_us_after = test::process_cpu_us(*server.pid);
        cpu_ns_after = test::process_cpu_ns(*server.pid);
    }
    const std::uint64_t own_after = own_cpu_us();
    const auto metrics_after =
        plan.relayed ? std::map<std::string, double>() : scrape_metrics(server.port);

    // Drain: what was typed goes out and comes back to everyone.
    for (auto& t : typists) t->stop_typing();
    if (flooder) flooder->stop();
    bool settled =
        failed.empty() &&
        loop.run_until(
            [&] {
                for (auto& t : typists) t->resend_due(Clock::now());
                return !failure().empty() ||
                       (recorder.settled() && std::all_of(typists.begin(), typists.end(),
                                                          [](const auto& t) { return t->idle(); }));
            },
            60s);
    if (failed.empty()) failed = failure();
    if (!failed.empty()) throw std::runtime_error(failed);

    // Every client of a document must hold the same text: a benchmark of a server that diverges
    // measures nothing. (samen-relay does not transform: its clients are not compared.)
    bool converged = settled;
    std::map<std::string, const Typist*> first_of;
    for (const auto& t : typists) {
        const Typist* first = first_of.emplace(t->doc(), t.get()).first->second;
        for (std::size_t i = 0; converged && i < t->layer_count(); ++i) {
            if (t->layer(i).text() != first->layer(i).text() || t->rev() != first->rev()) {
                converged = false;
            }
        }
    }

    const double window_s = std::chrono::duration<double>(measured_until - measured_at).count();
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
    auto cpu_us = difference(cpu_us_after, cpu_us_before);
    auto cpu_ns = difference(cpu_ns_after, cpu_ns_before);
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
    f["bench_cpu_us_per_op"] =
        ops > 0 ? json(round_to(static_cast<double>(own_after - own_before) / ops, 1)) : json();
    // The clients are one thread: near 100 % it, not the server, would set the pace.
    f["bench_cpu_percent"] =
        round_to(static_cast<double>(own_after - own_before) / 1e4 / window_s, 1);
    f["server_metrics"] = server_metrics(metrics_before, metrics_after);
    f["rate_limited"] = recorder.rate_limited_count();
    f["late_keystrokes"] = recorder.late_count();
    f["errors"] = recorder.errors().size();
    f["settled"] = settled;
    f["converged"] = plan.relayed ? json() : json(converged);
    f["rev"] = typists.front()->rev();
    f["rss_end"] = optional_number(server.rss());
    if (flooder) f["flood"] = flooder->figures();
    progress(std::to_string(recorder.acked()) + " ops in " + std::to_string(window_s) + " s" +
             (plan.relayed ? ""
              : converged  ? ", all clients agree"
                           : ", THE CLIENTS DISAGREE"));

    for (auto& t : typists) t->close();
    if (flooder) flooder->close();
    loop.run_until(Clock::now() + 200ms);
    return {std::move(f), settled && (converged || plan.relayed) && recorder.errors().empty()};
}
}  // namespace samen::bench
