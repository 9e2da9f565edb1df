// Giving a history from before SQL migration 010 the document snapshots it lacks
// (docs/decisions/0022-document-snapshots.md), started by whatever first meets such a document: a
// room that loads it, or a read of its past over REST
// (docs/decisions/0031-a-read-of-the-past-starts-the-backfill.md).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <string>

namespace samen::store {
class Store;
}

namespace samen::rooms {

/// Writes the snapshots `doc` misses (rooms::missing_snapshots with `every`), one store job per
/// snapshot, newest first, each rebuilt from the change log in its own job on the writer
/// (rooms::backfill_snapshot), so that edits wait for one at most; progress goes to the log,
/// whose lines say it was started by `trigger`. Returns at once, from any thread; a first look on
/// a reader finds whether any is missing. Does nothing while a backfill of `doc` is under way, or
/// when `every` is 0. The next job is posted to `ioc`; `store` must outlive the io_context's
/// threads.
void backfill_snapshots(boost::asio::io_context& ioc, store::Store& store, const std::string& doc,
                        std::size_t every, const std::string& trigger);

}  // namespace samen::rooms
