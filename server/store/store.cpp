#include "store/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <system_error>

#include "store/migrations.hpp"

namespace samen::store {

namespace {

std::string describe(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
}

int code_of(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const StoreError& e) {
        return e.code();
    } catch (...) {
        return 0;
    }
}

}  // namespace

Store::Store(StoreOptions options) : options_(std::move(options)) {
    if (options_.max_batch == 0) options_.max_batch = 1;
    options_.reader_threads = std::max<std::size_t>(1, options_.reader_threads);
    std::promise<void> opened;
    auto ready = opened.get_future();
    writer_ = std::thread([this, &opened] { writer_main(opened); });
    try {
        ready.get();
    } catch (...) {
        writer_.join();
        throw;
    }
    // Opened once the writer has made the file and put it in WAL mode.
    try {
        for (std::size_t i = 0; i < options_.reader_threads; ++i) {
            reader_dbs_.push_back(
                std::make_unique<Db>(options_.path, options_.busy_timeout_ms, Access::read_only));
        }
    } catch (...) {
        stop();
        throw;
    }
    for (auto& db : reader_dbs_) readers_.emplace_back([this, &db = *db] { reader_main(db); });
}

Store::~Store() {
    stop();
}

void Store::submit(Work work, Done done) {
    if (!work) throw StoreError(0, "store: empty work");
    enqueue(Job{std::move(work), std::move(done), Job::Kind::in_group});
}

void Store::submit_here(Work work, Done done, const Post& post) {
    if (!work) throw StoreError(0, "store: empty work");
    if (options_.here_max_jobs == 0) return submit(std::move(work), std::move(done));
    if (!enqueue(Job{std::move(work), std::move(done), Job::Kind::in_group, true})) return;
    try {
        post([this] { commit_here(); });
    } catch (...) {
        // The loop takes no more: the writer commits it.
        {
            std::lock_guard lock(mutex_);
            here_posted_ = false;
        }
        wake_.notify_one();
    }
}

void Store::read(Work work, Done done) {
    if (!work) throw StoreError(0, "store: empty work");
    enqueue_read(Job{std::move(work), std::move(done), Job::Kind::in_group});
}

void Store::read_after_writes(Work work, Done done) {
    if (!work) throw StoreError(0, "store: empty work");
    enqueue(Job{std::move(work), std::move(done), Job::Kind::fence});
}

void Store::backup(std::string path, Done done) {
    enqueue(Job{[path = std::move(path)](Db& db) { backup_to(db, path); }, std::move(done),
                Job::Kind::alone});
}

namespace {
// However quick the last batch, a job that comes sooner than this after the one before finds
// the store busy.
constexpr std::chrono::steady_clock::duration kQuietGap = std::chrono::milliseconds(1);
// The store whose batch this thread is running, if any: where after_batch collects.
thread_local const Store* running_batch_of = nullptr;
}  // namespace

void Store::after_batch(std::function<void()> fn) {
    if (running_batch_of != this) return fn();
    after_batch_.push_back(std::move(fn));
}

bool Store::enqueue(Job job) {
    bool post = false;
    bool wake = !job.here;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) throw Overloaded("store stopped");
        if (pending_ >= options_.max_pending) throw Overloaded("store queue full");
        queue_.push_back(std::move(job));
        ++pending_;
        // A job from submit_here waits for its commit_here when the store is quiet: the last
        // batch was no group, and the job before this one came longer ago than that batch took
        // to run. Under load, or when too many are queued for one commit_here, the writer starts
        // at once, as for submit.
        const auto now = std::chrono::steady_clock::now();
        const bool quiet = last_batch_.jobs <= options_.here_max_jobs &&
                           now - last_submit_ >= std::max(last_batch_.took, kQuietGap);
        last_submit_ = now;
        if (!wake && quiet) {
            post = !std::exchange(here_posted_, true);
            wake = queue_.size() > options_.here_max_jobs;
        } else {
            wake = true;
        }
    }
    if (wake) wake_.notify_one();
    return post;
}

void Store::commit_here() {
    std::vector<Job> batch;
    {
        std::lock_guard lock(mutex_);
        here_posted_ = false;
        // The writer is at it: it takes what is queued when it is done.
        if (queue_.empty() || running_) return;
        const bool all_here =
            std::all_of(queue_.begin(), queue_.end(), [](const Job& job) { return job.here; });
        if (stopping_ || !all_here || queue_.size() > options_.here_max_jobs) {
            // A group, or work of another kind: the writer's, and this thread goes on serving.
            wake_.notify_one();
            return;
        }
        running_ = true;
        std::move(queue_.begin(), queue_.end(), std::back_inserter(batch));
        queue_.clear();
    }
    ++batches_here_;
    const LastBatch ran = run_taken(batch);
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        running_ = false;
        last_batch_ = ran;
        if (wal_pages_ >= kWalCheckpointPages) checkpoint_due_ = true;  // the writer's to do
        // What came meanwhile and no commit_here is on its way for, or a stop(): the writer's.
        wake = (!queue_.empty() && !here_posted_) || stopping_ || checkpoint_due_;
    }
    if (wake) wake_.notify_one();
}

Store::LastBatch Store::run_taken(std::vector<Job>& batch) {
    const auto started = std::chrono::steady_clock::now();
    const std::size_t jobs = batch.size();
    running_batch_of = this;
    run_batch(batch);
    batch.clear();
    running_batch_of = nullptr;
    for (auto& fn : std::exchange(after_batch_, {})) {
        try {
            fn();
        } catch (...) {
            // As a done callback: it must not take the thread with it.
        }
    }
    return {jobs, std::chrono::steady_clock::now() - started};
}

void Store::enqueue_read(Job&& job) {
    {
        std::lock_guard lock(read_mutex_);
        if (readers_stopping_) throw Overloaded("store stopped");
        if (reads_pending_ >= options_.max_pending_reads) {
            throw Overloaded("store readers overloaded");
        }
        reads_queue_.push_back(std::move(job));
        ++reads_pending_;
    }
    read_wake_.notify_one();
}

void Store::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (writer_.joinable()) writer_.join();
    // After the writer: the reads it hands over as it finishes still find the readers.
    {
        std::lock_guard lock(read_mutex_);
        readers_stopping_ = true;
    }
    read_wake_.notify_all();
    for (auto& reader : readers_) {
        if (reader.joinable()) reader.join();
    }
    reader_dbs_.clear();
}

StoreStats Store::stats() const {
    StoreStats s;
    s.batches = batches_.load();
    s.jobs = jobs_.load();
    s.failed_jobs = failed_jobs_.load();
    s.commit_failures = commit_failures_.load();
    for (std::size_t i = 0; i < batch_sizes_.size(); ++i) s.batch_sizes[i] = batch_sizes_[i].load();
    s.batch_size_sum = batch_size_sum_.load();
    s.commit_nanoseconds = commit_ns_.load();
    s.batches_here = batches_here_.load();
    s.checkpoints = checkpoints_.load();
    s.reads = reads_.load();
    {
        std::lock_guard lock(read_mutex_);
        s.pending_reads = reads_pending_;
    }
    std::lock_guard lock(mutex_);
    s.pending = pending_;
    s.last_batch_nanoseconds = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(last_batch_.took).count());
    s.batch_running = running_;
    return s;
}

void Store::writer_main(std::promise<void>& opened) {
    try {
        db_ = std::make_unique<Db>(options_.path, options_.busy_timeout_ms);
        migrate(*db_);
    } catch (...) {
        db_.reset();
        opened.set_exception(std::current_exception());
        return;
    }
    // The WAL is copied into the data file by this thread only, between batches: not by a
    // network thread that commits a lone edit (submit_here), which SQLite's own checkpoint after
    // a commit would stall for as long as writing a thousand pages and syncing them takes.
    sqlite3_wal_autocheckpoint(db_->handle(), 0);
    sqlite3_wal_hook(
        db_->handle(),
        [](void* store, sqlite3*, const char*, int pages) {
            static_cast<Store*>(store)->wal_pages_ = pages;
            return SQLITE_OK;
        },
        this);
    opened.set_value();  // `opened` dies with the constructor: not touched after this

    std::vector<Job> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            // Not while a submit_here caller runs a batch: one batch at a time, in queue order.
            wake_.wait(lock, [&] {
                return (!queue_.empty() || stopping_ || checkpoint_due_) && !running_;
            });
            if (queue_.empty() && !checkpoint_due_) break;  // stopping, and everything has run
            checkpoint_due_ = false;
            std::size_t take = std::min(queue_.size(), options_.max_batch);
            std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take),
                      std::back_inserter(batch));
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
            running_ = true;
        }
        std::optional<LastBatch> ran;
        if (!batch.empty()) ran = run_taken(batch);
        if (wal_pages_ >= kWalCheckpointPages) checkpoint_wal();
        std::lock_guard lock(mutex_);
        running_ = false;
        if (ran) last_batch_ = *ran;
    }
    db_.reset();
}

void Store::checkpoint_wal() {
    // PASSIVE, as SQLite's own after a commit: what a reader still reads stays for the next time.
    sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_pages_ = 0;
    ++checkpoints_;
}

void Store::reader_main(Db& db) {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(read_mutex_);
            read_wake_.wait(lock, [&] { return !reads_queue_.empty() || readers_stopping_; });
            if (reads_queue_.empty()) break;  // stopping, and everything queued has run
            job = std::move(reads_queue_.front());
            reads_queue_.pop_front();
        }
        std::exception_ptr error;
        try {
            // One read transaction: the job sees one committed state, however many statements.
            Transaction snapshot(db, Access::read_only);
            job.work(db);
        } catch (...) {
            error = std::current_exception();
        }
        ++reads_;
        {
            std::lock_guard lock(read_mutex_);
            --reads_pending_;
        }
        call_done(job, std::move(error));
    }
}

void Store::run_batch(std::vector<Job>& jobs) {
    // The fences wait for the whole batch: what they read then includes every job before them.
    auto fences_begin = std::stable_partition(
        jobs.begin(), jobs.end(), [](const Job& job) { return job.kind != Job::Kind::fence; });
    std::vector<Job> fences(std::make_move_iterator(fences_begin),
                            std::make_move_iterator(jobs.end()));
    jobs.erase(fences_begin, jobs.end());

    std::size_t i = 0;
    while (i < jobs.size()) {
        if (jobs[i].kind == Job::Kind::alone) {
            run_alone(jobs[i]);
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < jobs.size() && jobs[end].kind == Job::Kind::in_group) ++end;
        run_group(jobs, i, end);
        i = end;
    }

    release_pending(fences.size());
    for (Job& fence : fences) {
        try {
            enqueue_read(std::move(fence));
        } catch (...) {
            call_done(fence, std::current_exception());
        }
    }
}

void Store::run_group(std::vector<Job>& jobs, std::size_t begin, std::size_t end) {
    std::vector<std::exception_ptr> errors(end - begin);
    auto fail_from = [&](std::size_t first, std::size_t last, const std::exception_ptr& error) {
        for (std::size_t k = first; k < last; ++k) {
            if (!errors[k - begin]) errors[k - begin] = error;
        }
    };

    std::optional<Transaction> tx;
    std::size_t tx_begin = begin;  // the first job of the open transaction
    auto open = [&](std::size_t first) {
        tx_begin = first;
        try {
            tx.emplace(*db_);
            return true;
        } catch (...) {
            tx.reset();
            fail_from(first, end, std::current_exception());
            return false;
        }
    };

    if (open(begin)) {
        for (std::size_t k = begin; k < end; ++k) {
            try {
                Savepoint job(*db_, "samen_job");
                jobs[k].work(*db_);
                job.release();
            } catch (...) {
                errors[k - begin] = std::current_exception();
                if (db_->autocommit()) {
                    // SQLite rolled back the whole transaction (I/O error, disk full, ...): the
                    // jobs before this one in it are lost too. Say so, and go on in a new one.
                    auto lost = std::make_exception_ptr(
                        StoreError(code_of(errors[k - begin]),
                                   "rolled back with another job: " + describe(errors[k - begin])));
                    fail_from(tx_begin, k, lost);
                    tx.reset();
                    if (!open(k + 1)) break;
                }
            }
        }
    }

    std::uint64_t commit_ns = 0;
    if (tx) {
        auto started = std::chrono::steady_clock::now();
        try {
            tx->commit();
        } catch (...) {
            ++commit_failures_;
            fail_from(tx_begin, end, std::current_exception());
            tx.reset();  // rolls back
        }
        commit_ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   std::chrono::steady_clock::now() - started)
                                                   .count());
    }
    record_batch(end - begin, commit_ns);
    release_pending(end - begin);
    for (std::size_t k = begin; k < end; ++k) call_done(jobs[k], std::move(errors[k - begin]));
}

void Store::run_alone(Job& job) {
    std::exception_ptr error;
    try {
        job.work(*db_);
    } catch (...) {
        error = std::current_exception();
    }
    ++jobs_;
    release_pending(1);
    call_done(job, std::move(error));
}

void Store::release_pending(std::size_t jobs) {
    // Before the done callbacks: one that submits follow-up work finds room for it.
    std::lock_guard lock(mutex_);
    pending_ -= jobs;
}

void Store::record_batch(std::size_t size, std::uint64_t commit_ns) {
    std::size_t bucket = 0;
    while (bucket < kBatchSizeBounds.size() && size > kBatchSizeBounds[bucket]) ++bucket;
    ++batch_sizes_[bucket];
    ++batches_;
    jobs_ += size;
    batch_size_sum_ += size;
    commit_ns_ += commit_ns;
}

void Store::call_done(Job& job, std::exception_ptr error) {
    if (error) ++failed_jobs_;
    if (!job.done) return;
    try {
        job.done(std::move(error));
    } catch (...) {
        // A callback that throws must not take the writer thread (and every later ack) with it.
    }
}

void backup_to(Db& db, const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(path, ec)) throw StoreError(0, "backup: " + path + " exists already");
    if (!db.autocommit()) throw StoreError(0, "backup: a transaction is open");

    sqlite3* dest = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::string message;
    if (rc == SQLITE_OK) {
        // It holds the password hashes: its owner's alone, whatever the process's umask.
        fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write,
                        fs::perm_options::replace, ec);
        if (ec) {
            rc = SQLITE_CANTOPEN;
            message = "cannot make it private: " + ec.message();
        }
    }
    if (rc == SQLITE_OK) {
        sqlite3_backup* copy = sqlite3_backup_init(dest, "main", db.handle(), "main");
        if (copy == nullptr) {
            rc = sqlite3_extended_errcode(dest);
            message = sqlite3_errmsg(dest);
        } else {
            // All pages in one step: one read transaction, so the copy is one consistent state.
            // Another process may briefly hold a lock: retry a bounded number of times.
            for (int attempt = 0; attempt < 500; ++attempt) {
                rc = sqlite3_backup_step(copy, -1);
                if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
                sqlite3_sleep(10);
            }
            sqlite3_backup_finish(copy);
            if (rc == SQLITE_DONE) {
                rc = SQLITE_OK;
            } else {
                message = sqlite3_errstr(rc);
            }
        }
    } else {
        message = dest != nullptr ? sqlite3_errmsg(dest) : sqlite3_errstr(rc);
    }
    int close_rc = sqlite3_close(dest);
    if (rc == SQLITE_OK && close_rc != SQLITE_OK) {
        rc = close_rc;
        message = sqlite3_errstr(close_rc);
    }
    if (rc != SQLITE_OK) {
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ec);
        throw StoreError(rc, "backup to " + path + ": " + message);
    }
}

}  // namespace samen::store
