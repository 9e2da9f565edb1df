// What reading the past costs (docs/decisions/0007-history-read-by-rewinding.md): a document of
// 20 sections of 2,500 code points, rewound across N keystrokes of the workgroup, as `text.at`,
// `effective` with `rev` and `diff` do after loading the changes from the data file.
// Results and the command that produced them: docs/performance/reading-the-past.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "model/effective.hpp"
#include "model/history.hpp"
#include "ot/json.hpp"
#include "ot/text.hpp"
#include "text/utf8.hpp"

namespace model = samen::model;
namespace ot = samen::ot;
namespace utf8 = samen::utf8;

namespace {

constexpr int sections = 20;
constexpr std::size_t section_cps = 2'500;
constexpr std::uint64_t seed = 0x0007'2026;

struct World {
    model::Document doc;  // after every change
    std::vector<model::Change> changes;
};

/// The document and the changes that brought it there: keystrokes (mostly inserts, some deletes,
/// each stored invertible) into random sections, made with a fixed seed.
const World& world(std::size_t n) {
    static std::map<std::size_t, World> made;
    auto it = made.find(n);
    if (it != made.end()) return it->second;
    World w;
    std::mt19937_64 rng(seed);
    w.doc.id = "bench";
    w.doc.municipalities = {{"GM0166", "Kampen"}, {"GM0180", "Staphorst"}};
    const std::string sentence =
        "Samen waar het kan, lokaal waar het moet: één plan voor de regio. ";
    for (int s = 0; s < sections; ++s) {
        model::Section section;
        section.id = "sectie-" + std::to_string(s);
        section.title = "Sectie " + std::to_string(s);
        section.position = s;
        model::Layer common;
        while (utf8::count(common.text) < section_cps) common.text.edit() += sentence;
        section.layers["common"] = common;
        w.doc.sections.push_back(section);
    }
    for (std::size_t i = 1; i <= n; ++i) {
        model::Section& section = w.doc.sections[rng() % sections];
        std::string& text = section.layers["common"].text.edit();
        const std::size_t len = utf8::count(text);
        const std::size_t at = rng() % len;
        nlohmann::json keystroke = nlohmann::json::array();
        if (at > 0) keystroke.push_back(at);
        keystroke.push_back(rng() % 4 == 0 ? nlohmann::json{{"d", 1}} : nlohmann::json("e"));
        ot::Op op = ot::make_invertible(ot::op_from_json(keystroke), text);
        text = ot::apply(text, op);
        w.doc.rev = i;
        w.changes.push_back(
            {i, "edit", section.id, std::string("common"), op, nullptr, std::nullopt, ""});
    }
    return made.emplace(n, std::move(w)).first->second;
}

void BM_RewindToStart(benchmark::State& state) {
    const World& w = world(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        model::Document past = model::rewind(w.doc, w.changes, 0);
        benchmark::DoNotOptimize(past.sections.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_RewindToStart)->Arg(1'000)->Arg(10'000)->Arg(50'000)->Unit(benchmark::kMillisecond);

void BM_EffectivePlanAtStart(benchmark::State& state) {
    const World& w = world(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        auto plan = model::effective_markdown(model::rewind(w.doc, w.changes, 0), "GM0166");
        benchmark::DoNotOptimize(plan.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_EffectivePlanAtStart)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
