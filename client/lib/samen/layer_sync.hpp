// The client side of live sync for one section layer: the classic ot.js client state machine
// (synchronized / awaiting confirm / awaiting with buffer), with no I/O. The caller sends what
// `submit` returns and feeds back what the server says (`ack`, `remote`), in revision order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ot/text.hpp"

namespace samen::client {

using Rev = std::uint64_t;

/// An edit sent to the server and not yet acknowledged.
struct Submission {
    /// Its current form: applies after every remote op received so far.
    ot::Op op;
    /// As it was first sent, on the text at `base`: what a resubmission sends (after a lost
    /// connection the client cannot always tell which remote ops the server applied before it,
    /// and `op` may have become empty, which the server refuses).
    ot::Op original;
    Rev base = 0;
    std::string opid;
};

class LayerSync {
  public:
    enum class State {
        synchronized,          // nothing local pending
        buffered,              // local changes not sent yet, nothing in flight (e.g. offline)
        awaiting_confirm,      // one edit in flight
        awaiting_with_buffer,  // one edit in flight, later local changes composed behind it
    };

    explicit LayerSync(std::string text = {});

    /// What the user sees: the server's text with the in-flight edit and the buffer applied.
    const std::string& text() const noexcept { return text_; }
    /// The server's text at the last revision this layer applied, without local changes.
    const std::string& confirmed() const noexcept { return confirmed_; }
    State state() const noexcept;
    bool has_pending() const noexcept { return in_flight_.has_value() || buffer_.has_value(); }
    const std::optional<Submission>& in_flight() const noexcept { return in_flight_; }
    const std::optional<ot::Op>& buffer() const noexcept { return buffer_; }
    /// True when `opid` is the edit in flight: a change carrying it is that edit's ack.
    bool is_in_flight(std::string_view opid) const noexcept;

    /// A local edit, applied to text() at once. Throws ot::OpError when the op is not normalized
    /// or does not fit text(); then nothing changes.
    void local(const ot::Op& op);

    /// Nothing in flight and local changes waiting: submit() may be called.
    bool can_submit() const noexcept { return !in_flight_ && buffer_; }
    /// Puts the buffered changes in flight, as an edit on the server's revision `base`.
    /// Throws std::logic_error unless can_submit().
    const Submission& submit(Rev base, std::string opid);

    /// The server accepted the edit in flight. Throws std::logic_error when there is none.
    void ack();

    /// A remote op on this layer, made on confirmed(). Returns it as applied to text() (for a
    /// UI's cursors). Throws ot::OpError when it does not fit confirmed(); then nothing changes.
    ot::Op remote(const ot::Op& op);

    /// Drops every local change: text() becomes confirmed(). Returns the text that was dropped.
    std::string discard_pending();

  private:
    std::string text_;
    std::string confirmed_;
    std::optional<Submission> in_flight_;
    std::optional<ot::Op> buffer_;
};

std::string_view to_string(LayerSync::State s) noexcept;

}  // namespace samen::client
