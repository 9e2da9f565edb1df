// The client threads of samen-bench (--client-threads): the typists spread over threads of their
// own, so that the load generator can use more than one core.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common.hpp"
#include "connection.hpp"
#include "flooder.hpp"
#include "options.hpp"
#include "recorder.hpp"
#include "typists.hpp"

namespace samen::bench {

/// When and how the typists type; every client thread follows the same.
struct Schedule {
    Mode mode = Mode::closed;
    std::size_t window = 0;      // closed loop: edits in flight per client
    Clock::duration interval{};  // open loop: between two keystrokes of one client
    std::size_t clients = 0;     // over all threads: the open loop spreads them over one interval
    Clock::time_point start, measure_from, measure_to;
};

class ClientThreads;

/// A share of the typists (client i on thread i % N) on an event loop that only this thread
/// runs, so that the typists need no locks, with a recorder of its own. Thread 0 runs on the
/// caller's thread and loop, beside the idle connections, and holds the flooder: with one client
/// thread the bench is the single-threaded program it was before --client-threads.
class ClientThread {
  public:
    /// `main_loop` for thread 0; the others make their own.
    ClientThread(ClientThreads& group, std::size_t index, std::size_t count, Loop* main_loop);
    ClientThread(const ClientThread&) = delete;
    ClientThread& operator=(const ClientThread&) = delete;

    Loop& loop() { return loop_; }
    Recorder& recorder() { return recorder_; }
    const Recorder& recorder() const { return recorder_; }
    const std::vector<std::unique_ptr<Typist>>& typists() const { return typists_; }
    void add(std::unique_ptr<Typist> typist) { typists_.push_back(std::move(typist)); }
    void set_flooder(Flooder* flooder) { flooder_ = flooder; }

    /// Empty while its typists and the flooder are well.
    std::string failure() const;
    /// Its typists (and the flooder) have their document open.
    bool loaded() const;

    // The steps of a run, each on every thread at once (ClientThreads::run):

    /// Until its typists (and the flooder) have their document open, or a client failed.
    void wait_loaded(Clock::duration timeout);
    /// Types on `schedule` until the window closes or a client failed; `tick`, given to thread 0
    /// only, opens and closes the measured window.
    void type(const Schedule& schedule, const std::function<void(Clock::time_point)>& tick);
    /// Stops typing and runs until every edit of every thread was acknowledged and seen by every
    /// other client; false when a client failed or `deadline` came first.
    bool drain(Clock::time_point deadline);
    /// Closes its connections and lets the closes go out.
    void close();

  private:
    friend class ClientThreads;

    struct Receipt {
        std::string opid;
        Clock::time_point at;
    };

    /// Whether to stop: a client of this thread failed (the others are told) or another's did.
    bool stopped();
    bool idle() const;
    /// A receipt of an edit of another thread's client, kept for that thread.
    void forward(const std::string& opid, Clock::time_point at);
    /// Hands the kept receipts to their threads, a batch per thread: one post per thread and
    /// turn of the loop, not one per message.
    void flush_receipts();

    ClientThreads& group_;
    const std::size_t index_;
    std::unique_ptr<Loop> own_loop_;  // null on thread 0
    Loop& loop_;
    Recorder recorder_;
    std::vector<std::unique_ptr<Typist>> typists_;  // after the loop and recorder they use
    Flooder* flooder_ = nullptr;
    std::vector<std::vector<Receipt>> outbox_;  // by thread
    // recorder_.unsettled() as this thread last saw it, for the others' drain.
    std::atomic<std::size_t> unsettled_{0};
};

/// The client threads of one run, and what they share.
class ClientThreads {
  public:
    ClientThreads(Loop& main_loop, std::size_t count);
    ~ClientThreads();
    ClientThreads(const ClientThreads&) = delete;
    ClientThreads& operator=(const ClientThreads&) = delete;

    std::size_t size() const { return threads_.size(); }
    ClientThread& operator[](std::size_t i) { return *threads_[i]; }
    const ClientThread& operator[](std::size_t i) const { return *threads_[i]; }
    /// The thread of the client with index `client`.
    ClientThread& of_client(std::size_t client) { return *threads_[client % threads_.size()]; }

    /// What every thread's recorder counts as measured.
    void set_phase(Recorder::Phase phase) { phase_.store(phase, std::memory_order_relaxed); }

    /// Runs `step` on every client thread at once, thread 0 on the calling thread and the others
    /// on threads started for it, and returns when all have (rethrowing what one threw). Between
    /// two runs no loop runs, so the caller may look at every typist.
    void run(const std::function<void(ClientThread&)>& step);

    /// The first failure of a client, empty when there is none.
    std::string failure() const;
    bool loaded() const;
    /// What the recorders of all threads recorded, added up.
    Recorder recorded() const;

  private:
    friend class ClientThread;

    /// Every thread's typists are idle and every edit is settled.
    bool settled() const;

    std::atomic<Recorder::Phase> phase_{Recorder::Phase::warmup};
    std::atomic<bool> stop_{false};        // a client failed: every thread stops
    std::atomic<std::size_t> drained_{0};  // threads whose typists have nothing left to send
    std::vector<std::unique_ptr<ClientThread>> threads_;
};

}  // namespace samen::bench
