// What needs a municipality in one document: its stale local versions and the proposals waiting
// for its vote (model/inbox.hpp), on the sample document of tests/support.
#include <catch2/catch.hpp>

#include "model/inbox.hpp"
#include "sample_document.hpp"

using namespace samen::model;
using namespace samen::test;

TEST_CASE("a municipality's inbox: its stale local versions and the votes it owes",
          "[model][inbox]") {
    Document d = sample_document();

    const auto k = municipality_inbox(d, kampen);
    REQUIRE(k.stale.size() == 1);  // jeugd; inleiding is up to date
    CHECK(k.stale[0].section == "jeugd");
    CHECK(k.stale[0].title == "Jeugd");
    CHECK(k.votes.empty());  // Kampen approved the proposal already

    const auto s = municipality_inbox(d, staphorst);
    CHECK(s.stale.empty());
    REQUIRE(s.votes.size() == 1);
    CHECK(s.votes[0].proposal == 1);
    CHECK(s.votes[0].section == "slot");
    CHECK(s.votes[0].title == "Slot");
    CHECK(s.votes[0].proposer.name == "kampen-coordinator");
    CHECK(municipality_inbox(d, zwolle).votes.size() == 1);

    // A municipality that takes no part is owed nothing, and a decided proposal asks nothing.
    CHECK(municipality_inbox(d, "GM0153").votes.empty());
    d.proposals[0].votes[staphorst] = "approve";
    CHECK(municipality_inbox(d, staphorst).votes.empty());
    d.proposals[0].state = "rejected";
    CHECK(municipality_inbox(d, zwolle).votes.empty());

    // An open thread addressed to Staphorst is in its inbox, not in Kampen's; resolved, it is gone.
    Thread t;
    t.id = 1;
    t.section = "slot";
    t.layer = "common";
    t.municipality = staphorst;
    t.comments.push_back(
        {1, {11, "kampen-coordinator", "Fatima el Amrani", kampen}, "Klopt dit?", "t"});
    d.threads.push_back(t);
    REQUIRE(municipality_inbox(d, staphorst).comments.size() == 1);
    CHECK(municipality_inbox(d, staphorst).comments[0].title == "Slot");
    CHECK(municipality_inbox(d, staphorst).comments[0].first.text == "Klopt dit?");
    CHECK(municipality_inbox(d, kampen).comments.empty());
    d.threads[0].resolved = true;
    CHECK(municipality_inbox(d, staphorst).comments.empty());

    // Acknowledged (its base moved to now), the version is no longer stale.
    d.section("jeugd")->layers.at(kampen).base = d.rev;
    CHECK(municipality_inbox(d, kampen).stale.empty());
}
