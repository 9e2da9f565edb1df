// The viewer of --flood-diffs: reading the past as fast as the server lets it, while the
// typists type.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "connection.hpp"
#include "figures.hpp"
#include "options.hpp"
#include "samen/layer_sync.hpp"

namespace samen::bench {

using client::Rev;

/// A viewer reading the past as fast as the server lets it: `diff` requests of the common text of
/// the first section from revision 0 to now (each walks back every change of the document),
/// `window` of them in flight.
class Flooder {
  public:
    Flooder(Loop& loop, const Options& options, std::uint16_t port, const std::string& token)
        : options_(options),
          conn_(loop, port, token, [this](const json& msg, std::size_t) { on_message(msg); }) {
        conn_.send({{"type", "open"}, {"id", "open"}, {"doc", options_.doc}});
    }

    bool loaded() const { return loaded_; }
    std::string failure() const { return conn_.failure().empty() ? failure_ : conn_.failure(); }

    void start(std::size_t window) {
        for (std::size_t i = 0; i < window; ++i) request();
    }
    void stop() { flooding_ = false; }
    /// Sends again what was refused with rate_limited a second ago.
    void resend_due(Clock::time_point now) {
        while (!retries_.empty() && retries_.front() <= now) {
            retries_.pop_front();
            request();
        }
    }
    void close() { conn_.close(); }

    json figures() const {
        return {{"in_flight", options_.flood_diffs},
                {"sent", sent_},
                {"answered", answered_},
                {"rate_limited", rate_limited_},
                {"other_errors", errors_},
                {"answer_ms", percentiles(answer_ms_)}};
    }

  private:
    void request() {
        if (!flooding_) return;
        const std::int64_t id = ++next_id_;
        sent_at_[id] = Clock::now();
        ++sent_;
        conn_.send({{"type", "diff"},
                    {"id", id},
                    {"doc", options_.doc},
                    {"section", section_},
                    {"layer", "common"},
                    {"from", 0},
                    {"to", rev_}});
    }

    void on_message(const json& msg) {
        const std::string& type = msg.at("type").get_ref<const std::string&>();
        if (type == "snapshot") {
            for (const json& s : msg.at("sections")) {
                if (s.at("layers").contains("common")) {
                    section_ = s.at("id").get<std::string>();
                    break;
                }
            }
            rev_ = msg.at("rev").get<Rev>();
            loaded_ = true;
            return;
        }
        if (type == "edit") {
            rev_ = msg.at("rev").get<Rev>();
            return;
        }
        auto id = msg.find("id");
        if (id == msg.end() || !id->is_number_integer()) {
            if (type == "error" && id != msg.end() && *id == "open") {
                failure_ = "the flooding viewer could not open " + options_.doc;
            }
            return;
        }
        auto sent = sent_at_.find(id->get<std::int64_t>());
        if (sent == sent_at_.end()) return;
        const auto at = sent->second;
        sent_at_.erase(sent);
        if (type == "diff") {
            ++answered_;
            answer_ms_.push_back(ms(Clock::now() - at));
            return request();
        }
        if (type == "error" && msg.value("code", std::string()) == "rate_limited") {
            ++rate_limited_;
            retries_.push_back(Clock::now() + 1s);
            return;
        }
        ++errors_;
        request();
    }

    const Options& options_;
    std::string section_;
    Rev rev_ = 0;
    bool loaded_ = false;
    bool flooding_ = true;
    std::int64_t next_id_ = 0;
    std::unordered_map<std::int64_t, Clock::time_point> sent_at_;
    std::deque<Clock::time_point> retries_;
    std::uint64_t sent_ = 0, answered_ = 0, rate_limited_ = 0, errors_ = 0;
    std::vector<double> answer_ms_;
    std::string failure_;
    Connection conn_;  // last: its handler uses the members above
};

}  // namespace samen::bench
