// What the OT core costs on a large section: 50,000 code points of Dutch policy text with some
// emoji, edited the ways a workgroup edits it (a keystroke, a paste, a paragraph deleted).
// Results and the command that produced them: docs/performance/ot-core.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "ot/json.hpp"
#include "ot/text.hpp"
#include "ot_random.hpp"
#include "text/utf8.hpp"

namespace ot = samen::ot;
namespace utf8 = samen::utf8;

namespace {

constexpr std::size_t section_cps = 50'000;
constexpr std::size_t paste_bytes = 2048;
constexpr std::size_t variants = 256;  // ops per kind, cycled so positions vary
constexpr std::uint64_t seed = 0x5a3e'be4c;

const std::vector<std::string>& words() {
    // clang-format off
    static const std::vector<std::string> w = {
        "de", "het", "een", "en", "van", "in", "op", "voor", "met", "wij", "gemeente",
        "gemeenten", "veiligheid", "openbare", "orde", "samenwerking", "regio", "IJsselland",
        "Steenwijkerland", "Zwartewaterland", "Staphorst", "Kampen", "ondermijning", "zorg",
        "coördinator", "één", "ruïne", "café", "ĳzer", "’s", "‘t", "raad", "college",
        "burgemeester", "politie", "brandweer", "inwoners", "jongeren", "aanpak", "beleid",
        "Integraal", "Veiligheidsplan", "prioriteiten", "woninginbraak", "zedenzaken",
        "cybercrime", "drugs", "overlast", "weerbaarheid", "samen", "waar", "het", "kan,",
        "lokaal", "moet.", "Daarnaast", "is", "er", "aandacht", "voor", "privacy", "België",
        "\xF0\x9F\x9A\xB2", "\xF0\x9F\x91\xAE", "\xF0\x9F\x87\xB3\xF0\x9F\x87\xB1"};
    // clang-format on
    return w;
}

/// Text of at least `cps` code points: sentences of Dutch words and the odd emoji, in paragraphs.
std::string dutch_text(std::mt19937_64& rng, std::size_t cps) {
    const auto& w = words();
    std::string text;
    std::size_t n = 0;
    std::size_t in_paragraph = 0;
    while (n < cps) {
        const std::string& word = w[rng() % w.size()];
        text += word;
        text += ' ';
        n += utf8::count(word) + 1;
        in_paragraph += utf8::count(word) + 1;
        if (in_paragraph > 400 + rng() % 400) {
            text += "\n\n";
            n += 2;
            in_paragraph = 0;
        }
    }
    return text;
}

struct Section {
    std::string text;
    std::size_t length;                   // code points
    std::vector<std::size_t> paragraphs;  // code point where each paragraph starts
};

const Section& section() {
    static const Section s = [] {
        std::mt19937_64 rng(seed);
        Section out;
        out.text = samen::test::cp_slice(dutch_text(rng, section_cps), 0, section_cps);
        out.length = utf8::count(out.text);
        out.paragraphs.push_back(0);
        const auto starts = samen::test::code_point_starts(out.text);
        for (std::size_t cp = 2; cp < out.length; ++cp) {
            if (out.text[starts[cp - 1]] == '\n' && out.text[starts[cp - 2]] == '\n') {
                out.paragraphs.push_back(cp);
            }
        }
        return out;
    }();
    return s;
}

ot::Op at(std::size_t pos, ot::Component c) {
    ot::Op op;
    if (pos > 0) op.emplace_back(ot::Skip{pos});
    op.push_back(std::move(c));
    return op;
}

/// One character typed at a random place.
std::vector<ot::Op> keystrokes(std::uint64_t salt) {
    std::mt19937_64 rng(seed ^ salt);
    std::vector<ot::Op> ops;
    for (std::size_t i = 0; i < variants; ++i) {
        const char* letters[] = {"e", "n", " ", "ë", "ĳ", "\xF0\x9F\x98\x80"};
        ops.push_back(at(rng() % (section().length + 1), ot::Insert{letters[rng() % 6]}));
    }
    return ops;
}

/// 2 KB of text pasted at a random place.
std::vector<ot::Op> pastes() {
    std::mt19937_64 rng(seed ^ 2);
    std::vector<ot::Op> ops;
    for (std::size_t i = 0; i < variants; ++i) {
        std::string text = dutch_text(rng, paste_bytes);
        const auto starts = samen::test::code_point_starts(text);
        // The longest run of whole code points that fits in 2 KB.
        text.resize(*std::prev(std::upper_bound(starts.begin(), starts.end(), paste_bytes)));
        ops.push_back(at(rng() % (section().length + 1), ot::Insert{std::move(text)}));
    }
    return ops;
}

/// One whole paragraph deleted; with its text when `invertible`.
std::vector<ot::Op> paragraph_deletes(bool invertible) {
    std::mt19937_64 rng(seed ^ 3);
    const Section& s = section();
    std::vector<ot::Op> ops;
    for (std::size_t i = 0; i < variants; ++i) {
        const std::size_t p = rng() % (s.paragraphs.size() - 1);
        const std::size_t from = s.paragraphs[p];
        const std::size_t n = s.paragraphs[p + 1] - from;
        ot::Delete d{n, std::nullopt};
        if (invertible) d.text = samen::test::cp_slice(s.text, from, from + n);
        ops.push_back(at(from, std::move(d)));
    }
    return ops;
}

void apply_each(benchmark::State& state, const std::vector<ot::Op>& ops) {
    const Section& s = section();
    std::size_t i = 0;
    for (auto _ : state) {
        std::string after = ot::apply(s.text, ops[i++ % ops.size()]);
        benchmark::DoNotOptimize(after.data());
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.text.size()));
    state.counters["section_bytes"] = static_cast<double>(s.text.size());
}

// In place, as the room applies an edit: the op, then its inverse (two applies per iteration,
// counted as two items), so that the section keeps its size.
void apply_in_place_each(benchmark::State& state, const std::vector<ot::Op>& ops) {
    std::string text = section().text;
    std::size_t i = 0;
    for (auto _ : state) {
        const ot::Op full = ot::apply_in_place(text, ops[i++ % ops.size()]);
        ot::apply_in_place(text, ot::invert(full));
        benchmark::DoNotOptimize(text.data());
    }
    state.SetItemsProcessed(2 * state.iterations());
    state.counters["section_bytes"] = static_cast<double>(text.size());
}

void BM_apply_in_place_keystroke(benchmark::State& state) {
    apply_in_place_each(state, keystrokes(1));
}
void BM_apply_in_place_paste_2KB(benchmark::State& state) {
    apply_in_place_each(state, pastes());
}

// Typing in the middle of the section, one character after the other (then each undone, so that
// the section keeps its size), as the room applies it: walking from the start of the text every
// time, or from where the previous edit left off (the position hint the room keeps).
void apply_in_place_typing(benchmark::State& state, bool hint) {
    std::string text = section().text;
    const std::size_t middle = utf8::count(text) / 2;
    ot::TextPosition at;
    std::size_t i = 0;
    for (auto _ : state) {
        const ot::Op op{ot::Skip{middle + i++ % 256}, ot::Insert{"x"}};
        const ot::Op full = ot::apply_in_place(text, op, text.max_size(), hint ? &at : nullptr);
        ot::apply_in_place(text, ot::invert(full), text.max_size(), hint ? &at : nullptr);
        benchmark::DoNotOptimize(text.data());
    }
    state.SetItemsProcessed(2 * state.iterations());
    state.counters["section_bytes"] = static_cast<double>(text.size());
}
void BM_apply_in_place_typing_from_start(benchmark::State& state) {
    apply_in_place_typing(state, false);
}
void BM_apply_in_place_typing_from_hint(benchmark::State& state) {
    apply_in_place_typing(state, true);
}

void BM_apply_keystroke(benchmark::State& state) {
    apply_each(state, keystrokes(1));
}
void BM_apply_paste_2KB(benchmark::State& state) {
    apply_each(state, pastes());
}
void BM_apply_delete_paragraph(benchmark::State& state) {
    apply_each(state, paragraph_deletes(false));
}
void BM_apply_delete_paragraph_invertible(benchmark::State& state) {
    apply_each(state, paragraph_deletes(true));
}

void transform_each(benchmark::State& state, const std::vector<ot::Op>& ops,
                    const std::vector<ot::Op>& others) {
    std::size_t i = 0;
    for (auto _ : state) {
        const std::size_t k = i++;
        ot::Op moved = ot::transform(ops[k % ops.size()], others[(k * 7) % others.size()],
                                     k % 2 == 0 ? ot::Side::left : ot::Side::right);
        benchmark::DoNotOptimize(moved.data());
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_transform_keystroke_by_keystroke(benchmark::State& state) {
    transform_each(state, keystrokes(1), keystrokes(4));
}
void BM_transform_keystroke_by_paste(benchmark::State& state) {
    transform_each(state, keystrokes(1), pastes());
}
void BM_transform_paste_by_keystroke(benchmark::State& state) {
    transform_each(state, pastes(), keystrokes(1));
}
void BM_transform_keystroke_by_delete_paragraph(benchmark::State& state) {
    transform_each(state, keystrokes(1), paragraph_deletes(true));
}
void BM_transform_delete_paragraph_by_keystroke(benchmark::State& state) {
    transform_each(state, paragraph_deletes(true), keystrokes(1));
}

/// A client's buffer: a keystroke composed onto the edits typed since the last send.
void BM_compose_keystroke_keystroke(benchmark::State& state) {
    const auto first = keystrokes(1);
    std::vector<ot::Op> second;
    for (const ot::Op& a : first) {
        const auto* skip = std::get_if<ot::Skip>(&a.front());
        const std::size_t pos = (skip != nullptr ? skip->n : 0) + 1;  // typing on
        second.push_back(at(pos, ot::Insert{"n"}));
    }
    std::size_t i = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % first.size();
        ot::Op both = ot::compose(first[k], second[k]);
        benchmark::DoNotOptimize(both.data());
    }
    state.SetItemsProcessed(state.iterations());
}

/// A paragraph moved: deleted, then pasted elsewhere.
void BM_compose_delete_paragraph_then_paste(benchmark::State& state) {
    const auto deletes = paragraph_deletes(true);
    const auto pasted = pastes();
    std::mt19937_64 rng(seed ^ 6);
    std::vector<ot::Op> then;
    for (const ot::Op& d : deletes) {
        const std::size_t after = section().length - ot::input_length(d);
        then.push_back(at(rng() % (after + 1), pasted[then.size()].back()));
    }
    std::size_t i = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % deletes.size();
        ot::Op both = ot::compose(deletes[k], then[k]);
        benchmark::DoNotOptimize(both.data());
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_make_invertible_delete_paragraph(benchmark::State& state) {
    const auto ops = paragraph_deletes(false);
    std::size_t i = 0;
    for (auto _ : state) {
        ot::Op full = ot::make_invertible(ops[i++ % ops.size()], section().text);
        benchmark::DoNotOptimize(full.data());
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_transform_position_by_paste(benchmark::State& state) {
    const auto ops = pastes();
    std::size_t i = 0;
    for (auto _ : state) {
        const std::size_t k = i++;
        benchmark::DoNotOptimize(
            ot::transform_position((k * 7919) % section().length, ops[k % ops.size()]));
    }
    state.SetItemsProcessed(state.iterations());
}

/// The wire form of a keystroke, read as the server reads it.
void BM_op_from_json_keystroke(benchmark::State& state) {
    std::vector<std::string> lines;
    for (const ot::Op& op : keystrokes(1)) lines.push_back(ot::to_json(op).dump());
    std::size_t i = 0;
    for (auto _ : state) {
        ot::Op op = ot::op_from_json(nlohmann::json::parse(lines[i++ % lines.size()]));
        benchmark::DoNotOptimize(op.data());
    }
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_apply_keystroke);
BENCHMARK(BM_apply_paste_2KB);
BENCHMARK(BM_apply_delete_paragraph);
BENCHMARK(BM_apply_delete_paragraph_invertible);
BENCHMARK(BM_apply_in_place_keystroke);
BENCHMARK(BM_apply_in_place_paste_2KB);
BENCHMARK(BM_apply_in_place_typing_from_start);
BENCHMARK(BM_apply_in_place_typing_from_hint);
BENCHMARK(BM_transform_keystroke_by_keystroke);
BENCHMARK(BM_transform_keystroke_by_paste);
BENCHMARK(BM_transform_paste_by_keystroke);
BENCHMARK(BM_transform_keystroke_by_delete_paragraph);
BENCHMARK(BM_transform_delete_paragraph_by_keystroke);
BENCHMARK(BM_compose_keystroke_keystroke);
BENCHMARK(BM_compose_delete_paragraph_then_paste);
BENCHMARK(BM_make_invertible_delete_paragraph);
BENCHMARK(BM_transform_position_by_paste);
BENCHMARK(BM_op_from_json_keystroke);

BENCHMARK_MAIN();
