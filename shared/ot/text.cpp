// The algorithms follow ot-text-unicode 4.0.0 (ottypes/text, src/type.ts) step for step, so that
// both give the same output for the same input; tests/agreement checks that they do.
#include "ot/text.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

#include "text/utf8.hpp"

namespace samen::ot {
namespace {

constexpr std::size_t whole = std::numeric_limits<std::size_t>::max();

template <class... Fs>
struct overloaded : Fs... {
    using Fs::operator()...;
};
// Spelled out for compilers without aggregate deduction (clang before 17, which fuzzes this).
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

std::size_t component_length(const Component& c) {
    return std::visit(overloaded{[](const Skip& s) { return s.n; },
                                 [](const Insert& i) { return utf8::count(i.text); },
                                 [](const Delete& d) { return d.n; }},
                      c);
}

bool is_empty(const Component& c) {
    return std::visit(overloaded{[](const Skip& s) { return s.n == 0; },
                                 [](const Insert& i) { return i.text.empty(); },
                                 [](const Delete& d) { return d.n == 0; }},
                      c);
}

/// Appends a component, merging it into the last one when they are of the same kind
/// (makeAppend of the reference).
void append(Op& op, Component c) {
    if (is_empty(c)) return;
    if (op.empty() || op.back().index() != c.index()) {
        op.push_back(std::move(c));
        return;
    }
    std::visit(overloaded{[&](Skip& last) { last.n += std::get<Skip>(c).n; },
                          [&](Insert& last) { last.text += std::get<Insert>(c).text; },
                          [&](Delete& last) {
                              auto& d = std::get<Delete>(c);
                              last.n += d.n;
                              // The merged delete stays invertible only if both halves were.
                              if (last.text && d.text) {
                                  *last.text += *d.text;
                              } else {
                                  last.text.reset();
                              }
                          }},
               op.back());
}

Op trim(Op op) {
    if (!op.empty() && std::holds_alternative<Skip>(op.back())) op.pop_back();
    return op;
}

/// Reads components from the front of an op in pieces (makeTake of the reference). Past the end
/// of the op it yields skips forever.
class Taker {
  public:
    enum class Keep { none, inserts, deletes };  // which kind is never split

    explicit Taker(const Op& op) : op_(op) {}

    /// Up to `n` code points of the next component (`whole`: all of it). Returns nothing only for
    /// `whole` at the end of the op.
    std::optional<Component> take(std::size_t n, Keep keep) {
        if (idx_ == op_.size()) {
            if (n == whole) return std::nullopt;
            return Skip{n};
        }
        const Component& c = op_[idx_];
        if (const auto* s = std::get_if<Skip>(&c)) {
            if (n == whole || s->n - offset_ <= n) {
                Skip part{s->n - offset_};
                next();
                return part;
            }
            offset_ += n;
            return Skip{n};
        }
        if (const auto* i = std::get_if<Insert>(&c)) {
            std::string_view rest = std::string_view(i->text).substr(byte_offset_);
            if (n == whole || keep == Keep::inserts || utf8::count(rest) <= n) {
                Insert part{std::string(rest)};
                next();
                return part;
            }
            return Insert{std::string(advance(rest, n))};
        }
        const auto& d = std::get<Delete>(c);
        if (n == whole || keep == Keep::deletes || d.n - offset_ <= n) {
            Delete part{d.n - offset_, std::nullopt};
            if (d.text) part.text = d.text->substr(byte_offset_);
            next();
            return part;
        }
        Delete part{n, std::nullopt};
        if (d.text) {
            part.text = std::string(advance(std::string_view(*d.text).substr(byte_offset_), n));
        } else {
            offset_ += n;
        }
        return part;
    }

    const Component* peek() const { return idx_ < op_.size() ? &op_[idx_] : nullptr; }

  private:
    void next() {
        ++idx_;
        offset_ = 0;
        byte_offset_ = 0;
    }

    /// The first `n` code points of `rest`, moving the offsets past them.
    std::string_view advance(std::string_view rest, std::size_t n) {
        std::size_t bytes = utf8::byte_offset(rest, n);
        offset_ += n;
        byte_offset_ += bytes;
        return rest.substr(0, bytes);
    }

    const Op& op_;
    std::size_t idx_ = 0;
    std::size_t offset_ = 0;       // code points into op_[idx_]
    std::size_t byte_offset_ = 0;  // bytes into op_[idx_]'s text, for inserts and text deletes
};

/// Walks a document alongside an op (the builder of the reference's string rope), with the checks
/// the reference leaves out.
class DocCursor {
  public:
    explicit DocCursor(std::string_view doc) : doc_(doc) {}

    /// The next `n` code points. Throws when the document ends first.
    std::string_view read(std::size_t n) {
        std::size_t start = pos_;
        // Eight bytes at a time, whatever they hold: the code points among them are the bytes
        // that do not continue a character (not 10xxxxxx). Reaching a place deep in a long
        // section then costs a few nanoseconds per eight bytes, accents and emoji included.
        constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
        // A block of 128 bytes: each byte's "continues" bit summed per byte position, then over
        // the positions (at most 16 per position, so no sum overflows its byte).
        while (n >= 128 && doc_.size() - pos_ >= 128) {
            std::uint64_t sums = 0;
            for (std::size_t k = 0; k < 128; k += 8) {
                std::uint64_t word;
                std::memcpy(&word, doc_.data() + pos_ + k, sizeof word);
                sums += (word & ~(word << 1) & high_bits) >> 7;
            }
            pos_ += 128;
            n -= 128 - static_cast<std::size_t>((sums * 0x0101010101010101ULL) >> 56);
        }
        while (n >= 8 && doc_.size() - pos_ >= 8) {
            std::uint64_t word;
            std::memcpy(&word, doc_.data() + pos_, sizeof word);
            const std::uint64_t continuation = word & ~(word << 1) & high_bits;
            pos_ += 8;
            n -= 8 - static_cast<std::size_t>(std::popcount(continuation));
        }
        // The eight bytes may have ended inside a character they counted.
        while (pos_ < doc_.size() && utf8::is_continuation(doc_[pos_])) ++pos_;
        while (n > 0 && pos_ < doc_.size()) {
            ++pos_;
            while (pos_ < doc_.size() && utf8::is_continuation(doc_[pos_])) ++pos_;
            --n;
        }
        if (n > 0) throw OpError("the op is longer than the document");
        return doc_.substr(start, pos_ - start);
    }

    /// Goes to code point `n` from `from`, a place in the document (or from the start when
    /// `from` is not the start of a character or when that is closer). Throws as read does.
    void seek(std::size_t n, TextPosition from) {
        const bool at_character = from.bytes < doc_.size()
                                      ? !utf8::is_continuation(doc_[from.bytes])
                                      : from.bytes == doc_.size();
        if (!at_character || from.code_points > from.bytes) from = {};
        if (n >= from.code_points) {
            pos_ = from.bytes;
            read(n - from.code_points);
        } else if (n <= from.code_points - n) {
            pos_ = 0;
            read(n);
        } else {
            pos_ = from.bytes;
            back(from.code_points - n);
        }
    }

    std::string_view rest() const { return doc_.substr(pos_); }
    /// The byte offset reached.
    std::size_t offset() const { return pos_; }

  private:
    /// The "continues a character" bits (10xxxxxx) of eight bytes, one per byte at its top bit.
    static std::uint64_t continuations(const char* at) {
        constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
        std::uint64_t word;
        std::memcpy(&word, at, sizeof word);
        return word & ~(word << 1) & high_bits;
    }

    /// Moves back over `n` code points, to the start of a character: the n-th byte before the
    /// current place that starts one. Blocks whose characters are all passed go whole, as in read.
    void back(std::size_t n) {
        while (n > 0 && pos_ >= 128) {
            std::uint64_t sums = 0;
            for (std::size_t k = 0; k < 128; k += 8) {
                sums += continuations(doc_.data() + pos_ - 128 + k) >> 7;
            }
            const std::size_t starts =
                128 - static_cast<std::size_t>((sums * 0x0101010101010101ULL) >> 56);
            if (starts >= n) break;  // the place is in this block
            pos_ -= 128;
            n -= starts;
        }
        while (n > 0 && pos_ >= 8) {
            const std::size_t starts =
                8 - static_cast<std::size_t>(std::popcount(continuations(doc_.data() + pos_ - 8)));
            if (starts >= n) break;
            pos_ -= 8;
            n -= starts;
        }
        while (n > 0 && pos_ > 0) {
            --pos_;
            if (!utf8::is_continuation(doc_[pos_])) --n;
        }
        // Only a position before the start of the text would leave some: not a place in it.
        if (n > 0) throw std::logic_error("a text position hint past its start");
    }

    std::string_view doc_;
    std::size_t pos_ = 0;
};

const char* kind_name(const Component& c) {
    return std::visit(
        overloaded{[](const Skip&) { return "skip"; }, [](const Insert&) { return "insert"; },
                   [](const Delete&) { return "delete"; }},
        c);
}

}  // namespace

// ---- The type ---------------------------------------------------------------------------------

void check(const Op& op) {
    std::size_t read = 0;      // skips and deletes
    std::size_t inserted = 0;  // inserts
    for (std::size_t i = 0; i < op.size(); ++i) {
        const Component& c = op[i];
        const std::string where = "component " + std::to_string(i) + ": ";
        if (const auto* s = std::get_if<Skip>(&c)) {
            if (s->n == 0) throw OpError(where + "a skip must be positive");
        } else if (const auto* ins = std::get_if<Insert>(&c)) {
            if (ins->text.empty()) throw OpError(where + "an insert must not be empty");
            if (!utf8::valid(ins->text)) throw OpError(where + "insert is not valid UTF-8");
        } else {
            const auto& d = std::get<Delete>(c);
            if (d.n == 0) throw OpError(where + "a delete must not be empty");
            if (d.text) {
                if (!utf8::valid(*d.text)) throw OpError(where + "deleted text is not valid UTF-8");
                if (utf8::count(*d.text) != d.n) {
                    throw OpError(where + "delete length does not match its text");
                }
            }
        }
        if (const auto* ins = std::get_if<Insert>(&c)) {
            inserted += utf8::count(ins->text);
        } else {
            const std::size_t n = component_length(c);
            read += std::min(n, max_count + 1);
        }
        if (read > max_count || inserted > max_count) {
            throw OpError(where + "the op's counts add up to more than " +
                          std::to_string(max_count));
        }
        if (i > 0 && op[i - 1].index() == c.index()) {
            throw OpError(where + "adjacent " + kind_name(c) + " components must be merged");
        }
    }
    if (!op.empty() && std::holds_alternative<Skip>(op.back())) {
        throw OpError("the op ends with a skip");
    }
}

Op normalize(const Op& op) {
    Op out;
    // Bounded before anything is merged, so that no sum can wrap; by the same two sums as check,
    // so that every op check takes comes out as it went in.
    std::size_t read = 0;      // skips and deletes
    std::size_t inserted = 0;  // inserts
    for (const Component& c : op) {
        std::size_t& total = std::holds_alternative<Insert>(c) ? inserted : read;
        total += std::min(component_length(c), max_count + 1);
        if (total > max_count) {
            throw OpError("the op's counts add up to more than " + std::to_string(max_count));
        }
    }
    for (const Component& c : op) {
        if (const auto* ins = std::get_if<Insert>(&c); ins && !utf8::valid(ins->text)) {
            throw OpError("insert is not valid UTF-8");
        }
        if (const auto* d = std::get_if<Delete>(&c); d && d->text) {
            if (!utf8::valid(*d->text)) throw OpError("deleted text is not valid UTF-8");
            if (utf8::count(*d->text) != d->n)
                throw OpError("delete length does not match its text");
        }
        append(out, c);
    }
    return trim(std::move(out));
}

std::size_t input_length(const Op& op) {
    std::size_t n = 0;
    for (const Component& c : op) {
        if (const auto* s = std::get_if<Skip>(&c)) n += s->n;
        if (const auto* d = std::get_if<Delete>(&c)) n += d->n;
    }
    return n;
}

std::size_t output_length(const Op& op, std::size_t doc_length) {
    std::size_t n = doc_length;
    for (const Component& c : op) {
        if (const auto* i = std::get_if<Insert>(&c)) n += utf8::count(i->text);
        if (const auto* d = std::get_if<Delete>(&c)) n -= std::min(n, d->n);
    }
    return n;
}

std::string apply(std::string_view doc, const Op& op) {
    check(op);
    std::string out;
    out.reserve(doc.size() + 16);
    DocCursor cursor(doc);
    for (const Component& c : op) {
        if (const auto* s = std::get_if<Skip>(&c)) {
            out += cursor.read(s->n);
        } else if (const auto* i = std::get_if<Insert>(&c)) {
            out += i->text;
        } else {
            const auto& d = std::get<Delete>(c);
            std::string_view removed = cursor.read(d.n);
            if (d.text && removed != *d.text) {
                throw OpError("the deleted text is not what the document holds there");
            }
        }
    }
    out += cursor.rest();
    return out;
}

Op apply_in_place(std::string& doc, const Op& op, std::size_t max_bytes, TextPosition* hint) {
    check(op);
    // First every place the op changes, as byte ranges of `doc` (the walk may still throw), then
    // the changes from the last to the first, so that the offsets of the earlier ones hold.
    struct Change {
        std::size_t at = 0;
        std::size_t erase = 0;
        const std::string* insert = nullptr;
    };
    std::vector<Change> changes;
    Op out;
    DocCursor cursor(doc);
    std::size_t size = doc.size();
    // The place after the last component in the new text: the code points that skips and inserts
    // add up to; its byte offset is the cursor's, moved by what the op inserts and deletes.
    std::size_t after = 0;
    std::size_t i0 = 0;
    if (hint && !op.empty() && std::holds_alternative<Skip>(op.front())) {
        after = std::get<Skip>(op.front()).n;
        cursor.seek(after, *hint);
        append(out, op.front());
        i0 = 1;
    }
    for (std::size_t k = i0; k < op.size(); ++k) {
        const Component& c = op[k];
        if (const auto* s = std::get_if<Skip>(&c)) {
            cursor.read(s->n);
            after += s->n;
            append(out, c);
        } else if (const auto* i = std::get_if<Insert>(&c)) {
            changes.push_back({cursor.offset(), 0, &i->text});
            size += i->text.size();
            if (hint) after += utf8::count(i->text);
            append(out, c);
        } else {
            const auto& d = std::get<Delete>(c);
            std::size_t at = cursor.offset();
            std::string_view removed = cursor.read(d.n);
            if (d.text && removed != *d.text) {
                throw OpError("the deleted text is not what the document holds there");
            }
            changes.push_back({at, removed.size(), nullptr});
            size -= removed.size();
            append(out, Delete{d.n, std::string(removed)});
        }
    }
    if (size > max_bytes) {
        throw TextTooLarge("the text would hold " + std::to_string(size) + " bytes");
    }
    // The input bytes the walk passed, then what the op did to them (size - doc.size()).
    const std::size_t end = cursor.offset();
    const std::size_t old_size = doc.size();
    // The start of the text is a place in any text, should a change below throw.
    if (hint && !op.empty()) *hint = {};
    for (auto c = changes.rbegin(); c != changes.rend(); ++c) {
        if (c->insert) {
            doc.insert(c->at, *c->insert);
        } else {
            doc.erase(c->at, c->erase);
        }
    }
    if (hint && !op.empty()) *hint = {after, end + size - old_size};
    return trim(std::move(out));
}

Op transform(const Op& op, const Op& other, Side side) {
    check(op);
    check(other);
    Op out;
    Taker taker(op);
    for (const Component& c2 : other) {
        if (const auto* s = std::get_if<Skip>(&c2)) {
            std::size_t len = s->n;
            while (len > 0) {
                Component c1 = *taker.take(len, Taker::Keep::inserts);
                if (!std::holds_alternative<Insert>(c1)) len -= component_length(c1);
                append(out, std::move(c1));
            }
        } else if (const auto* ins = std::get_if<Insert>(&c2)) {
            // On the left, an insert of `op` at the same place goes first.
            const Component* next = taker.peek();
            if (side == Side::left && next && std::holds_alternative<Insert>(*next)) {
                append(out, *taker.take(whole, Taker::Keep::none));
            }
            append(out, Skip{utf8::count(ins->text)});
        } else {
            std::size_t len = std::get<Delete>(c2).n;
            while (len > 0) {
                Component c1 = *taker.take(len, Taker::Keep::inserts);
                if (std::holds_alternative<Insert>(c1)) {
                    append(out, std::move(c1));
                } else {
                    // A skip over deleted text vanishes; a delete of it is already done.
                    len -= component_length(c1);
                }
            }
        }
    }
    while (auto c = taker.take(whole, Taker::Keep::none)) append(out, std::move(*c));
    return trim(std::move(out));
}

Op compose(const Op& a, const Op& b) {
    check(a);
    check(b);
    Op out;
    Taker taker(a);
    for (const Component& c : b) {
        if (const auto* s = std::get_if<Skip>(&c)) {
            std::size_t len = s->n;
            while (len > 0) {
                Component chunk = *taker.take(len, Taker::Keep::deletes);
                if (!std::holds_alternative<Delete>(chunk)) len -= component_length(chunk);
                append(out, std::move(chunk));
            }
        } else if (std::holds_alternative<Insert>(c)) {
            append(out, c);
        } else {
            const auto& del = std::get<Delete>(c);
            std::size_t offset = 0;  // code points of `del` done
            std::size_t byte = 0;    // bytes of del.text done
            while (offset < del.n) {
                Component chunk = *taker.take(del.n - offset, Taker::Keep::deletes);
                if (const auto* skip = std::get_if<Skip>(&chunk)) {
                    // b deletes text that a kept.
                    Delete part{skip->n, std::nullopt};
                    if (del.text) {
                        std::string_view rest = std::string_view(*del.text).substr(byte);
                        std::size_t bytes = utf8::byte_offset(rest, skip->n);
                        part.text = std::string(rest.substr(0, bytes));
                        byte += bytes;
                    }
                    offset += skip->n;
                    append(out, std::move(part));
                } else if (const auto* ins = std::get_if<Insert>(&chunk)) {
                    // b deletes text that a inserted: both vanish.
                    std::size_t n = utf8::count(ins->text);
                    if (del.text)
                        byte += utf8::byte_offset(std::string_view(*del.text).substr(byte), n);
                    offset += n;
                } else {
                    append(out, std::move(chunk));
                }
            }
        }
    }
    while (auto c = taker.take(whole, Taker::Keep::none)) append(out, std::move(*c));
    return trim(std::move(out));
}

std::size_t transform_position(std::size_t cursor, const Op& op) noexcept {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < op.size() && cursor > pos; ++i) {
        const Component& c = op[i];
        if (const auto* s = std::get_if<Skip>(&c)) {
            pos += s->n;
        } else if (const auto* ins = std::get_if<Insert>(&c)) {
            std::size_t n = utf8::count(ins->text);
            pos += n;
            cursor += n;
        } else {
            cursor -= std::min(std::get<Delete>(c).n, cursor - pos);
        }
    }
    return cursor;
}

Selection transform_selection(Selection sel, const Op& op) noexcept {
    return {transform_position(sel.anchor, op), transform_position(sel.head, op)};
}

bool is_invertible(const Op& op) noexcept {
    return std::none_of(op.begin(), op.end(), [](const Component& c) {
        const auto* d = std::get_if<Delete>(&c);
        return d && !d->text;
    });
}

Op invert(const Op& op) {
    check(op);
    Op out;
    for (const Component& c : op) {
        if (const auto* ins = std::get_if<Insert>(&c)) {
            append(out, Delete{utf8::count(ins->text), ins->text});
        } else if (const auto* d = std::get_if<Delete>(&c)) {
            if (!d->text) {
                throw OpError(
                    "cannot invert a delete without its text: make the op invertible first");
            }
            append(out, Insert{*d->text});
        } else {
            append(out, c);
        }
    }
    return trim(std::move(out));
}

Op make_invertible(const Op& op, std::string_view doc) {
    check(op);
    Op out;
    DocCursor cursor(doc);
    for (const Component& c : op) {
        if (const auto* s = std::get_if<Skip>(&c)) {
            cursor.read(s->n);
            append(out, c);
        } else if (const auto* d = std::get_if<Delete>(&c)) {
            std::string_view removed = cursor.read(d->n);
            if (d->text && removed != *d->text) {
                throw OpError("the deleted text is not what the document holds there");
            }
            append(out, Delete{d->n, std::string(removed)});
        } else {
            append(out, c);
        }
    }
    return trim(std::move(out));
}

Op strip_invertible(const Op& op) {
    Op out;
    for (const Component& c : op) {
        if (const auto* d = std::get_if<Delete>(&c)) {
            append(out, Delete{d->n, std::nullopt});
        } else {
            append(out, c);
        }
    }
    return trim(std::move(out));
}

}  // namespace samen::ot
