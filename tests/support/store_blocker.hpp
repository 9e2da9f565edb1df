// Holds one of the store's threads inside a job until release(): the writer (what is submitted
// meanwhile queues up and runs as one batch) or one reader.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>

#include "store/store.hpp"

namespace samen::test {

class Blocker {
  public:
    /// Returns once the job runs. `queue`: the writer, or readers (one reader is held).
    explicit Blocker(store::Store& store, store::Queue queue = store::Queue::writer)
        : state_(std::make_shared<State>()) {
        auto hold = [state = state_](store::Db&) {
            state->started.set_value();
            // Bounded: a test that forgets to release fails instead of hanging.
            if (state->released.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
                throw std::runtime_error("blocker never released");
            }
        };
        if (queue == store::Queue::writer) {
            store.submit(hold, nullptr);
        } else {
            store.read(hold, nullptr);
        }
        state_->started.get_future().wait();
    }
    Blocker(const Blocker&) = delete;
    Blocker& operator=(const Blocker&) = delete;
    ~Blocker() { release(); }
    void release() {
        if (!done_) state_->release.set_value();
        done_ = true;
    }

  private:
    struct State {
        std::promise<void> started;
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
    };
    std::shared_ptr<State> state_;
    bool done_ = false;
};

}  // namespace samen::test
