// Comment threads as model changes (model/comments.hpp), on the sample document of tests/support.
#include <catch2/catch.hpp>
#include <functional>

#include "model/comments.hpp"
#include "model/refused.hpp"
#include "sample_document.hpp"

using namespace samen::model;
using namespace samen::test;
namespace ot = samen::ot;

namespace {

const UserRef ann{11, "kampen-coordinator", "Fatima el Amrani", kampen};

Refused::Why why(const std::function<void()>& change) {
    try {
        change();
    } catch (const Refused& e) {
        return e.why;
    }
    FAIL("not refused");
    return Refused::Why::invalid;
}

}  // namespace

TEST_CASE("a thread's range moves with edits as a cursor does, and closes when its text goes",
          "[model][comments]") {
    Document d = sample_document();  // inleiding's common text: "Samen veilig."
    const Rev before = d.rev;
    const Thread& t = start_thread(d, {"inleiding", "common", 6, 12, kampen, std::nullopt, "Hoe?"},
                                   ann, "2026-12-03T10:00:00Z", 100);
    CHECK(d.rev == before + 1);
    CHECK(t.id == 1);
    CHECK(t.comments.at(0).author == ann);

    // Typed before it: it moves; typed after it or in another layer: it stays.
    CHECK(move_threads(d, "inleiding", "common", ot::Op{ot::Insert{"Wij: "}}).size() == 1);
    CHECK(d.threads[0].from == 11);
    CHECK(d.threads[0].to == 17);
    CHECK(move_threads(d, "inleiding", "common", ot::Op{ot::Skip{17}, ot::Insert{"!"}}).empty());
    CHECK(move_threads(d, "inleiding", kampen, ot::Op{ot::Insert{"x"}}).empty());
    // Its words deleted: a point, kept.
    move_threads(d, "inleiding", "common", ot::Op{ot::Skip{9}, ot::Delete{10, std::nullopt}});
    CHECK(d.threads[0].from == 9);
    CHECK(d.threads[0].to == 9);
    CHECK(d.threads.size() == 1);
}

TEST_CASE("threads: replies, resolve and reopen, and what is refused", "[model][comments]") {
    Document d = sample_document();
    start_thread(d, {"inleiding", "common", 0, 5, std::nullopt, std::nullopt, "Een."}, ann, "t", 3);
    CHECK(reply_to_thread(d, 1, "Twee.", ann, "t", 3).comments.size() == 2);
    CHECK(comment_count(d) == 2);
    CHECK(resolve_thread(d, 1, true).resolved);
    CHECK(why([&] { resolve_thread(d, 1, true); }) == Refused::Why::conflict);
    CHECK_FALSE(resolve_thread(d, 1, false).resolved);
    CHECK(why([&] { reply_to_thread(d, 7, "?", ann, "t", 3); }) == Refused::Why::not_found);

    const Rev rev = d.rev;
    CHECK(why([&] {
              start_thread(d, {"inleiding", "common", 0, 99, {}, {}, "x"}, ann, "t", 9);
          }) == Refused::Why::invalid);
    CHECK(why([&] {
              start_thread(d, {"nergens", "common", 0, 0, {}, {}, "x"}, ann, "t", 9);
          }) == Refused::Why::not_found);
    CHECK(why([&] {
              start_thread(d, {"inleiding", zwolle, 0, 0, {}, {}, "x"}, ann, "t", 9);
          }) == Refused::Why::not_found);
    CHECK(why([&] {
              start_thread(d, {"inleiding", "common", 0, 0, "GM0153", {}, "x"}, ann, "t", 9);
          }) == Refused::Why::not_found);
    CHECK(why([&] {
              start_thread(d, {"slot", "common", 0, 0, {}, 5, "x"}, ann, "t", 9);
          }) == Refused::Why::not_found);
    // A proposal's thread: open proposal 1 of the sample.
    CHECK(start_thread(d, {"slot", "common", 0, 0, {}, 1, "Waarom?"}, ann, "t", 9).proposal == 1);
    // The bound counts every comment of the document.
    CHECK(why([&] { reply_to_thread(d, 1, "Drie.", ann, "t", 3); }) == Refused::Why::too_large);
    CHECK(d.rev == rev + 1);  // only the proposal's thread changed anything
}
