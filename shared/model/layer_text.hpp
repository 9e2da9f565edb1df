// The text of a section layer, held with a gap where it was last edited: typing deep into a
// long text moves only what lies between one keystroke and the next, not everything behind it
// (docs/decisions/0030-layer-text-with-a-gap.md). Read as a std::string, it
// closes the gap first (one move of what follows it); a copy is always closed, so copies may be
// read from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "ot/text.hpp"

namespace samen::model {

class LayerText {
  public:
    LayerText() = default;
    LayerText(std::string text) : text_(std::move(text)) {}  // NOLINT: a text is a text
    LayerText(std::string_view text) : text_(text) {}        // NOLINT
    LayerText(const char* text) : text_(text) {}             // NOLINT
    LayerText(const LayerText& other) : text_(other.str()) {}
    LayerText(LayerText&& other) noexcept
        : text_(std::move(other.text_)),
          gap_at_(std::exchange(other.gap_at_, 0)),
          gap_size_(std::exchange(other.gap_size_, 0)) {
        other.text_.clear();
    }
    LayerText& operator=(const LayerText& other) {
        if (this != &other) *this = other.str();
        return *this;
    }
    LayerText& operator=(LayerText&& other) noexcept {
        if (this == &other) return *this;
        text_ = std::move(other.text_);
        gap_at_ = std::exchange(other.gap_at_, 0);
        gap_size_ = std::exchange(other.gap_size_, 0);
        other.text_.clear();
        return *this;
    }
    LayerText& operator=(std::string text) {
        text_ = std::move(text);
        gap_at_ = gap_size_ = 0;
        return *this;
    }
    LayerText& operator=(std::string_view text) { return *this = std::string(text); }
    LayerText& operator=(const char* text) { return *this = std::string(text); }

    /// The text, the gap closed.
    const std::string& str() const;
    operator const std::string&() const { return str(); }  // NOLINT: read as a string
    operator std::string_view() const { return str(); }    // NOLINT
    std::size_t size() const { return text_.size() - gap_size_; }
    bool empty() const { return size() == 0; }
    /// The text to change as a string (the gap closed); the gap opens again at the next apply.
    std::string& edit() {
        str();
        return text_;
    }

    /// ot::apply_in_place on this text, with the same contract: a change at one place (a
    /// keystroke, a paste, a deletion) moves the gap there and fills or widens it; an op that
    /// changes several places closes the gap and is applied to the string.
    ot::Op apply(const ot::Op& op, std::size_t max_bytes, ot::TextPosition* hint);

    friend bool operator==(const LayerText& a, const LayerText& b) { return a.str() == b.str(); }
    friend bool operator==(const LayerText& a, std::string_view b) { return a.str() == b; }
    friend bool operator==(const LayerText& a, const std::string& b) { return a.str() == b; }
    friend bool operator==(const LayerText& a, const char* b) { return a.str() == b; }

  private:
    /// Moves the gap so that it starts at byte `at` of the text.
    void move_gap(std::size_t at);
    void close() const;

    // The text's bytes with a gap of gap_size_ bytes at gap_at_; mutable: reading closes it.
    mutable std::string text_;
    mutable std::size_t gap_at_ = 0;
    mutable std::size_t gap_size_ = 0;
};

}  // namespace samen::model
