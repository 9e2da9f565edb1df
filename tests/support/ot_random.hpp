// Random documents and random valid text ops, for property tests of the OT core and of
// everything built on it. Deliberately independent of ot/text.cpp (own UTF-8 walking, own
// merging of components), so that a bug there cannot hide itself in the inputs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ot/text.hpp"

namespace samen::test {

/// The seed of a randomized test: `fallback`, or SAMEN_TEST_SEED from the environment to explore
/// other cases. Print it (INFO) so that a failure can be replayed.
inline std::uint64_t test_seed(std::uint64_t fallback) {
    if (const char* env = std::getenv("SAMEN_TEST_SEED"); env != nullptr && *env != '\0') {
        return std::strtoull(env, nullptr, 0);
    }
    return fallback;
}

/// The characters Samen's documents are made of, and the ones that break naive code: Dutch
/// letters, the typographic apostrophe and the ĳ ligature, combining marks that follow a base
/// letter, astral emoji (two UTF-16 units in the browser), flags, ZWJ sequences, a variation
/// selector, Markdown punctuation and newlines.
inline const std::vector<std::string>& ot_alphabet() {
    // clang-format off
    static const std::vector<std::string> alphabet = {
        "a", "b", "e", "i", "n", "o", "r", "s", "t", "v", " ", " ", " ", "\n", "#", "*", "-",
        ".", ",", "0", "7", "\t", "é", "ë", "ï", "ö", "ü", "è", "á", "’", "‘", "“", "”", "ĳ",
        "Ĳ", "€", "–",
        "\xCC\x81",          // U+0301 combining acute
        "\xCC\x88",          // U+0308 combining diaeresis
        "\xF0\x9F\x98\x80",  // U+1F600 😀
        "\xF0\x9F\x9A\xB2",  // U+1F6B2 🚲
        "\xF0\x9F\x87\xB3",  // U+1F1F3 regional indicator N
        "\xF0\x9F\x87\xB1",  // U+1F1F1 regional indicator L
        "\xE2\x80\x8D",      // U+200D zero width joiner
        "\xEF\xB8\x8F",      // U+FE0F variation selector-16
        "\xE2\x9D\xA4",      // U+2764 heavy black heart
        "\xF4\x8F\xBF\xBF",  // U+10FFFF, the last code point
        "\xEF\xBF\xBD",      // U+FFFD replacement character
        "\xE4\xB8\xAD",      // U+4E2D 中
        "\xE2\x80\xA8",      // U+2028 line separator (JSON may leave it unescaped)
        "\"", "\\", std::string(1, '\0'),
    };
    // clang-format on
    return alphabet;
}

/// A text of `min_cps`..`max_cps` code points drawn from ot_alphabet().
inline std::string random_text(std::mt19937_64& rng, std::size_t min_cps, std::size_t max_cps) {
    const auto& alphabet = ot_alphabet();
    std::uniform_int_distribution<std::size_t> count(min_cps, max_cps);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string text;
    for (std::size_t n = count(rng); n > 0; --n) {
        const std::string& cp = alphabet[pick(rng)];
        // Combining marks mostly follow a base letter, as they do in real text.
        if (cp[0] == '\xCC' && n >= 2 && (rng() % 2) == 0) {
            text += 'e';
            --n;
        }
        text += cp;
    }
    return text;
}

/// A document of up to `max_cps` code points; one in eight is empty, and many are very short so
/// that random ops on it often meet at the same place.
inline std::string random_doc(std::mt19937_64& rng, std::size_t max_cps = 40) {
    const auto kind = rng() % 8;
    if (kind == 0) return {};
    return random_text(rng, 1, kind <= 2 ? std::min<std::size_t>(4, max_cps) : max_cps);
}

/// The byte offset where each code point of valid UTF-8 `s` starts, plus s.size() at the end.
inline std::vector<std::size_t> code_point_starts(std::string_view s) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0U) != 0x80U) starts.push_back(i);
    }
    starts.push_back(s.size());
    return starts;
}

/// Code points [from, to) of valid UTF-8 `s`.
inline std::string cp_slice(std::string_view s, std::size_t from, std::size_t to) {
    const auto starts = code_point_starts(s);
    return std::string(s.substr(starts[from], starts[to] - starts[from]));
}

inline std::size_t cp_length(std::string_view s) {
    return code_point_starts(s).size() - 1;
}

/// Builds a normalized op by appending components, merging like ones (as the reference's
/// makeAppend does, but written separately).
class OpBuilder {
  public:
    OpBuilder& skip(std::size_t n) {
        if (n == 0) return *this;
        if (!op_.empty()) {
            if (auto* last = std::get_if<ot::Skip>(&op_.back())) {
                last->n += n;
                return *this;
            }
        }
        op_.emplace_back(ot::Skip{n});
        return *this;
    }
    OpBuilder& insert(std::string text) {
        if (text.empty()) return *this;
        if (!op_.empty()) {
            if (auto* last = std::get_if<ot::Insert>(&op_.back())) {
                last->text += text;
                return *this;
            }
        }
        op_.emplace_back(ot::Insert{std::move(text)});
        return *this;
    }
    /// Deletes `n` code points; `text`, when given, is what they are.
    OpBuilder& remove(std::size_t n, std::optional<std::string> text = std::nullopt) {
        if (n == 0) return *this;
        if (!op_.empty()) {
            if (auto* last = std::get_if<ot::Delete>(&op_.back())) {
                last->n += n;
                if (last->text && text) {
                    *last->text += *text;
                } else {
                    last->text.reset();
                }
                return *this;
            }
        }
        op_.emplace_back(ot::Delete{n, std::move(text)});
        return *this;
    }
    ot::Op build() && {
        if (!op_.empty() && std::holds_alternative<ot::Skip>(op_.back())) op_.pop_back();
        return std::move(op_);
    }

  private:
    ot::Op op_;
};

struct RandomOpOptions {
    /// Chance that a delete carries its text ({"d": "str"}).
    double invertible = 0.5;
    /// Most components one op has (before merging).
    std::size_t max_steps = 6;
    /// Longest insert, in code points.
    std::size_t max_insert = 6;
};

/// A random normalized op that applies to `doc`: it never reaches past its end, and every
/// `{"d": "str"}` holds the text the document has there. Sometimes empty, sometimes reaching
/// exactly to the end of the document.
inline ot::Op random_op(std::mt19937_64& rng, std::string_view doc, RandomOpOptions options = {}) {
    const std::size_t doc_length = cp_length(doc);
    const auto starts = code_point_starts(doc);
    std::bernoulli_distribution with_text(options.invertible);
    OpBuilder op;
    std::size_t pos = 0;  // in code points of `doc`
    const std::size_t steps = rng() % (options.max_steps + 1);
    for (std::size_t step = 0; step < steps; ++step) {
        const std::size_t left = doc_length - pos;
        const auto kind = rng() % 3;
        if (kind == 1) {
            op.insert(random_text(rng, 1, options.max_insert));
        } else if (left > 0 && kind == 0) {
            const std::size_t n = 1 + rng() % left;
            op.skip(n);
            pos += n;
        } else if (left > 0) {
            // Short deletes mostly, now and then to the end of the document.
            const std::size_t n =
                rng() % 4 == 0 ? left : 1 + rng() % std::min<std::size_t>(left, 5);
            if (with_text(rng)) {
                op.remove(n, std::string(doc.substr(starts[pos], starts[pos + n] - starts[pos])));
            } else {
                op.remove(n);
            }
            pos += n;
        }
    }
    return std::move(op).build();
}

/// The same op as `op` (normalized), written the long way a client might send it: components cut
/// into pieces, empty components between them, a trailing skip. normalize() must undo all of it.
inline ot::Op random_unnormalized(std::mt19937_64& rng, const ot::Op& op) {
    ot::Op out;
    const auto empty = [&] {
        switch (rng() % 4) {
            case 0:
                out.emplace_back(ot::Skip{0});
                break;
            case 1:
                out.emplace_back(ot::Insert{""});
                break;
            case 2:
                out.emplace_back(ot::Delete{0, std::nullopt});
                break;
            default:
                out.emplace_back(ot::Delete{0, std::string()});
                break;
        }
    };
    for (const ot::Component& c : op) {
        if (rng() % 3 == 0) empty();
        if (const auto* s = std::get_if<ot::Skip>(&c)) {
            const std::size_t cut = rng() % (s->n + 1);
            out.emplace_back(ot::Skip{cut});
            out.emplace_back(ot::Skip{s->n - cut});
        } else if (const auto* i = std::get_if<ot::Insert>(&c)) {
            const std::size_t n = cp_length(i->text);
            const std::size_t cut = rng() % (n + 1);
            out.emplace_back(ot::Insert{cp_slice(i->text, 0, cut)});
            if (rng() % 3 == 0) empty();
            out.emplace_back(ot::Insert{cp_slice(i->text, cut, n)});
        } else {
            const auto& d = std::get<ot::Delete>(c);
            const std::size_t cut = rng() % (d.n + 1);
            if (d.text) {
                out.emplace_back(ot::Delete{cut, cp_slice(*d.text, 0, cut)});
                out.emplace_back(ot::Delete{d.n - cut, cp_slice(*d.text, cut, d.n)});
            } else {
                out.emplace_back(ot::Delete{cut, std::nullopt});
                out.emplace_back(ot::Delete{d.n - cut, std::nullopt});
            }
        }
    }
    if (rng() % 3 == 0) out.emplace_back(ot::Skip{1 + rng() % 5});
    if (rng() % 3 == 0) empty();
    return out;
}

/// How typing_op types: with 0 for either, it never does that (and draws nothing for it).
struct TypingOptions {
    std::size_t replace_one_in = 0;  // a delete followed by an insert of up to 400 code points
    std::size_t paste_one_in = 0;    // an insert of up to 3,000 code points, not 1–3
};

/// What an editor does to `text` next: a keystroke (1–3 code points) or a small delete (1–3)
/// up to 300 code points before or after `near` (where the last one landed), and one time in four
/// anywhere.
inline ot::Op typing_op(std::mt19937_64& rng, const std::string& text, std::size_t near,
                        TypingOptions options = {}) {
    const std::size_t length = cp_length(text);
    if (rng() % 4 == 0) near = rng() % (length + 1);
    const std::size_t spread = 1 + rng() % 300;
    std::size_t at = near + rng() % (2 * spread + 1);
    at = at < spread ? 0 : std::min(at - spread, length);
    OpBuilder b;
    b.skip(at);
    if (at < length && rng() % 3 == 0) {
        b.remove(1 + rng() % std::min<std::size_t>(length - at, 3));
        if (options.replace_one_in > 0 && rng() % options.replace_one_in == 0) {
            b.insert(random_text(rng, 1, 400));
        }
    } else {
        const bool paste = options.paste_one_in > 0 && rng() % options.paste_one_in == 0;
        b.insert(random_text(rng, 1, paste ? 3000 : 3));
    }
    return std::move(b).build();
}

}  // namespace samen::test
