// What keeps a long history fast to open and to read (docs/decisions/0022-document-snapshots.md),
// added to the store job of the change that crosses a multiple: the document as a whole every
// snapshot_revs revisions and at every named version and adoption decision, and the text of
// every layer edited since its checkpoint every checkpoint_edits revisions, and the earliest time
// of every block of changes it completes (docs/decisions/0028-change-time-blocks.md). All are
// copies of what the change log says; the job writes them in the same transaction as the change
// itself.
#include <boost/asio/post.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "log/log.hpp"
#include "model/tree.hpp"
#include "rooms/room.hpp"
#include "store/repo.hpp"

namespace samen::rooms {

namespace {

using SteadyClock = std::chrono::steady_clock;

/// The documents whose snapshots are being written: a room loaded again meanwhile starts no
/// second backfill.
std::mutex backfilling_mutex;
std::set<std::string> backfilling;

/// True when a multiple of `every` lies in first..last.
bool crosses(Rev first, Rev last, std::size_t every) {
    return every > 0 && last / every > (first - 1) / every;
}

}  // namespace

std::vector<std::tuple<std::string, std::string, std::string, Rev>> Room::take_unsaved_texts() {
    std::vector<std::tuple<std::string, std::string, std::string, Rev>> texts;
    for (auto& [key, memory] : layers_) {
        if (!memory.unsaved) continue;
        memory.unsaved = false;
        const model::Section* s = doc_.section(key.section);
        if (!s) s = model::deleted_section(doc_, key.section);
        const model::Layer* l = s ? s->layer(key.layer) : nullptr;
        if (l) texts.emplace_back(key.section, key.layer, l->text, l->changed_rev);
    }
    return texts;
}

store::Store::Work Room::with_snapshots(Rev first, Rev last, std::string_view type,
                                        store::Store::Work write, bool& quick) {
    // A named version and an adoption decision are read back more than other revisions.
    const bool snapshot =
        crosses(first, last, limits_.snapshot_revs) || type == "tag" || type == "adoption.set";
    // Every layer edited since its checkpoint, so that loading replays fewer than
    // checkpoint_edits edits in all, not up to that many per layer.
    std::vector<std::tuple<std::string, std::string, std::string, Rev>> texts;
    if (crosses(first, last, limits_.checkpoint_edits)) texts = take_unsaved_texts();
    // What reads by time skip whole blocks by: one small row per block, not one per change.
    const bool times = crosses(first, last, static_cast<std::size_t>(store::kChangeTimeBlock));
    quick = !snapshot && texts.empty();
    if (!snapshot && texts.empty() && !times) return write;
    // doc_ stands at `last` now: copied here, written as it is after the changes.
    std::optional<model::Document> copy;
    if (snapshot) copy = doc_;
    return [write = std::move(write), copy = std::move(copy), texts = std::move(texts), doc = id_,
            first, last, times](store::Db& db) {
        write(db);
        for (const auto& [section, layer, text, changed] : texts) {
            write_checkpoint(db, doc, section, layer, text, last, changed);
        }
        if (copy) write_snapshot(db, *copy);
        if (times) {
            store::write_change_time_blocks(db, doc, static_cast<std::int64_t>(first),
                                            static_cast<std::int64_t>(last));
        }
    };
}

}  // namespace samen::rooms

namespace samen::rooms {

void Room::backfill_snapshots() {
    const std::size_t every = limits_.snapshot_revs;
    if (every == 0) return;
    {
        std::lock_guard lock(backfilling_mutex);
        if (!backfilling.insert(id_).second) return;
    }
    auto self = shared_from_this();
    auto finish = [doc = id_] {
        std::lock_guard lock(backfilling_mutex);
        backfilling.erase(doc);
    };
    try {
        // First a look on a reader: almost every document misses none.
        store_.query(
            [doc = id_, every](store::Db& db) { return missing_snapshots(db, doc, every).size(); },
            [self, finish](std::exception_ptr error, std::size_t missing) {
                if (error || missing == 0) return finish();
                log_line("room " + self->id_ + ": " + std::to_string(missing) +
                         " document snapshots missing (a history from before migration 10), "
                         "writing them one store job at a time");
                boost::asio::post(self->strand_, [self, missing] {
                    self->backfill_next(missing, 0, 0, SteadyClock::now());
                });
            },
            store::Queue::readers);
    } catch (const std::exception& e) {
        finish();
        log_line("room " + id_ + ": document snapshots not looked for: " + e.what());
    }
}

void Room::backfill_next(std::size_t missing, std::size_t written, double longest_ms,
                         SteadyClock::time_point started) {
    auto self = shared_from_this();
    auto finish = [doc = id_] {
        std::lock_guard lock(backfilling_mutex);
        backfilling.erase(doc);
    };
    struct Step {
        std::optional<Rev> rev;
        double ms = 0;
    };
    try {
        // One snapshot per job: the writer is held for one rewind of at most about snapshot_revs
        // changes, and the edits queued meanwhile go in the next group.
        store_.query(
            [doc = id_, every = limits_.snapshot_revs](store::Db& db) {
                const auto t0 = SteadyClock::now();
                Step step{backfill_snapshot(db, doc, every)};
                step.ms =
                    std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
                return step;
            },
            [self, finish, missing, written, longest_ms, started](std::exception_ptr error,
                                                                  Step step) {
                const double longest = std::max(longest_ms, step.ms);
                const std::size_t done = written + (step.rev ? 1 : 0);
                if (error || !step.rev) {
                    finish();
                    std::string how = "done";
                    if (error) {
                        try {
                            std::rethrow_exception(error);
                        } catch (const std::exception& e) {
                            how = std::string("stopped: ") + e.what();
                        }
                    }
                    const double total_s =
                        std::chrono::duration<double>(SteadyClock::now() - started).count();
                    log_line("room " + self->id_ + ": document snapshots " + how + ", " +
                             std::to_string(done) + " written in " + std::to_string(total_s) +
                             " s, the longest store job " + std::to_string(longest) + " ms");
                    return;
                }
                // Progress about every tenth of the way.
                if (done % std::max<std::size_t>(1, missing / 10) == 0) {
                    log_line("room " + self->id_ + ": document snapshot at rev " +
                             std::to_string(*step.rev) + " written, " + std::to_string(done) +
                             " of " + std::to_string(missing));
                }
                boost::asio::post(self->strand_, [self, missing, done, longest, started] {
                    self->backfill_next(missing, done, longest, started);
                });
            });
    } catch (const std::exception& e) {
        finish();
        log_line("room " + id_ + ": document snapshots stopped: " + e.what());
    }
}

}  // namespace samen::rooms
