#include "model/layer_text.hpp"

#include <algorithm>
#include <cstring>
#include <variant>

#include "text/utf8.hpp"

namespace samen::model {

namespace {

bool continuation(char byte) {
    return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

/// The byte offset `count` code points after `from` in `text`, or npos when the text ends first.
std::size_t forward(std::string_view text, std::size_t from, std::size_t count) {
    std::size_t at = from;
    for (; count > 0; --count) {
        if (at >= text.size()) return std::string_view::npos;
        ++at;
        while (at < text.size() && continuation(text[at])) ++at;
    }
    return at;
}

/// The byte offset `count` code points before `from` in `text` (which holds that many).
std::size_t backward(std::string_view text, std::size_t from, std::size_t count) {
    std::size_t at = from;
    for (; count > 0; --count) {
        --at;
        while (at > 0 && continuation(text[at])) --at;
    }
    return at;
}

}  // namespace

const std::string& LayerText::str() const {
    close();
    return text_;
}

void LayerText::close() const {
    if (gap_size_ == 0) return;
    text_.erase(gap_at_, gap_size_);
    gap_at_ = 0;
    gap_size_ = 0;
}

void LayerText::move_gap(std::size_t at) {
    if (gap_size_ == 0 || at == gap_at_) {
        gap_at_ = at;
        return;
    }
    char* bytes = text_.data();
    if (at < gap_at_) {
        std::memmove(bytes + at + gap_size_, bytes + at, gap_at_ - at);
    } else {
        std::memmove(bytes + gap_at_, bytes + gap_at_ + gap_size_, at - gap_at_);
    }
    gap_at_ = at;
}

ot::Op LayerText::apply(const ot::Op& op, std::size_t max_bytes, ot::TextPosition* hint) {
    ot::check(op);
    const std::size_t first = !op.empty() && std::holds_alternative<ot::Skip>(op.front()) ? 1 : 0;
    const bool one_place =
        op.size() > first &&
        std::none_of(op.begin() + static_cast<std::ptrdiff_t>(first), op.end(),
                     [](const ot::Component& c) { return std::holds_alternative<ot::Skip>(c); });
    if (!one_place) {
        close();
        return ot::apply_in_place(text_, op, max_bytes, hint);
    }
    const std::size_t skip = first ? std::get<ot::Skip>(op.front()).n : 0;

    // From the hint (a place at the start of a character, or the end), else from the start: the
    // gap goes there first (where the last edit left it, when typing), then to the op's place.
    ot::TextPosition from = hint ? *hint : ot::TextPosition{};
    if (from.bytes > size()) from = {};
    move_gap(from.bytes);
    std::string_view before(text_.data(), gap_at_);
    std::string_view after(text_.data() + gap_at_ + gap_size_, text_.size() - gap_at_ - gap_size_);
    if (!after.empty() && continuation(after.front())) {
        from = {};
        move_gap(0);
        before = {};
        after = std::string_view(text_.data() + gap_size_, text_.size() - gap_size_);
    }
    std::size_t at = 0;  // the op's place, in bytes of the text
    if (skip >= from.code_points) {
        const std::size_t end = forward(after, 0, skip - from.code_points);
        if (end == std::string_view::npos) throw ot::OpError("the op is longer than the document");
        at = from.bytes + end;
    } else if (skip < from.code_points - skip) {
        at = forward(before, 0, skip);
    } else {
        at = backward(before, from.bytes, from.code_points - skip);
    }
    move_gap(at);
    after =
        std::string_view(text_.data() + gap_at_ + gap_size_, text_.size() - gap_at_ - gap_size_);

    // What the op deletes follows the gap; what it inserts goes into it, in the op's order.
    ot::Op out;
    if (first) out.push_back(op.front());
    std::size_t deleted = 0;   // bytes after the gap
    std::size_t inserted = 0;  // bytes
    std::size_t inserted_code_points = 0;
    for (std::size_t k = first; k < op.size(); ++k) {
        if (const auto* i = std::get_if<ot::Insert>(&op[k])) {
            inserted += i->text.size();
            inserted_code_points += samen::utf8::count(i->text);
            out.push_back(*i);
        } else {
            const auto& d = std::get<ot::Delete>(op[k]);
            const std::size_t end = forward(after, deleted, d.n);
            if (end == std::string_view::npos) {
                throw ot::OpError("the op is longer than the document");
            }
            std::string removed(after.substr(deleted, end - deleted));
            if (d.text && removed != *d.text) {
                throw ot::OpError("the deleted text is not what the document holds there");
            }
            deleted = end;
            out.push_back(ot::Delete{d.n, std::move(removed)});
        }
    }
    const std::size_t new_size = size() - deleted + inserted;
    if (new_size > max_bytes) {
        throw ot::TextTooLarge("the text would hold " + std::to_string(new_size) + " bytes");
    }
    if (gap_size_ + deleted < inserted) {
        // Room for this insert and the next keystrokes: the text behind the gap moves once.
        // Before anything else changes, so that a failure leaves the text as it was.
        const std::size_t more =
            inserted - gap_size_ - deleted + std::clamp<std::size_t>(new_size / 16, 256, 64 * 1024);
        text_.insert(gap_at_ + gap_size_, more, '\0');
        gap_size_ += more;
    }
    gap_size_ += deleted;  // what the op deletes follows the gap: the gap takes it in
    char* gap = text_.data() + gap_at_;
    for (std::size_t k = first; k < op.size(); ++k) {
        if (const auto* i = std::get_if<ot::Insert>(&op[k])) {
            std::memcpy(gap, i->text.data(), i->text.size());
            gap += i->text.size();
        }
    }
    gap_at_ += inserted;
    gap_size_ -= inserted;
    if (hint) *hint = {skip + inserted_code_points, gap_at_};
    return out;
}

}  // namespace samen::model
