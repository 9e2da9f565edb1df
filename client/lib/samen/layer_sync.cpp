#include "samen/layer_sync.hpp"

#include <stdexcept>

namespace samen::client {

LayerSync::LayerSync(std::string text) : text_(text), confirmed_(std::move(text)) {}

LayerSync::State LayerSync::state() const noexcept {
    if (in_flight_) return buffer_ ? State::awaiting_with_buffer : State::awaiting_confirm;
    return buffer_ ? State::buffered : State::synchronized;
}

bool LayerSync::is_in_flight(std::string_view opid) const noexcept {
    return in_flight_ && in_flight_->opid == opid;
}

void LayerSync::local(const ot::Op& op) {
    ot::check(op);
    if (op.empty()) return;
    // The deleted text is not needed on the wire, and would have to be kept right by every
    // transform: drop it.
    ot::Op plain = ot::strip_invertible(op);
    std::string text = ot::apply(text_, plain);
    std::optional<ot::Op> buffer = buffer_ ? ot::compose(*buffer_, plain) : plain;
    if (buffer->empty()) buffer.reset();  // typed and deleted again: nothing to send
    text_ = std::move(text);
    buffer_ = std::move(buffer);
}

const Submission& LayerSync::submit(Rev base, std::string opid) {
    if (!can_submit()) throw std::logic_error("LayerSync::submit: nothing to submit");
    in_flight_ = Submission{*buffer_, *buffer_, base, std::move(opid)};
    buffer_.reset();
    return *in_flight_;
}

void LayerSync::ack() {
    if (!in_flight_) throw std::logic_error("LayerSync::ack: no edit in flight");
    confirmed_ = ot::apply(confirmed_, in_flight_->op);
    in_flight_.reset();
}

ot::Op LayerSync::remote(const ot::Op& op) {
    ot::check(op);
    ot::Op plain = ot::strip_invertible(op);
    // The server applied `op` before our in-flight edit (acks come in revision order), and
    // transformed our edit with side left against it: mirror that here.
    std::string confirmed = ot::apply(confirmed_, op);
    std::optional<Submission> in_flight = in_flight_;
    std::optional<ot::Op> buffer = buffer_;
    ot::Op incoming = plain;
    if (in_flight) {
        ot::Op theirs = ot::transform(incoming, in_flight->op, ot::Side::right);
        in_flight->op = ot::transform(in_flight->op, incoming, ot::Side::left);
        incoming = std::move(theirs);
    }
    if (buffer) {
        ot::Op theirs = ot::transform(incoming, *buffer, ot::Side::right);
        *buffer = ot::transform(*buffer, incoming, ot::Side::left);
        incoming = std::move(theirs);
        if (buffer->empty()) buffer.reset();  // they deleted what we changed: nothing to send
    }
    std::string text = ot::apply(text_, incoming);
    confirmed_ = std::move(confirmed);
    text_ = std::move(text);
    in_flight_ = std::move(in_flight);
    buffer_ = std::move(buffer);
    return incoming;
}

std::string LayerSync::discard_pending() {
    std::string dropped = std::move(text_);
    text_ = confirmed_;
    in_flight_.reset();
    buffer_.reset();
    return dropped;
}

std::string_view to_string(LayerSync::State s) noexcept {
    switch (s) {
        case LayerSync::State::synchronized:
            return "synchronized";
        case LayerSync::State::buffered:
            return "buffered";
        case LayerSync::State::awaiting_confirm:
            return "awaiting_confirm";
        case LayerSync::State::awaiting_with_buffer:
            return "awaiting_with_buffer";
    }
    return "synchronized";
}

}  // namespace samen::client
