// Proposals and votes (model/proposals.hpp). The vote that accepts a proposal produces up to three
// revisions in one store job: the vote, the common text's edit and the proposer's revert.
#include "model/proposals.hpp"
#include "ot/json.hpp"
#include "rooms/room.hpp"
#include "store/store.hpp"
#include "store/time.hpp"

namespace samen::rooms {

namespace p = protocol;

void Room::handle(const Caller& c, const auth::User& u, const p::Propose& r) {
    // The municipality that approves by proposing: the proposer's own.
    std::string voter;
    if (r.layer == model::common_layer || u.municipality == r.layer) {
        voter = u.municipality.value_or("");
    }
    const model::Proposal& proposal =
        model::propose(doc_, r.section, r.layer, r.text, auth::ref(u), voter, store::now_string(),
                       limits_.max_text_bytes);
    const Rev rev = proposal.base;
    nlohmann::json msg = change_message(r.type, rev, u.id);
    msg["proposal"] = model::to_json(proposal);
    commit_change(rev, std::move(msg), c,
                  [doc = id_, rev, proposal, voter, author = u.id](store::Db& db) {
                      append_change(db, doc, rev, "propose", proposal.section, proposal.layer,
                                    {{"proposal", proposal.id}}, author);
                      insert_proposal(db, doc, proposal);
                      if (!voter.empty())
                          insert_vote(db, doc, proposal.id, voter, "approve", author, rev);
                  });
}

void Room::handle(const Caller& c, const auth::User& u, const p::Vote& r) {
    // auth::refusal lets only a coordinator of a municipality taking part vote on a proposal.
    const std::string code = u.municipality.value_or("");
    const std::string ballot = r.vote == p::Ballot::approve ? "approve" : "reject";
    model::VoteOutcome out = model::vote(doc_, r.proposal, code, r.vote == p::Ballot::approve);
    const model::Proposal& proposal = out.proposal;

    std::vector<Uncommitted> changes;
    nlohmann::json vote = change_message(r.type, out.rev, u.id);
    vote.update({{"proposal", proposal.id},
                 {"municipality", code},
                 {"vote", ballot},
                 {"state", proposal.state}});
    changes.push_back({std::nullopt, outgoing(vote), 0, std::nullopt, std::nullopt});
    std::optional<AppliedEdit> common_edit;
    if (out.common) {
        common_edit = AppliedEdit{out.common->rev,
                                  proposal.section,
                                  std::string(model::common_layer),
                                  out.common->op,
                                  "proposal-" + std::to_string(proposal.id),
                                  u.id};
        remember(*common_edit, auth::ref(u));
        changes.push_back(
            {common_edit, edit_broadcast(*common_edit, nullptr), 0, std::nullopt, std::nullopt});
    }
    if (out.reverted) {
        nlohmann::json revert = change_message("revert", out.reverted->rev, u.id);
        revert.update({{"section", proposal.section}, {"layer", proposal.layer}});
        changes.push_back({std::nullopt, outgoing(revert), 0, std::nullopt, std::nullopt});
    }
    last_structural_rev_ = doc_.rev;
    commit(
        out.rev, std::move(changes), c,
        [doc = id_, out = std::move(out), code, ballot, author = u.id, common_edit](store::Db& db) {
            const model::Proposal& p = out.proposal;
            append_change(
                db, doc, out.rev, "vote", p.section, p.layer,
                {{"proposal", p.id}, {"municipality", code}, {"vote", ballot}, {"state", p.state}},
                author);
            insert_vote(db, doc, p.id, code, ballot, author, out.rev);
            if (p.state != "open") close_proposal(db, doc, p.id, p.state, out.rev);
            if (common_edit) {
                // An accepted proposal changes the whole text at once: kept as a checkpoint too.
                append_edit(db, doc, *common_edit);
                write_checkpoint(db, doc, common_edit->section, common_edit->layer,
                                 out.common->text, common_edit->rev, common_edit->rev);
            }
            if (out.reverted) {
                nlohmann::json data = {{"kind", "revert"}, {"text", out.reverted->text}};
                if (out.reverted->base) data["base"] = *out.reverted->base;
                append_layer_change(db, doc, out.reverted->rev, "revert", p.section, p.layer, data,
                                    author, std::nullopt);
            }
        });
}

}  // namespace samen::rooms
