// The store: the data file and the threads that touch it. Rooms and the HTTP handlers never call
// SQLite themselves; they submit work, and the one writer thread runs it in groups (group commit)
// so that many small edits cost one fsync. What only reads goes to the reader threads instead,
// each with a read-only connection of its own: in WAL mode readers and the writer never wait for
// each other, so a flood of reads of the past delays no commit, and no commit delays a read.
// A lone edit at a quiet moment is committed by the network thread that made it (submit_here):
// waking the writer and being woken by it again cost more than the commit
// (docs/decisions/0027-a-lone-edit-commits-on-the-network-thread.md).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/db.hpp"

namespace samen::store {

struct StoreOptions {
    std::string path;  // the SQLite file, created and migrated when missing
    /// Jobs queued or running; submit() throws "store queue full" beyond it.
    std::size_t max_pending = 100000;
    /// Jobs per transaction at most: under a burst, the first acks wait for one batch of this
    /// size rather than for everything queued.
    std::size_t max_batch = 1024;
    int busy_timeout_ms = 5000;
    /// Threads that run read() jobs, each on its own read-only connection (at least 1).
    std::size_t reader_threads = 2;
    /// Reads queued or running; read() throws "store readers overloaded" beyond it.
    std::size_t max_pending_reads = 1024;
    /// At most this many jobs, all from submit_here, are committed by the thread that submitted
    /// them when the writer is idle; more go to the writer. 0: the writer commits everything.
    std::size_t here_max_jobs = 1;
};

/// Batch sizes are counted in the buckets of a Prometheus histogram: le=1, 2, 4, ..., 1024, +Inf.
inline constexpr std::array<std::size_t, 11> kBatchSizeBounds = {1,  2,   4,   8,   16,  32,
                                                                 64, 128, 256, 512, 1024};

struct StoreStats {
    std::uint64_t batches = 0;      // transactions committed
    std::uint64_t jobs = 0;         // jobs run (committed or failed)
    std::uint64_t failed_jobs = 0;  // jobs whose done got an exception
    std::uint64_t commit_failures = 0;
    /// batch_sizes[i] counts batches of size <= kBatchSizeBounds[i] and > the bound before it;
    /// the last one counts batches larger than 1024. Not cumulative: sum them for a histogram.
    std::array<std::uint64_t, kBatchSizeBounds.size() + 1> batch_sizes{};
    std::uint64_t batch_size_sum = 0;
    std::uint64_t commit_nanoseconds = 0;  // total time spent in COMMIT (the fsyncs)
    std::uint64_t batches_here = 0;        // of `batches`, those committed by a submit_here caller
    std::uint64_t checkpoints = 0;         // WAL checkpoints (the writer's, kWalCheckpointPages)
    std::size_t pending = 0;               // jobs queued, or running and not yet done
    std::uint64_t reads = 0;               // read jobs run (answered or failed)
    std::size_t pending_reads = 0;         // read jobs queued, or running and not yet done
    /// How long the last batch ran, its done functions included: a job from submit_here that
    /// comes sooner than this after the one before finds the store busy.
    std::uint64_t last_batch_nanoseconds = 0;
    bool batch_running = false;  // a thread runs a batch (or the writer a checkpoint) now
};

/// The writer copies the WAL into the data file once it holds this many pages (SQLite's own
/// default), between batches.
inline constexpr int kWalCheckpointPages = 1000;

/// Where a query runs.
enum class Queue {
    writer,   // in the writer's next group: for work that writes
    readers,  // on a reader thread, never behind or in front of the writer's groups
    /// On a reader, once every job submitted to the writer before it has committed (or failed):
    /// what it reads includes them.
    readers_after_writes,
};

class Store {
  public:
    using Work = std::function<void(Db&)>;
    /// Gets nullptr when the work committed, or the exception that rolled it back.
    using Done = std::function<void(std::exception_ptr)>;

    /// Opens the data file on the writer thread and migrates it, then opens the readers'
    /// connections. Throws StoreError when the file cannot be opened or migrated.
    explicit Store(StoreOptions options);
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    /// stop()s.
    ~Store();

    /// Queues work for the writer thread. The thread takes every queued job at once (up to
    /// max_batch) and runs each inside its own savepoint of one transaction: a job that throws is
    /// rolled back alone. After COMMIT, it calls every `done` in submission order, on the writer
    /// thread: keep them short and post onward. Work must not open transactions itself (use a
    /// Savepoint). Throws StoreError "store queue full" when max_pending jobs are queued or
    /// running, and "store stopped" after stop().
    void submit(Work work, Done done);

    /// Queues a function on the event loop of the thread that calls submit_here.
    using Post = std::function<void(std::function<void()>)>;
    /// Like submit, for a quick job (an edit) from a thread that runs an event loop. When the
    /// store is quiet (its last batch held at most here_max_jobs jobs, and the job before this
    /// one came longer ago than that batch took to run and than 1 ms), it does not wake the
    /// writer but posts one function with `post`; when that runs (after what the loop had queued
    /// before), the writer is idle and at most here_max_jobs jobs are queued, all submitted with
    /// submit_here, this thread runs and commits them itself, as the writer would (one
    /// transaction, their `done` and after_batch on this thread); otherwise the writer does.
    /// Either way in the order submitted. The loop must not run `post`ed functions once the store
    /// is destroyed (stop the threads that run it first).
    void submit_here(Work work, Done done, const Post& post);

    /// From a `done` of a job of a batch: `fn` runs on the thread that ran the batch after the
    /// `done` of every job it took with that one, so that who hears of many jobs of one group
    /// commit can be told once (Room::commit). Elsewhere `fn` runs at once.
    void after_batch(std::function<void()> fn);

    /// Queues work that only reads for a reader thread. It runs inside one read transaction on a
    /// read-only connection (a write fails), and sees at least every commit whose `done` has been
    /// called. `done` is called on the reader thread: keep it short and post onward. Throws
    /// Overloaded "store readers overloaded" when max_pending_reads reads are queued or running,
    /// and "store stopped" after stop().
    void read(Work work, Done done);
    /// Like read, once every job submitted before it has committed or failed (Queue's
    /// readers_after_writes). Throws like submit.
    void read_after_writes(Work work, Done done);

    /// Like submit (or read, by `queue`), for work that returns a value: done(error, value), where
    /// value is default-constructed when error is set.
    template <class F, class G>
    void query(F work, G done, Queue queue = Queue::writer) {
        using T = std::invoke_result_t<F&, Db&>;
        static_assert(std::is_default_constructible_v<T>);
        auto result = std::make_shared<T>();
        Work w = [result, work = std::move(work)](Db& db) mutable { *result = work(db); };
        Done d = [result, done = std::move(done)](std::exception_ptr error) mutable {
            T value = error ? T{} : std::move(*result);
            done(std::move(error), std::move(value));
        };
        switch (queue) {
            case Queue::writer:
                return submit(std::move(w), std::move(d));
            case Queue::readers:
                return read(std::move(w), std::move(d));
            case Queue::readers_after_writes:
                return read_after_writes(std::move(w), std::move(d));
        }
    }

    /// Runs work on the writer thread and returns its result as a future: for start-up, the admin
    /// commands and tests. Never wait on it inside a `done`, nor on a thread that submit_here's
    /// `post` posts to.
    template <class F>
    auto run(F work) -> std::future<std::invoke_result_t<F&, Db&>> {
        using T = std::invoke_result_t<F&, Db&>;
        auto promise = std::make_shared<std::promise<T>>();
        auto future = promise->get_future();
        if constexpr (std::is_void_v<T>) {
            submit(std::move(work), [promise](std::exception_ptr error) {
                error ? promise->set_exception(std::move(error)) : promise->set_value();
            });
        } else {
            auto result = std::make_shared<std::optional<T>>();
            submit([result, work = std::move(work)](Db& db) mutable { result->emplace(work(db)); },
                   [promise, result](std::exception_ptr error) {
                       error ? promise->set_exception(std::move(error))
                             : promise->set_value(std::move(**result));
                   });
        }
        return future;
    }

    /// Writes a consistent copy of the data file to `path` (which must not exist) with SQLite's
    /// online backup, on the writer thread between two batches.
    void backup(std::string path, Done done);

    /// Runs every job already queued, commits, calls their `done`, and joins the writer thread;
    /// then the readers answer what is queued for them and are joined. Later submits and reads
    /// throw. Idempotent.
    void stop();

    StoreStats stats() const;
    const std::string& path() const { return options_.path; }

  private:
    struct Job {
        enum class Kind {
            in_group,  // in the batch's transaction, in a savepoint of its own
            alone,     // backup: runs alone, between groups
            fence,     // a read handed to the readers once the batch it came in is committed
        };
        Work work;
        Done done;
        Kind kind = Kind::in_group;
        bool here = false;  // from submit_here: its submitter may commit it
    };

    /// Queues the job; true when it is the first since a `post`ed commit_here last ran (so one
    /// is to be posted now). Wakes the writer for a job that is not `here`.
    bool enqueue(Job job);
    /// The function submit_here posts: runs the queue here or hands it to the writer.
    void commit_here();
    struct LastBatch {
        std::size_t jobs = 0;
        std::chrono::steady_clock::duration took{};
    };
    /// Runs `batch` on this thread as the writer's loop does, then its after_batch functions.
    LastBatch run_taken(std::vector<Job>& batch);
    /// On the writer: copies what the WAL holds into the data file.
    void checkpoint_wal();
    /// Queues a read; throws (leaving `job` as it was) when the readers take no more.
    void enqueue_read(Job&& job);
    void writer_main(std::promise<void>& opened);
    void reader_main(Db& db);
    void run_batch(std::vector<Job>& jobs);
    void run_group(std::vector<Job>& jobs, std::size_t begin, std::size_t end);
    void run_alone(Job& job);
    void record_batch(std::size_t size, std::uint64_t commit_ns);
    void release_pending(std::size_t jobs);
    void call_done(Job& job, std::exception_ptr error);

    StoreOptions options_;
    /// Touched by the thread that runs a batch only: the writer, or a submit_here caller while
    /// `running_` is its.
    std::unique_ptr<Db> db_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    std::size_t pending_ = 0;  // queued + running; guarded by mutex_
    bool stopping_ = false;
    bool running_ = false;         // a thread runs a batch; guarded by mutex_
    bool here_posted_ = false;     // a commit_here is on its way; guarded by mutex_
    bool checkpoint_due_ = false;  // for the writer, after a commit_here; guarded by mutex_
    int wal_pages_ = 0;            // in the WAL after the last commit; the batch's thread only
    // When the last job was queued, how long the last batch took to run and how many jobs it
    // held: what tells a quiet store (enqueue). Guarded by mutex_.
    std::chrono::steady_clock::time_point last_submit_{};
    LastBatch last_batch_;
    std::thread writer_;
    std::vector<std::function<void()>> after_batch_;  // touched by the thread running a batch

    // The readers: one connection per thread, touched by that thread only.
    std::vector<std::unique_ptr<Db>> reader_dbs_;
    std::vector<std::thread> readers_;
    mutable std::mutex read_mutex_;
    std::condition_variable read_wake_;
    std::deque<Job> reads_queue_;
    std::size_t reads_pending_ = 0;  // queued + running; guarded by read_mutex_
    bool readers_stopping_ = false;
    std::atomic<std::uint64_t> reads_{0};

    std::atomic<std::uint64_t> batches_{0};
    std::atomic<std::uint64_t> jobs_{0};
    std::atomic<std::uint64_t> failed_jobs_{0};
    std::atomic<std::uint64_t> commit_failures_{0};
    std::array<std::atomic<std::uint64_t>, kBatchSizeBounds.size() + 1> batch_sizes_{};
    std::atomic<std::uint64_t> batch_size_sum_{0};
    std::atomic<std::uint64_t> commit_ns_{0};
    std::atomic<std::uint64_t> batches_here_{0};
    std::atomic<std::uint64_t> checkpoints_{0};
};

/// Writes a consistent copy of `db` into a new file at `path` with sqlite3_backup_*. Fails if
/// `path` exists; removes a partial copy on failure. Must run outside any transaction of `db`.
void backup_to(Db& db, const std::string& path);

}  // namespace samen::store
