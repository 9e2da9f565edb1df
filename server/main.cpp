// samen-server: parses the command line and wires the parts together; everything else lives in
// the library targets (samen::server_core).
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "admin/admin.hpp"
#include "app/app.hpp"
#include "app/demo.hpp"
#include "log/log.hpp"
#include "net/descriptors.hpp"
#include "net/server.hpp"
#include "net/trust.hpp"
#include "store/store.hpp"

#ifdef SAMEN_JEMALLOC
// jemalloc's settings (docs/decisions/0025-jemalloc.md): pages freed are handed back to the
// system after a second instead of ten, so that what the server holds is what it uses.
extern "C" {
// NOLINTNEXTLINE: the name jemalloc reads its settings from
const char* malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#endif

namespace {

namespace fs = std::filesystem;

struct Options {
    bool demo = false;
    std::string data_dir = "./samen-data";
    fs::path demo_dir = SAMEN_DEMO_DIR;
    std::size_t threads = 1;  // docs/decisions/0026-one-network-thread.md
    bool max_connections_given = false;
    samen::net::ServerOptions net;
    samen::app::AppOptions app;
    samen::store::StoreOptions store;
};

const char* usage = R"(samen-server: the Samen collaboration server

usage: samen-server [options]
       samen-server [--data DIR] user|municipality|backup ...   (samen-server help admin)

options:
  --demo                 seed the demo municipalities, users and documents (once; loopback only)
  --bind ADDRESS         address to listen on (default 127.0.0.1)
  --port N               port to listen on (default 8080; 0 picks a free one)
  --data DIR             data directory, holding samen.db (default ./samen-data)
  --static DIR           the web client's files, served at / (default: the built web client)
  --demo-data DIR        where the demo files are (default: the repository's data/demo)
  --threads N            network threads (default 1)
  --max-message-bytes N  longest WebSocket message once signed in (default 1048576)
  --max-queue N          outgoing messages a client may fall behind before it is cut off (default 1024)
  --max-text-bytes N     longest text of one section layer (default 1048576)
  --max-history-bytes N  edits a document keeps in memory, in bytes (default 16777216); older
                         ones are read from disk when needed
  --room-idle-seconds S  a document nobody has open is unloaded after S seconds (default 60)
  --max-comments N       comments one document may hold, over all its threads (default 10000)
  --checkpoint-edits N   when the document's revision reaches a multiple of N, the whole text of
                         every layer edited since its last one is written; the edits since are
                         replayed from the change log at load (default 1000)
  --snapshot-revs N      revisions after which the whole document is written as a snapshot that
                         reading the past starts from; also at every named version and adoption
                         decision (default 5000)
  --edit-rate N          edits per second per connection, sustained (default 50)
  --edit-burst N         edits per connection in a burst (default 200)
  --max-connections-per-user N
                         signed-in WebSocket connections one user may have at once (default 16)
  --idle-timeout S       seconds of silence before a WebSocket is dropped (default 60)
  --token-lifetime S     seconds a sign-in lasts; its connections end then (default 43200)
  --auth-check-ms N      how often the users and tokens of open connections are looked at again
                         for changes made by samen-server user ... (default 500)
  --reader-threads N     threads that read the past, each with a read-only connection (default 2)
  --max-reads-per-connection N
                         reads of the past one connection may wait for at once (default 4)
  --max-pending-reads N  reads queued for the reader threads at once, over all connections
                         (default 1024)
  --network-commit-max-jobs N
                         at a quiet moment (the writer idle, its last commit no larger, the edit
                         before longer ago than that commit took), the network thread commits
                         up to N queued edits itself instead of handing them over (default 1;
                         0: the writer commits every one)

sign-in (docs/security.md):
  --password-threads N   threads that check passwords, ~64 MiB each while they do (default 1)
  --max-pending-sign-ins N
                         sign-ins waiting for or in a password check; more are refused with 503
                         (default 4 per password thread)
  --sign-in-free-failures N
                         failed sign-ins in a row, per account and per address, before the first
                         delay (default 5)
  --sign-in-delay S      the first delay in seconds; each further failure doubles it (default 1);
                         meanwhile sign-ins of that account or from that address get 429
  --sign-in-max-delay S  the longest delay in seconds (default 300)
  --sign-in-max-tracked N
                         accounts and addresses whose failures are remembered (default 100000)

cross-site requests and proxies (docs/security.md):
  --allowed-origin ORIGIN
                         a browser origin besides the server's own whose pages may open the
                         WebSocket, e.g. https://samen.gemeente.nl (repeatable)
  --trusted-proxy ADDRESS
                         a reverse proxy in front of the server: its X-Forwarded-For names the
                         client (repeatable; default none)
  --metrics-token TOKEN  /metrics is served to loopback clients, and to whoever sends
                         'Authorization: Bearer TOKEN' (default: loopback only)

bounds on connections (docs/security.md):
  --max-connections N    TCP connections at once; past it a new one gets 503 (default: what the
                         descriptor limit holds after a reserve, see the log at start)
  --max-unauthenticated-per-address N
                         connections from one address that have not signed in (HTTP, and
                         WebSockets before hello); past it that address gets 503 (default 32;
                         0: no bound, e.g. behind a reverse proxy)
  --hello-timeout S      seconds a WebSocket has to sign in with hello, else 1008 (default 10)
  --max-hello-bytes N    longest message before hello; a longer one closes with 1009 (default 4096)
  --max-pending-messages N
                         messages of one WebSocket read but not yet handled; the server reads no
                         further until one is (default 8)
  --max-http-body N      largest HTTP request body in bytes, sent with Content-Length; a larger
                         one gets 413, a chunked one 411 (default 1048576)

the plan as ODT, DOCX, PDF and HTML (docs/plan-steps.md):
  --export-reference DIR the house style: reference.odt, reference.docx and print.css
                         (default: the repository's data/export; data/export/README.md)
  --max-exports N        files made at once, each by a pandoc or weasyprint process (default: the
                         number of cores)
  --max-queued-exports N files waiting for one of those; past it 503 (default 16)
  --export-time-limit S  a file taking longer is given up, its process killed (default 60)
  --max-export-bytes N   a larger file is refused (default 67108864)
)";

template <class T>
T number(const std::string& flag, const std::string& text) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw std::invalid_argument(flag + " needs a number, not '" + text + "'");
    }
    return value;
}

template <class T>
T at_least(T min, const std::string& flag, const std::string& text) {
    T value = number<T>(flag, text);
    if (value < min) {
        throw std::invalid_argument(flag + " needs at least " + std::to_string(min) + ", not " +
                                    text);
    }
    return value;
}

/// An origin as browsers send it: http:// or https://, a host, perhaps a port; no path.
std::string origin(std::string text) {
    if (!text.empty() && text.back() == '/') text.pop_back();
    const auto scheme = text.find("://");
    const std::string_view rest = scheme == std::string::npos
                                      ? std::string_view{}
                                      : std::string_view(text).substr(scheme + 3);
    if ((text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0) || rest.empty() ||
        rest.find_first_of("/?#@ ") != std::string_view::npos) {
        throw std::invalid_argument(
            "--allowed-origin needs an origin like https://samen.gemeente.nl, not '" + text + "'");
    }
    return text;
}

Options parse(const std::vector<std::string>& args) {
    Options o;
    std::optional<std::size_t> max_pending_sign_ins;
    o.net.static_root = SAMEN_STATIC_DIR;
    o.app.exports.reference_dir = SAMEN_EXPORT_DIR;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
            return args[++i];
        };
        if (a == "--demo")
            o.demo = true;
        else if (a == "--bind")
            o.net.address = value();
        else if (a == "--port")
            o.net.port = number<unsigned short>(a, value());
        else if (a == "--data")
            o.data_dir = value();
        else if (a == "--static")
            o.net.static_root = value();
        else if (a == "--demo-data")
            o.demo_dir = value();
        else if (a == "--threads")
            o.threads = std::max<std::size_t>(1, number<std::size_t>(a, value()));
        else if (a == "--max-message-bytes")
            o.net.max_message_bytes = number<std::size_t>(a, value());
        else if (a == "--max-hello-bytes")
            o.net.max_hello_bytes = std::max<std::size_t>(1, number<std::size_t>(a, value()));
        else if (a == "--hello-timeout")
            o.net.hello_timeout = std::chrono::seconds(std::max(1, number<int>(a, value())));
        else if (a == "--max-http-body")
            o.net.max_http_body = std::max<std::size_t>(1, number<std::size_t>(a, value()));
        else if (a == "--max-pending-messages")
            o.net.max_pending_messages = std::max<std::size_t>(1, number<std::size_t>(a, value()));
        else if (a == "--max-connections") {
            o.net.max_connections = std::max<std::size_t>(1, number<std::size_t>(a, value()));
            o.max_connections_given = true;
        } else if (a == "--max-unauthenticated-per-address")
            o.net.max_unauthenticated_per_address = number<std::size_t>(a, value());
        else if (a == "--max-queue")
            o.net.max_queue_messages = number<std::size_t>(a, value());
        else if (a == "--max-text-bytes")
            o.app.room.max_text_bytes = number<std::size_t>(a, value());
        else if (a == "--max-history-bytes")
            o.app.room.max_history_bytes = number<std::size_t>(a, value());
        else if (a == "--max-comments")
            o.app.room.max_comments = number<std::size_t>(a, value());
        else if (a == "--checkpoint-edits")
            o.app.room.checkpoint_edits = at_least<std::size_t>(1, a, value());
        else if (a == "--snapshot-revs")
            o.app.room.snapshot_revs = at_least<std::size_t>(1, a, value());
        else if (a == "--room-idle-seconds")
            o.app.room.idle_unload = std::chrono::seconds(std::max(1, number<int>(a, value())));
        else if (a == "--edit-rate")
            o.app.session.edits_per_second = number<double>(a, value());
        else if (a == "--edit-burst")
            o.app.session.edit_burst = number<double>(a, value());
        else if (a == "--max-connections-per-user") {
            o.app.session.max_connections_per_user =
                std::max<std::size_t>(1, number<std::size_t>(a, value()));
        } else if (a == "--token-lifetime") {
            o.app.token_lifetime =
                std::chrono::seconds(std::max<std::int64_t>(1, number<std::int64_t>(a, value())));
        } else if (a == "--auth-check-ms") {
            o.app.auth_check_interval = std::chrono::milliseconds(
                std::max<std::int64_t>(10, number<std::int64_t>(a, value())));
        } else if (a == "--reader-threads")
            o.store.reader_threads = std::max<std::size_t>(1, number<std::size_t>(a, value()));
        else if (a == "--max-reads-per-connection")
            o.app.session.max_reads_per_connection =
                std::max<std::size_t>(1, number<std::size_t>(a, value()));
        else if (a == "--network-commit-max-jobs")
            o.store.here_max_jobs = number<std::size_t>(a, value());
        else if (a == "--max-pending-reads")
            o.store.max_pending_reads = std::max<std::size_t>(1, number<std::size_t>(a, value()));
        else if (a == "--idle-timeout")
            o.net.idle_timeout = std::chrono::seconds(number<int>(a, value()));
        else if (a == "--password-threads")
            o.app.sign_in.password_threads = at_least<std::size_t>(1, a, value());
        else if (a == "--max-pending-sign-ins")
            max_pending_sign_ins = at_least<std::size_t>(1, a, value());
        else if (a == "--sign-in-free-failures")
            o.app.sign_in.throttle.free_failures = at_least<unsigned>(1, a, value());
        else if (a == "--sign-in-delay")
            o.app.sign_in.throttle.base_delay = std::chrono::seconds(at_least<int>(1, a, value()));
        else if (a == "--sign-in-max-delay")
            o.app.sign_in.throttle.max_delay = std::chrono::seconds(at_least<int>(1, a, value()));
        else if (a == "--sign-in-max-tracked")
            o.app.sign_in.throttle.max_entries = at_least<std::size_t>(2, a, value());
        else if (a == "--allowed-origin")
            o.net.allowed_origins.push_back(origin(value()));
        else if (a == "--trusted-proxy") {
            const std::string& text = value();
            std::string address = samen::net::normal_address(text);
            if (address.empty())
                throw std::invalid_argument("--trusted-proxy needs an IP address, not '" + text +
                                            "'");
            o.net.trusted_proxies.push_back(address);
        } else if (a == "--metrics-token")
            o.app.metrics_token = value();
        else if (a == "--export-reference")
            o.app.exports.reference_dir = value();
        else if (a == "--max-exports")
            o.app.exports.max_parallel = at_least<unsigned>(1, a, value());
        else if (a == "--max-queued-exports")
            o.app.exports.max_queued = number<std::size_t>(a, value());
        else if (a == "--max-export-bytes")
            o.app.exports.max_output_bytes = at_least<std::size_t>(1, a, value());
        else if (a == "--export-time-limit")
            o.app.exports.time_limit = std::chrono::seconds(at_least<int>(1, a, value()));
        else
            throw std::invalid_argument("unknown option " + a);
    }
    o.app.sign_in.max_pending = max_pending_sign_ins.value_or(4 * o.app.sign_in.password_threads);
    const std::string& b = o.net.address;
    if (o.demo && b != "127.0.0.1" && b != "::1" && b != "localhost") {
        throw std::invalid_argument(
            "--demo has well-known passwords: it only binds to a loopback address");
    }
    if (!o.net.static_root.empty() && !fs::is_directory(o.net.static_root))
        o.net.static_root.clear();
    for (const char* file : {"reference.odt", "reference.docx", "print.css"}) {
        if (!fs::is_regular_file(o.app.exports.reference_dir / file)) {
            throw std::invalid_argument(
                "--export-reference: " + o.app.exports.reference_dir.string() + " holds no " +
                file + " (data/export/README.md)");
        }
    }
    return o;
}

/// Raises the descriptor limit and fits --max-connections to it unless it was given.
void fit_to_descriptors(Options& o) {
    const auto limit = samen::net::raise_descriptor_limit();
    if (!o.max_connections_given) {
        o.net.max_connections =
            samen::net::connections_for_descriptors(limit.soft, o.net.max_refusals);
    }
    std::string line = "descriptors: soft limit " + std::to_string(limit.soft_before);
    line += limit.soft != limit.soft_before ? " raised to " + std::to_string(limit.soft) : "";
    line += " (hard limit " + std::to_string(limit.hard) + ")";
    if (!limit.error.empty()) line += ", not raised: " + limit.error;
    line += "; at most " + std::to_string(o.net.max_connections) + " connections";
    samen::log_line(line);
}

int serve(Options o) {
    fit_to_descriptors(o);
    fs::create_directories(o.data_dir);
    for (const std::string& change : samen::admin::restrict_data_dir(o.data_dir)) {
        samen::log_line("samen-server: made the data directory private: " + change);
    }
    samen::store::StoreOptions store_options = o.store;
    store_options.path = samen::admin::data_file(o.data_dir);
    samen::store::Store store(store_options);
    if (o.demo) {
        bool seeded =
            store.run([&](samen::store::Db& db) { return samen::app::seed_demo(db, o.demo_dir); })
                .get();
        std::cout << (seeded ? "demo data seeded from " + o.demo_dir.string()
                             : std::string("demo data already present"))
                  << std::endl;
    }

    boost::asio::io_context ioc(static_cast<int>(o.threads));
    auto app = std::make_shared<samen::app::App>(ioc, store, o.app);
    samen::net::Server server(ioc, o.net, app);
    app->set_net_stats(&server.stats());
    server.start();
    std::cout << "samen-server listening on http://" << o.net.address << ":" << server.port() << "/"
              << std::endl;

    std::promise<int> stop_signal;
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (!ec) stop_signal.set_value(sig);
    });

    // The threads keep running through the shutdown below (which posts to the rooms) even when no
    // connection is left; ioc.stop() ends them.
    auto work = boost::asio::make_work_guard(ioc);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < o.threads; ++i) {
        threads.emplace_back([&ioc] {
            // An exception escaping a handler is a bug; log it and keep serving the others.
            for (;;) {
                try {
                    ioc.run();
                    return;
                } catch (const std::exception& e) {
                    std::cerr << "samen-server: unexpected error: " << e.what() << std::endl;
                }
            }
        });
    }

    int sig = stop_signal.get_future().get();
    std::cout << "samen-server: signal " << sig << ", shutting down" << std::endl;
    server.stop_accepting();
    // Every accepted edit is committed and its ack handed to its connection before they close.
    store.run([](samen::store::Db&) {}).get();
    app->rooms().barrier();
    server.close_all(samen::net::CloseReason::going_away);
    for (int i = 0; i < 100 && server.connection_count() > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ioc.stop();
    for (auto& t : threads) t.join();
    store.stop();
    std::cout << "samen-server: stopped" << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    samen::admin::keep_new_files_private();
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
            if (args.size() > 1 && args[1] == "admin") {
                std::cout << samen::admin::admin_usage();
            } else {
                std::cout << usage;
            }
            return 0;
        }
        if (samen::admin::is_admin_command(args)) {
            return samen::admin::run_admin(args, std::cin, std::cout, std::cerr);
        }
        return serve(parse(args));
    } catch (const std::invalid_argument& e) {
        std::cerr << "samen-server: " << e.what() << "\n\n" << usage;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "samen-server: " << e.what() << std::endl;
        return 1;
    }
}
