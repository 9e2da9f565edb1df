#include "model/proposals.hpp"

#include <algorithm>

#include "model/merge.hpp"
#include "model/refused.hpp"
#include "text/utf8.hpp"

namespace samen::model {
namespace {

using Why = Refused::Why;

/// The text a proposal puts forward: the given common text, or the municipality's override.
std::string proposed_text(const Document& doc, const Section& section, const std::string& layer,
                          const std::optional<std::string>& text, std::size_t max_text_bytes) {
    if (layer == common_layer) {
        if (!text) throw Refused(Why::invalid, "\"text\" is missing: the proposed common text");
        if (!utf8::valid(*text)) throw Refused(Why::invalid, "the text is not valid UTF-8");
        if (text->size() > max_text_bytes) {
            throw Refused(Why::too_large, "the text is longer than a layer may hold");
        }
        return *text;
    }
    if (!is_municipality_code(layer) || !doc.takes_part(layer)) {
        throw Refused(Why::not_found, "'" + layer + "' is not a municipality taking part");
    }
    if (text) {
        throw Refused(Why::invalid, "\"text\" is only for a proposal of the common layer");
    }
    const Layer* own = section.layer(layer);
    if (!own || own->state != LayerState::override_) {
        throw Refused(Why::not_found, layer + " has no override of this section");
    }
    if (section.is_stale(layer)) {
        throw Refused(Why::conflict, "the override of " + layer +
                                         " is stale: rebase or acknowledge it before proposing it");
    }
    return own->text;
}

}  // namespace

const Proposal& propose(Document& doc, const std::string& section_id, const std::string& layer,
                        const std::optional<std::string>& text, const UserRef& proposer,
                        const std::string& voter, const std::string& created_at,
                        std::size_t max_text_bytes) {
    const Section* section = doc.section(section_id);
    if (!section) throw Refused(Why::not_found, "no section '" + section_id + "'");
    if (section->owner) {
        throw Refused(Why::invalid, "'" + section_id + "' is a local-only section of " +
                                        *section->owner + ": it has no common text");
    }
    const Layer& common = section->layers.at(std::string(common_layer));
    Proposal p;
    p.section = section_id;
    p.layer = layer;
    p.text = proposed_text(doc, *section, layer, text, max_text_bytes);
    if (p.text == common.text) throw Refused(Why::conflict, "the text is the common text already");
    for (const auto& open : doc.proposals) {
        if (open.section == section_id) {
            throw Refused(Why::conflict, "section '" + section_id + "' has an open proposal (" +
                                             std::to_string(open.id) + ") already");
        }
    }
    p.base = ++doc.rev;
    p.id = doc.next_proposal++;
    p.common_text = common.text;
    p.proposer = proposer;
    p.created_at = created_at;
    if (!voter.empty()) p.votes[voter] = "approve";
    doc.proposals.push_back(std::move(p));
    return doc.proposals.back();
}

VoteOutcome vote(Document& doc, std::int64_t proposal, const std::string& code, bool approve) {
    auto it = std::find_if(doc.proposals.begin(), doc.proposals.end(),
                           [&](const Proposal& p) { return p.id == proposal; });
    if (it == doc.proposals.end()) {
        throw Refused(Why::not_found, "no open proposal " + std::to_string(proposal));
    }
    if (it->votes.count(code)) {
        throw Refused(Why::conflict,
                      code + " voted on proposal " + std::to_string(proposal) + " already");
    }
    Section* section = doc.section(it->section);
    if (approve && !section) {
        throw Refused(Why::conflict, "the section of this proposal was deleted: restore it first");
    }

    VoteOutcome out;
    Proposal& p = out.proposal;
    p = *it;
    p.votes[code] = approve ? "approve" : "reject";
    const bool all_approve = std::all_of(doc.municipalities.begin(), doc.municipalities.end(),
                                         [&](const Municipality& m) {
                                             auto v = p.votes.find(m.code);
                                             return v != p.votes.end() && v->second == "approve";
                                         });
    p.state = !approve ? "rejected" : all_approve ? "accepted" : "open";
    out.rev = ++doc.rev;

    // Accepted: the common text becomes the proposed one, merged with what changed in the common
    // text since the proposal (where both changed the same words, the proposal wins: that is the
    // text every municipality approved), then the proposer's override goes back to inherit when
    // it still holds the proposed text (otherwise its later edits would be lost).
    if (p.state == "accepted") {
        Layer& common = section->layers.at(std::string(common_layer));
        std::string merged = common.text == p.common_text
                                 ? p.text
                                 : merge3(p.common_text, p.text, common.text).merged;
        if (merged != common.text) {
            VoteOutcome::CommonEdit edit;
            edit.rev = ++doc.rev;
            edit.op = ot::make_invertible(diff_op(common.text, merged), common.text);
            edit.text = merged;
            common.text = std::move(merged);
            common.changed_rev = edit.rev;
            out.common = std::move(edit);
        }
        if (p.layer != common_layer) {
            auto own = section->layers.find(p.layer);
            if (own != section->layers.end() && own->second.state == LayerState::override_ &&
                own->second.text == p.text) {
                out.reverted = VoteOutcome::Reverted{++doc.rev, own->second.text, own->second.base};
                section->layers.erase(own);
            }
        }
    }
    if (p.state == "open") {
        *it = p;
    } else {
        p.closed_rev = out.rev;
        doc.proposals.erase(it);
    }
    return out;
}

}  // namespace samen::model
