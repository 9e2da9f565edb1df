// A history from before SQL migration 010 gets its document snapshots one store job at a time
// (docs/decisions/0022-document-snapshots.md). Each job rebuilds its snapshot from the change log
// on the writer, inside its own transaction, so what it writes is what the log says whatever the
// room of the document (if one is loaded) commits before or after it: nothing of a room is needed
// (docs/decisions/0031-a-read-of-the-past-starts-the-backfill.md).
#include "rooms/snapshot_backfill.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "log/log.hpp"
#include "rooms/document_store.hpp"
#include "store/store.hpp"

namespace samen::rooms {

namespace {

using SteadyClock = std::chrono::steady_clock;

/// The documents whose snapshots are being written: a room loaded or a past read meanwhile
/// starts no second backfill.
std::mutex backfilling_mutex;
std::set<std::string> backfilling;

/// One backfill under way. Its document leaves `backfilling` when the last job or post that
/// holds it is done with it: at the end, on an error, or when the store or the loop stops.
struct Backfill {
    Backfill(boost::asio::io_context& i, store::Store& s, std::string d, std::size_t e,
             std::string t)
        : ioc(i), store(s), doc(std::move(d)), every(e), trigger(std::move(t)) {}
    Backfill(const Backfill&) = delete;
    Backfill& operator=(const Backfill&) = delete;
    ~Backfill() {
        std::lock_guard lock(backfilling_mutex);
        backfilling.erase(doc);
    }

    void log(const std::string& what) const { log_line("document " + doc + ": " + what); }

    boost::asio::io_context& ioc;
    store::Store& store;
    const std::string doc;
    const std::size_t every;
    const std::string trigger;
    std::size_t missing = 0;
    std::size_t written = 0;
    double longest_ms = 0;
    SteadyClock::time_point started = SteadyClock::now();
};

/// One store job of the backfill, and the next one posted when it is done.
void backfill_next(const std::shared_ptr<Backfill>& b) {
    struct Step {
        std::optional<Rev> rev;
        double ms = 0;
    };
    try {
        // One snapshot per job: the writer is held for one rewind of at most about `every`
        // changes, and the edits queued meanwhile go in the next group.
        b->store.query(
            [doc = b->doc, every = b->every](store::Db& db) {
                const auto t0 = SteadyClock::now();
                Step step{backfill_snapshot(db, doc, every)};
                step.ms =
                    std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
                return step;
            },
            [b](std::exception_ptr error, Step step) {
                b->longest_ms = std::max(b->longest_ms, step.ms);
                if (step.rev) ++b->written;
                if (error || !step.rev) {
                    std::string how = "done";
                    if (error) {
                        try {
                            std::rethrow_exception(error);
                        } catch (const std::exception& e) {
                            how = std::string("stopped: ") + e.what();
                        }
                    }
                    const double total_s =
                        std::chrono::duration<double>(SteadyClock::now() - b->started).count();
                    b->log("snapshots " + how + ", " + std::to_string(b->written) + " written in " +
                           std::to_string(total_s) + " s, the longest store job " +
                           std::to_string(b->longest_ms) + " ms");
                    return;
                }
                // Progress about every tenth of the way.
                if (b->written % std::max<std::size_t>(1, b->missing / 10) == 0) {
                    b->log("snapshot at rev " + std::to_string(*step.rev) + " written, " +
                           std::to_string(b->written) + " of " + std::to_string(b->missing));
                }
                boost::asio::post(b->ioc, [b] { backfill_next(b); });
            });
    } catch (const std::exception& e) {
        b->log(std::string("snapshots stopped: ") + e.what());
    }
}

}  // namespace

void backfill_snapshots(boost::asio::io_context& ioc, store::Store& store, const std::string& doc,
                        std::size_t every, const std::string& trigger) {
    if (every == 0) return;
    {
        std::lock_guard lock(backfilling_mutex);
        if (!backfilling.insert(doc).second) return;
    }
    auto b = std::make_shared<Backfill>(ioc, store, doc, every, trigger);
    try {
        // First a look on a reader: almost every document misses none.
        store.query(
            [doc, every](store::Db& db) { return missing_snapshots(db, doc, every).size(); },
            [b](std::exception_ptr error, std::size_t missing) {
                if (error || missing == 0) return;
                b->missing = missing;
                b->started = SteadyClock::now();
                b->log(std::to_string(missing) +
                       " document snapshots missing (a history from before migration 10), "
                       "writing them one store job at a time, started by " +
                       b->trigger);
                boost::asio::post(b->ioc, [b] { backfill_next(b); });
            },
            store::Queue::readers);
    } catch (const std::exception& e) {
        b->log(std::string("snapshots not looked for: ") + e.what());
    }
}

}  // namespace samen::rooms
