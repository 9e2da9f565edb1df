// samen-bench: the live server under the workgroup workload, an editor and a coordinator of each of
// the four municipalities writing one document together. Clients type single characters into
// random sections of the common layer of one document, over real WebSockets, each keeping at most
// one edit in flight per section layer (LayerSync). Measured: end-to-end and ack latency,
// throughput, server CPU per op, server memory per connection and per open document, and the time
// to open a large document. With --flood-diffs, a viewer floods the server with `diff` requests
// meanwhile (what one reader of the past costs everyone else); with --churn-edits, one client
// inserts and deletes large texts, leaves, and the server's memory is followed until it is idle.
// One JSON line on stdout; progress on stderr. Figures and commands: docs/performance.md, "Live
// server".
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "number_option.hpp"
#include "ot/json.hpp"
#include "ot/text.hpp"
#include "samen/layer_sync.hpp"
#include "samen/sign_in.hpp"
#include "server_process.hpp"
#include "text/utf8.hpp"
#include "tool_main.hpp"
#include "transport/http_client.hpp"
#include "transport/websocket_client.hpp"

namespace samen::bench {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using client::LayerSync;
using client::Rev;
using namespace std::chrono_literals;

// Two per municipality, as in a workgroup session; more clients reuse these users.
const std::vector<std::string> workgroup = {"steenwijkerland-editor", "steenwijkerland-coordinator",
                                            "zwartewaterland-editor", "zwartewaterland-coordinator",
                                            "staphorst-editor",       "staphorst-coordinator",
                                            "kampen-editor",          "kampen-coordinator"};

// ---- Options ------------------------------------------------------------------------------------

enum class Mode { open, closed };

struct Options {
    Mode mode = Mode::closed;
    double rate = 40;  // keystrokes per second over all clients (open loop)
    std::size_t clients = 8;
    double seconds = 10;
    double warmup = 1;
    std::uint64_t seed = 0;
    std::size_t window = 0;  // edits in flight per client (closed loop); 0: one per section
    std::string doc = "ivp-2023-2026";
    std::size_t sections = 20;
    std::string server_path = test::ServerProcess::executable();
    std::optional<std::uint16_t> port;
    std::optional<pid_t> server_pid;
    std::string password = "samen-demo";
    std::size_t idle_connections = 200;
    std::size_t large_kib = 512;  // 0: no large document
    std::size_t cold_opens = 3;
    std::string large_doc = "startnotitie-ivp-2023";
    std::size_t flood_diffs = 0;  // 0: no flooding viewer
    std::size_t churn_edits = 0;  // 0: no churn
    std::size_t churn_kib = 200;
    double churn_wait = 0;
    std::vector<std::string> server_args;
};

const char* usage = R"(samen-bench: the live samen-server under the workgroup workload

usage: samen-bench [options]

  --mode open|closed     open: keystrokes at a fixed total rate; closed: as fast as the rule of
                         one edit in flight per section layer allows (default closed)
  --rate N               keystrokes per second over all clients, open mode (default 40)
  --clients N            typing clients, two per municipality in turn (default 8)
  --seconds S            the measured window (default 10)
  --warmup S             typing before the window, not measured (default 1)
  --seed K               seeds the keystrokes (default: random; printed)
  --window N             closed mode: edits in flight per client (default: one per section)
  --doc ID               the document typed into (default ivp-2023-2026)
  --sections N           how many of its sections with a common layer (default 20)
  --server PATH          samen-server to start (default: the one of this build)
  --port N               use the server running on 127.0.0.1:N instead of starting one
  --server-pid PID       with --port: its process, for CPU and memory figures
  --password P           the demo users' password (default samen-demo)
  --idle-connections N   signed-in idle connections for the memory figure (default 200; 0 skips)
  --large-kib N          grow a section of --large-doc to N KiB and time opening it
                         (default 512; 0 skips)
  --large-doc ID         (default startnotitie-ivp-2023); with --port this changes the
                         running server's copy of that document
  --cold-opens N         restarts of the server, each followed by one timed open of the large
                         document from disk (default 3; needs a server it started)
  --flood-diffs N        a viewer (kampen-viewer) keeps N `diff` requests of the common text of
                         the first section typed into (from revision 0 to now) in flight while
                         the clients type: each answer is
                         followed by a new request, and one refused with rate_limited is sent
                         again a second later (default 0: no flood)
  --churn-edits N        one client inserts --churn-kib KiB into a section of --doc and deletes
                         it again, N times, then leaves; the server's RSS is taken before, after
                         the edits and --churn-wait seconds after it left (default 0: skipped)
  --churn-kib K          (default 200)
  --churn-wait S         (default 0)
  --server-arg ARG       one more flag for a server it starts (repeat for each word)

A server it starts runs on a fresh copy of the demo data with the per-connection edit rate limit
lifted (--edit-rate/--edit-burst 1000000), so that the server, not its limiter, is measured, and
with the bounds the idle connections would hit lifted (--max-connections-per-user 100000,
--max-unauthenticated-per-address 0); a server given with --port needs the same.
)";

using test::number_option;

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    bool seeded = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
            return args[++i];
        };
        // clang-format off
        if (a == "--mode") {
            const std::string& m = value();
            if (m != "open" && m != "closed") {
                throw std::invalid_argument("--mode is open or closed, not '" + m + "'");
            }
            o.mode = m == "open" ? Mode::open : Mode::closed;
        }
        else if (a == "--rate") o.rate = number_option<double>(a, value(), 0.1, 100000);
        else if (a == "--clients") o.clients = number_option<std::size_t>(a, value(), 1, 64);
        else if (a == "--seconds") o.seconds = number_option<double>(a, value(), 0.1, 3600);
        else if (a == "--warmup") o.warmup = number_option<double>(a, value(), 0, 600);
        else if (a == "--seed") {
            o.seed = number_option<std::uint64_t>(a, value(), 0, UINT64_MAX);
            seeded = true;
        }
        else if (a == "--window") o.window = number_option<std::size_t>(a, value(), 1, 1000);
        else if (a == "--doc") o.doc = value();
        else if (a == "--sections") o.sections = number_option<std::size_t>(a, value(), 1, 1000);
        else if (a == "--server") o.server_path = value();
        else if (a == "--port") o.port = number_option<std::uint16_t>(a, value(), 1, 65535);
        else if (a == "--server-pid") o.server_pid = number_option<pid_t>(a, value(), 1, 1 << 30);
        else if (a == "--password") o.password = value();
        else if (a == "--idle-connections") o.idle_connections = number_option<std::size_t>(a, value(), 0, 5000);
        else if (a == "--large-kib") o.large_kib = number_option<std::size_t>(a, value(), 0, 1000);
        else if (a == "--large-doc") o.large_doc = value();
        else if (a == "--flood-diffs") o.flood_diffs = number_option<std::size_t>(a, value(), 0, 100000);
        else if (a == "--churn-edits") o.churn_edits = number_option<std::size_t>(a, value(), 0, 100000);
        else if (a == "--churn-kib") o.churn_kib = number_option<std::size_t>(a, value(), 1, 1000);
        else if (a == "--churn-wait") o.churn_wait = number_option<double>(a, value(), 0, 3600);
        else if (a == "--server-arg") o.server_args.push_back(value());
        else if (a == "--cold-opens") o.cold_opens = number_option<std::size_t>(a, value(), 0, 20);
        else throw std::invalid_argument("unknown option " + a);
        // clang-format on
    }
    if (o.server_pid && !o.port) throw std::invalid_argument("--server-pid goes with --port");
    if (!seeded) o.seed = std::random_device{}();
    return o;
}

// ---- Figures ------------------------------------------------------------------------------------

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

double round_to(double v, int digits) {
    const double f = std::pow(10.0, digits);
    return std::round(v * f) / f;
}

/// Nearest-rank percentiles of latencies in milliseconds.
json percentiles(std::vector<double> v) {
    if (v.empty()) return nullptr;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
        return round_to(v[std::clamp<std::size_t>(rank, 1, v.size()) - 1], 3);
    };
    return {{"p50", at(0.50)},
            {"p95", at(0.95)},
            {"p99", at(0.99)},
            {"max", at(1.0)},
            {"samples", v.size()}};
}

json optional_number(std::optional<std::uint64_t> v) {
    return v ? json(*v) : json();
}

std::optional<std::int64_t> difference(std::optional<std::uint64_t> a,
                                       std::optional<std::uint64_t> b) {
    if (!a || !b) return std::nullopt;
    return static_cast<std::int64_t>(*a) - static_cast<std::int64_t>(*b);
}

json load_average() {
    std::ifstream in("/proc/loadavg");
    double one = 0, five = 0, fifteen = 0;
    if (!(in >> one >> five >> fifteen)) return nullptr;
    return {one, five, fifteen};
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(std::min(colon + 2, line.size()));
        }
    }
    return "unknown";
}

std::uint64_t own_cpu_us() {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    auto us = [](const timeval& t) {
        return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000 +
               static_cast<std::uint64_t>(t.tv_usec);
    };
    return us(r.ru_utime) + us(r.ru_stime);
}

void progress(const std::string& line) {
    std::cerr << "samen-bench: " << line << std::endl;
}

// ---- Connections --------------------------------------------------------------------------------

/// Every connection of the benchmark runs on this one thread, so that the clients' state needs
/// no locks and what a client records happens in the order it received it.
class Loop {
  public:
    asio::io_context& ioc() { return ioc_; }

    /// Runs handlers until `done()` holds; false when `timeout` passed first.
    bool run_until(const std::function<bool()>& done, Clock::duration timeout) {
        const auto deadline = Clock::now() + timeout;
        while (!done()) {
            const auto now = Clock::now();
            if (now >= deadline) return false;
            ioc_.run_until(std::min(deadline, now + 5ms));
        }
        return true;
    }
    void run_until(Clock::time_point t) { ioc_.run_until(t); }

  private:
    asio::io_context ioc_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
};

/// A WebSocket signed in with a token; every message goes to the handler, parsed.
class Connection {
  public:
    using Handler = std::function<void(const json&, std::size_t bytes)>;

    Connection(Loop& loop, std::uint16_t port, const std::string& token, Handler handler)
        : ws_(transport::WebSocketClient::create(loop.ioc())), handler_(std::move(handler)) {
        transport::WebSocketCallbacks callbacks;
        // The client drops its callbacks with its last shared_ptr, which this object holds.
        callbacks.on_message = [this](std::string text) { receive(text); };
        callbacks.on_close = [this](int code, std::string reason, std::string error) {
            closed_ = true;
            if (!closing_ && failure_.empty()) {
                failure_ = "the connection closed (" + std::to_string(code) + " " + reason + " " +
                           error + ")";
            }
        };
        ws_->connect("127.0.0.1", port, "/ws", std::move(callbacks));
        send({{"type", "hello"}, {"id", "hello"}, {"token", token}, {"client", "samen-bench"}});
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void send(const json& msg) { ws_->send(msg.dump()); }
    void send_text(std::string text) { ws_->send(std::move(text)); }
    void close() {
        closing_ = true;
        ws_->close();
    }

    bool signed_in() const { return signed_in_; }
    bool closed() const { return closed_; }
    /// Empty while all is well.
    const std::string& failure() const { return failure_; }

  private:
    void receive(const std::string& text) {
        try {
            json msg = json::parse(text);
            const std::string& type = msg.at("type").get_ref<const std::string&>();
            if (type == "welcome") signed_in_ = true;
            if (type == "error" && msg.value("id", json()) == "hello") {
                failure_ = "hello refused: " + msg.value("message", std::string());
            }
            if (handler_) handler_(msg, text.size());
        } catch (const std::exception& e) {
            if (failure_.empty()) failure_ = std::string("handling a message failed: ") + e.what();
        }
    }

    std::shared_ptr<transport::WebSocketClient> ws_;
    Handler handler_;
    bool signed_in_ = false;
    bool closed_ = false;
    bool closing_ = false;
    std::string failure_;
};

/// A connection for request and reply, one at a time, timed from send to the parsed reply.
class Requester {
  public:
    struct Reply {
        json msg;
        double ms = 0;
        std::size_t bytes = 0;
    };

    Requester(Loop& loop, std::uint16_t port, const std::string& token)
        : loop_(loop), conn_(loop, port, token, [this](const json& msg, std::size_t bytes) {
              if (auto id = msg.find("id"); id != msg.end() && *id == waiting_for_) {
                  reply_ = Reply{msg, ms(Clock::now() - sent_at_), bytes};
              }
          }) {}

    void wait_signed_in() {
        bool ok =
            loop_.run_until([this] { return conn_.signed_in() || !conn_.failure().empty(); }, 30s);
        if (!ok || !conn_.failure().empty()) {
            throw std::runtime_error("signing in failed: " +
                                     (ok ? conn_.failure() : std::string("no welcome in 30 s")));
        }
    }

    /// Sends `msg` with a fresh id; throws when no reply comes in time.
    Reply request(json msg, Clock::duration timeout = 60s) {
        waiting_for_ = "r" + std::to_string(++next_id_);
        msg["id"] = waiting_for_;
        reply_.reset();
        sent_at_ = Clock::now();
        conn_.send(msg);
        bool ok = loop_.run_until([this] { return reply_.has_value() || !conn_.failure().empty(); },
                                  timeout);
        if (!reply_) {
            throw std::runtime_error(msg.at("type").get<std::string>() + " got no reply: " +
                                     (ok ? conn_.failure() : std::string("timed out")));
        }
        return std::move(*reply_);
    }

    Connection& connection() { return conn_; }

  private:
    Loop& loop_;
    std::string waiting_for_;
    std::optional<Reply> reply_;
    Clock::time_point sent_at_;
    std::int64_t next_id_ = 0;
    Connection conn_;  // last: its handler uses the members above
};

/// The server's own counters from GET /metrics (the plain `name value` lines), for what the
/// clients cannot see: how long an edit spent inside the server, and the group commits.
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
    return m;
}

// ---- The workload -------------------------------------------------------------------------------

/// What the typists measure, over every client.
class Recorder {
  public:
    enum class Phase { warmup, measuring, draining };

    void set_phase(Phase p) { phase_ = p; }
    bool measuring() const { return phase_ == Phase::measuring; }

    void keystroke() {
        if (measuring()) ++keystrokes_;
    }
    void submitted(const std::string& opid, std::size_t receivers) {
        sent_[opid] = Sent{Clock::now(), measuring(), receivers, false};
        if (measuring()) ++submitted_;
    }
    void acked(const std::string& opid) {
        if (measuring()) ++acked_;
        auto it = sent_.find(opid);
        if (it == sent_.end()) return;
        if (it->second.measured) ack_ms_.push_back(ms(Clock::now() - it->second.at));
        it->second.acked = true;
        if (it->second.receipts_left == 0) sent_.erase(it);
    }
    /// Another client received the broadcast of `opid`.
    void received(const std::string& opid) {
        auto it = sent_.find(opid);
        if (it == sent_.end()) return;  // not one of ours
        if (it->second.measured) e2e_ms_.push_back(ms(Clock::now() - it->second.at));
        if (it->second.receipts_left > 0) --it->second.receipts_left;
        if (it->second.acked && it->second.receipts_left == 0) sent_.erase(it);
    }
    void refused(const std::string& opid) { sent_.erase(opid); }
    void rate_limited() { ++rate_limited_; }
    void late(std::uint64_t n) { late_ += n; }
    void error(const std::string& what) {
        if (errors_.size() < 20) progress("error: " + what);
        errors_.push_back(what);
    }

    /// Every edit sent was acknowledged and seen by every other client.
    bool settled() const { return sent_.empty(); }
    std::uint64_t keystrokes() const { return keystrokes_; }
    std::uint64_t submitted() const { return submitted_; }
    std::uint64_t acked() const { return acked_; }
    std::uint64_t rate_limited_count() const { return rate_limited_; }
    std::uint64_t late_count() const { return late_; }
    const std::vector<std::string>& errors() const { return errors_; }
    const std::vector<double>& ack_ms() const { return ack_ms_; }
    const std::vector<double>& e2e_ms() const { return e2e_ms_; }

  private:
    struct Sent {
        Clock::time_point at;
        bool measured = false;
        std::size_t receipts_left = 0;
        bool acked = false;
    };

    Phase phase_ = Phase::warmup;
    std::unordered_map<std::string, Sent> sent_;
    std::vector<double> ack_ms_;
    std::vector<double> e2e_ms_;
    std::uint64_t keystrokes_ = 0, submitted_ = 0, acked_ = 0, rate_limited_ = 0, late_ = 0;
    std::vector<std::string> errors_;
};

/// Each client its own stream of keystrokes, all from the one --seed.
std::mt19937_64 seeded(std::uint64_t seed, std::size_t index) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(index)};
    return std::mt19937_64(seq);
}

/// One workgroup member typing into the common layer of the document's sections.
class Typist {
  public:
    Typist(Loop& loop, Recorder& recorder, const Options& options, std::size_t index,
           std::uint16_t port, const std::string& token)
        : recorder_(recorder),
          options_(options),
          index_(index),
          rng_(seeded(options.seed, index)),
          conn_(loop, port, token, [this](const json& msg, std::size_t) { on_message(msg); }) {
        conn_.send({{"type", "open"}, {"id", "open"}, {"doc", options_.doc}});
    }

    bool loaded() const { return loaded_; }
    std::string failure() const { return conn_.failure().empty() ? failure_ : conn_.failure(); }
    std::size_t layer_count() const { return layers_.size(); }
    const LayerSync& layer(std::size_t i) const { return layers_[i]; }
    Rev rev() const { return rev_; }
    bool idle() const {
        return in_flight_.empty() &&
               std::none_of(layers_.begin(), layers_.end(),
                            [](const LayerSync& l) { return l.has_pending(); });
    }

    /// Open loop: one character into a random section, sent now or after the ack of the edit
    /// in flight there.
    void keystroke() {
        type_into(std::uniform_int_distribution<std::size_t>(0, layers_.size() - 1)(rng_));
    }
    /// Closed loop: from now on every ack makes room for the next keystroke.
    void start_closed(std::size_t window) {
        closed_ = true;
        for (std::size_t i = 0; i < window; ++i) type_into_free_layer();
    }
    void stop_typing() { typing_ = false; }
    void close() { conn_.close(); }

    /// Sends again what the server refused with `rate_limited` (a server with limits).
    void resend_due(Clock::time_point now) {
        while (!retries_.empty() && retries_.front().first <= now) {
            auto it = in_flight_.find(retries_.front().second);
            retries_.erase(retries_.begin());
            if (it != in_flight_.end()) conn_.send_text(it->second.text);
        }
    }

  private:
    struct InFlight {
        std::size_t layer = 0;
        std::string opid;
        std::string text;  // as sent: a rate-limited edit goes again unchanged
    };

    void on_message(const json& msg) {
        const std::string& type = msg.at("type").get_ref<const std::string&>();
        if (type == "snapshot") return load(msg);
        if (type == "ack") return on_ack(msg);
        if (type == "edit") return on_edit(msg);
        if (type == "error") return on_error(msg);
    }

    void load(const json& snapshot) {
        for (const json& s : snapshot.at("sections")) {
            if (auto owner = s.find("owner"); owner != s.end() && !owner->is_null()) continue;
            const json& layers = s.at("layers");
            auto common = layers.find("common");
            if (common == layers.end()) continue;
            index_of_[s.at("id").get<std::string>()] = ids_.size();
            ids_.push_back(s.at("id").get<std::string>());
            layers_.emplace_back(common->at("text").get<std::string>());
            if (ids_.size() == options_.sections) break;
        }
        if (ids_.empty()) throw std::runtime_error(options_.doc + " has no common section");
        rev_ = snapshot.at("rev").get<Rev>();
        loaded_ = true;
    }

    void type_into(std::size_t i) {
        if (!typing_) return;
        static constexpr std::string_view keys = "abcdefghijklmnopqrstuvwxyz     ,.";
        LayerSync& l = layers_[i];
        const std::size_t pos =
            std::uniform_int_distribution<std::size_t>(0, utf8::count(l.text()))(rng_);
        ot::Insert key{std::string(1, keys[rng_() % keys.size()])};
        l.local(pos > 0 ? ot::Op{ot::Skip{pos}, std::move(key)} : ot::Op{std::move(key)});
        recorder_.keystroke();
        if (l.can_submit()) submit(i);
    }

    void type_into_free_layer() {
        std::vector<std::size_t> free;
        for (std::size_t i = 0; i < layers_.size(); ++i) {
            if (!layers_[i].has_pending()) free.push_back(i);
        }
        if (free.empty()) return;
        type_into(free[std::uniform_int_distribution<std::size_t>(0, free.size() - 1)(rng_)]);
    }

    void submit(std::size_t i) {
        std::string opid = "bench" + std::to_string(index_) + "-" + std::to_string(++opids_);
        const client::Submission& s = layers_[i].submit(rev_, opid);
        const std::int64_t id = ++request_ids_;
        json msg = {{"type", "edit"},          {"id", id},          {"doc", options_.doc},
                    {"section", ids_[i]},      {"layer", "common"}, {"base", s.base},
                    {"op", ot::to_json(s.op)}, {"opid", opid}};
        std::string text = msg.dump();
        recorder_.submitted(opid, options_.clients - 1);
        conn_.send_text(text);
        in_flight_[id] = InFlight{i, std::move(opid), std::move(text)};
    }

    void on_ack(const json& msg) {
        auto it = in_flight_.find(msg.at("id").get<std::int64_t>());
        if (it == in_flight_.end()) throw std::runtime_error("an ack of no edit: " + msg.dump());
        const std::size_t i = it->second.layer;
        layers_[i].ack();
        rev_ = msg.at("rev").get<Rev>();
        recorder_.acked(it->second.opid);
        in_flight_.erase(it);
        if (layers_[i].can_submit()) {
            submit(i);  // what was typed while the edit was in flight
        } else if (closed_) {
            type_into_free_layer();
        }
    }

    void on_edit(const json& msg) {
        if (msg.at("layer") == "common") {
            if (auto it = index_of_.find(msg.at("section").get<std::string>());
                it != index_of_.end()) {
                layers_[it->second].remote(ot::op_from_json(msg.at("op")));
            }
        }
        rev_ = msg.at("rev").get<Rev>();
        recorder_.received(msg.at("opid").get<std::string>());
    }

    void on_error(const json& msg) {
        const std::string code = msg.value("code", std::string());
        const std::string what = code + ": " + msg.value("message", std::string());
        auto id = msg.find("id");
        if (id != msg.end() && *id == "open") {
            failure_ = "opening " + options_.doc + " failed: " + what;
            return;
        }
        auto it = id != msg.end() && id->is_number_integer()
                      ? in_flight_.find(id->get<std::int64_t>())
                      : in_flight_.end();
        if (it == in_flight_.end()) {
            recorder_.error("client " + std::to_string(index_) + ": " + what);
            return;
        }
        if (code == "rate_limited") {
            recorder_.rate_limited();
            retries_.emplace_back(Clock::now() + 200ms, it->first);
            return;
        }
        recorder_.error("client " + std::to_string(index_) + ", section " + ids_[it->second.layer] +
                        ": " + what);
        recorder_.refused(it->second.opid);
        layers_[it->second.layer].discard_pending();
        in_flight_.erase(it);
    }

    Recorder& recorder_;
    const Options& options_;
    const std::size_t index_;
    std::mt19937_64 rng_;
    std::vector<std::string> ids_;
    std::unordered_map<std::string, std::size_t> index_of_;
    std::vector<LayerSync> layers_;
    Rev rev_ = 0;
    bool loaded_ = false;
    bool typing_ = true;
    bool closed_ = false;
    std::uint64_t opids_ = 0;
    std::int64_t request_ids_ = 0;
    std::unordered_map<std::int64_t, InFlight> in_flight_;
    std::vector<std::pair<Clock::time_point, std::int64_t>> retries_;
    std::string failure_;
    Connection conn_;  // last: its handler uses the members above
};

/// A viewer reading the past as fast as the server lets it: `diff` requests of the common text of
/// the first section from revision 0 to now (each walks back every change of the document),
/// `window` of them in flight.
class Flooder {
  public:
    Flooder(Loop& loop, const Options& options, std::uint16_t port, const std::string& token)
        : options_(options),
          conn_(loop, port, token, [this](const json& msg, std::size_t) { on_message(msg); }) {
        conn_.send({{"type", "open"}, {"id", "open"}, {"doc", options_.doc}});
    }

    bool loaded() const { return loaded_; }
    std::string failure() const { return conn_.failure().empty() ? failure_ : conn_.failure(); }

    void start(std::size_t window) {
        for (std::size_t i = 0; i < window; ++i) request();
    }
    void stop() { flooding_ = false; }
    /// Sends again what was refused with rate_limited a second ago.
    void resend_due(Clock::time_point now) {
        while (!retries_.empty() && retries_.front() <= now) {
            retries_.pop_front();
            request();
        }
    }
    void close() { conn_.close(); }

    json figures() const {
        return {{"in_flight", options_.flood_diffs},
                {"sent", sent_},
                {"answered", answered_},
                {"rate_limited", rate_limited_},
                {"other_errors", errors_},
                {"answer_ms", percentiles(answer_ms_)}};
    }

  private:
    void request() {
        if (!flooding_) return;
        const std::int64_t id = ++next_id_;
        sent_at_[id] = Clock::now();
        ++sent_;
        conn_.send({{"type", "diff"},
                    {"id", id},
                    {"doc", options_.doc},
                    {"section", section_},
                    {"layer", "common"},
                    {"from", 0},
                    {"to", rev_}});
    }

    void on_message(const json& msg) {
        const std::string& type = msg.at("type").get_ref<const std::string&>();
        if (type == "snapshot") {
            for (const json& s : msg.at("sections")) {
                if (s.at("layers").contains("common")) {
                    section_ = s.at("id").get<std::string>();
                    break;
                }
            }
            rev_ = msg.at("rev").get<Rev>();
            loaded_ = true;
            return;
        }
        if (type == "edit") {
            rev_ = msg.at("rev").get<Rev>();
            return;
        }
        auto id = msg.find("id");
        if (id == msg.end() || !id->is_number_integer()) {
            if (type == "error" && id != msg.end() && *id == "open") {
                failure_ = "the flooding viewer could not open " + options_.doc;
            }
            return;
        }
        auto sent = sent_at_.find(id->get<std::int64_t>());
        if (sent == sent_at_.end()) return;
        const auto at = sent->second;
        sent_at_.erase(sent);
        if (type == "diff") {
            ++answered_;
            answer_ms_.push_back(ms(Clock::now() - at));
            return request();
        }
        if (type == "error" && msg.value("code", std::string()) == "rate_limited") {
            ++rate_limited_;
            retries_.push_back(Clock::now() + 1s);
            return;
        }
        ++errors_;
        request();
    }

    const Options& options_;
    std::string section_;
    Rev rev_ = 0;
    bool loaded_ = false;
    bool flooding_ = true;
    std::int64_t next_id_ = 0;
    std::unordered_map<std::int64_t, Clock::time_point> sent_at_;
    std::deque<Clock::time_point> retries_;
    std::uint64_t sent_ = 0, answered_ = 0, rate_limited_ = 0, errors_ = 0;
    std::vector<double> answer_ms_;
    std::string failure_;
    Connection conn_;  // last: its handler uses the members above
};

// ---- The benchmark ------------------------------------------------------------------------------

struct Server {
    std::uint16_t port = 0;
    std::optional<pid_t> pid;
    std::unique_ptr<test::ServerProcess> child;  // when the benchmark started it

    std::optional<std::uint64_t> rss() const {
        return pid ? test::process_rss_kib(*pid) : std::nullopt;
    }
};

/// RSS after the server had a moment to finish what the last reply set in motion.
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

/// Memory per open document and per idle connection; into `open`, the time to open the
/// workload's document when nothing has it open yet (the first open loads it from disk).
json measure_memory(Loop& loop, const Server& server, const Options& o, const std::string& token,
                    json& open) {
    json memory;
    memory["start"] = optional_number(server.rss());
    Requester probe(loop, server.port, token);
    probe.wait_signed_in();
    auto before_doc = settled_rss(loop, server);
    memory["one_connection"] = optional_number(before_doc);
    auto reply = probe.request({{"type", "open"}, {"doc", o.doc}});
    require_ok(reply, "opening " + o.doc);
    open = {{"doc", o.doc}, {"cold_ms", round_to(reply.ms, 3)}, {"snapshot_bytes", reply.bytes}};
    progress("opened " + o.doc + " in " + std::to_string(reply.ms) + " ms (" +
             std::to_string(reply.bytes) + " bytes)");
    auto with_doc = settled_rss(loop, server);
    memory["with_document"] = optional_number(with_doc);
    auto per_doc = difference(with_doc, before_doc);
    memory["per_document"] = per_doc ? json(*per_doc) : json();

    memory["idle_connections"] = o.idle_connections;
    if (o.idle_connections > 0) {
        std::vector<std::unique_ptr<Connection>> idle;
        for (std::size_t i = 0; i < o.idle_connections; ++i) {
            idle.push_back(std::make_unique<Connection>(loop, server.port, token, nullptr));
        }
        auto all_in = [&] {
            return std::all_of(idle.begin(), idle.end(), [](const auto& c) {
                return c->signed_in() || !c->failure().empty();
            });
        };
        if (!loop.run_until(all_in, 60s)) throw std::runtime_error("idle connections timed out");
        for (const auto& c : idle) {
            if (!c->failure().empty()) throw std::runtime_error("idle connection: " + c->failure());
        }
        auto with_idle = settled_rss(loop, server);
        memory["with_idle_connections"] = optional_number(with_idle);
        auto grown = difference(with_idle, with_doc);
        memory["per_connection"] =
            grown ? json(round_to(
                        static_cast<double>(*grown) / static_cast<double>(o.idle_connections), 1))
                  : json();
        for (auto& c : idle) c->close();
        loop.run_until(
            [&] {
                return std::all_of(idle.begin(), idle.end(),
                                   [](const auto& c) { return c->closed(); });
            },
            10s);
    }
    probe.connection().close();
    loop.run_until([&] { return probe.connection().closed(); }, 5s);
    return memory;
}

struct WorkloadResult {
    json figures;
    bool ok = true;
};

WorkloadResult run_workload(Loop& loop, const Server& server, const Options& o,
                            std::map<std::string, std::string>& tokens) {
    Recorder recorder;
    std::vector<std::unique_ptr<Typist>> typists;
    for (std::size_t i = 0; i < o.clients; ++i) {
        const std::string& user = workgroup[i % workgroup.size()];
        typists.push_back(std::make_unique<Typist>(loop, recorder, o, i, server.port,
                                                   token_for(tokens, server, user, o)));
    }
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
        60s);
    if (!failure().empty()) throw std::runtime_error(failure());
    if (!loaded) throw std::runtime_error("the clients did not open " + o.doc + " in 60 s");
    const std::size_t sections = typists.front()->layer_count();
    const std::size_t window = o.window == 0 ? sections : std::min(o.window, sections);
    progress(std::to_string(o.clients) + " clients typing into " + std::to_string(sections) +
             " sections of " + o.doc +
             (o.mode == Mode::open
                  ? ", " + std::to_string(o.rate) + " keystrokes/s"
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
        std::chrono::duration<double>(static_cast<double>(o.clients) / o.rate));
    std::vector<Clock::time_point> next(o.clients);
    for (std::size_t i = 0; i < o.clients; ++i) {
        next[i] = start + interval * static_cast<long>(i) / static_cast<long>(o.clients);
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
            metrics_before = scrape_metrics(server.port);
        }
        if (now >= measure_to) break;
        if (failed = failure(); !failed.empty()) break;
        auto wake = std::min(measure_to, now + 5ms);
        if (!measuring) wake = std::min(wake, measure_from);
        if (o.mode == Mode::open) {
            for (std::size_t i = 0; i < o.clients; ++i) {
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
    const auto metrics_after = scrape_metrics(server.port);

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

    // Every client must hold the same text: a benchmark of a server that diverges measures
    // nothing.
    bool converged = settled;
    for (std::size_t i = 0; converged && i < sections; ++i) {
        for (const auto& t : typists) {
            if (t->layer(i).text() != typists.front()->layer(i).text() ||
                t->rev() != typists.front()->rev()) {
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
    f["ack_ms"] = percentiles(recorder.ack_ms());
    f["e2e_ms"] = percentiles(recorder.e2e_ms());
    auto cpu_us = difference(cpu_us_after, cpu_us_before);
    auto cpu_ns = difference(cpu_ns_after, cpu_ns_before);
    f["server_cpu_us_per_op"] =
        cpu_us && ops > 0 ? json(round_to(static_cast<double>(*cpu_us) / ops, 1)) : json();
    f["server_cpu_us_per_op_schedstat"] =
        cpu_ns && ops > 0 ? json(round_to(static_cast<double>(*cpu_ns) / 1000.0 / ops, 1)) : json();
    f["server_cpu_percent"] =
        cpu_ns ? json(round_to(static_cast<double>(*cpu_ns) / 1e7 / window_s, 1)) : json();
    f["server_idle_cpu_percent"] = idle_cpu_percent;
    f["bench_cpu_us_per_op"] =
        ops > 0 ? json(round_to(static_cast<double>(own_after - own_before) / ops, 1)) : json();
    f["server_metrics"] = server_metrics(metrics_before, metrics_after);
    f["rate_limited"] = recorder.rate_limited_count();
    f["late_keystrokes"] = recorder.late_count();
    f["errors"] = recorder.errors().size();
    f["settled"] = settled;
    f["converged"] = converged;
    f["rev"] = typists.front()->rev();
    f["rss_end"] = optional_number(server.rss());
    if (flooder) f["flood"] = flooder->figures();
    progress(std::to_string(recorder.acked()) + " ops in " + std::to_string(window_s) + " s" +
             (converged ? ", all clients agree" : ", THE CLIENTS DISAGREE"));

    for (auto& t : typists) t->close();
    if (flooder) flooder->close();
    loop.run_until(Clock::now() + 200ms);
    return {std::move(f), settled && converged && recorder.errors().empty()};
}

/// Grows one section of `large_doc` to `large_kib` KiB (the kind of text a section holds, pasted
/// in 16 KiB edits), then times opening the document: warm (the room in memory) and, when the
/// benchmark started the server, cold after a restart (loaded from disk).
json measure_large_document(Loop& loop, Server& server, const Options& o,
                            const std::string& token) {
    json large;
    large["doc"] = o.large_doc;
    {
        Requester grower(loop, server.port, token);
        grower.wait_signed_in();
        auto snap = grower.request({{"type", "open"}, {"doc", o.large_doc}});
        require_ok(snap, "opening " + o.large_doc);
        std::string section;
        std::string text;
        std::string filler;
        for (const json& s : snap.msg.at("sections")) {
            auto common = s.at("layers").find("common");
            if (common == s.at("layers").end()) continue;
            if (section.empty()) {
                section = s.at("id").get<std::string>();
                text = common->at("text").get<std::string>();
            }
            filler += common->at("text").get<std::string>() + "\n\n";
        }
        if (section.empty()) throw std::runtime_error(o.large_doc + " has no common section");
        std::string chunk;
        while (chunk.size() < 16 * 1024)
            chunk += filler.size() > 2 ? filler : "Samen waar het kan. ";
        Rev rev = snap.msg.at("rev").get<Rev>();
        std::size_t cps = utf8::count(text);
        std::size_t bytes = text.size();
        const std::size_t target = o.large_kib * 1024;
        int edits = 0;
        for (; bytes < target && edits < 1000; ++edits) {
            json op = cps > 0 ? json::array({cps, chunk}) : json::array({chunk});
            auto ack = grower.request({{"type", "edit"},
                                       {"doc", o.large_doc},
                                       {"section", section},
                                       {"layer", "common"},
                                       {"base", rev},
                                       {"op", op},
                                       {"opid", "bench-large-" + std::to_string(edits)}});
            require_ok(ack, "growing " + section);
            rev = ack.msg.at("rev").get<Rev>();
            cps += utf8::count(chunk);
            bytes += chunk.size();
        }
        large["section"] = section;
        large["section_bytes"] = bytes;
        progress("grew " + o.large_doc + "/" + section + " to " + std::to_string(bytes) +
                 " bytes in " + std::to_string(edits) + " edits");

        std::vector<double> warm;
        for (int i = 0; i < 5; ++i) {
            require_ok(grower.request({{"type", "close"}, {"doc", o.large_doc}}), "closing");
            auto reply = grower.request({{"type", "open"}, {"doc", o.large_doc}});
            require_ok(reply, "opening " + o.large_doc);
            warm.push_back(reply.ms);
            large["snapshot_bytes"] = reply.bytes;
        }
        std::sort(warm.begin(), warm.end());
        large["open_warm_ms"] = round_to(warm[warm.size() / 2], 3);
        grower.connection().close();
        loop.run_until([&] { return grower.connection().closed(); }, 5s);
    }
    large["open_cold_ms"] = nullptr;
    large["rss_per_document"] = nullptr;
    if (server.child) {
        // One cold open per restart; a few of them, as a single one varies.
        std::vector<double> cold;
        std::vector<std::int64_t> grown;
        for (std::size_t i = 0; i < o.cold_opens; ++i) {
            progress("restarting the server to open " + o.large_doc + " from disk");
            server.child->restart();
            server.port = server.child->port();
            server.pid = server.child->pid();
            Requester reader(loop, server.port, token);
            reader.wait_signed_in();
            auto before = settled_rss(loop, server);
            auto reply = reader.request({{"type", "open"}, {"doc", o.large_doc}});
            require_ok(reply, "opening " + o.large_doc);
            cold.push_back(round_to(reply.ms, 3));
            if (auto g = difference(settled_rss(loop, server), before)) grown.push_back(*g);
            reader.connection().close();
            loop.run_until([&] { return reader.connection().closed(); }, 5s);
        }
        large["open_cold_ms_all"] = cold;
        std::sort(cold.begin(), cold.end());
        std::sort(grown.begin(), grown.end());
        if (!cold.empty()) large["open_cold_ms"] = cold[cold.size() / 2];
        if (!grown.empty()) large["rss_per_document"] = grown[grown.size() / 2];
    }
    progress("opening " + o.large_doc + ": " + large["open_warm_ms"].dump() + " ms warm, " +
             large["open_cold_ms"].dump() + " ms cold");
    return large;
}

/// The server's memory while one client makes large edits (each inserted, then deleted again:
/// the text stays small, the history grows) and after it left and the server was idle.
json measure_churn(Loop& loop, const Server& server, const Options& o, const std::string& token) {
    json churn = {{"edits", o.churn_edits * 2},
                  {"kib_per_edit", o.churn_kib},
                  {"wait_seconds", o.churn_wait}};
    churn["rss_before"] = optional_number(settled_rss(loop, server));
    {
        Requester editor(loop, server.port, token);
        editor.wait_signed_in();
        auto snap = editor.request({{"type", "open"}, {"doc", o.doc}});
        require_ok(snap, "opening " + o.doc);
        std::string section;
        for (const json& s : snap.msg.at("sections")) {
            if (s.at("layers").contains("common")) {
                section = s.at("id").get<std::string>();
                break;
            }
        }
        if (section.empty()) throw std::runtime_error(o.doc + " has no common section");
        const std::string text(o.churn_kib * 1024, 'x');
        Rev rev = snap.msg.at("rev").get<Rev>();
        for (std::size_t i = 0; i < o.churn_edits * 2; ++i) {
            // Inserted at the start, then deleted from there: the section ends as it began.
            const json op = i % 2 == 0 ? json::array({json(text)})
                                       : json::array({json::object({{"d", text.size()}})});
            auto ack = editor.request({{"type", "edit"},
                                       {"doc", o.doc},
                                       {"section", section},
                                       {"layer", "common"},
                                       {"base", rev},
                                       {"op", op},
                                       {"opid", "churn-" + std::to_string(i)}});
            require_ok(ack, "a large edit");
            rev = ack.msg.at("rev").get<Rev>();
        }
        churn["rss_after_edits"] = optional_number(settled_rss(loop, server));
        editor.connection().close();
        loop.run_until([&] { return editor.connection().closed(); }, 5s);
    }
    progress("made " + std::to_string(o.churn_edits * 2) + " edits of " +
             std::to_string(o.churn_kib) + " KiB; waiting " + std::to_string(o.churn_wait) + " s");
    loop.run_until(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.churn_wait)));
    churn["rss_after_wait"] = optional_number(server.rss());
    churn["open_documents_after_wait"] = json();
    if (auto m = scrape_metrics(server.port); m.count("samen_open_documents")) {
        churn["open_documents_after_wait"] = m["samen_open_documents"];
    }
    return churn;
}

int run(const Options& o) {
    json result;
    result["benchmark"] = "samen-bench";
    result["mode"] = o.mode == Mode::open ? "open" : "closed";
    result["rate"] = o.mode == Mode::open ? json(o.rate) : json();
    result["clients"] = o.clients;
    result["seconds"] = o.seconds;
    result["warmup"] = o.warmup;
    result["seed"] = o.seed;
    result["doc"] = o.doc;
    result["machine"] = {{"nproc", sysconf(_SC_NPROCESSORS_ONLN)},
                         {"cpu", cpu_model()},
                         {"loadavg_start", load_average()}};
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

    Loop loop;
    std::map<std::string, std::string> tokens;
    const std::string& first_user = workgroup.front();
    json open;
    result["memory_kib"] =
        measure_memory(loop, server, o, token_for(tokens, server, first_user, o), open);
    result["open"] = std::move(open);
    WorkloadResult workload = run_workload(loop, server, o, tokens);
    result.update(workload.figures);
    result["memory_kib"]["end"] = workload.figures["rss_end"];
    result.erase("rss_end");
    if (o.large_kib > 0) {
        result["large_document"] =
            measure_large_document(loop, server, o, token_for(tokens, server, first_user, o));
    }
    if (o.churn_edits > 0) {
        result["churn"] = measure_churn(loop, server, o, token_for(tokens, server, first_user, o));
    }
    result["machine"]["loadavg_end"] = load_average();
    std::cout << result.dump() << std::endl;
    return workload.ok ? 0 : 1;
}

}  // namespace
}  // namespace samen::bench

int main(int argc, char** argv) {
    return samen::bench::tool_main("samen-bench", samen::bench::usage, argc, argv,
                                   samen::bench::parse_options, samen::bench::run);
}
