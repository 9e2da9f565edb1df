#include "options.hpp"

#include <random>
#include <stdexcept>
#include <string>

#include "command_line.hpp"
#include "server_process.hpp"

namespace samen::bench {

const char* const usage_text = R"(samen-bench: the live samen-server under the workgroup workload

usage: samen-bench [options]

  --mode open|closed     open: keystrokes at a fixed total rate; closed: as fast as the rule of
                         one edit in flight per section layer allows (default closed)
  --rate N               keystrokes per second over all clients, open mode (default 40)
  --clients N            typing clients, two per municipality in turn (default 8)
  --seconds S            the measured window (default 10)
  --warmup S             typing before the window, not measured (default 1)
  --seed K               seeds the keystrokes (default: random; printed)
  --window N             closed mode: edits in flight per client (default: one per section)
  --client-threads N     the typing clients spread over N threads (client i on thread i % N),
                         each with its own event loop, so that the load generator can use more
                         than one core (default 1; at most the number of typing clients)
  --doc ID               the document typed into (default ivp-2023-2026)
  --sections N           how many of its sections with a common layer (default 20)
  --server PATH          samen-server to start (default: the one of this build)
  --port N               use the server running on 127.0.0.1:N instead of starting one
  --server-pid PID       with --port: its process, for CPU and memory figures
  --password P           the demo users' password (default samen-demo)
  --idle-connections N   signed-in idle connections, kept open while the clients type: the
                         memory figure per connection, and what they cost the typists' latency
                         (default 200; 0 skips; at most 20000: the bench raises its own
                         descriptor limit to the hard one, and needs two per connection free)
  --connect-batch N      idle connections connecting and signing in at once (default 500)
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
  --fsync-samples N      writes of one WAL frame, each followed by fdatasync, timed in the
                         server's data directory (with --port: the current directory) for the
                         disk's own sync latency (default 500; 0 skips)
  --fsync-gap-ms MS      the mean pause between two of them, as between two commits, drawn
                         uniformly from 0 to twice this with --seed (default 5)
  --floor                after the run against samen-server, the same clients, workload, seed
                         and idle connections against samen-relay (a bare relay: no OT, no
                         storage), and the ratios samen-server / relay (needs a server it
                         started; not with --docs or --flood-diffs)
  --no-batches           the clients do not ask for `batch` messages in their hello (the client
                         library does): every message comes on its own
  --relay PATH           samen-relay to start (default: the one of this build)
  --relay-threads N      the relay's io threads (default 1)
  --docs N               the multi-document workload instead of the workgroup: N documents made
                         by an admin with document.create from --doc as template, each typed into
                         by --clients-per-doc clients at --rate-per-client keystrokes/s, open loop
                         (default 0: the workgroup on --doc)
  --clients-per-doc N    (default 4)
  --rate-per-client R    (default 2)

A server it starts runs on a fresh copy of the demo data with the per-connection edit rate limit
lifted (--edit-rate/--edit-burst 1000000), so that the server, not its limiter, is measured, and
with the bounds the idle connections would hit lifted (--max-connections-per-user 100000,
--max-unauthenticated-per-address 0); a server given with --port needs the same.
)";

using test::number_option;

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    bool seeded = false;
    for (test::Args arg(args); arg.next();) {
        const std::string& a = arg.flag();
        // clang-format off
        if (a == "--mode") {
            const std::string& m = arg.value();
            if (m != "open" && m != "closed") {
                throw std::invalid_argument("--mode is open or closed, not '" + m + "'");
            }
            o.mode = m == "open" ? Mode::open : Mode::closed;
        }
        else if (a == "--rate") o.rate = arg.number<double>(0.1, 100000);
        else if (a == "--clients") o.clients = arg.number<std::size_t>(1, 64);
        else if (a == "--seconds") o.seconds = arg.number<double>(0.1, 3600);
        else if (a == "--warmup") o.warmup = arg.number<double>(0, 600);
        else if (a == "--seed") {
            o.seed = arg.number<std::uint64_t>(0, UINT64_MAX);
            seeded = true;
        }
        else if (a == "--window") o.window = arg.number<std::size_t>(1, 1000);
        else if (a == "--client-threads") o.client_threads = arg.number<std::size_t>(1, 64);
        else if (a == "--doc") o.doc = arg.value();
        else if (a == "--sections") o.sections = arg.number<std::size_t>(1, 1000);
        else if (a == "--server") o.server_path = arg.value();
        else if (a == "--port") o.port = arg.number<std::uint16_t>(1, 65535);
        else if (a == "--server-pid") o.server_pid = arg.number<pid_t>(1, 1 << 30);
        else if (a == "--password") o.password = arg.value();
        else if (a == "--idle-connections") o.idle_connections = arg.number<std::size_t>(0, 20000);
        else if (a == "--connect-batch") o.connect_batch = arg.number<std::size_t>(1, 20000);
        else if (a == "--fsync-samples") o.fsync_samples = arg.number<std::size_t>(0, 100000);
        else if (a == "--fsync-gap-ms") o.fsync_gap_ms = arg.number<double>(0, 1000);
        else if (a == "--floor") o.floor = true;
        else if (a == "--no-batches") o.batches = false;
        else if (a == "--relay") o.relay_path = arg.value();
        else if (a == "--relay-threads") o.relay_threads = arg.number<std::size_t>(1, 64);
        else if (a == "--docs") o.docs = arg.number<std::size_t>(0, 10000);
        else if (a == "--clients-per-doc") o.clients_per_doc = arg.number<std::size_t>(2, 64);
        else if (a == "--rate-per-client") o.rate_per_client = arg.number<double>(0.01, 1000);
        else if (a == "--large-kib") o.large_kib = arg.number<std::size_t>(0, 1000);
        else if (a == "--large-doc") o.large_doc = arg.value();
        else if (a == "--flood-diffs") o.flood_diffs = arg.number<std::size_t>(0, 100000);
        else if (a == "--churn-edits") o.churn_edits = arg.number<std::size_t>(0, 100000);
        else if (a == "--churn-kib") o.churn_kib = arg.number<std::size_t>(1, 1000);
        else if (a == "--churn-wait") o.churn_wait = arg.number<double>(0, 3600);
        else if (a == "--server-arg") o.server_args.push_back(arg.value());
        else if (a == "--cold-opens") o.cold_opens = arg.number<std::size_t>(0, 20);
        else throw std::invalid_argument("unknown option " + a);
        // clang-format on
    }
    if (o.server_pid && !o.port) throw std::invalid_argument("--server-pid goes with --port");
    if (o.floor && o.port) throw std::invalid_argument("--floor needs a server it starts");
    if (o.floor && o.docs > 0) throw std::invalid_argument("--floor goes with the workgroup");
    // samen-relay refuses `diff`, and the viewer would ask again at once, without end.
    if (o.floor && o.flood_diffs > 0) throw std::invalid_argument("--floor has no --flood-diffs");
    // A thread without a client would only add a thread to join.
    const std::size_t typing = o.docs > 0 ? o.docs * o.clients_per_doc : o.clients;
    if (o.client_threads > typing) {
        throw std::invalid_argument("--client-threads " + std::to_string(o.client_threads) +
                                    " is more than the " + std::to_string(typing) +
                                    " typing clients (each thread needs one)");
    }
    if (!seeded) o.seed = std::random_device{}();
    return o;
}
}  // namespace samen::bench
