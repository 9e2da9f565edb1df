// The text OT type at its edges. Expected values are those of the reference, npm
// ot-text-unicode 4.0.0 (tests/agreement compares the two on random inputs).
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string>
#include <utility>

#include "ot/text.hpp"
#include "ot_catch.hpp"
#include "text/utf8.hpp"
#include "text_samples.hpp"

namespace ot = samen::ot;
using ot::Delete;
using ot::Insert;
using ot::Op;
using ot::OpError;
using ot::Side;
using ot::Skip;
using samen::test::del;
using namespace samen::test::text_samples;

// ---- check ------------------------------------------------------------------------------------

TEST_CASE("check accepts normalized ops", "[ot][check]") {
    CHECK_NOTHROW(ot::check(Op{}));
    CHECK_NOTHROW(ot::check(Op{Insert{"x"}}));
    CHECK_NOTHROW(ot::check(Op{Skip{3}, Insert{"hi"}, del(2)}));
    CHECK_NOTHROW(ot::check(Op{Delete{2, ij + grin}}));
    CHECK_NOTHROW(ot::check(Op{Insert{"a"}, del(1), Insert{"b"}}));
    CHECK_NOTHROW(ot::check(Op{del(1), Insert{"b"}, Skip{1}, Delete{1, "x"}}));
}

TEST_CASE("check refuses every unnormalized or malformed op", "[ot][check]") {
    CHECK_THROWS_AS(ot::check(Op{Skip{0}, Insert{"x"}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Insert{""}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{del(0)}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Delete{0, ""}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Skip{1}, Skip{1}, Insert{"x"}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Insert{"a"}, Insert{"b"}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{del(1), del(1)}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Delete{1, "a"}, Delete{1, "b"}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Skip{3}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Insert{"x"}, Skip{3}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Insert{"\xC3\x28"}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Insert{"\xC0\xAF"}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Insert{"\xED\xA0\x80"}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Insert{"\xF4\x90\x80\x80"}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Delete{1, std::string("\xFF")}}), OpError);
    // The count of a {"d": "str"} is the length of its text.
    CHECK_THROWS_AS(ot::check(Op{Delete{3, "ab"}}), OpError);
    CHECK_THROWS_AS(ot::check(Op{Delete{2, grin}}), OpError);
}

// ---- normalize, input_length, output_length ----------------------------------------------------

TEST_CASE("normalize merges like components and drops empty ones", "[ot][normalize]") {
    CHECK(ot::normalize(Op{}) == Op{});
    CHECK(ot::normalize(Op{Skip{0}, Insert{""}, del(0)}) == Op{});
    CHECK(ot::normalize(Op{Skip{2}, Skip{3}, Insert{"a"}, Insert{ij}, del(1), del(2)}) ==
          Op{Skip{5}, Insert{"a" + ij}, del(3)});
    // An empty component between two like ones lets them merge.
    CHECK(ot::normalize(Op{Skip{2}, Skip{0}, Insert{""}, Skip{3}, Insert{"x"}, Delete{0, ""},
                           Insert{"y"}, del(0), Skip{4}, Skip{0}}) == Op{Skip{5}, Insert{"xy"}});
    CHECK(ot::normalize(Op{Insert{"a"}, Skip{4}}) == Op{Insert{"a"}});
    CHECK(ot::normalize(Op{Skip{1}, Skip{2}}) == Op{});
    CHECK(ot::normalize(Op{Delete{1, e_acute}, Delete{1, grin}}) == Op{Delete{2, e_acute + grin}});
    // Merged deletes keep their text only when both halves have it.
    CHECK(ot::normalize(Op{Delete{1, "a"}, del(2)}) == Op{del(3)});
    CHECK(ot::normalize(Op{del(2), Delete{1, "a"}}) == Op{del(3)});
    const Op normal{Skip{1}, Insert{"x"}, Delete{2, "ab"}};
    CHECK(ot::normalize(normal) == normal);
}

TEST_CASE("normalize refuses invalid UTF-8", "[ot][normalize]") {
    CHECK_THROWS_AS(ot::normalize(Op{Insert{"a"}, Insert{"\xC3\x28"}}), OpError);
    CHECK_THROWS_AS(ot::normalize(Op{Delete{2, std::string("\xED\xA0\x80")}}), OpError);
}

TEST_CASE("normalize takes every op check takes, up to max_count on each side",
          "[ot][normalize][limits]") {
    // check bounds the skips and deletes, and the inserts, each by max_count: so must normalize,
    // or an op that the protocol takes would be refused when read laxly.
    const Op at_limit{Skip{ot::max_count}, Insert{"x"}};
    REQUIRE_NOTHROW(ot::check(at_limit));
    CHECK(ot::normalize(at_limit) == at_limit);
    const Op both{Skip{ot::max_count - 1}, Insert{"xy"}, del(1)};
    REQUIRE_NOTHROW(ot::check(both));
    CHECK(ot::normalize(both) == both);
    CHECK(ot::normalize(Op{Insert{"x"}, Skip{ot::max_count}, Skip{0}}) == Op{Insert{"x"}});
    // Past it on one side, as check refuses it.
    CHECK_THROWS_AS(ot::normalize(Op{Skip{ot::max_count}, del(1)}), OpError);
    CHECK_THROWS_AS(ot::normalize(Op{Skip{ot::max_count}, Skip{1}}), OpError);
}

TEST_CASE("input and output lengths", "[ot][length]") {
    const Op op{Skip{3}, Insert{"h" + e_acute + grin}, del(2)};
    CHECK(ot::input_length(op) == 5);
    CHECK(ot::output_length(op, 10) == 11);
    CHECK(ot::input_length(Op{}) == 0);
    CHECK(ot::output_length(Op{}, 7) == 7);
    CHECK(ot::output_length(Op{Insert{e_combining}}, 0) == 2);
    CHECK(ot::output_length(Op{Delete{2, ij + "s"}}, 2) == 0);
}

// ---- apply ------------------------------------------------------------------------------------

TEST_CASE("apply at the edges", "[ot][apply]") {
    CHECK(ot::apply("", Op{}).empty());
    CHECK(ot::apply("abc", Op{}) == "abc");
    CHECK(ot::apply("", Op{Insert{"h" + e_acute}}) == "h" + e_acute);
    CHECK(ot::apply("abc", Op{Skip{3}, Insert{"d"}}) == "abcd");
    CHECK(ot::apply("abc", Op{Skip{1}, del(2)}) == "a");
    CHECK(ot::apply("abc", Op{del(3)}).empty());
    CHECK(ot::apply("abc", Op{Delete{3, "abc"}, Insert{"xyz"}}) == "xyz");
}

TEST_CASE("apply counts Dutch letters, combining marks and emoji as code points", "[ot][apply]") {
    CHECK(ot::apply("De " + ij + "sbeer", Op{Skip{3}, Delete{1, ij}, Insert{"IJ"}}) ==
          "De IJsbeer");
    CHECK(ot::apply("cafe\xCC\x81", Op{Skip{4}, del(1)}) == "cafe");
    CHECK(ot::apply("cafe\xCC\x81", Op{Skip{3}, del(2), Insert{e_acute}}) == "caf" + e_acute);
    CHECK(ot::apply("a" + grin + "b", Op{Skip{1}, del(1)}) == "ab");
    CHECK(ot::apply("a" + grin + "b", Op{Skip{2}, Insert{bike}}) == "a" + grin + bike + "b");
    CHECK(ot::apply("wij" + apostrophe + "s", Op{Skip{3}, Delete{1, apostrophe}, Insert{"'"}}) ==
          "wij's");
    CHECK(ot::apply(flag_nl, Op{Skip{1}, Insert{"|"}}) == "\xF0\x9F\x87\xB3|\xF0\x9F\x87\xB1");
}

TEST_CASE("apply refuses ops that do not fit the document", "[ot][apply]") {
    CHECK_THROWS_AS(ot::apply("abc", Op{Skip{4}, Insert{"x"}}), OpError);
    CHECK_THROWS_AS(ot::apply("abc", Op{Skip{2}, del(2)}), OpError);
    CHECK_THROWS_AS(ot::apply("", Op{del(1)}), OpError);
    CHECK_THROWS_AS(ot::apply(grin, Op{Skip{1}, del(1)}), OpError);
    CHECK_THROWS_AS(
        ot::apply("abc", Op{Skip{std::numeric_limits<std::size_t>::max()}, Insert{"x"}}), OpError);
    // A {"d": "str"} must be what the document holds there.
    CHECK_THROWS_AS(ot::apply("abc", Op{Delete{1, "x"}}), OpError);
    CHECK_THROWS_AS(ot::apply("abc", Op{Skip{1}, Delete{2, "bd"}}), OpError);
    CHECK_THROWS_AS(ot::apply(e_acute, Op{Delete{1, "e"}}), OpError);
    CHECK_THROWS_AS(ot::apply(e_combining, Op{Delete{1, e_acute}}), OpError);
    // And the op must be normalized.
    CHECK_THROWS_AS(ot::apply("abc", Op{Skip{1}, Skip{1}, Insert{"x"}}), OpError);
    CHECK_THROWS_AS(ot::apply("abc", Op{Insert{""}}), OpError);
    CHECK_THROWS_AS(ot::apply("abc", Op{Insert{"\xC0\xAF"}}), OpError);
}

// ---- transform --------------------------------------------------------------------------------

TEST_CASE("transform with an empty op", "[ot][transform]") {
    const Op op{Skip{1}, Insert{"x"}, Delete{2, "bc"}};
    for (Side side : {Side::left, Side::right}) {
        CHECK(ot::transform(Op{}, op, side) == Op{});
        CHECK(ot::transform(op, Op{}, side) == op);
    }
}

TEST_CASE("transform of two inserts at the same place: the left one goes first",
          "[ot][transform]") {
    const Op x{Skip{1}, Insert{"x"}};
    const Op y{Skip{1}, Insert{"y"}};
    CHECK(ot::transform(x, y, Side::left) == Op{Skip{1}, Insert{"x"}});
    CHECK(ot::transform(x, y, Side::right) == Op{Skip{2}, Insert{"x"}});
    CHECK(ot::transform(y, x, Side::left) == Op{Skip{1}, Insert{"y"}});
    CHECK(ot::transform(y, x, Side::right) == Op{Skip{2}, Insert{"y"}});
    // Astral and multi-byte inserts are skipped by their code points.
    CHECK(ot::transform(Op{Skip{1}, Insert{grin}}, Op{Skip{1}, Insert{"\xC3\xAB"}}, Side::right) ==
          Op{Skip{2}, Insert{grin}});
    CHECK(ot::transform(Op{Insert{"a"}}, Op{Insert{grin + e_combining}}, Side::right) ==
          Op{Skip{3}, Insert{"a"}});
    // Both converge on "axyb...".
    const std::string doc = "ab";
    CHECK(ot::apply(ot::apply(doc, y), ot::transform(x, y, Side::left)) == "axyb");
    CHECK(ot::apply(ot::apply(doc, x), ot::transform(y, x, Side::right)) == "axyb");
}

TEST_CASE("transform of overlapping deletes deletes each character once", "[ot][transform]") {
    // "abcdef": one deletes "bcd", the other "cde".
    const Op a{Skip{1}, del(3)};
    const Op b{Skip{2}, del(3)};
    CHECK(ot::transform(a, b, Side::left) == Op{Skip{1}, del(1)});
    CHECK(ot::transform(b, a, Side::left) == Op{Skip{1}, del(1)});
    CHECK(ot::apply(ot::apply("abcdef", b), ot::transform(a, b, Side::left)) == "af");
    // The same delete on both sides leaves nothing to do.
    const Op same{Skip{2}, Delete{2, ij + "s"}};
    CHECK(ot::transform(same, same, Side::left) == Op{});
    CHECK(ot::transform(same, same, Side::right) == Op{});
    // A delete that swallows the other's delete keeps only its insert.
    CHECK(ot::transform(Op{Skip{1}, Delete{3, "bcd"}, Insert{"Q"}}, Op{Delete{5, "abcde"}},
                        Side::left) == Op{Insert{"Q"}});
}

TEST_CASE("transform of a delete over the other's insert keeps the insert", "[ot][transform]") {
    CHECK(ot::transform(Op{Skip{1}, del(3)}, Op{Skip{2}, Insert{"XY"}}, Side::left) ==
          Op{Skip{1}, del(1), Skip{2}, del(2)});
    // An invertible delete is split with its text.
    const Op split =
        ot::transform(Op{Skip{1}, Delete{3, "bcd"}}, Op{Skip{2}, Insert{"XY"}}, Side::right);
    CHECK(split == Op{Skip{1}, Delete{1, "b"}, Skip{2}, Delete{2, "cd"}});
    CHECK(ot::apply(ot::apply("abcdef", Op{Skip{2}, Insert{"XY"}}), split) == "aXYef");
    // Split inside multi-byte text.
    CHECK(ot::transform(Op{Delete{3, ij + grin + e_acute}}, Op{Skip{2}, Insert{"|"}}, Side::left) ==
          Op{Delete{2, ij + grin}, Skip{1}, Delete{1, e_acute}});
}

TEST_CASE("transform of an insert inside text the other deleted", "[ot][transform]") {
    CHECK(ot::transform(Op{Insert{"x"}}, Op{del(3)}, Side::left) == Op{Insert{"x"}});
    CHECK(ot::transform(Op{Skip{3}, Insert{"x"}}, Op{Skip{1}, del(4)}, Side::left) ==
          Op{Skip{1}, Insert{"x"}});
}

TEST_CASE("transform refuses malformed ops", "[ot][transform]") {
    CHECK_THROWS_AS(ot::transform(Op{Skip{0}}, Op{}, Side::left), OpError);
    CHECK_THROWS_AS(ot::transform(Op{}, Op{Insert{"a"}, Insert{"b"}}, Side::left), OpError);
    CHECK_THROWS_AS(ot::transform(Op{Insert{"\xC3\x28"}}, Op{}, Side::right), OpError);
}

// ---- compose ----------------------------------------------------------------------------------

TEST_CASE("compose with an empty op", "[ot][compose]") {
    const Op op{Skip{1}, Insert{"x"}, Delete{2, "bc"}};
    CHECK(ot::compose(Op{}, op) == op);
    CHECK(ot::compose(op, Op{}) == op);
    CHECK(ot::compose(Op{}, Op{}) == Op{});
}

TEST_CASE("compose of an insert and a delete of it", "[ot][compose]") {
    CHECK(ot::compose(Op{Skip{2}, Insert{"xyz"}}, Op{Skip{3}, del(1)}) ==
          Op{Skip{2}, Insert{"xz"}});
    CHECK(ot::compose(Op{Insert{"abc"}}, Op{del(3)}) == Op{});
    CHECK(ot::compose(Op{Insert{"abc"}}, Op{Delete{3, "abc"}}) == Op{});
    CHECK(ot::compose(Op{Skip{2}, Insert{ij + grin}}, Op{Skip{3}, Delete{1, grin}}) ==
          Op{Skip{2}, Insert{ij}});
}

TEST_CASE("compose keeps the deletes of both", "[ot][compose]") {
    CHECK(ot::compose(Op{del(2)}, Op{Insert{"xy"}}) == Op{Insert{"xy"}, del(2)});
    CHECK(ot::compose(Op{Skip{1}, del(2)}, Op{Skip{2}, Insert{"x"}}) ==
          Op{Skip{1}, del(2), Skip{1}, Insert{"x"}});
    CHECK(ot::compose(Op{Skip{1}, Insert{"x"}}, Op{Delete{1, "a"}, Skip{1}, Delete{1, "b"}}) ==
          Op{Delete{1, "a"}, Insert{"x"}, Delete{1, "b"}});
    CHECK(ot::compose(Op{Skip{1}, Delete{2, "bc"}}, Op{Delete{1, "a"}}) == Op{Delete{3, "abc"}});
    CHECK(ot::compose(Op{Skip{1}, Insert{"x"}}, Op{Skip{1}, Insert{"y"}}) ==
          Op{Skip{1}, Insert{"yx"}});
}

TEST_CASE("compose refuses malformed ops", "[ot][compose]") {
    CHECK_THROWS_AS(ot::compose(Op{Skip{1}}, Op{}), OpError);
    CHECK_THROWS_AS(ot::compose(Op{}, Op{del(1), del(1)}), OpError);
}

// ---- transform_position, transform_selection --------------------------------------------------

TEST_CASE("transform_position", "[ot][position]") {
    // An insert exactly at the cursor goes after it.
    CHECK(ot::transform_position(0, Op{Insert{"abc"}}) == 0);
    CHECK(ot::transform_position(2, Op{Skip{2}, Insert{"x"}}) == 2);
    CHECK(ot::transform_position(3, Op{Skip{2}, Insert{"x"}}) == 4);
    CHECK(ot::transform_position(5, Op{Insert{grin + bike}}) == 7);
    CHECK(ot::transform_position(5, Op{Insert{e_combining}}) == 7);
    // A delete before the cursor pulls it back; one around it puts it at the delete.
    CHECK(ot::transform_position(3, Op{Skip{1}, del(1)}) == 2);
    CHECK(ot::transform_position(3, Op{Skip{1}, del(5)}) == 1);
    CHECK(ot::transform_position(1, Op{del(1), Insert{e_acute}}) == 0);
    CHECK(ot::transform_position(2, Op{del(1), Insert{e_acute}}) == 2);
    CHECK(ot::transform_position(9, Op{}) == 9);
    CHECK(ot::transform_position(0, Op{}) == 0);
    CHECK(ot::transform_position(3, Op{Skip{3}, del(2)}) == 3);
}

TEST_CASE("transform_selection moves both ends, in either order", "[ot][position]") {
    using ot::Selection;
    CHECK(ot::transform_selection({1, 4}, Op{Skip{2}, Insert{"xy"}}) == Selection{1, 6});
    CHECK(ot::transform_selection({4, 1}, Op{Skip{2}, Insert{"xy"}}) == Selection{6, 1});
    CHECK(ot::transform_selection({2, 2}, Op{Skip{2}, Insert{"xy"}}) == Selection{2, 2});
    CHECK(ot::transform_selection({1, 5}, Op{del(3)}) == Selection{0, 2});
}

// ---- invert, make_invertible, strip_invertible -------------------------------------------------

TEST_CASE("is_invertible", "[ot][invert]") {
    CHECK(ot::is_invertible(Op{}));
    CHECK(ot::is_invertible(Op{Skip{1}, Insert{"x"}}));
    CHECK(ot::is_invertible(Op{Delete{1, "a"}}));
    CHECK_FALSE(ot::is_invertible(Op{del(1)}));
    CHECK_FALSE(ot::is_invertible(Op{Delete{1, "a"}, Insert{"b"}, del(1)}));
}

TEST_CASE("invert swaps inserts and deletes", "[ot][invert]") {
    CHECK(ot::invert(Op{}) == Op{});
    CHECK(ot::invert(Op{Skip{2}, Insert{"h" + e_acute}}) == Op{Skip{2}, Delete{2, "h" + e_acute}});
    CHECK(ot::invert(Op{Skip{2}, Delete{2, ij + "s"}}) == Op{Skip{2}, Insert{ij + "s"}});
    CHECK(ot::invert(Op{Insert{"a"}, Delete{1, "b"}}) == Op{Delete{1, "a"}, Insert{"b"}});
    CHECK(ot::invert(Op{Delete{1, ij}, Insert{"IJ"}}) == Op{Insert{ij}, Delete{2, "IJ"}});
    CHECK(ot::invert(Op{Insert{grin + e_combining}}) == Op{Delete{3, grin + e_combining}});
    const Op op{Skip{1}, Delete{1, grin}, Insert{bike}, Skip{3}, Insert{"x"}};
    CHECK(ot::invert(ot::invert(op)) == op);
    const std::string doc = "a" + grin + "bcde";
    CHECK(ot::apply(ot::apply(doc, op), ot::invert(op)) == doc);
}

TEST_CASE("invert needs the deleted text", "[ot][invert]") {
    CHECK_THROWS_AS(ot::invert(Op{Skip{1}, del(2)}), OpError);
    CHECK_THROWS_AS(ot::invert(Op{Insert{"x"}, del(2)}), OpError);
    CHECK_THROWS_AS(ot::invert(Op{Skip{1}, Skip{1}, Insert{"x"}}), OpError);
}

TEST_CASE("make_invertible fills in the deleted text", "[ot][invert]") {
    const std::string doc = "a" + grin +
                            "\xC3\xAB"
                            "de";
    CHECK(ot::make_invertible(Op{Skip{1}, del(2), Skip{1}, Delete{1, "e"}}, doc) ==
          Op{Skip{1}, Delete{2, grin + "\xC3\xAB"}, Skip{1}, Delete{1, "e"}});
    CHECK(ot::make_invertible(Op{}, "") == Op{});
    CHECK(ot::make_invertible(Op{Insert{"x"}}, "") == Op{Insert{"x"}});
    // Code points, not graphemes: half of e + U+0301.
    CHECK(ot::make_invertible(Op{del(1)}, e_combining) == Op{Delete{1, "e"}});
    CHECK(ot::make_invertible(Op{Skip{1}, del(1)}, e_combining) ==
          Op{Skip{1}, Delete{1, "\xCC\x81"}});
    CHECK(ot::make_invertible(Op{Skip{3}, del(2)}, "abcde") == Op{Skip{3}, Delete{2, "de"}});
    const Op inverse = ot::invert(ot::make_invertible(Op{Skip{1}, del(2)}, doc));
    CHECK(ot::apply(ot::apply(doc, Op{Skip{1}, del(2)}), inverse) == doc);
}

TEST_CASE("make_invertible refuses ops that do not fit the document", "[ot][invert]") {
    CHECK_THROWS_AS(ot::make_invertible(Op{Skip{2}, del(5)}, "abc"), OpError);
    CHECK_THROWS_AS(ot::make_invertible(Op{Skip{5}, Insert{"x"}}, "abc"), OpError);
    CHECK_THROWS_AS(ot::make_invertible(Op{Delete{1, "x"}}, "abc"), OpError);
    CHECK_THROWS_AS(ot::make_invertible(Op{del(1)}, ""), OpError);
    CHECK_THROWS_AS(ot::make_invertible(Op{Skip{1}, Skip{1}, del(1)}, "abc"), OpError);
}

TEST_CASE("strip_invertible drops the deleted text", "[ot][invert]") {
    CHECK(ot::strip_invertible(Op{Skip{1}, Delete{2, "ab"}}) == Op{Skip{1}, del(2)});
    CHECK(ot::strip_invertible(Op{Delete{1, grin}, Insert{"x"}, del(1)}) ==
          Op{del(1), Insert{"x"}, del(1)});
    CHECK(ot::strip_invertible(Op{}) == Op{});
    CHECK_FALSE(ot::is_invertible(ot::strip_invertible(Op{Delete{1, "a"}})));
}

// ---- counts at the limit ----------------------------------------------------------------------

namespace {

/// How a call ended. It runs in a child process, so that a hang or a crash (undefined behaviour
/// shows as either) fails one check instead of the whole run.
std::string outcome_of(const std::function<Op()>& call) {
    constexpr unsigned seconds = 5;
    const pid_t child = fork();
    if (child == 0) {
        alarm(seconds);
        try {
            const Op result = call();
            try {
                ot::check(result);
            } catch (const OpError&) {
                _exit(3);
            }
            _exit(0);
        } catch (const OpError&) {
            _exit(1);
        } catch (...) {
            _exit(2);
        }
    }
    if (child < 0) return "fork failed";
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFSIGNALED(status)) {
        return WTERMSIG(status) == SIGALRM
                   ? "hung (killed after " + std::to_string(seconds) + " s)"
                   : "crashed (signal " + std::to_string(WTERMSIG(status)) + ")";
    }
    switch (WEXITSTATUS(status)) {
        case 0:
            return "normalized result";
        case 1:
            return "OpError";
        case 2:
            return "an exception other than OpError";
        case 3:
            return "a result that is not normalized";
        default:
            return "exit " + std::to_string(WEXITSTATUS(status));
    }
}

bool fine(const std::string& outcome) {
    return outcome == "normalized result" || outcome == "OpError";
}

}  // namespace

TEST_CASE("counts at the size_t limit give a result or an OpError", "[ot][limits]") {
    // Nothing can be that long, but a JSON number can say it is, and transform and compose do not
    // see the document. Either answer is right; a hang, a crash or a wrong op is not.
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    const std::pair<const char*, std::function<Op()>> calls[] = {
        {"transform([], [max, \"y\"], left)",
         [] {
             return ot::transform(Op{}, Op{Skip{max}, Insert{"y"}}, Side::left);
         }},
        {"transform([], [{\"d\": max}], left)",
         [] { return ot::transform(Op{}, Op{del(max)}, Side::left); }},
        {"transform([1, \"x\"], [1, \"y\", max, \"z\"], right)",
         [] {
             return ot::transform(Op{Skip{1}, Insert{"x"}},
                                  Op{Skip{1}, Insert{"y"}, Skip{max}, Insert{"z"}}, Side::right);
         }},
        {"transform([max - 1, \"a\"], [max - 1, \"yy\"], right)",
         [] {
             return ot::transform(Op{Skip{max - 1}, Insert{"a"}}, Op{Skip{max - 1}, Insert{"yy"}},
                                  Side::right);
         }},
        {"compose([], [max, \"y\"])",
         [] {
             return ot::compose(Op{}, Op{Skip{max}, Insert{"y"}});
         }},
        {"compose([], [{\"d\": max}])", [] { return ot::compose(Op{}, Op{del(max)}); }},
        {"compose([max - 1, \"a\"], [max, \"yy\"])",
         [] {
             return ot::compose(Op{Skip{max - 1}, Insert{"a"}}, Op{Skip{max}, Insert{"yy"}});
         }},
    };
    for (const auto& [what, call] : calls) {
        const std::string outcome = outcome_of(call);
        INFO(what << ": " << outcome);
        CHECK(fine(outcome));
    }
}

TEST_CASE("positions are code points wherever ASCII runs and multi-byte characters meet",
          "[ot][apply]") {
    // ASCII runs of every length around the 8-byte words and 128-byte blocks the cursor counts
    // by, with 2-, 3- and 4-byte characters between them, and blocks of nothing but them.
    std::string doc;
    const char* wide[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};  // é € 😀
    for (int round = 0; round < 3; ++round) {
        for (int run = 0; run < 20; ++run) {
            doc += std::string(static_cast<std::size_t>(run), static_cast<char>('a' + run % 26));
            doc += wide[(run + round) % 3];
        }
        for (int k = 0; k < 70 + 13 * round; ++k) doc += wide[round];
    }
    const std::size_t n = samen::utf8::count(doc);
    for (std::size_t at = 0; at <= n; ++at) {
        INFO("at " << at);
        const std::size_t byte = samen::utf8::byte_offset(doc, at);
        const std::string inserted = doc.substr(0, byte) + "X" + doc.substr(byte);
        // A skip of nothing is no component (ops are normalized).
        auto at_ = [&](ot::Component c) {
            return at == 0 ? ot::Op{std::move(c)} : ot::Op{ot::Skip{at}, std::move(c)};
        };
        CHECK(ot::apply(doc, at_(ot::Insert{"X"})) == inserted);
        if (at < n) {
            const std::size_t next = samen::utf8::byte_offset(doc, at + 1);
            const ot::Op del = ot::make_invertible(at_(ot::Delete{1, std::nullopt}), doc);
            CHECK(std::get<ot::Delete>(del.back()).text == doc.substr(byte, next - byte));
            CHECK(ot::apply(doc, del) == doc.substr(0, byte) + doc.substr(next));
        }
    }
    CHECK_THROWS_AS(ot::apply(doc, ot::Op{ot::Skip{n + 1}, ot::Insert{"X"}}), ot::OpError);
}

TEST_CASE("apply_in_place leaves the text as it was when the op does not fit", "[ot][apply]") {
    std::string text = "Samen waar het kan";
    REQUIRE_THROWS_AS(ot::apply_in_place(text, Op{Skip{6}, Delete{4, "hier"}}), OpError);
    REQUIRE(text == "Samen waar het kan");
    REQUIRE_THROWS_AS(ot::apply_in_place(text, Op{Skip{10}, Insert{"!"}, Skip{30}}), OpError);
    REQUIRE(text == "Samen waar het kan");
    // Several places in one op, a multi-byte character among them.
    const Op full = ot::apply_in_place(
        text, Op{Insert{"\u201c"}, Skip{6}, Delete{5, std::nullopt}, Skip{7}, Insert{"\u201d"}});
    REQUIRE(text == "\u201cSamen het kan\u201d");
    REQUIRE(full == Op{Insert{"\u201c"}, Skip{6}, Delete{5, "waar "}, Skip{7}, Insert{"\u201d"}});
}
