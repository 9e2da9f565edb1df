// Store::submit_here: a lone quick job committed by the thread that submitted it, when the writer
// is idle (docs/decisions/0027-a-lone-edit-commits-on-the-network-thread.md).
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <iostream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "store/db.hpp"
#include "store/store.hpp"
#include "store_blocker.hpp"
#include "store_table.hpp"
#include "temp_dir.hpp"

using namespace samen::store;
using samen::test::Blocker;
using samen::test::create_table;
using samen::test::insert;
using samen::test::rows_in_file;
using samen::test::TempDir;
using namespace std::chrono_literals;

namespace {

/// An event loop run by hand: what submit_here posts waits here until run() on the caller's thread.
class Loop {
  public:
    Store::Post post() {
        return [this](std::function<void()> fn) {
            std::lock_guard lock(mutex_);
            fns_.push_back(std::move(fn));
        };
    }
    /// Runs what is posted, and what that posts, until nothing is left; returns how many ran.
    std::size_t run() {
        std::size_t ran = 0;
        for (;;) {
            std::function<void()> fn;
            {
                std::lock_guard lock(mutex_);
                if (fns_.empty()) return ran;
                fn = std::move(fns_.front());
                fns_.pop_front();
            }
            fn();
            ++ran;
        }
    }
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return fns_.size();
    }

  private:
    mutable std::mutex mutex_;
    std::deque<std::function<void()>> fns_;
};

/// Waits until no batch is queued or running and the last one is recorded (just after its done
/// functions): what submit_here compares with is then known.
void wait_for_idle(Store& store) {
    for (int i = 0; i < 3000; ++i) {
        const auto stats = store.stats();
        if (stats.pending == 0 && !stats.batch_running) return;
        std::this_thread::sleep_for(10ms);
    }
    FAIL("the store is still busy after 30 s");
}

/// Long enough after the last job for the store to be quiet: 1 ms, and more than the last batch
/// took, however slow the disk. After wait_for_idle, or while a Blocker holds the writer (the
/// batch before it is recorded by then).
void let_the_store_rest(const Store& store) {
    std::this_thread::sleep_for(20ms +
                                std::chrono::nanoseconds(store.stats().last_batch_nanoseconds));
}

/// A store on a fresh file with the table `t` of store_table.hpp.
struct TableStore {
    explicit TableStore(std::size_t here_max_jobs = StoreOptions{}.here_max_jobs)
        : path(dir.file("samen.db")), store([&] {
              StoreOptions options{path};
              options.here_max_jobs = here_max_jobs;
              return options;
          }()) {
        create_table(store);
        wait_for_idle(store);
    }
    TempDir dir;
    const std::string path;
    Store store;
};

/// A job that inserts `i` and notes the thread it ran on.
Store::Work insert_noting_thread(std::int64_t i, std::thread::id& ran_on) {
    return [i, &ran_on](Db& db) {
        insert(db, i);
        ran_on = std::this_thread::get_id();
    };
}

}  // namespace

TEST_CASE("A lone job from submit_here is committed on the submitting thread, writer idle",
          "[store][here]") {
    TableStore table;
    Store& store = table.store;
    const std::string& path = table.path;
    let_the_store_rest(store);
    Loop loop;
    const auto before = store.stats();
    const auto here = std::this_thread::get_id();

    std::thread::id ran_on;
    std::vector<std::string> events;  // this thread only, if the store keeps its word
    store.submit_here(
        insert_noting_thread(1, ran_on),
        [&](std::exception_ptr error) {
            CHECK_FALSE(error);
            // Committed: another connection sees the row.
            events.push_back("done, rows " + std::to_string(rows_in_file(path).size()));
            store.after_batch([&] { events.push_back("after batch"); });
        },
        loop.post());
    CHECK(loop.size() == 1);  // nothing runs until the loop does
    CHECK(rows_in_file(path).size() == 0);
    CHECK(loop.run() == 1);

    CHECK(ran_on == here);
    CHECK(events == std::vector<std::string>{"done, rows 1", "after batch"});
    const auto stats = store.stats();
    CHECK(stats.batches - before.batches == 1);
    CHECK(stats.batches_here - before.batches_here == 1);
    CHECK(stats.pending == 0);
}

TEST_CASE("More jobs than here_max_jobs by the time the loop runs go to the writer",
          "[store][here]") {
    TableStore table(2);
    Store& store = table.store;
    const std::string& path = table.path;
    let_the_store_rest(store);
    Loop loop;
    const auto before = store.stats();
    const auto here = std::this_thread::get_id();

    std::mutex mutex;
    std::vector<std::int64_t> done_order;
    std::vector<std::thread::id> ran_on;
    std::promise<void> all_done;
    for (std::int64_t i = 0; i < 3; ++i) {
        store.submit_here(
            [&, i](Db& db) {
                insert(db, i);
                ran_on.push_back(std::this_thread::get_id());
            },
            [&, i](std::exception_ptr error) {
                CHECK_FALSE(error);
                std::lock_guard lock(mutex);
                done_order.push_back(i);
                if (i == 2) all_done.set_value();
            },
            loop.post());
    }
    CHECK(loop.size() == 1);  // one commit_here for the three
    loop.run();
    REQUIRE(all_done.get_future().wait_for(30s) == std::future_status::ready);
    CHECK(done_order == std::vector<std::int64_t>{0, 1, 2});
    REQUIRE(ran_on.size() == 3);
    for (const auto& id : ran_on) CHECK(id != here);
    CHECK(store.stats().batches_here == before.batches_here);
    CHECK(rows_in_file(path).size() == 3);
}

TEST_CASE("A job right after another, under a batch's time, wakes the writer at once",
          "[store][here]") {
    TableStore table;
    Store& store = table.store;
    store.run([](Db&) { std::this_thread::sleep_for(20ms); }).get();  // a batch of 20 ms
    wait_for_idle(store);
    CHECK(store.stats().last_batch_nanoseconds >= 20'000'000);
    Loop loop;
    const auto before = store.stats();
    std::promise<void> done;
    // The first comes more than a batch's time after the last: it waits for the loop.
    store.submit_here([](Db& db) { insert(db, 1); }, nullptr, loop.post());
    CHECK(loop.size() == 1);
    // The second comes microseconds later: the store is busy, the writer takes both now.
    store.submit_here([](Db& db) { insert(db, 2); }, [&](std::exception_ptr) { done.set_value(); },
                      loop.post());
    REQUIRE(done.get_future().wait_for(30s) == std::future_status::ready);
    loop.run();
    CHECK(store.stats().batches_here == before.batches_here);
}

TEST_CASE("With the writer busy, a job from submit_here waits for it, in order", "[store][here]") {
    TableStore table;
    Store& store = table.store;
    const std::string& path = table.path;
    Loop loop;
    const auto here = std::this_thread::get_id();
    std::mutex mutex;
    std::vector<int> done_order;
    std::promise<void> both_done;
    std::thread::id ran_on;
    // The batch before the writer's job took longer than the usual pause between the tests' jobs:
    // quiet then means longer than that after the last job came.
    store.run([](Db&) { std::this_thread::sleep_for(30ms); }).get();
    wait_for_idle(store);
    {
        Blocker blocker(store);  // the writer is in a job
        CHECK(store.stats().batch_running);
        store.submit([](Db& db) { insert(db, 1); },
                     [&](std::exception_ptr) {
                         std::lock_guard lock(mutex);
                         done_order.push_back(1);
                     });
        let_the_store_rest(store);  // quiet enough to wait for the loop
        store.submit_here(
            insert_noting_thread(2, ran_on),
            [&](std::exception_ptr error) {
                CHECK_FALSE(error);
                std::lock_guard lock(mutex);
                done_order.push_back(2);
                both_done.set_value();
            },
            loop.post());
        CHECK(loop.run() == 1);  // commit_here finds the writer at work and leaves it the job
        {
            std::lock_guard lock(mutex);
            CHECK(done_order.empty());
        }
    }
    REQUIRE(both_done.get_future().wait_for(30s) == std::future_status::ready);
    CHECK(done_order == std::vector<int>{1, 2});
    CHECK(ran_on != here);
    CHECK(rows_in_file(path).size() == 2);
}

TEST_CASE("A job from submit queued before one from submit_here sends both to the writer",
          "[store][here]") {
    TableStore table;
    Store& store = table.store;
    Loop loop;
    const auto before = store.stats();
    std::promise<void> done;
    std::vector<int> order;  // the writer's thread only
    {
        Blocker blocker(store);
        store.submit(
            [&](Db& db) {
                insert(db, 1);
                order.push_back(1);
            },
            nullptr);
        store.submit_here(
            [&](Db& db) {
                insert(db, 2);
                order.push_back(2);
            },
            [&](std::exception_ptr) { done.set_value(); }, loop.post());
    }
    // The writer may have taken both already; if not, commit_here hands them over.
    loop.run();
    REQUIRE(done.get_future().wait_for(30s) == std::future_status::ready);
    CHECK(order == std::vector<int>{1, 2});
    CHECK(store.stats().batches_here == before.batches_here);
}

TEST_CASE("here_max_jobs 0: submit_here posts nothing and the writer commits", "[store][here]") {
    TableStore table(0);
    Store& store = table.store;
    Loop loop;
    std::promise<std::thread::id> ran_on;
    store.submit_here([&](Db&) { ran_on.set_value(std::this_thread::get_id()); }, nullptr,
                      loop.post());
    auto future = ran_on.get_future();
    REQUIRE(future.wait_for(30s) == std::future_status::ready);
    CHECK(future.get() != std::this_thread::get_id());
    CHECK(loop.size() == 0);
}

TEST_CASE("A loop that takes no more: the writer commits the job", "[store][here]") {
    TableStore table;
    Store& store = table.store;
    let_the_store_rest(store);
    std::promise<void> done;
    store.submit_here([](Db& db) { insert(db, 7); }, [&](std::exception_ptr) { done.set_value(); },
                      [](std::function<void()>) { throw std::runtime_error("loop stopped"); });
    CHECK(done.get_future().wait_for(30s) == std::future_status::ready);
}

TEST_CASE("stop() commits a job whose commit_here has not run yet, which then does nothing",
          "[store][here]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    Loop loop;
    int done_count = 0;
    {
        Store store({path});
        create_table(store);
        wait_for_idle(store);
        let_the_store_rest(store);
        store.submit_here([](Db& db) { insert(db, 1); }, [&](std::exception_ptr) { ++done_count; },
                          loop.post());
        store.stop();
        CHECK(done_count == 1);
        CHECK(loop.run() == 1);  // the store still exists: commit_here finds nothing to do
        CHECK(done_count == 1);
    }
    CHECK(rows_in_file(path).size() == 1);
}

TEST_CASE(
    "A loop thread and other threads submitting at once: every job once, in order, "
    "one batch at a time",
    "[store][here]") {
    const std::uint32_t seed = 20261206;
    std::cout << "submit_here under load: seed " << seed << std::endl;
    TableStore table(3);
    Store& store = table.store;
    const std::string& path = table.path;
    const auto before = store.stats();

    constexpr int kOthers = 2;
    constexpr int kPerThread = 400;
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    std::atomic<int> remaining{(kOthers + 1) * kPerThread};
    std::promise<void> all_done;
    // Per source, the last job whose done ran: each done comes after its predecessor's.
    std::vector<int> last_done(kOthers + 1, -1);  // touched by the thread running a batch
    std::atomic<bool> out_of_order{false};
    auto job = [&](std::int64_t id) {
        return [&, id](Db& db) {
            if (++inside != 1) overlapped = true;
            insert(db, id);
            --inside;
        };
    };
    auto done = [&](int source, int k) {
        return [&, source, k](std::exception_ptr error) {
            auto& last = last_done[static_cast<std::size_t>(source)];
            if (error || last != k - 1) out_of_order = true;
            last = k;
            if (--remaining == 0) all_done.set_value();
        };
    };

    std::vector<std::thread> threads;
    for (int t = 0; t < kOthers; ++t) {
        threads.emplace_back([&, t] {
            for (int k = 0; k < kPerThread; ++k) {
                store.submit(job((t + 1) * 100000 + k), done(t + 1, k));
                if (k % 50 == 0) std::this_thread::sleep_for(1ms);
            }
        });
    }
    // The loop's thread: a few jobs, then it runs what they posted, like a network thread.
    threads.emplace_back([&, seed] {
        Loop loop;
        std::mt19937 random(seed);
        std::uniform_int_distribution<int> per_round(1, 4);
        int k = 0;
        while (k < kPerThread) {
            for (int n = per_round(random); n > 0 && k < kPerThread; --n, ++k) {
                store.submit_here(job(k), done(0, k), loop.post());
            }
            loop.run();
            if (random() % 8 == 0) std::this_thread::sleep_for(1ms);
        }
    });
    for (auto& th : threads) th.join();
    REQUIRE(all_done.get_future().wait_for(60s) == std::future_status::ready);
    CHECK_FALSE(overlapped);
    CHECK_FALSE(out_of_order);
    CHECK(rows_in_file(path).size() == (kOthers + 1) * kPerThread);
    const auto stats = store.stats();
    INFO("batches " << stats.batches - before.batches << ", of them on the loop's thread "
                    << stats.batches_here - before.batches_here);
    CHECK(stats.jobs - before.jobs == (kOthers + 1) * kPerThread);
    CHECK(stats.pending == 0);
}

TEST_CASE("The WAL is copied into the data file by the writer, also after commits here",
          "[store][here]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    Store store({path});
    store.run([](Db& db) { db.exec("CREATE TABLE big (i INTEGER PRIMARY KEY, b BLOB)"); }).get();
    Loop loop;
    const auto before = store.stats();
    // Each job writes about 100 KiB (25 pages): 60 of them pass kWalCheckpointPages.
    for (int i = 0; i < 60; ++i) {
        wait_for_idle(store);
        let_the_store_rest(store);
        store.submit_here(
            [i](Db& db) {
                db.prepare("INSERT INTO big (i, b) VALUES (?1, zeroblob(100000))").bind(1, i).run();
            },
            nullptr, loop.post());
        loop.run();
    }
    const auto after = store.stats();
    INFO("batches here " << after.batches_here - before.batches_here);
    CHECK(after.batches_here - before.batches_here > 40);
    // The checkpoint is the writer's: done between batches, and waited for by a job behind it.
    store.run([](Db&) {}).get();
    CHECK(store.stats().checkpoints > before.checkpoints);
    // What the WAL held when it passed kWalCheckpointPages is in the data file.
    CHECK(std::filesystem::file_size(path) > 3'000'000);
}
