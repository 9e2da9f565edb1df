// What the typists of one client thread measure: ack and end-to-end latencies by opid.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common.hpp"
#include "figures.hpp"

namespace samen::bench {

/// Each client thread has its own, touched by that thread only (the figures of all are added up
/// after the run): an edit is timed by the recorder of the thread that sent it, so a receipt of
/// another thread's edit goes to that thread's recorder (`forward_elsewhere`).
class Recorder {
  public:
    enum class Phase { warmup, measuring, draining };
    /// Takes a receipt of an edit sent by a client of another thread to that thread.
    using Forward = std::function<void(const std::string& opid, Clock::time_point at)>;

    /// `phase` is the run's, set by the thread that measures the window and read by every
    /// client thread's recorder.
    explicit Recorder(const std::atomic<Phase>& phase) : phase_(phase) {}

    bool measuring() const { return phase_.load(std::memory_order_relaxed) == Phase::measuring; }
    /// With more than one client thread: where the receipts of edits not sent here go.
    void forward_elsewhere(Forward forward) { forward_ = std::move(forward); }

    void keystroke() {
        if (measuring()) ++keystrokes_;
    }
    void submitted(const std::string& opid, std::size_t receivers) {
        sent_[opid] = Sent{Clock::now(), measuring(), receivers, false};
        if (measuring()) ++submitted_;
    }
    void acked(const std::string& opid) {
        if (measuring()) ++acked_;
        auto it = sent_.find(opid);
        if (it == sent_.end()) return;
        if (it->second.measured) ack_ms_.push_back(ms(Clock::now() - it->second.at));
        it->second.acked = true;
        if (it->second.receipts_left == 0) sent_.erase(it);
    }
    /// Another client of this thread received the broadcast of `opid`.
    void received(const std::string& opid) {
        auto it = sent_.find(opid);
        if (it != sent_.end()) return receipt(it, Clock::now());
        if (forward_) forward_(opid, Clock::now());  // another thread's, or not one of ours
    }
    /// A client of another thread received the broadcast of `opid`, sent from here, at `at`.
    void received_elsewhere(const std::string& opid, Clock::time_point at) {
        if (auto it = sent_.find(opid); it != sent_.end()) receipt(it, at);
    }
    void refused(const std::string& opid) { sent_.erase(opid); }
    void rate_limited() { ++rate_limited_; }
    void late(std::uint64_t n) { late_ += n; }
    void error(const std::string& what) {
        if (errors_.size() < 20) progress("error: " + what);
        errors_.push_back(what);
    }

    /// Another thread's figures, added to these after the run.
    void add(const Recorder& other) {
        keystrokes_ += other.keystrokes_;
        submitted_ += other.submitted_;
        acked_ += other.acked_;
        rate_limited_ += other.rate_limited_;
        late_ += other.late_;
        errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
        ack_ms_.insert(ack_ms_.end(), other.ack_ms_.begin(), other.ack_ms_.end());
        e2e_ms_.insert(e2e_ms_.end(), other.e2e_ms_.begin(), other.e2e_ms_.end());
    }

    /// Every edit sent from here was acknowledged and seen by every other client.
    bool settled() const { return sent_.empty(); }
    /// How many edits sent from here are still waiting for their ack or a receipt.
    std::size_t unsettled() const { return sent_.size(); }
    std::uint64_t keystrokes() const { return keystrokes_; }
    std::uint64_t submitted() const { return submitted_; }
    std::uint64_t acked() const { return acked_; }
    std::uint64_t rate_limited_count() const { return rate_limited_; }
    std::uint64_t late_count() const { return late_; }
    const std::vector<std::string>& errors() const { return errors_; }
    const std::vector<double>& ack_ms() const { return ack_ms_; }
    const std::vector<double>& e2e_ms() const { return e2e_ms_; }

  private:
    struct Sent {
        Clock::time_point at;
        bool measured = false;
        std::size_t receipts_left = 0;
        bool acked = false;
    };

    void receipt(std::unordered_map<std::string, Sent>::iterator it, Clock::time_point at) {
        if (it->second.measured) e2e_ms_.push_back(ms(at - it->second.at));
        if (it->second.receipts_left > 0) --it->second.receipts_left;
        if (it->second.acked && it->second.receipts_left == 0) sent_.erase(it);
    }

    const std::atomic<Phase>& phase_;
    Forward forward_;
    std::unordered_map<std::string, Sent> sent_;
    std::vector<double> ack_ms_;
    std::vector<double> e2e_ms_;
    std::uint64_t keystrokes_ = 0, submitted_ = 0, acked_ = 0, rate_limited_ = 0, late_ = 0;
    std::vector<std::string> errors_;
};

}  // namespace samen::bench
