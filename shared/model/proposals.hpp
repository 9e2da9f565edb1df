// Proposals and votes: a municipality's override made common, or a change of the common text put
// to agreement; every municipality taking part votes; when all approve, the common text becomes
// the proposal (docs/decisions/0008-accepted-proposal-wins-conflicts.md). Pure functions of the
// document like model/tree.hpp: refused with model::Refused before anything changes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/document.hpp"
#include "ot/text.hpp"

namespace samen::model {

/// Opens a proposal for the common text of `section`: `layer` is a municipality whose override is
/// proposed, or "common" with the proposed `text`. `voter` is the municipality that approves by
/// proposing (empty: none). Returns the proposal as it is held.
const Proposal& propose(Document& doc, const std::string& section, const std::string& layer,
                        const std::optional<std::string>& text, const UserRef& proposer,
                        const std::string& voter, const std::string& created_at,
                        std::size_t max_text_bytes);

struct VoteOutcome {
    Proposal proposal;  // with the vote, its state, and closed_rev once decided
    Rev rev = 0;        // the vote's revision
    /// Accepted and the common text changed: its edit, the revision after the vote's.
    struct CommonEdit {
        Rev rev = 0;
        ot::Op op;  // invertible
        std::string text;
    };
    std::optional<CommonEdit> common;
    /// Accepted, and the proposer's override still held the proposed text: it went back to
    /// inherit at the last revision (its text and base are kept for the log).
    struct Reverted {
        Rev rev = 0;
        std::string text;
        std::optional<Rev> base;
    };
    std::optional<Reverted> reverted;
};

/// The vote of `municipality` on an open proposal.
VoteOutcome vote(Document& doc, std::int64_t proposal, const std::string& municipality,
                 bool approve);

}  // namespace samen::model
