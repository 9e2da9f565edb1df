// The typists of the workload: workgroup members typing into the common layer of a document.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "connection.hpp"
#include "options.hpp"
#include "ot/json.hpp"
#include "ot/text.hpp"
#include "recorder.hpp"
#include "samen/layer_sync.hpp"
#include "text/utf8.hpp"

namespace samen::bench {

using client::LayerSync;
using client::Rev;

/// Each client its own stream of keystrokes, all from the one --seed.
inline std::mt19937_64 seeded(std::uint64_t seed, std::size_t index) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(index)};
    return std::mt19937_64(seq);
}

/// One workgroup member typing into the common layer of the document's sections.
class Typist {
  public:
    /// `doc` is typed into with `typists` clients in all; against samen-relay (`relayed`) what the
    /// others typed is only timed, not applied: the relay does not transform it.
    Typist(Loop& loop, Recorder& recorder, const Options& options, std::size_t index,
           std::uint16_t port, const std::string& token, std::string doc, std::size_t typists,
           bool relayed)
        : recorder_(recorder),
          options_(options),
          index_(index),
          doc_(std::move(doc)),
          receivers_(typists - 1),
          relayed_(relayed),
          rng_(seeded(options.seed, index)),
          conn_(loop, port, token, [this](const json& msg, std::size_t) { on_message(msg); }) {
        conn_.read_quickly([this](const QuickMessage& m) {
            if (m.is_edit) return on_edit(m.edit);
            on_ack(m.ack);
        });
        conn_.send({{"type", "open"}, {"id", "open"}, {"doc", doc_}});
    }

    /// Which client sent `opid` (see `submit`); nullopt when no typist did.
    static std::optional<std::size_t> client_of(std::string_view opid) {
        constexpr std::string_view prefix = "bench";
        if (opid.substr(0, prefix.size()) != prefix) return std::nullopt;
        std::size_t index = 0;
        const char* end = opid.data() + opid.size();
        auto [at, ec] = std::from_chars(opid.data() + prefix.size(), end, index);
        if (ec != std::errc() || at == end || *at != '-') return std::nullopt;
        return index;
    }

    std::size_t index() const { return index_; }
    bool loaded() const { return loaded_; }
    std::string failure() const { return conn_.failure().empty() ? failure_ : conn_.failure(); }
    std::size_t layer_count() const { return layers_.size(); }
    const LayerSync& layer(std::size_t i) const { return layers_[i]; }
    Rev rev() const { return rev_; }
    const std::string& doc() const { return doc_; }
    bool idle() const {
        return in_flight_.empty() &&
               std::none_of(layers_.begin(), layers_.end(),
                            [](const LayerSync& l) { return l.has_pending(); });
    }

    /// Open loop: one character into a random section, sent now or after the ack of the edit
    /// in flight there.
    void keystroke() {
        type_into(std::uniform_int_distribution<std::size_t>(0, layers_.size() - 1)(rng_));
    }
    /// Closed loop: from now on every ack makes room for the next keystroke.
    void start_closed(std::size_t window) {
        closed_ = true;
        for (std::size_t i = 0; i < window; ++i) type_into_free_layer();
    }
    void stop_typing() { typing_ = false; }
    void close() { conn_.close(); }

    /// Sends again what the server refused with `rate_limited` (a server with limits).
    void resend_due(Clock::time_point now) {
        while (!retries_.empty() && retries_.front().first <= now) {
            auto it = in_flight_.find(retries_.front().second);
            retries_.erase(retries_.begin());
            if (it != in_flight_.end()) conn_.send_text(it->second.text);
        }
    }

  private:
    struct InFlight {
        std::size_t layer = 0;
        std::string opid;
        std::string text;  // as sent: a rate-limited edit goes again unchanged
    };

    void on_message(const json& msg) {
        const std::string& type = msg.at("type").get_ref<const std::string&>();
        if (type == "snapshot") return load(msg);
        if (type == "ack") {
            return on_ack(AckIn{msg.at("id").get<std::int64_t>(), msg.at("rev").get<Rev>()});
        }
        if (type == "edit") {
            return on_edit(EditIn{msg.at("section").get<std::string>(),
                                  msg.at("layer").get<std::string>(),
                                  msg.at("opid").get<std::string>(), msg.at("rev").get<Rev>(),
                                  ot::op_from_json(msg.at("op"))});
        }
        if (type == "error") return on_error(msg);
    }

    void load(const json& snapshot) {
        for (const json& s : snapshot.at("sections")) {
            if (auto owner = s.find("owner"); owner != s.end() && !owner->is_null()) continue;
            const json& layers = s.at("layers");
            auto common = layers.find("common");
            if (common == layers.end()) continue;
            index_of_[s.at("id").get<std::string>()] = ids_.size();
            ids_.push_back(s.at("id").get<std::string>());
            layers_.emplace_back(common->at("text").get<std::string>());
            if (ids_.size() == options_.sections) break;
        }
        if (ids_.empty()) throw std::runtime_error(doc_ + " has no common section");
        rev_ = snapshot.at("rev").get<Rev>();
        loaded_ = true;
    }

    void type_into(std::size_t i) {
        if (!typing_) return;
        static constexpr std::string_view keys = "abcdefghijklmnopqrstuvwxyz     ,.";
        LayerSync& l = layers_[i];
        const std::size_t pos =
            std::uniform_int_distribution<std::size_t>(0, utf8::count(l.text()))(rng_);
        ot::Insert key{std::string(1, keys[rng_() % keys.size()])};
        l.local(pos > 0 ? ot::Op{ot::Skip{pos}, std::move(key)} : ot::Op{std::move(key)});
        recorder_.keystroke();
        if (l.can_submit()) submit(i);
    }

    void type_into_free_layer() {
        std::vector<std::size_t> free;
        for (std::size_t i = 0; i < layers_.size(); ++i) {
            if (!layers_[i].has_pending()) free.push_back(i);
        }
        if (free.empty()) return;
        type_into(free[std::uniform_int_distribution<std::size_t>(0, free.size() - 1)(rng_)]);
    }

    void submit(std::size_t i) {
        // "bench<client>-<n>": client_of reads the client back.
        std::string opid = "bench" + std::to_string(index_) + "-" + std::to_string(++opids_);
        const client::Submission& s = layers_[i].submit(rev_, opid);
        const std::int64_t id = ++request_ids_;
        json msg = {{"type", "edit"},          {"id", id},          {"doc", doc_},
                    {"section", ids_[i]},      {"layer", "common"}, {"base", s.base},
                    {"op", ot::to_json(s.op)}, {"opid", opid}};
        std::string text = msg.dump();
        recorder_.submitted(opid, receivers_);
        conn_.send_text(text);
        in_flight_[id] = InFlight{i, std::move(opid), std::move(text)};
    }

    void on_ack(const AckIn& ack) {
        auto it = in_flight_.find(ack.id);
        if (it == in_flight_.end()) {
            throw std::runtime_error("an ack of no edit: " + std::to_string(ack.id));
        }
        const std::size_t i = it->second.layer;
        layers_[i].ack();
        rev_ = ack.rev;
        recorder_.acked(it->second.opid);
        in_flight_.erase(it);
        if (layers_[i].can_submit()) {
            submit(i);  // what was typed while the edit was in flight
        } else if (closed_) {
            type_into_free_layer();
        }
    }

    void on_edit(const EditIn& edit) {
        if (!relayed_ && edit.layer == "common") {
            if (auto it = index_of_.find(edit.section); it != index_of_.end()) {
                layers_[it->second].remote(edit.op);
            }
        }
        rev_ = edit.rev;
        recorder_.received(edit.opid);
    }

    void on_error(const json& msg) {
        const std::string code = msg.value("code", std::string());
        const std::string what = code + ": " + msg.value("message", std::string());
        auto id = msg.find("id");
        if (id != msg.end() && *id == "open") {
            failure_ = "opening " + doc_ + " failed: " + what;
            return;
        }
        auto it = id != msg.end() && id->is_number_integer()
                      ? in_flight_.find(id->get<std::int64_t>())
                      : in_flight_.end();
        if (it == in_flight_.end()) {
            recorder_.error("client " + std::to_string(index_) + ": " + what);
            return;
        }
        if (code == "rate_limited") {
            recorder_.rate_limited();
            retries_.emplace_back(Clock::now() + 200ms, it->first);
            return;
        }
        recorder_.error("client " + std::to_string(index_) + ", section " + ids_[it->second.layer] +
                        ": " + what);
        recorder_.refused(it->second.opid);
        layers_[it->second.layer].discard_pending();
        in_flight_.erase(it);
    }

    Recorder& recorder_;
    const Options& options_;
    const std::size_t index_;
    const std::string doc_;
    const std::size_t receivers_;
    const bool relayed_;
    std::mt19937_64 rng_;
    std::vector<std::string> ids_;
    std::unordered_map<std::string, std::size_t> index_of_;
    std::vector<LayerSync> layers_;
    Rev rev_ = 0;
    bool loaded_ = false;
    bool typing_ = true;
    bool closed_ = false;
    std::uint64_t opids_ = 0;
    std::int64_t request_ids_ = 0;
    std::unordered_map<std::int64_t, InFlight> in_flight_;
    std::vector<std::pair<Clock::time_point, std::int64_t>> retries_;
    std::string failure_;
    Connection conn_;  // last: its handler uses the members above
};

}  // namespace samen::bench
