// The rebase's merge as a policy advisor would judge it: a corpus of Dutch three-way cases with
// the merge a person expects (merge_corpus.json: base, the override ("local"), the common text,
// the merged text and its conflicts), and a property: every word either side added survives
// whatever is chosen, unless the other side was chosen for the conflict that holds it — no change
// is ever taken half-way.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "model/merge.hpp"
#include "text/utf8.hpp"

using namespace samen::model;
using nlohmann::json;
namespace utf8 = samen::utf8;

namespace {

std::string kept_name(Kept k) {
    return k == Kept::both ? "both" : "local";
}

enum class Choice { local, common, both };

/// The merged text with each conflict resolved as `choices` say (what the web client sends).
std::string resolved(const MergeResult& r, const std::vector<Choice>& choices) {
    std::string out;
    std::size_t at = 0;  // bytes of merged consumed
    for (std::size_t i = 0; i < r.conflicts.size(); ++i) {
        const MergeConflict& c = r.conflicts[i];
        const std::size_t start = utf8::byte_offset(r.merged, c.position);
        out += r.merged.substr(at, start - at);
        const std::string kept = c.kept == Kept::both ? both_texts(c.theirs, c.ours) : c.ours;
        REQUIRE(r.merged.compare(start, kept.size(), kept) == 0);
        out += choices[i] == Choice::local    ? c.ours
               : choices[i] == Choice::common ? c.theirs
                                              : both_texts(c.theirs, c.ours);
        at = start + kept.size();
    }
    return out + r.merged.substr(at);
}

}  // namespace

TEST_CASE("the merge corpus: Dutch three-way cases merge as a person expects", "[model][merge]") {
    std::ifstream in(SAMEN_MERGE_CORPUS);
    REQUIRE(in);
    const json corpus = json::parse(in);
    REQUIRE(corpus.size() >= 30);
    for (const json& c : corpus) {
        const std::string name = c["name"];
        INFO(name);
        const MergeResult r = merge3(c["base"].get<std::string>(), c["local"].get<std::string>(),
                                     c["common"].get<std::string>());
        CHECK(r.merged == c["merged"].get<std::string>());
        REQUIRE(r.conflicts.size() == c["conflicts"].size());
        for (std::size_t i = 0; i < r.conflicts.size(); ++i) {
            const json& want = c["conflicts"][i];
            CHECK(kept_name(r.conflicts[i].kept) == want["kept"].get<std::string>());
            CHECK(r.conflicts[i].base == want["base"].get<std::string>());
            CHECK(r.conflicts[i].ours == want["local"].get<std::string>());
            CHECK(r.conflicts[i].theirs == want["common"].get<std::string>());
        }
    }
}

TEST_CASE("the merge corpus holds the case of the werkgroep", "[model][merge]") {
    // Staphorst rewrote the first word and appended a sentence; Kampen rewrote the same word its
    // own way and appended a paragraph. Neither " door jeugd" alone nor a lost sentence.
    const std::string base =
        "Jeugdoverlast en -criminaliteit vragen om een gezamenlijke aanpak van gemeenten, politie "
        "en jongerenwerk.";
    const std::string tail =
        " en -criminaliteit vragen om een gezamenlijke aanpak van gemeenten, politie en "
        "jongerenwerk.";
    const MergeResult r = merge3(
        base,
        "Jongerenoverlast" + tail + "\n\nIn Kampen werkt het jongerenwerk vanuit de wijkteams.",
        "Overlast door jeugd" + tail + " Ook schoolverzuim hoort hierbij.");
    REQUIRE(r.conflicts.size() == 2);
    CHECK(r.conflicts[0].kept == Kept::ours);
    CHECK(r.conflicts[0].theirs == "Overlast door jeugd ");
    CHECK(r.conflicts[1].kept == Kept::both);
    CHECK(r.merged ==
          "Jongerenoverlast" + tail +
              " Ook schoolverzuim hoort hierbij.\n\nIn Kampen werkt het jongerenwerk vanuit "
              "de wijkteams.");
    CHECK(resolved(r, {Choice::common, Choice::both}) ==
          "Overlast door jeugd" + tail +
              " Ook schoolverzuim hoort hierbij.\n\nIn Kampen werkt het jongerenwerk vanuit de "
              "wijkteams.");
    CHECK(resolved(r, {Choice::both, Choice::local})
              .starts_with("Overlast door jeugd Jongerenoverlast en"));
}

TEST_CASE("every word a side added survives unless the other side was chosen for its conflict",
          "[model][merge]") {
    const std::uint32_t seed = 20261203;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    const std::vector<std::string> words = {"gemeente",    "veiligheid", "jeugd",    "de",
                                            "het",         "en",         "overlast", "Kampen",
                                            "coördinator", "één",        "zo’n"};
    const std::vector<std::string> seps = {" ", " ", " ", ", ", ". ", "\n\n", " – "};
    auto pick = [&](const std::vector<std::string>& v) {
        return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
    };
    int markers = 0;
    // A side's edit: replaces, deletes and inserts units, and rewrites phrases (three units become
    // three words with only spaces between: one change); every word it adds is a marker of its
    // own ("lokaalwoord17"), so that where each one went can be told. `phrases` keeps the markers
    // of each rewritten phrase.
    std::vector<std::vector<std::string>> phrases;
    auto edit = [&](std::vector<std::string> v, const std::string& side) {
        const int n = std::uniform_int_distribution<int>(1, 6)(rng);
        for (int e = 0; e < n && !v.empty(); ++e) {
            const auto at = static_cast<std::ptrdiff_t>(
                std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng));
            const std::string marker = side + std::to_string(++markers) + pick(seps);
            const int kind = std::uniform_int_distribution<int>(0, 3)(rng);
            if (kind == 0) {
                v[static_cast<std::size_t>(at)] = marker;
            } else if (kind == 1) {
                v.erase(v.begin() + at);
            } else if (kind == 2) {
                v.insert(v.begin() + at, marker);
            } else {
                std::vector<std::string> phrase;
                std::string text;
                for (int w = 0; w < 3; ++w) {
                    phrase.push_back(side + std::to_string(++markers));
                    text += phrase.back() + " ";
                }
                v.erase(v.begin() + at, std::min(v.begin() + at + 3, v.end()));
                v.insert(v.begin() + at, text);
                phrases.push_back(phrase);
            }
        }
        return v;
    };
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& u : v) s += u;
        return s;
    };
    auto markers_in = [](const std::string& text, const std::string& side) {
        std::vector<std::string> out;
        for (std::size_t at = text.find(side); at != std::string::npos; at = text.find(side, at)) {
            std::size_t end = at + side.size();
            while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
            out.push_back(text.substr(at, end - at));
            at = end;
        }
        return out;
    };
    auto count = [](const std::string& text, const std::string& marker) {
        int n = 0;
        for (std::size_t at = text.find(marker); at != std::string::npos;
             at = text.find(marker, at + 1)) {
            const std::size_t end = at + marker.size();
            if (end == text.size() || text[end] < '0' || text[end] > '9') ++n;
        }
        return n;
    };
    for (int i = 0; i < 400; ++i) {
        INFO("case " << i);
        phrases.clear();
        std::vector<std::string> units;
        for (int u = 0; u < 30; ++u) units.push_back(pick(words) + pick(seps));
        const std::string base = join(units);
        const std::string local = join(edit(units, "lokaalwoord"));
        const std::string common = join(edit(units, "gemeenwoord"));
        INFO("base " << base);
        INFO("local " << local);
        INFO("common " << common);
        const MergeResult r = merge3(base, local, common);
        std::vector<Choice> choices;
        for (const auto& c : r.conflicts) {
            (void)c;
            choices.push_back(static_cast<Choice>(std::uniform_int_distribution<int>(0, 2)(rng)));
        }
        const std::string out = resolved(r, choices);
        INFO("resolved " << out);
        // Where a side's marker went: into a conflict resolved for the other side, or out.
        auto lost_to_other = [&](const std::string& marker, bool ours) {
            for (std::size_t k = 0; k < r.conflicts.size(); ++k) {
                const std::string& text = ours ? r.conflicts[k].ours : r.conflicts[k].theirs;
                const Choice other = ours ? Choice::common : Choice::local;
                if (count(text, marker) > 0 && choices[k] == other) return true;
            }
            return false;
        };
        for (const auto& m : markers_in(local, "lokaalwoord")) {
            INFO(m);
            CHECK(count(out, m) == (lost_to_other(m, true) ? 0 : 1));
        }
        for (const auto& m : markers_in(common, "gemeenwoord")) {
            INFO(m);
            CHECK(count(out, m) == (lost_to_other(m, false) ? 0 : 1));
        }
        // A rewritten phrase is taken whole or not at all, never half-way.
        for (const auto& phrase : phrases) {
            int survived = 0;
            for (const auto& m : phrase) survived += count(out, m);
            INFO(phrase.front() << " ...: " << survived << " of " << phrase.size());
            CHECK((survived == 0 || survived == static_cast<int>(phrase.size())));
        }
        // And with the server's own choice at each conflict, nothing of the override is lost.
        for (const auto& m : markers_in(local, "lokaalwoord")) CHECK(count(r.merged, m) == 1);
    }
}
