// /metrics: the server's counters in Prometheus' text format (version 0.0.4).
#include <sstream>

#include "app/app.hpp"
#include "net/server.hpp"
#include "store/store.hpp"

namespace samen::app {

namespace {

class Exposition {
  public:
    template <class T>
    void metric(const char* name, const char* type, const char* help, T value) {
        header(name, type, help);
        out_ << name << ' ' << value << '\n';
    }

    /// `counts[i]` counts the observations in (bounds[i-1], bounds[i]]; the one after the last
    /// bound those above it. Prometheus wants the buckets cumulative.
    template <class Bounds, class Counts>
    void histogram(const char* name, const char* help, const Bounds& bounds, const Counts& counts,
                   double sum) {
        header(name, "histogram", help);
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            cumulative += counts[i];
            out_ << name << "_bucket{le=\"" << bounds[i] << "\"} " << cumulative << '\n';
        }
        cumulative += counts[bounds.size()];
        out_ << name << "_bucket{le=\"+Inf\"} " << cumulative << '\n'
             << name << "_sum " << sum << '\n'
             << name << "_count " << cumulative << '\n';
    }

    std::string text() const { return out_.str(); }

  private:
    void header(const char* name, const char* type, const char* help) {
        out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    }

    std::ostringstream out_;
};

/// The network layer's counters and gauges, in the order /metrics lists them.
struct NetMetric {
    const char* name;
    const char* type;
    const char* help;
    std::atomic<std::uint64_t> net::NetStats::*value;
};

constexpr NetMetric net_metrics[] = {
    {"samen_websockets_open", "gauge", "Open WebSocket connections.",
     &net::NetStats::websockets_open},
    {"samen_connections_total", "counter", "TCP connections accepted.",
     &net::NetStats::connections_total},
    {"samen_connections_open", "gauge", "Open TCP connections, HTTP and WebSocket.",
     &net::NetStats::connections_open},
    {"samen_connections_unauthenticated", "gauge",
     "Open connections that have not signed in: HTTP, and WebSockets before hello.",
     &net::NetStats::connections_unauthenticated},
    {"samen_connections_max", "gauge",
     "Connections the server holds at once (--max-connections); 0: no bound.",
     &net::NetStats::connections_max},
    {"samen_connections_refused_total", "counter",
     "Connections answered 503 because the server held --max-connections.",
     &net::NetStats::refused_over_capacity},
    {"samen_connections_refused_per_address_total", "counter",
     "Connections answered 503 because their address held --max-unauthenticated-per-address "
     "connections that had not signed in.",
     &net::NetStats::refused_per_address},
    {"samen_connections_refused_unanswered_total", "counter",
     "Refused connections closed without an answer: too many were being refused.",
     &net::NetStats::refused_unanswered},
    {"samen_hello_timeouts_total", "counter",
     "WebSockets closed (1008) for not signing in within --hello-timeout.",
     &net::NetStats::hello_timeouts},
    {"samen_oversized_before_sign_in_total", "counter",
     "WebSockets closed (1009) for a message over --max-hello-bytes before hello.",
     &net::NetStats::oversized_before_sign_in},
    {"samen_http_requests_total", "counter", "HTTP requests served.",
     &net::NetStats::http_requests},
    {"samen_slow_client_disconnects_total", "counter",
     "WebSockets closed because their outgoing queue passed its bound.",
     &net::NetStats::slow_client_disconnects},
    {"samen_oversized_messages_total", "counter", "Incoming messages discarded for their size.",
     &net::NetStats::oversized_messages},
};

}  // namespace

std::string App::metrics_text() const {
    Exposition e;
    if (net_stats_) {
        for (const auto& m : net_metrics) {
            e.metric(m.name, m.type, m.help, (net_stats_->*m.value).load());
        }
    }
    e.metric("samen_sign_ins_total", "counter", "Successful sign-ins.", sign_ins_.ok.load());
    e.metric("samen_sign_in_failures_total", "counter",
             "Sign-ins refused for an unknown user, a wrong password or a disabled user.",
             sign_ins_.failed.load());
    e.metric("samen_sign_ins_throttled_total", "counter",
             "Sign-ins refused with 429 after too many failures of the account or the address.",
             sign_ins_.throttled.load());
    e.metric("samen_sign_ins_busy_total", "counter",
             "Sign-ins refused with 503 because too many waited for a password check.",
             sign_ins_.busy.load());
    e.metric("samen_sign_ins_pending", "gauge", "Sign-ins waiting for or in a password check.",
             pending_sign_ins_.load());
    e.metric("samen_open_documents", "gauge", "Documents loaded in memory (rooms).",
             rooms_->size());
    e.metric("samen_edits_total", "counter", "Edits accepted and acknowledged.",
             room_metrics_->edits.load());
    e.metric("samen_edit_errors_total", "counter", "Edits refused.",
             room_metrics_->edit_errors.load());
    std::array<std::uint64_t, rooms::RoomMetrics::kLatencyBounds.size() + 1> latency{};
    for (std::size_t i = 0; i < latency.size(); ++i) latency[i] = room_metrics_->latency[i].load();
    e.histogram("samen_edit_latency_seconds",
                "From receiving an edit to sending its ack (after commit).",
                rooms::RoomMetrics::kLatencyBounds, latency,
                static_cast<double>(room_metrics_->latency_sum_us.load()) / 1e6);

    store::StoreStats s = store_.stats();
    e.histogram("samen_commit_batch_size", "Jobs per committed transaction (group commit).",
                store::kBatchSizeBounds, s.batch_sizes, static_cast<double>(s.batch_size_sum));
    e.metric("samen_store_commit_seconds_total", "counter", "Time spent committing (fsync).",
             static_cast<double>(s.commit_nanoseconds) / 1e9);
    e.metric("samen_store_network_commits_total", "counter",
             "Transactions committed by the network thread itself (a lone edit, the writer idle).",
             s.batches_here);
    e.metric("samen_store_pending_jobs", "gauge", "Store jobs queued or running.", s.pending);
    e.metric("samen_store_failed_jobs_total", "counter", "Store jobs that failed.", s.failed_jobs);
    e.metric("samen_store_reads_total", "counter", "Reads run by the store's reader threads.",
             s.reads);
    e.metric("samen_store_pending_reads", "gauge", "Reads queued for the readers or running.",
             s.pending_reads);
    return e.text();
}

}  // namespace samen::app
