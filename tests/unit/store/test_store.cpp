#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "store/db.hpp"
#include "store/store.hpp"
#include "store_blocker.hpp"
#include "store_table.hpp"
#include "temp_dir.hpp"

using namespace samen::store;
using samen::test::Blocker;
using samen::test::create_table;
using samen::test::insert;
using samen::test::rows;
using samen::test::rows_in_file;
using samen::test::TempDir;
using namespace std::chrono_literals;

namespace {

std::string message_of(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    }
}

}  // namespace

TEST_CASE("Store opens, migrates, and runs work on its thread", "[store][store]") {
    TempDir dir;
    Store store({dir.file("samen.db")});
    auto version = store.run([](Db& db) { return db.user_version(); }).get();
    CHECK(version > 0);
    auto caller = std::this_thread::get_id();
    auto writer = store.run([](Db&) { return std::this_thread::get_id(); }).get();
    CHECK(writer != caller);
    CHECK(store.run([](Db&) { return std::this_thread::get_id(); }).get() == writer);
}

TEST_CASE("Store reports a data file it cannot open", "[store][store]") {
    TempDir dir;
    CHECK_THROWS_AS(Store({dir.file("no/such/dir/samen.db")}), StoreError);
}

TEST_CASE("done runs after COMMIT: another connection sees the row", "[store][store]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    Store store({path});
    create_table(store);
    // Catch2 assertions are for the test's thread: callbacks only record what they saw.
    std::promise<std::pair<bool, std::vector<std::int64_t>>> seen;
    store.submit([](Db& db) { insert(db, 7); },
                 [&](std::exception_ptr error) {
                     // A second, independent connection.
                     seen.set_value({!error, rows_in_file(path)});
                 });
    auto [ok, found] = seen.get_future().get();
    CHECK(ok);
    CHECK(found == std::vector<std::int64_t>{7});
}

TEST_CASE("Group commit: queued jobs share one transaction, done in submission order",
          "[store][store]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    Store store({path});
    create_table(store);
    const auto before = store.stats();

    constexpr int kThreads = 4;
    constexpr int kPerThread = 250;
    std::vector<std::int64_t> run_order;   // touched on the writer thread only
    std::vector<std::int64_t> done_order;  // likewise
    std::vector<std::vector<std::int64_t>> submitted(kThreads);
    std::promise<void> all_done;
    std::atomic<int> remaining{kThreads * kPerThread};
    std::atomic<int> errors{0};

    Blocker blocker(store);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int k = 0; k < kPerThread; ++k) {
                std::int64_t id = t * 100000 + k;
                submitted[static_cast<std::size_t>(t)].push_back(id);
                store.submit(
                    [&run_order, id](Db& db) {
                        insert(db, id);
                        run_order.push_back(id);
                    },
                    [&, id](std::exception_ptr error) {
                        if (error) ++errors;
                        done_order.push_back(id);
                        if (--remaining == 0) all_done.set_value();
                    });
            }
        });
    }
    for (auto& th : threads) th.join();
    blocker.release();
    REQUIRE(all_done.get_future().wait_for(30s) == std::future_status::ready);

    CHECK(errors == 0);
    CHECK(done_order == run_order);
    for (int t = 0; t < kThreads; ++t) {
        // Each thread's jobs ran in the order it submitted them.
        std::vector<std::int64_t> mine;
        for (auto id : run_order) {
            if (id / 100000 == t) mine.push_back(id);
        }
        CHECK(mine == submitted[static_cast<std::size_t>(t)]);
    }
    CHECK(rows_in_file(path).size() == kThreads * kPerThread);

    auto stats = store.stats();
    // Everything queued behind the blocker went in one batch of all 1000 jobs.
    CHECK(stats.batches - before.batches == 2);
    CHECK(stats.jobs - before.jobs == kThreads * kPerThread + 1);
    CHECK(stats.batch_sizes[10] - before.batch_sizes[10] == 1);  // 513..1024
    std::uint64_t bucketed = 0;
    for (auto n : stats.batch_sizes) bucketed += n;
    CHECK(bucketed == stats.batches);
    CHECK(stats.batch_size_sum == stats.jobs);
    CHECK(stats.failed_jobs == 0);
}

TEST_CASE("A batch holds at most max_batch jobs", "[store][store]") {
    TempDir dir;
    StoreOptions options{dir.file("samen.db")};
    options.max_batch = 10;
    Store store(options);
    create_table(store);
    const auto before = store.stats();
    std::vector<std::int64_t> done_order;  // writer thread only
    std::promise<void> all_done;
    {
        Blocker blocker(store);
        for (int i = 0; i < 25; ++i) {
            store.submit([i](Db& db) { insert(db, i); },
                         [&, i](std::exception_ptr) {
                             done_order.push_back(i);
                             if (i == 24) all_done.set_value();
                         });
        }
    }
    REQUIRE(all_done.get_future().wait_for(30s) == std::future_status::ready);
    auto stats = store.stats();
    CHECK(stats.batches - before.batches == 4);                // the blocker, then 10, 10 and 5
    CHECK(stats.batch_sizes[4] - before.batch_sizes[4] == 2);  // 9..16
    CHECK(stats.batch_sizes[3] - before.batch_sizes[3] == 1);  // 5..8
    CHECK(done_order.size() == 25);
    CHECK(std::is_sorted(done_order.begin(), done_order.end()));
}

TEST_CASE("Group commit under free-running load keeps every job and its order", "[store][store]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    Store store({path});
    create_table(store);
    constexpr int kThreads = 4;
    constexpr int kPerThread = 500;
    std::atomic<int> remaining{kThreads * kPerThread};
    std::promise<void> all_done;
    std::vector<std::int64_t> last_done(kThreads, -1);  // writer thread only
    std::atomic<bool> out_of_order{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int k = 0; k < kPerThread; ++k) {
                std::int64_t id = t * 100000 + k;
                store.submit([id](Db& db) { insert(db, id); },
                             [&, t, k](std::exception_ptr error) {
                                 if (error || last_done[static_cast<std::size_t>(t)] != k - 1) {
                                     out_of_order = true;
                                 }
                                 last_done[static_cast<std::size_t>(t)] = k;
                                 if (--remaining == 0) all_done.set_value();
                             });
            }
        });
    }
    for (auto& th : threads) th.join();
    REQUIRE(all_done.get_future().wait_for(60s) == std::future_status::ready);
    CHECK_FALSE(out_of_order);
    CHECK(rows_in_file(path).size() == kThreads * kPerThread);
    auto stats = store.stats();
    INFO("batches " << stats.batches << " for " << stats.jobs << " jobs");
    CHECK(stats.batches <= stats.jobs);
}

TEST_CASE("A job that throws is rolled back alone", "[store][store]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    Store store({path});
    create_table(store);
    std::vector<std::exception_ptr> results(4);
    std::promise<void> finished;

    Blocker blocker(store);
    store.submit([](Db& db) { insert(db, 1); },
                 [&](std::exception_ptr e) { results[0] = std::move(e); });
    store.submit(
        [](Db& db) {
            insert(db, 2);
            throw std::runtime_error("section was deleted");
        },
        [&](std::exception_ptr e) { results[1] = std::move(e); });
    store.submit([](Db& db) { insert(db, 1); },  // a constraint violation: same key again
                 [&](std::exception_ptr e) { results[2] = std::move(e); });
    store.submit([](Db& db) { insert(db, 3); },
                 [&](std::exception_ptr e) {
                     results[3] = std::move(e);
                     finished.set_value();
                 });
    blocker.release();
    REQUIRE(finished.get_future().wait_for(30s) == std::future_status::ready);

    CHECK_FALSE(results[0]);
    REQUIRE(results[1]);
    CHECK(message_of(results[1]) == "section was deleted");
    REQUIRE(results[2]);
    try {
        std::rethrow_exception(results[2]);
    } catch (const StoreError& e) {
        CHECK(e.is_duplicate());
    }
    CHECK_FALSE(results[3]);
    CHECK(rows_in_file(path) == std::vector<std::int64_t>{1, 3});
    CHECK(store.stats().failed_jobs == 2);
}

TEST_CASE("When SQLite drops the whole transaction, the jobs in it fail and later ones commit",
          "[store][store]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    Store store({path});
    create_table(store);
    std::vector<std::exception_ptr> results(3);
    std::promise<void> finished;
    {
        Blocker blocker(store);
        store.submit([](Db& db) { insert(db, 1); },
                     [&](std::exception_ptr e) { results[0] = std::move(e); });
        // What an I/O error or a full disk does: SQLite rolls back everything by itself.
        store.submit([](Db& db) { db.exec("ROLLBACK"); },
                     [&](std::exception_ptr e) { results[1] = std::move(e); });
        store.submit([](Db& db) { insert(db, 3); },
                     [&](std::exception_ptr e) {
                         results[2] = std::move(e);
                         finished.set_value();
                     });
    }
    REQUIRE(finished.get_future().wait_for(30s) == std::future_status::ready);
    REQUIRE(results[0]);
    CHECK_THAT(message_of(results[0]), Catch::StartsWith("rolled back with another job"));
    CHECK(results[1]);
    CHECK_FALSE(results[2]);
    CHECK(rows_in_file(path) == std::vector<std::int64_t>{3});
}

TEST_CASE("A done callback that throws does not stop the store", "[store][store]") {
    TempDir dir;
    Store store({dir.file("samen.db")});
    store.submit([](Db&) {}, [](std::exception_ptr) { throw std::runtime_error("careless"); });
    CHECK(store.run([](Db&) { return 42; }).get() == 42);
}

TEST_CASE("query passes the work's value to done", "[store][store]") {
    TempDir dir;
    Store store({dir.file("samen.db")});
    std::promise<std::pair<bool, int>> got;
    store.query([](Db& db) { return db.user_version(); },
                [&](std::exception_ptr error, int version) {
                    got.set_value({!error, version});
                });
    auto [ok, version] = got.get_future().get();
    CHECK(ok);
    CHECK(version > 0);

    std::promise<std::pair<bool, std::string>> failed;
    store.query([](Db&) -> std::string { throw std::runtime_error("no"); },
                [&](std::exception_ptr error, std::string value) {
                    failed.set_value({!!error, value});
                });
    auto [has_error, value] = failed.get_future().get();
    CHECK(has_error);
    CHECK(value.empty());
    CHECK_THROWS_WITH(store.run([](Db&) -> int { throw std::runtime_error("bad"); }).get(), "bad");
}

TEST_CASE("The queue is bounded", "[store][store]") {
    TempDir dir;
    Store store({dir.file("samen.db"), 4});
    Blocker blocker(store);  // pending: 1
    std::promise<void> last_done;
    store.submit([](Db&) {}, nullptr);
    store.submit([](Db&) {}, nullptr);
    store.submit([](Db&) {}, [&](std::exception_ptr) { last_done.set_value(); });
    CHECK(store.stats().pending == 4);
    CHECK_THROWS_WITH(store.submit([](Db&) {}, nullptr), "store queue full");
    CHECK_THROWS_WITH(store.backup(dir.file("b.db"), nullptr), "store queue full");
    blocker.release();
    // Once a batch is committed its jobs no longer count, even while their callbacks run.
    last_done.get_future().wait();
    CHECK(store.run([](Db&) { return 1; }).get() == 1);
    CHECK(store.stats().pending == 0);
}

TEST_CASE("A read runs while the writer is held and sees what is committed", "[store][readers]") {
    TempDir dir;
    Store store({dir.file("samen.db")});
    create_table(store);
    store.run([](Db& db) { insert(db, 1); }).get();
    Blocker writer(store);
    store.submit([](Db& db) { insert(db, 2); }, nullptr);  // queued behind the blocker

    std::promise<std::vector<std::int64_t>> seen;
    store.query([](Db& db) { return rows(db); },
                [&](std::exception_ptr, std::vector<std::int64_t> found) {
                    seen.set_value(std::move(found));
                },
                Queue::readers);
    auto answer = seen.get_future();
    // Bounded: without readers of their own, the read waits behind the held writer.
    REQUIRE(answer.wait_for(10s) == std::future_status::ready);
    CHECK(answer.get() == std::vector<std::int64_t>{1});
    writer.release();
    CHECK(store.run([](Db& db) { return rows(db); }).get() == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("A reader's connection cannot write", "[store][readers]") {
    TempDir dir;
    Store store({dir.file("samen.db")});
    create_table(store);
    std::promise<std::exception_ptr> failed;
    store.read([](Db& db) { insert(db, 1); },
               [&](std::exception_ptr error) { failed.set_value(error); });
    auto error = failed.get_future().get();
    REQUIRE(error);
    CHECK_THAT(message_of(error), Catch::Contains("readonly"));
    CHECK(store.run([](Db& db) { return rows(db); }).get().empty());
}

TEST_CASE("The readers' queue is bounded", "[store][readers]") {
    TempDir dir;
    StoreOptions options{dir.file("samen.db")};
    options.reader_threads = 1;
    options.max_pending_reads = 3;
    Store store(options);
    Blocker reader(store, Queue::readers);  // pending reads: 1
    std::promise<void> last_done;
    store.read([](Db&) {}, nullptr);
    store.read([](Db&) {}, [&](std::exception_ptr) { last_done.set_value(); });
    CHECK(store.stats().pending_reads == 3);
    CHECK_THROWS_AS(store.read([](Db&) {}, nullptr), Overloaded);
    CHECK_THROWS_WITH(store.read([](Db&) {}, nullptr), "store readers overloaded");
    // The writer does not share the readers' bound.
    CHECK(store.run([](Db&) { return 1; }).get() == 1);
    reader.release();
    last_done.get_future().wait();
    CHECK(store.stats().reads >= 3);
}

TEST_CASE("A read after writes sees every job submitted before it", "[store][readers]") {
    TempDir dir;
    Store store({dir.file("samen.db")});
    create_table(store);
    Blocker writer(store);
    store.submit([](Db& db) { insert(db, 1); }, nullptr);
    std::promise<std::vector<std::int64_t>> after, now;
    store.query([](Db& db) { return rows(db); },
                [&](std::exception_ptr, std::vector<std::int64_t> found) {
                    after.set_value(std::move(found));
                },
                Queue::readers_after_writes);
    store.query([](Db& db) { return rows(db); },
                [&](std::exception_ptr, std::vector<std::int64_t> found) {
                    now.set_value(std::move(found));
                },
                Queue::readers);
    CHECK(now.get_future().get().empty());  // the insert is not committed yet
    auto fenced = after.get_future();
    CHECK(fenced.wait_for(100ms) == std::future_status::timeout);
    writer.release();
    CHECK(fenced.get() == std::vector<std::int64_t>{1});
}

TEST_CASE("stop() runs everything queued before it returns", "[store][store]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    std::atomic<int> done_ok{0};
    {
        Store store({path});
        create_table(store);
        Blocker blocker(store);
        for (int i = 0; i < 100; ++i) {
            store.submit([i](Db& db) { insert(db, i); },
                         [&](std::exception_ptr error) {
                             if (!error) ++done_ok;
                         });
        }
        std::thread stopper([&] { store.stop(); });
        // Wait (bounded) until stop() has begun: submits are refused from then on.
        bool refused = false;
        for (int attempt = 0; attempt < 5000 && !refused; ++attempt) {
            try {
                store.submit([](Db&) {}, nullptr);
                std::this_thread::sleep_for(1ms);
            } catch (const StoreError& e) {
                CHECK(std::string(e.what()) == "store stopped");
                refused = true;
            }
        }
        CHECK(refused);
        CHECK(done_ok == 0);  // the writer is still held: nothing of the 100 ran yet
        blocker.release();
        stopper.join();
        store.stop();  // idempotent
    }
    CHECK(rows_in_file(path).size() == 100);
    CHECK(done_ok == 100);
}

TEST_CASE("An acknowledged write survives the process dying right after the ack",
          "[store][store][durability]") {
    TempDir dir;
    const auto path = dir.file("samen.db");
    constexpr int kJobs = 50;
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The child: write, and die without closing anything at the last ack.
        try {
            Store store({path});
            store.run([](Db& db) { db.exec("CREATE TABLE t (i INTEGER PRIMARY KEY)"); }).get();
            for (int i = 0; i < kJobs; ++i) {
                store.submit([i](Db& db) { insert(db, i); },
                             [i](std::exception_ptr error) {
                                 if (error) _exit(2);
                                 if (i == kJobs - 1) _exit(0);
                             });
            }
            std::this_thread::sleep_for(30s);
        } catch (...) {
        }
        _exit(3);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    auto found = rows_in_file(path);
    CHECK(found.size() == kJobs);
}

TEST_CASE("backup writes a consistent copy that opens with the same rows",
          "[store][store][backup]") {
    TempDir dir;
    Store store({dir.file("samen.db")});
    create_table(store);
    for (int i = 0; i < 200; ++i) store.submit([i](Db& db) { insert(db, i); }, nullptr);
    std::promise<std::exception_ptr> result;
    // Queued behind the inserts: the copy holds all of them.
    store.backup(dir.file("copy.db"),
                 [&](std::exception_ptr e) { result.set_value(std::move(e)); });
    for (int i = 200; i < 300; ++i) store.submit([i](Db& db) { insert(db, i); }, nullptr);
    CHECK_FALSE(result.get_future().get());

    auto copied = rows_in_file(dir.file("copy.db"));
    REQUIRE(copied.size() == 200);
    CHECK(copied.back() == 199);
    {
        Db copy(dir.file("copy.db"));
        CHECK(copy.user_version() == store.run([](Db& db) { return db.user_version(); }).get());
        auto check = copy.prepare("PRAGMA integrity_check");
        REQUIRE(check.step());
        CHECK(check.get_text(0) == "ok");
    }

    std::promise<std::exception_ptr> again;
    store.backup(dir.file("copy.db"), [&](std::exception_ptr e) { again.set_value(std::move(e)); });
    auto error = again.get_future().get();
    REQUIRE(error);
    CHECK_THAT(message_of(error), Catch::Contains("exists already"));
    CHECK(rows_in_file(dir.file("copy.db")).size() == 200);  // untouched

    std::promise<std::exception_ptr> nowhere;
    store.backup(dir.file("missing/copy.db"),
                 [&](std::exception_ptr e) { nowhere.set_value(std::move(e)); });
    CHECK(nowhere.get_future().get());
}
