// What the typists measure, over every client: ack and end-to-end latencies by opid.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common.hpp"
#include "figures.hpp"

namespace samen::bench {

class Recorder {
  public:
    enum class Phase { warmup, measuring, draining };

    void set_phase(Phase p) { phase_ = p; }
    bool measuring() const { return phase_ == Phase::measuring; }

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
    /// Another client received the broadcast of `opid`.
    void received(const std::string& opid) {
        auto it = sent_.find(opid);
        if (it == sent_.end()) return;  // not one of ours
        if (it->second.measured) e2e_ms_.push_back(ms(Clock::now() - it->second.at));
        if (it->second.receipts_left > 0) --it->second.receipts_left;
        if (it->second.acked && it->second.receipts_left == 0) sent_.erase(it);
    }
    void refused(const std::string& opid) { sent_.erase(opid); }
    void rate_limited() { ++rate_limited_; }
    void late(std::uint64_t n) { late_ += n; }
    void error(const std::string& what) {
        if (errors_.size() < 20) progress("error: " + what);
        errors_.push_back(what);
    }

    /// Every edit sent was acknowledged and seen by every other client.
    bool settled() const { return sent_.empty(); }
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

    Phase phase_ = Phase::warmup;
    std::unordered_map<std::string, Sent> sent_;
    std::vector<double> ack_ms_;
    std::vector<double> e2e_ms_;
    std::uint64_t keystrokes_ = 0, submitted_ = 0, acked_ = 0, rate_limited_ = 0, late_ = 0;
    std::vector<std::string> errors_;
};

}  // namespace samen::bench
