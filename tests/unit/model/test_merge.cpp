#include <catch2/catch.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "model/merge.hpp"
#include "ot/text.hpp"
#include "ot/text_diff.hpp"
#include "text/utf8.hpp"

using namespace samen::model;
namespace utf8 = samen::utf8;

namespace {

/// Rebuilds b from a and the hunks of diff(a, b), so a test can check that the hunks say it all.
std::string apply_hunks(const std::string& a, const std::string& b,
                        const std::vector<DiffHunk>& hunks) {
    std::string out;
    std::size_t a_done = 0;
    for (const DiffHunk& h : hunks) {
        const std::size_t from = utf8::byte_offset(a, a_done);
        out += a.substr(from, utf8::byte_offset(a, h.a_start) - from);
        const std::size_t b_from = utf8::byte_offset(b, h.b_start);
        out += b.substr(b_from, utf8::byte_offset(b, h.b_start + h.b_len) - b_from);
        a_done = h.a_start + h.a_len;
    }
    out += a.substr(utf8::byte_offset(a, a_done));
    return out;
}

const std::vector<std::string> words = {
    "gemeente", "veiligheid", "één",      "café", "ĳsselland", "zo’n", "🚒",  "ondermijning",
    "jeugd",    "de",         "het",      "een",  "Kampen",    "2023", "🇳🇱", "coördinator",
    "’",        "privé",      "overlast", ",",    ".",         ":",    "–",  "naïef"};
const std::vector<std::string> separators = {" ", " ", " ", "  ", "\n", "\n\n", ""};

/// A unit of generated text: a word and what follows it.
std::string unit(std::mt19937& rng) {
    auto pick = [&](const std::vector<std::string>& v) {
        return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
    };
    return pick(words) + pick(separators);
}

std::vector<std::string> units(std::mt19937& rng, std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(unit(rng));
    return out;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s;
    return out;
}

/// Randomly replaces, deletes and inserts units, only at indices in [from, to).
std::vector<std::string> edit(std::vector<std::string> v, std::size_t from, std::size_t to,
                              std::mt19937& rng) {
    const int edits = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int e = 0; e < edits && to > from; ++e) {
        const std::size_t at = std::uniform_int_distribution<std::size_t>(from, to - 1)(rng);
        const auto where = v.begin() + static_cast<std::ptrdiff_t>(at);
        switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
            case 0:
                *where = unit(rng);
                break;
            case 1:
                v.erase(where);
                --to;
                break;
            default:
                v.insert(where, unit(rng));
                ++to;
                break;
        }
    }
    return v;
}

}  // namespace

TEST_CASE("merge3 without changes returns the text, clean", "[model][merge]") {
    const std::string text = "Samen waar het kan, lokaal waar het moet.";
    const MergeResult r = merge3(text, text, text);
    CHECK(r.clean());
    CHECK(r.merged == text);
    CHECK(merge3("", "", "").merged.empty());
}

TEST_CASE("merge3 takes a change made by one side only", "[model][merge]") {
    const std::string base = "Samen waar het kan, lokaal waar het moet.";
    const std::string changed = "Samen waar het kan, lokaal alleen waar het echt moet!";
    SECTION("ours") {
        const MergeResult r = merge3(base, changed, base);
        CHECK(r.clean());
        CHECK(r.merged == changed);
    }
    SECTION("theirs") {
        const MergeResult r = merge3(base, base, changed);
        CHECK(r.clean());
        CHECK(r.merged == changed);
    }
    SECTION("from and to an empty text") {
        CHECK(merge3("", changed, "").merged == changed);
        CHECK(merge3(base, base, "").merged.empty());
        CHECK(merge3(base, base, "").clean());
    }
}

TEST_CASE("merge3 merges changes to different sentences", "[model][merge]") {
    const std::string base =
        "De regio telt vier gemeenten. Zij werken samen aan veiligheid. Het plan loopt vier jaar.";
    const std::string ours =
        "De regio telt vier gemeenten. Zij werken samen aan veiligheid en leefbaarheid. Het plan "
        "loopt vier jaar.";
    const std::string theirs =
        "De IJssellandregio telt vier gemeenten. Zij werken samen aan veiligheid. Het plan loopt "
        "van 2023 tot 2026.";
    const MergeResult r = merge3(base, ours, theirs);
    CHECK(r.clean());
    CHECK(r.merged ==
          "De IJssellandregio telt vier gemeenten. Zij werken samen aan veiligheid en "
          "leefbaarheid. Het plan loopt van 2023 tot 2026.");
}

TEST_CASE("merge3 merges edits to neighbouring words", "[model][merge]") {
    // The space between them is unchanged, so the changes neither overlap nor touch.
    const MergeResult r = merge3("de kat slaapt", "de hond slaapt", "de kat droomt");
    CHECK(r.clean());
    CHECK(r.merged == "de hond droomt");
}

TEST_CASE("merge3 reports one word changed differently as a conflict", "[model][merge]") {
    const std::string base = "Het café sluit om één uur.";
    const MergeResult r =
        merge3(base, "Het café sluit om twee uur.", "Het café sluit om drie uur.");
    REQUIRE(r.conflicts.size() == 1);
    CHECK_FALSE(r.clean());
    CHECK(r.merged == "Het café sluit om twee uur.");  // ours is kept, with no markers
    const MergeConflict& c = r.conflicts[0];
    CHECK(c.base == "één");
    CHECK(c.ours == "twee");
    CHECK(c.theirs == "drie");
    CHECK(c.position == 18);  // code points: "Het café sluit om " is 18 of them (19 bytes)
}

TEST_CASE("merge3 conflicts keep ours and apply the clean changes around them", "[model][merge]") {
    const MergeResult r = merge3("Eén. Twee. Drie.", "Eén! Twee. Vier.", "Eén. Twee. Vijf.");
    REQUIRE(r.conflicts.size() == 1);
    CHECK(r.merged == "Eén! Twee. Vier.");
    CHECK(r.conflicts[0].base == "Drie");
    CHECK(r.conflicts[0].ours == "Vier");
    CHECK(r.conflicts[0].theirs == "Vijf");
    CHECK(r.conflicts[0].position == 11);
    CHECK(r.conflicts[0].kept == Kept::ours);
}

TEST_CASE("merge3 joins a side's changes with only punctuation and spaces between them",
          "[model][merge]") {
    // Theirs rewrote "Twee. Drie" as "Twee? Vijf": one change, so its "?" is not taken alone
    // while its "Vijf" loses against ours.
    const MergeResult r = merge3("Eén. Twee. Drie.", "Eén! Twee. Vier.", "Eén. Twee? Vijf.");
    REQUIRE(r.conflicts.size() == 1);
    CHECK(r.merged == "Eén! Twee. Vier.");
    CHECK(r.conflicts[0].base == ". Drie");
    CHECK(r.conflicts[0].ours == ". Vier");
    CHECK(r.conflicts[0].theirs == "? Vijf");
    CHECK(r.conflicts[0].position == 9);
}

TEST_CASE("merge3 takes an identical change on both sides once", "[model][merge]") {
    const std::string base = "Toezicht op evenementen.";
    const std::string changed = "Toezicht op grote evenementen en festivals.";
    const MergeResult r = merge3(base, changed, changed);
    CHECK(r.clean());
    CHECK(r.merged == changed);
}

TEST_CASE("merge3 treats inserts at the same place by both sides", "[model][merge]") {
    const std::string base = "Jeugd. Slot.";
    SECTION("different inserts are both kept, theirs first, and reported") {
        const MergeResult r = merge3(base, "Jeugd. Zorg. Slot.", "Jeugd. Wonen. Slot.");
        REQUIRE(r.conflicts.size() == 1);
        CHECK(r.merged == "Jeugd. Wonen. Zorg. Slot.");
        CHECK(r.conflicts[0].kept == Kept::both);
        CHECK(r.conflicts[0].base.empty());
        CHECK(r.conflicts[0].ours == "Zorg. ");
        CHECK(r.conflicts[0].theirs == "Wonen. ");
        CHECK(r.conflicts[0].position == 7);
    }
    SECTION("two words never run together") {
        CHECK(both_texts("Wonen", "Zorg") == "Wonen Zorg");
        CHECK(both_texts("Wonen ", "Zorg") == "Wonen Zorg");
        CHECK(both_texts("", "Zorg") == "Zorg");
        CHECK(both_texts(". Ook dit", ".\n\nEn dat") == ". Ook dit.\n\nEn dat");
        CHECK(both_texts("één", "één") == "één één");
        CHECK(merge3("Slot.", "Slot. Zorg", "Slot. Wonen").merged == "Slot. Wonen Zorg");
    }
    SECTION("the same insert is taken once") {
        const MergeResult r = merge3(base, "Jeugd. Zorg. Slot.", "Jeugd. Zorg. Slot.");
        CHECK(r.clean());
        CHECK(r.merged == "Jeugd. Zorg. Slot.");
    }
}

TEST_CASE("merge3 reports a delete against an edit inside it as a conflict", "[model][merge]") {
    const std::string base = "Inleiding. Deze alinea gaat over overlast. Slot.";
    const std::string deleted = "Inleiding. Slot.";
    const std::string edited = "Inleiding. Deze alinea gaat over geluidsoverlast. Slot.";
    SECTION("ours deletes") {
        const MergeResult r = merge3(base, deleted, edited);
        REQUIRE(r.conflicts.size() == 1);
        CHECK(r.merged == deleted);
        CHECK(r.conflicts[0].ours.empty());
        CHECK(r.conflicts[0].base.find("overlast") != std::string::npos);
        CHECK(r.conflicts[0].theirs.find("geluidsoverlast") != std::string::npos);
    }
    SECTION("theirs deletes") {
        const MergeResult r = merge3(base, edited, deleted);
        REQUIRE(r.conflicts.size() == 1);
        CHECK(r.merged == edited);
        CHECK(r.conflicts[0].theirs.empty());
    }
}

TEST_CASE("merge3 handles Dutch text with é, ’, ĳ and emoji", "[model][merge]") {
    const std::string base = "Zo’n ĳverige coördinator 🚒 regelt één café.\nDe brandweer komt.";
    const std::string ours = "Zo’n ĳverige coördinator 🚓 regelt één café.\nDe brandweer komt.";
    const std::string theirs = "Zo’n ĳverige coördinator 🚒 regelt één café.\nDe politie komt ✅.";
    const MergeResult r = merge3(base, ours, theirs);
    CHECK(r.clean());
    CHECK(r.merged == "Zo’n ĳverige coördinator 🚓 regelt één café.\nDe politie komt ✅.");

    SECTION("a changed apostrophe conflicts with a changed word beside it") {
        // "’" and "n" touch: changing both differently is one conflict, and it never splits ’.
        const MergeResult c = merge3(base, "Zo'n ĳverige" + base.substr(base.find(" coör")),
                                     "Zo’ne ĳverige" + base.substr(base.find(" coör")));
        REQUIRE(c.conflicts.size() == 1);
        CHECK(c.conflicts[0].base == "’n");
        CHECK(c.conflicts[0].ours == "'n");
        CHECK(c.conflicts[0].theirs == "’ne");
        CHECK(utf8::valid(c.merged));
    }
}

TEST_CASE("merge3 and diff refuse invalid UTF-8", "[model][merge]") {
    const std::string bad = "caf\xC3";  // a truncated é
    CHECK_THROWS_AS(merge3(bad, "x", "x"), std::invalid_argument);
    CHECK_THROWS_AS(merge3("x", bad, "x"), std::invalid_argument);
    CHECK_THROWS_AS(merge3("x", "x", bad), std::invalid_argument);
    CHECK_THROWS_AS(merge3("x", "x", "\xED\xA0\x80"), std::invalid_argument);  // a surrogate
    CHECK_THROWS_AS(diff(bad, "x"), std::invalid_argument);
    CHECK_THROWS_AS(diff("x", bad), std::invalid_argument);
}

TEST_CASE("diff reports token hunks in code points", "[model][merge]") {
    CHECK(diff("", "").empty());
    CHECK(diff("één café", "één café").empty());
    // "één " is 4 code points and 7 bytes; "café" is replaced by "thee".
    const auto h = diff("één café.", "één thee.");
    REQUIRE(h.size() == 1);
    CHECK(h[0] == DiffHunk{4, 4, 4, 4});
    // A word is changed whole, not the letters it shares with its replacement.
    CHECK(diff("overlast", "geluidsoverlast") == std::vector<DiffHunk>{{0, 8, 0, 15}});
    CHECK(diff("a b", "a c b") == std::vector<DiffHunk>{{2, 0, 2, 2}});
    CHECK(diff("a b", "b") == std::vector<DiffHunk>{{0, 2, 0, 0}});
}

TEST_CASE("diff falls back to one hunk when the edit limit is passed", "[model][merge]") {
    const std::string a = "kop a b c d e voet";
    const std::string b = "kop 1 b 2 d 3 voet";
    CHECK(diff(a, b).size() == 3);
    const auto coarse = diff(a, b, 2);
    REQUIRE(coarse.size() == 1);
    CHECK(coarse[0] == DiffHunk{4, 9, 4, 9});
    CHECK(apply_hunks(a, b, coarse) == b);

    // Two long texts with nothing in common take the bounded path and still merge correctly.
    std::mt19937 rng(7);
    const std::string base = join(units(rng, 3000));
    const std::string other = join(units(rng, 3000));
    CHECK(apply_hunks(base, other, diff(base, other)) == other);
    const MergeResult r = merge3(base, other, base);
    CHECK(r.clean());
    CHECK(r.merged == other);
}

TEST_CASE("merge3 properties on random Dutch text", "[model][merge]") {
    const std::uint32_t seed = 20230328;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    for (int i = 0; i < 500; ++i) {
        INFO("case " << i);
        const std::vector<std::string> base_units = units(rng, 60);
        const std::string base = join(base_units);
        const std::vector<std::string> first = edit(base_units, 5, 20, rng);
        const std::vector<std::string> second = edit(base_units, 40, 55, rng);
        const std::string ours = join(first);
        const std::string theirs = join(second);
        INFO("base " << base);
        INFO("ours " << ours);
        INFO("theirs " << theirs);

        const MergeResult only_ours = merge3(base, ours, base);
        CHECK(only_ours.clean());
        CHECK(only_ours.merged == ours);
        const MergeResult only_theirs = merge3(base, base, theirs);
        CHECK(only_theirs.clean());
        CHECK(only_theirs.merged == theirs);
        const MergeResult same = merge3(base, ours, ours);
        CHECK(same.clean());
        CHECK(same.merged == ours);

        // Units 20..40 are untouched by both sides, so their changes are far apart.
        std::vector<std::string> both(first.begin(), first.end() - 40);
        both.insert(both.end(), second.begin() + 20, second.end());
        const MergeResult far = merge3(base, ours, theirs);
        CHECK(far.clean());
        CHECK(far.merged == join(both));

        CHECK(apply_hunks(base, ours, diff(base, ours)) == ours);
        CHECK(apply_hunks(ours, theirs, diff(ours, theirs)) == theirs);

        // Any merge, conflicting or not, keeps ours (or both) at each conflict and stays valid
        // UTF-8.
        const MergeResult wild = merge3(base, ours, join(edit(base_units, 0, 60, rng)));
        CHECK(utf8::valid(wild.merged));
        for (const MergeConflict& c : wild.conflicts) {
            const std::size_t at = utf8::byte_offset(wild.merged, c.position);
            const std::string kept = c.kept == Kept::both ? both_texts(c.theirs, c.ours) : c.ours;
            CHECK(wild.merged.compare(at, kept.size(), kept) == 0);
        }
    }
}

TEST_CASE("diff_op changes only the words that changed", "[model][merge][diff_op]") {
    namespace ot = samen::ot;
    // Words inserted at the start and at the end: two inserts, not one replacement of everything
    // between them, so an edit made elsewhere in the old text keeps its place.
    const std::string a = "[1-1] Om uitvoering [2-0]";
    const std::string b = "[0-0][1-1] Om uitvoering [2-0][3-3]";
    const ot::Op op = diff_op(a, b);
    CHECK(ot::apply(a, op) == b);
    for (const auto& c : op) CHECK_FALSE(std::holds_alternative<ot::Delete>(c));
    // Someone's concurrent insert right after "[1-1]" lands right after it still.
    const ot::Op mine = {ot::Skip{5}, ot::Insert{"[9-9]"}};
    const ot::Op moved = ot::transform(mine, op, ot::Side::left);
    CHECK(ot::apply(b, moved) == "[0-0][1-1][9-9] Om uitvoering [2-0][3-3]");
    // The one-hunk diff moves it into the middle of a word instead: why diff_op exists.
    const ot::Op coarse = ot::diff_to_op(a, b);
    CHECK(ot::apply(b, ot::transform(mine, coarse, ot::Side::left)) !=
          "[0-0][1-1][9-9] Om uitvoering [2-0][3-3]");

    CHECK(diff_op(a, a).empty());
    CHECK(ot::apply("één twee drie", diff_op("één twee drie", "één 2 drie 😅")) == "één 2 drie 😅");
    CHECK_THROWS_AS(diff_op("a", "\xC3"), std::invalid_argument);

    // Random texts: the op always turns a into b (seeded, printed).
    const std::uint64_t seed = 20261126;
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    const std::vector<std::string> words = {"één ", "twee ", "drie ", "😅", "\n", "vier. "};
    for (int i = 0; i < 300; ++i) {
        std::string x, y;
        for (int n = rng() % 12; n > 0; --n) x += words[rng() % words.size()];
        for (int n = rng() % 12; n > 0; --n) y += words[rng() % words.size()];
        CHECK(ot::apply(x, diff_op(x, y)) == y);
    }
}
