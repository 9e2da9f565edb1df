#include "client_thread.hpp"

#include <pthread.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <exception>
#include <thread>

namespace samen::bench {

ClientThread::ClientThread(ClientThreads& group, std::size_t index, std::size_t count,
                           Loop* main_loop)
    : group_(group),
      index_(index),
      own_loop_(main_loop ? nullptr : std::make_unique<Loop>()),
      loop_(main_loop ? *main_loop : *own_loop_),
      recorder_(group.phase_),
      outbox_(count) {
    // An edit is timed by the recorder of the thread that sent it; with one thread every edit is.
    if (count > 1) {
        recorder_.forward_elsewhere(
            [this](const std::string& opid, Clock::time_point at) { forward(opid, at); });
    }
}

std::string ClientThread::failure() const {
    for (const auto& t : typists_) {
        if (auto f = t->failure(); !f.empty()) return f;
    }
    return flooder_ ? flooder_->failure() : std::string();
}

bool ClientThread::loaded() const {
    return std::all_of(typists_.begin(), typists_.end(),
                       [](const auto& t) { return t->loaded(); }) &&
           (!flooder_ || flooder_->loaded());
}

bool ClientThread::idle() const {
    return std::all_of(typists_.begin(), typists_.end(), [](const auto& t) { return t->idle(); });
}

bool ClientThread::stopped() {
    if (!failure().empty()) group_.stop_.store(true);
    return group_.stop_.load();
}

void ClientThread::wait_loaded(Clock::duration timeout) {
    loop_.run_until([this] { return stopped() || loaded(); }, timeout);
}

void ClientThread::type(const Schedule& s, const std::function<void(Clock::time_point)>& tick) {
    // Open loop: each client on its own fixed schedule, all clients spread over one interval.
    std::vector<Clock::time_point> next(typists_.size());
    for (std::size_t j = 0; j < typists_.size(); ++j) {
        next[j] = s.start + s.interval * static_cast<long>(typists_[j]->index()) /
                                static_cast<long>(s.clients);
    }
    if (s.mode == Mode::closed) {
        for (auto& t : typists_) t->start_closed(s.window);
    }
    while (true) {
        const auto now = Clock::now();
        if (tick) tick(now);
        if (now >= s.measure_to || stopped()) break;
        auto wake = std::min(s.measure_to, now + 5ms);
        if (group_.phase_.load(std::memory_order_relaxed) == Recorder::Phase::warmup) {
            wake = std::min(wake, s.measure_from);
        }
        if (s.mode == Mode::open) {
            for (std::size_t j = 0; j < typists_.size(); ++j) {
                // A schedule fallen far behind skips ahead rather than firing a burst.
                for (int n = 0; next[j] <= now && n < 20; ++n) {
                    typists_[j]->keystroke();
                    next[j] += s.interval;
                }
                if (next[j] <= now) {
                    recorder_.late(static_cast<std::uint64_t>((now - next[j]) / s.interval) + 1);
                    next[j] = now + s.interval;
                }
                wake = std::min(wake, next[j]);
            }
        }
        for (auto& t : typists_) t->resend_due(now);
        if (flooder_) flooder_->resend_due(now);
        flush_receipts();
        loop_.run_until(wake);
    }
}

bool ClientThread::drain(Clock::time_point deadline) {
    for (auto& t : typists_) t->stop_typing();
    if (flooder_) flooder_->stop();
    bool drained = false;
    while (true) {
        const auto now = Clock::now();
        for (auto& t : typists_) t->resend_due(now);
        flush_receipts();
        unsettled_.store(recorder_.unsettled(), std::memory_order_release);
        if (stopped()) return false;
        // Idle stays idle: typing stopped, and only an ack makes a typist send again.
        if (!drained && idle()) {
            drained = true;
            group_.drained_.fetch_add(1, std::memory_order_acq_rel);
        }
        // Every thread runs its loop until all are settled: its clients receive the others' edits.
        if (drained && group_.settled()) return true;
        if (now >= deadline) return false;
        loop_.run_until(std::min(deadline, now + 5ms));
    }
}

void ClientThread::close() {
    for (auto& t : typists_) t->close();
    if (flooder_) flooder_->close();
    loop_.run_until(Clock::now() + 200ms);
}

void ClientThread::forward(const std::string& opid, Clock::time_point at) {
    auto client = Typist::client_of(opid);
    if (!client) return;  // not a typist's edit
    const std::size_t owner = *client % outbox_.size();
    if (owner != index_) outbox_[owner].push_back({opid, at});
}

void ClientThread::flush_receipts() {
    for (std::size_t t = 0; t < outbox_.size(); ++t) {
        if (outbox_[t].empty()) continue;
        ClientThread& owner = *group_.threads_[t];
        boost::asio::post(owner.loop_.ioc(), [&owner, receipts = std::move(outbox_[t])] {
            for (const Receipt& r : receipts) owner.recorder_.received_elsewhere(r.opid, r.at);
        });
        outbox_[t].clear();
    }
}

ClientThreads::ClientThreads(Loop& main_loop, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        threads_.push_back(
            std::make_unique<ClientThread>(*this, i, count, i == 0 ? &main_loop : nullptr));
    }
}

ClientThreads::~ClientThreads() {
    // Receipts posted to thread 0 and not yet run would outlive it on the caller's loop.
    if (!threads_.empty()) threads_.front()->loop().ioc().poll();
}

void ClientThreads::run(const std::function<void(ClientThread&)>& step) {
    std::vector<std::exception_ptr> errors(threads_.size());
    auto run_one = [&](std::size_t i) {
        try {
            step(*threads_[i]);
        } catch (...) {
            errors[i] = std::current_exception();
            stop_.store(true);
        }
    };
    std::vector<std::thread> others;
    for (std::size_t i = 1; i < threads_.size(); ++i) {
        others.emplace_back([&run_one, i] {
            // Named for top -H and perf.
            pthread_setname_np(pthread_self(), ("bench-client-" + std::to_string(i)).c_str());
            run_one(i);
        });
    }
    run_one(0);
    for (auto& t : others) t.join();
    for (const auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
}

bool ClientThreads::settled() const {
    // Once every thread's typists are idle nobody sends again, so a thread's count of unsettled
    // edits only goes down: all at 0 means every edit was acknowledged and seen by everyone.
    if (drained_.load(std::memory_order_acquire) < threads_.size()) return false;
    for (const auto& t : threads_) {
        if (t->unsettled_.load(std::memory_order_acquire) > 0) return false;
    }
    return true;
}

std::string ClientThreads::failure() const {
    for (const auto& t : threads_) {
        if (auto f = t->failure(); !f.empty()) return f;
    }
    return {};
}

bool ClientThreads::loaded() const {
    return std::all_of(threads_.begin(), threads_.end(), [](const auto& t) { return t->loaded(); });
}

Recorder ClientThreads::recorded() const {
    Recorder total(phase_);
    for (const auto& t : threads_) total.add(t->recorder());
    return total;
}

}  // namespace samen::bench
