#include "model/merge.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "ot/text.hpp"
#include "text/utf8.hpp"

namespace samen::model {
namespace {

enum class CharClass { word, space, other };

CharClass classify(char32_t c) noexcept {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0) {
        return CharClass::space;
    }
    if (c < 0x80) {
        const bool alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        return alnum ? CharClass::word : CharClass::other;
    }
    // Latin letters with their diacritics (é, ë, ĳ), combining marks, Greek, Cyrillic and the
    // other alphabets up to Latin Extended Additional read as word characters; general
    // punctuation (’, –), symbols and emoji stand alone, so an edit to one of them stays small.
    if (c >= 0xC0 && c <= 0x1FFF)
        return c == 0xD7 || c == 0xF7 ? CharClass::other : CharClass::word;
    return CharClass::other;
}

/// A text cut into tokens: token t is bytes [bytes[t], bytes[t + 1]) and starts at code point
/// points[t]; both vectors end with the text's totals.
struct Tokens {
    std::string_view text;
    std::vector<std::size_t> bytes;
    std::vector<std::size_t> points;

    std::size_t size() const noexcept { return bytes.size() - 1; }
    std::string_view token(std::size_t t) const noexcept {
        return text.substr(bytes[t], bytes[t + 1] - bytes[t]);
    }
    std::string_view slice(std::size_t from, std::size_t to) const noexcept {
        return text.substr(bytes[from], bytes[to] - bytes[from]);
    }
};

Tokens tokenize(std::string_view text, const char* what) {
    if (!utf8::valid(text)) {
        throw std::invalid_argument(std::string(what) + " text is not valid UTF-8");
    }
    Tokens out{text, {}, {}};
    std::size_t i = 0;
    std::size_t point = 0;
    CharClass run = CharClass::other;
    while (i < text.size()) {
        const std::size_t start = i;
        const auto [code_point, length] = utf8::decode(text, i);
        i += length;
        const CharClass c = classify(code_point);
        if (start == 0 || c == CharClass::other || c != run) {
            out.bytes.push_back(start);
            out.points.push_back(point);
        }
        run = c;
        ++point;
    }
    out.bytes.push_back(text.size());
    out.points.push_back(point);
    return out;
}

/// A hunk in token indices.
struct Hunk {
    std::size_t a_start, a_len, b_start, b_len;
    std::size_t a_end() const noexcept { return a_start + a_len; }
    std::size_t b_end() const noexcept { return b_start + b_len; }
};

bool is_word_token(const Tokens& t, std::size_t i) {
    const auto [code_point, length] = utf8::decode(t.text, t.bytes[i]);
    return classify(code_point) == CharClass::word;
}

/// One side's hunks, joined where the base between two of them holds no word (white space and
/// punctuation only): "Jeugdoverlast" -> "Overlast door jeugd" is one change, not a replaced word
/// and an insertion beside it that could be taken without it.
std::vector<Hunk> join_neighbours(const std::vector<Hunk>& hunks, const Tokens& base) {
    std::vector<Hunk> out;
    for (const Hunk& h : hunks) {
        if (!out.empty()) {
            Hunk& last = out.back();
            bool wordless = true;
            for (std::size_t i = last.a_end(); i < h.a_start && wordless; ++i) {
                wordless = !is_word_token(base, i);
            }
            if (wordless) {
                last.a_len = h.a_end() - last.a_start;
                last.b_len = h.b_end() - last.b_start;
                continue;
            }
        }
        out.push_back(h);
    }
    return out;
}

/// The same token gets the same id across all texts given to one Interner, so comparing tokens
/// in the diff's inner loop is comparing integers.
class Interner {
  public:
    std::vector<std::uint32_t> ids(const Tokens& t) {
        std::vector<std::uint32_t> out(t.size());
        for (std::size_t i = 0; i < t.size(); ++i) {
            auto [it, fresh] =
                ids_.try_emplace(t.token(i), static_cast<std::uint32_t>(ids_.size()));
            out[i] = it->second;
        }
        return out;
    }

  private:
    std::unordered_map<std::string_view, std::uint32_t> ids_;
};

/// Myers' greedy shortest edit script between a and b (already stripped of their common prefix
/// and suffix), marking the deleted tokens of a and the inserted tokens of b. False when more
/// than max_edits edits are needed.
bool myers(const std::uint32_t* a, std::size_t n_, const std::uint32_t* b, std::size_t m_,
           std::size_t max_edits, std::vector<bool>& deleted, std::vector<bool>& inserted) {
    // 32-bit indices halve the trace; texts too long for them take the coarse path.
    using Index = std::int32_t;
    if (n_ + m_ >= static_cast<std::size_t>(std::numeric_limits<Index>::max() / 2)) return false;
    const auto n = static_cast<Index>(n_);
    const auto m = static_cast<Index>(m_);
    const Index limit = static_cast<Index>(std::min<std::size_t>(n_ + m_, max_edits));
    // v[k + offset] is the furthest x reached on diagonal k = x - y; trace[d] keeps v[-d..d] after
    // step d so the path can be walked back: O(D^2) memory, bounded by max_edits.
    const Index offset = limit + 1;
    std::vector<Index> v(static_cast<std::size_t>(2 * limit + 3), 0);
    std::vector<std::vector<Index>> trace;
    auto at = [&](Index k) -> Index& { return v[static_cast<std::size_t>(k + offset)]; };
    Index found = -1;
    for (Index d = 0; d <= limit && found < 0; ++d) {
        for (Index k = -d; k <= d; k += 2) {
            Index x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
            Index y = x - k;
            while (x < n && y < m && a[x] == b[y]) ++x, ++y;
            at(k) = x;
            if (x >= n && y >= m) found = d;
        }
        trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
    }
    if (found < 0) return false;

    deleted.assign(n_, false);
    inserted.assign(m_, false);
    Index x = n;
    Index y = m;
    for (Index d = found; d > 0; --d) {
        const std::vector<Index>& prev = trace[static_cast<std::size_t>(d - 1)];
        auto prev_at = [&](Index k) { return prev[static_cast<std::size_t>(k + d - 1)]; };
        const Index k = x - y;
        const bool down = k == -d || (k != d && prev_at(k - 1) < prev_at(k + 1));
        const Index prev_k = down ? k + 1 : k - 1;
        const Index prev_x = prev_at(prev_k);
        const Index prev_y = prev_x - prev_k;
        if (down) {
            inserted[static_cast<std::size_t>(prev_y)] = true;
        } else {
            deleted[static_cast<std::size_t>(prev_x)] = true;
        }
        x = prev_x;
        y = prev_y;
    }
    return true;
}

/// The token hunks turning a into b.
std::vector<Hunk> diff_tokens(const std::vector<std::uint32_t>& a,
                              const std::vector<std::uint32_t>& b, std::size_t max_edits) {
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
        ++suffix;
    }
    const std::size_t n = a.size() - prefix - suffix;
    const std::size_t m = b.size() - prefix - suffix;
    if (n == 0 && m == 0) return {};

    std::vector<bool> deleted;
    std::vector<bool> inserted;
    if (n == 0 || m == 0 ||
        !myers(a.data() + prefix, n, b.data() + prefix, m, max_edits, deleted, inserted)) {
        return {Hunk{prefix, n, prefix, m}};
    }
    // The tokens neither deleted nor inserted are the common subsequence, paired in order.
    std::vector<Hunk> out;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && !deleted[i] && !inserted[j]) {
            ++i, ++j;
            continue;
        }
        Hunk h{prefix + i, 0, prefix + j, 0};
        while (i < n && deleted[i]) ++i, ++h.a_len;
        while (j < m && inserted[j]) ++j, ++h.b_len;
        out.push_back(h);
    }
    return out;
}

}  // namespace

std::vector<DiffHunk> diff(std::string_view a, std::string_view b, std::size_t max_edits) {
    const Tokens ta = tokenize(a, "first");
    const Tokens tb = tokenize(b, "second");
    Interner interner;
    const auto ia = interner.ids(ta);
    const auto ib = interner.ids(tb);
    std::vector<DiffHunk> out;
    for (const Hunk& h : diff_tokens(ia, ib, max_edits)) {
        out.push_back({ta.points[h.a_start], ta.points[h.a_end()] - ta.points[h.a_start],
                       tb.points[h.b_start], tb.points[h.b_end()] - tb.points[h.b_start]});
    }
    return out;
}

std::string both_texts(std::string_view theirs, std::string_view ours) {
    std::string out(theirs);
    if (!theirs.empty() && !ours.empty()) {
        std::size_t last = theirs.size() - 1;
        while (last > 0 && utf8::is_continuation(theirs[last])) --last;
        const bool word_before = classify(utf8::decode(theirs, last).code_point) == CharClass::word;
        const bool word_after = classify(utf8::decode(ours, 0).code_point) == CharClass::word;
        if (word_before && word_after) out += ' ';
    }
    out += ours;
    return out;
}

MergeResult merge3(std::string_view base, std::string_view ours, std::string_view theirs) {
    const Tokens tbase = tokenize(base, "base");
    const Tokens tours = tokenize(ours, "our");
    const Tokens ttheirs = tokenize(theirs, "their");
    Interner interner;
    const auto ibase = interner.ids(tbase);
    const std::vector<Hunk> hours =
        join_neighbours(diff_tokens(ibase, interner.ids(tours), default_max_edits), tbase);
    const std::vector<Hunk> htheirs =
        join_neighbours(diff_tokens(ibase, interner.ids(ttheirs), default_max_edits), tbase);

    MergeResult out;
    std::size_t merged_points = 0;
    auto emit = [&](std::string_view piece, std::size_t points) {
        out.merged += piece;
        merged_points += points;
    };
    auto emit_side = [&](const Tokens& t, std::size_t from, std::size_t to) {
        emit(t.slice(from, to), t.points[to] - t.points[from]);
    };

    std::size_t copied = 0;  // base tokens before this are done with
    std::size_t o = 0;
    std::size_t t = 0;
    while (o < hours.size() || t < htheirs.size()) {
        // A group: the hunks of both sides that overlap or touch, as one base region [lo, hi).
        const bool ours_first =
            t == htheirs.size() || (o < hours.size() && hours[o].a_start <= htheirs[t].a_start);
        const std::size_t lo = ours_first ? hours[o].a_start : htheirs[t].a_start;
        std::size_t hi = lo;
        const std::size_t o_first = o;
        const std::size_t t_first = t;
        for (bool grew = true; grew;) {
            grew = false;
            if (o < hours.size() && hours[o].a_start <= hi) {
                hi = std::max(hi, hours[o++].a_end());
                grew = true;
            }
            if (t < htheirs.size() && htheirs[t].a_start <= hi) {
                hi = std::max(hi, htheirs[t++].a_end());
                grew = true;
            }
        }
        emit_side(tbase, copied, lo);
        copied = hi;

        // What each side made of base[lo, hi): its hunks' text, and base's text around them.
        auto side_range = [&](const std::vector<Hunk>& hs, std::size_t first, std::size_t last) {
            const Hunk& f = hs[first];
            const Hunk& l = hs[last - 1];
            return std::pair{f.b_start - (f.a_start - lo), l.b_end() + (hi - l.a_end())};
        };
        if (o == o_first) {
            const auto [from, to] = side_range(htheirs, t_first, t);
            emit_side(ttheirs, from, to);
        } else if (t == t_first) {
            const auto [from, to] = side_range(hours, o_first, o);
            emit_side(tours, from, to);
        } else {
            const auto [our_from, our_to] = side_range(hours, o_first, o);
            const auto [their_from, their_to] = side_range(htheirs, t_first, t);
            const std::string_view our_text = tours.slice(our_from, our_to);
            const std::string_view their_text = ttheirs.slice(their_from, their_to);
            if (our_text == their_text) {
                emit_side(tours, our_from, our_to);
            } else if (lo == hi) {
                // Both only inserted here: neither loses its words; the common text first.
                out.conflicts.push_back({merged_points,
                                         {},
                                         std::string(our_text),
                                         std::string(their_text),
                                         Kept::both});
                const std::string kept = both_texts(their_text, our_text);
                emit(kept, utf8::count(kept));
            } else {
                out.conflicts.push_back({merged_points, std::string(tbase.slice(lo, hi)),
                                         std::string(our_text), std::string(their_text),
                                         Kept::ours});
                emit_side(tours, our_from, our_to);
            }
        }
    }
    emit_side(tbase, copied, tbase.size());
    return out;
}

// GCC 12 warns that a moved ot::Insert "may be used uninitialized" when push_back reallocates a
// vector of variants (a false positive of its inliner, gcc.gnu.org/PR105562); the warning is an
// error in our builds, so it is silenced here, where it fires, and nowhere else.
#pragma GCC diagnostic push
#if !defined(__clang__)  // clang has no such warning, and warns about the unknown name
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
ot::Op diff_op(std::string_view a, std::string_view b, std::size_t max_edits) {
    ot::Op op;
    std::size_t at = 0;                // code points of `a` consumed
    std::size_t b_byte = 0, b_cp = 0;  // a cursor into `b`, to cut inserts without rescanning
    auto b_slice = [&](std::size_t start, std::size_t len) {
        b_byte += utf8::byte_offset(b.substr(b_byte), start - b_cp);
        b_cp = start;
        const std::size_t bytes = utf8::byte_offset(b.substr(b_byte), len);
        std::string out(b.substr(b_byte, bytes));
        b_byte += bytes;
        b_cp += len;
        return out;
    };
    for (const DiffHunk& h : diff(a, b, max_edits)) {
        if (h.a_start > at) op.push_back(ot::Skip{h.a_start - at});
        if (h.a_len > 0) op.push_back(ot::Delete{h.a_len, std::nullopt});
        if (h.b_len > 0) op.push_back(ot::Insert{b_slice(h.b_start, h.b_len)});
        at = h.a_start + h.a_len;
    }
    return ot::normalize(op);
}
#pragma GCC diagnostic pop

}  // namespace samen::model
