#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "model/history.hpp"
#include "model/merge.hpp"
#include "model/proposals.hpp"
#include "model/tree.hpp"
#include "ot/text.hpp"
#include "sample_document.hpp"

using namespace samen::model;
using namespace samen::test;

namespace {

const UserRef proposer{12, "staphorst-coordinator", "Jan Mulder", staphorst};
constexpr std::size_t max_text = 1000;

const Proposal& propose_common(Document& d, const std::string& section, const std::string& text,
                               const std::string& voter = staphorst) {
    return propose(d, section, "common", text, proposer, voter, "2026-02-01T12:00:00Z", max_text);
}

const std::string& common_of(const Document& d, const std::string& section) {
    return d.section(section)->layer("common")->text;
}

/// A layer's text as an edit after the proposal leaves it (at the next revision).
void edit_meanwhile(Document& d, const std::string& section, const std::string& layer,
                    const std::string& text) {
    Layer& l = d.section(section)->layers.at(layer);
    l.text = text;
    l.changed_rev = ++d.rev;
}

/// Approves proposal `id` for Staphorst and then for Zwolle; returns Zwolle's vote, and sets
/// `before` to the document between the two.
VoteOutcome approve_by_the_others(Document& d, std::int64_t id, Document& before) {
    vote(d, id, staphorst, true);
    before = d;
    return vote(d, id, zwolle, true);
}

/// Undoes what a vote changed, newest first, as the history reads the past.
Document undo_vote(Document d, const VoteOutcome& out) {
    const Proposal& p = out.proposal;
    if (out.reverted) {
        nlohmann::json data = {{"kind", "revert"}, {"text", out.reverted->text}};
        if (out.reverted->base) data["base"] = *out.reverted->base;
        undo(d, as_logged(out.reverted->rev, "revert", p.section, p.layer, data));
    }
    if (out.common) {
        undo(d, as_logged(out.common->rev, "edit", p.section, "common", nullptr, out.common->op));
    }
    undo(d, as_logged(out.rev, "vote", p.section, p.layer,
                      {{"proposal", p.id}, {"vote", "approve"}, {"state", p.state}}));
    return d;
}

}  // namespace

TEST_CASE("propose opens a proposal of a common text", "[model][proposals]") {
    Document d = sample_document();
    const Document before = d;
    const Proposal p = propose_common(d, "inleiding", "Samen sterk.");
    CHECK(d.rev == before.rev + 1);
    CHECK(p.id == 2);
    CHECK(d.next_proposal == 3);
    CHECK(p.section == "inleiding");
    CHECK(p.layer == "common");
    CHECK(p.text == "Samen sterk.");
    CHECK(p.common_text == "Samen veilig.");
    CHECK(p.base == d.rev);
    CHECK(p.proposer == proposer);
    CHECK(p.created_at == "2026-02-01T12:00:00Z");
    CHECK(p.votes == std::map<std::string, std::string>{{staphorst, "approve"}});
    CHECK(p.state == "open");
    CHECK_FALSE(p.closed_rev);
    REQUIRE(d.proposals.size() == 2);
    CHECK(d.proposals.back() == p);
    // Proposing changes no text: only the revision and the open proposals.
    Document rest = d;
    rest.rev = before.rev;
    rest.proposals = before.proposals;
    rest.next_proposal = before.next_proposal;
    CHECK(rest == before);

    // An admin without a municipality proposes without voting.
    CHECK(propose_common(d, "velden", "Zes velden.", "").votes.empty());
}

TEST_CASE("propose opens a proposal of a municipality's override", "[model][proposals]") {
    Document d = sample_document();
    const Proposal& p =
        propose(d, "inleiding", kampen, std::nullopt, proposer, kampen, "t", max_text);
    CHECK(p.layer == kampen);
    CHECK(p.text == "Kampen veilig.");
    CHECK(p.common_text == "Samen veilig.");
    CHECK(p.votes == std::map<std::string, std::string>{{kampen, "approve"}});
}

TEST_CASE("propose refusals", "[model][proposals]") {
    Document d = sample_document();
    auto proposed = [](const char* section, std::string layer, std::optional<std::string> text,
                       std::size_t max = max_text) {
        return [=](Document& x) { propose(x, section, layer, text, proposer, "", "t", max); };
    };
    const std::optional<std::string> none;
    const std::optional<std::string> text = "Nieuw.";
    CHECK(refusal_of(d, proposed("nergens", "common", text)) == "not_found");
    CHECK(refusal_of(d, proposed("oud", "common", text)) == "not_found");
    CHECK(refusal_of(d, proposed("eigen", "common", text)) == "invalid");
    CHECK(refusal_of(d, proposed("eigen", staphorst, none)) == "invalid");
    CHECK(refusal_of(d, proposed("inleiding", "common", none)) == "invalid");
    CHECK(refusal_of(d, proposed("inleiding", "common", std::string("Kapot \xC3"))) == "invalid");
    CHECK(refusal_of(d, proposed("inleiding", "common", text, 5)) == "too_large");
    CHECK(refusal_of(d, proposed("inleiding", "common", text, 6)) == "accepted");
    d = sample_document();
    CHECK(refusal_of(d, proposed("inleiding", "GM0999", none)) == "not_found");
    CHECK(refusal_of(d, proposed("inleiding", "kampen", none)) == "not_found");
    CHECK(refusal_of(d, proposed("inleiding", kampen, text)) == "invalid");
    CHECK(refusal_of(d, proposed("inleiding", zwolle, none)) == "not_found");  // inherits
    CHECK(refusal_of(d, proposed("velden", staphorst, none)) == "not_found");  // omits
    CHECK(refusal_of(d, proposed("jeugd", kampen, none)) == "conflict");       // stale
    CHECK(refusal_of(d, proposed("inleiding", "common", std::string("Samen veilig."))) ==
          "conflict");                                                     // no change
    CHECK(refusal_of(d, proposed("slot", "common", text)) == "conflict");  // one is open
}

TEST_CASE("a reject closes a proposal", "[model][proposals]") {
    Document d = sample_document();
    const Document before = d;
    const VoteOutcome out = vote(d, 1, staphorst, false);
    CHECK(out.rev == before.rev + 1);
    CHECK(d.rev == out.rev);
    CHECK(out.proposal.state == "rejected");
    CHECK(out.proposal.closed_rev == out.rev);
    CHECK(out.proposal.votes ==
          std::map<std::string, std::string>{{kampen, "approve"}, {staphorst, "reject"}});
    CHECK_FALSE(out.common);
    CHECK_FALSE(out.reverted);
    CHECK(d.proposals.empty());
    CHECK(common_of(d, "slot") == "Einde.");
    CHECK(past_view(undo_vote(d, out)) == past_view(before));
}

TEST_CASE("an approval keeps a proposal open until every municipality approves",
          "[model][proposals]") {
    Document d = sample_document();
    const Document before = d;
    const VoteOutcome out = vote(d, 1, staphorst, true);
    CHECK(out.rev == before.rev + 1);
    CHECK(d.rev == out.rev);
    CHECK(out.proposal.state == "open");
    CHECK_FALSE(out.proposal.closed_rev);
    CHECK_FALSE(out.common);
    CHECK_FALSE(out.reverted);
    REQUIRE(d.proposals.size() == 1);
    CHECK(d.proposals[0] == out.proposal);
    CHECK(d.proposals[0].votes.at(staphorst) == "approve");
    CHECK(common_of(d, "slot") == "Einde.");
}

TEST_CASE("the last approval makes the proposed text common", "[model][proposals]") {
    Document d = sample_document();
    Document before;
    const VoteOutcome out = approve_by_the_others(d, 1, before);
    CHECK(out.rev == before.rev + 1);
    CHECK(out.proposal.state == "accepted");
    CHECK(out.proposal.closed_rev == out.rev);
    REQUIRE(out.common);
    CHECK(out.common->rev == out.rev + 1);
    CHECK(out.common->text == "Einde, samen.");
    CHECK(samen::ot::is_invertible(out.common->op));
    CHECK(samen::ot::apply("Einde.", out.common->op) == "Einde, samen.");
    CHECK_FALSE(out.reverted);  // a proposal of the common layer has no override to revert
    CHECK(d.rev == out.common->rev);
    CHECK(common_of(d, "slot") == "Einde, samen.");
    CHECK(d.section("slot")->layer("common")->changed_rev == out.common->rev);
    CHECK(d.proposals.empty());
    CHECK(past_view(undo_vote(d, out)) == past_view(before));
}

TEST_CASE("an accepted override goes back to inherit the text it made common",
          "[model][proposals]") {
    Document d = sample_document();
    const Proposal& p =
        propose(d, "inleiding", kampen, std::nullopt, proposer, kampen, "t", max_text);
    Document before;
    const VoteOutcome out = approve_by_the_others(d, p.id, before);
    CHECK(out.proposal.state == "accepted");
    REQUIRE(out.common);
    CHECK(out.common->rev == out.rev + 1);
    REQUIRE(out.reverted);
    CHECK(out.reverted->rev == out.rev + 2);
    CHECK(out.reverted->text == "Kampen veilig.");
    CHECK(out.reverted->base == 4u);
    CHECK(d.rev == before.rev + 3);
    CHECK(common_of(d, "inleiding") == "Kampen veilig.");
    CHECK_FALSE(d.section("inleiding")->layer(kampen));
    CHECK(past_view(undo_vote(d, out)) == past_view(before));
}

TEST_CASE("an override edited after its proposal stays, stale", "[model][proposals]") {
    Document d = sample_document();
    const std::int64_t id =
        propose(d, "inleiding", kampen, std::nullopt, proposer, kampen, "t", max_text).id;
    edit_meanwhile(d, "inleiding", kampen, "Kampen veilig, en meer.");
    Document before;
    const VoteOutcome out = approve_by_the_others(d, id, before);
    CHECK(out.proposal.state == "accepted");
    REQUIRE(out.common);
    CHECK_FALSE(out.reverted);
    CHECK(d.rev == before.rev + 2);
    CHECK(d.section("inleiding")->layer(kampen)->text == "Kampen veilig, en meer.");
    CHECK(d.section("inleiding")->is_stale(kampen));
    CHECK(past_view(undo_vote(d, out)) == past_view(before));
}

TEST_CASE("the accepted text is merged with what changed in the common text meanwhile",
          "[model][proposals]") {
    Document d = sample_document();
    SECTION("another change") {
        edit_meanwhile(d, "slot", "common", "Einde. Tot ziens.");
        Document before;
        const VoteOutcome out = approve_by_the_others(d, 1, before);
        const std::string merged = merge3("Einde.", "Einde, samen.", "Einde. Tot ziens.").merged;
        REQUIRE(out.common);
        CHECK(out.common->text == merged);
        CHECK(samen::ot::apply("Einde. Tot ziens.", out.common->op) == merged);
        CHECK(common_of(d, "slot") == merged);
        CHECK(past_view(undo_vote(d, out)) == past_view(before));
    }
    SECTION("the same change: nothing left to edit") {
        edit_meanwhile(d, "slot", "common", "Einde, samen.");
        Document before;
        const VoteOutcome out = approve_by_the_others(d, 1, before);
        CHECK(out.proposal.state == "accepted");
        CHECK_FALSE(out.common);
        CHECK_FALSE(out.reverted);
        CHECK(d.rev == before.rev + 1);
        CHECK(common_of(d, "slot") == "Einde, samen.");
    }
}

TEST_CASE("vote refusals", "[model][proposals]") {
    Document d = sample_document();
    CHECK(refusal_of(d, [](Document& x) { vote(x, 99, staphorst, true); }) == "not_found");
    CHECK(refusal_of(d, [](Document& x) { vote(x, 0, staphorst, true); }) == "not_found");
    CHECK(refusal_of(d, [](Document& x) { vote(x, 1, kampen, true); }) == "conflict");
    CHECK(refusal_of(d, [](Document& x) { vote(x, 1, kampen, false); }) == "conflict");

    // Its section deleted, a proposal can be rejected but not accepted.
    delete_section(d, "slot");
    CHECK(refusal_of(d, [](Document& x) { vote(x, 1, staphorst, true); }) == "conflict");
    CHECK(refusal_of(d, [](Document& x) { vote(x, 1, staphorst, false); }) == "accepted");
    CHECK(d.proposals.empty());
}
