#include "auth/authorize.hpp"

#include "auth/permissions.hpp"
#include "model/tree.hpp"

namespace samen::auth {
namespace {

using protocol::ErrorCode;
namespace p = protocol;

std::optional<Refusal> forbidden(std::string message) {
    return Refusal{ErrorCode::forbidden, std::move(message)};
}

std::vector<std::string> codes_of(const model::Document& doc) {
    std::vector<std::string> codes;
    for (const auto& m : doc.municipalities) codes.push_back(m.code);
    return codes;
}

/// The rules of the requests about one document, each given the reader's right already.
struct DocumentRules {
    const User& user;
    const model::Document& doc;

    /// A municipality's state of a section: judged only for a municipality taking part.
    template <class Allowed>
    std::optional<Refusal> layer_rule(const p::LayerTarget& r, Allowed allowed,
                                      const std::string& what) const {
        if (!doc.takes_part(r.layer) || allowed(user, r.layer)) return std::nullopt;
        return forbidden(what);
    }
    std::optional<Refusal> tree_rule(const model::Section* section) const {
        if (!section || can_change_tree(user, section->owner)) return std::nullopt;
        return forbidden("you may not change this part of the section tree");
    }

    std::optional<Refusal> operator()(const p::Open&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::Close&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::Presence&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::Effective&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::Divergence&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::History&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::TextAt&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::Diff&) const { return std::nullopt; }
    // Whoever reads the document may comment on it, reply, resolve and reopen (council members
    // reading their own plan included): all of it is reversible and in the history
    // (docs/decisions/0017-comments.md).
    std::optional<Refusal> operator()(const p::Comment&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::CommentReply&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::CommentResolve&) const { return std::nullopt; }

    std::optional<Refusal> operator()(const p::Edit& r) const {
        if (can_edit_layer(user, r.layer)) return std::nullopt;
        return forbidden("you may not edit the layer '" + r.layer + "'");
    }
    std::optional<Refusal> operator()(const p::Diverge& r) const {
        return layer_rule(r, can_diverge, "you may not diverge the sections of " + r.layer);
    }
    std::optional<Refusal> operator()(const p::Revert& r) const {
        return layer_rule(r, can_revert, "you may not revert the sections of " + r.layer);
    }
    std::optional<Refusal> operator()(const p::Omit& r) const {
        return layer_rule(r, can_omit, "you may not omit the sections of " + r.layer);
    }
    std::optional<Refusal> operator()(const p::Include& r) const {
        return layer_rule(r, can_omit, "you may not include the sections of " + r.layer);
    }
    std::optional<Refusal> operator()(const p::Acknowledge& r) const {
        return layer_rule(r, can_acknowledge, "you may not acknowledge the sections of " + r.layer);
    }
    std::optional<Refusal> operator()(const p::RebasePreview& r) const {
        return layer_rule(r, can_rebase, "only a coordinator of " + r.layer + " rebases");
    }
    std::optional<Refusal> operator()(const p::RebaseCommit& r) const {
        return layer_rule(r, can_rebase, "only a coordinator of " + r.layer + " rebases");
    }

    std::optional<Refusal> operator()(const p::SectionCreate& r) const {
        // Under a local-only section a new one is its owner's (a measure's fields take their
        // measure's owner without asking): judged as that municipality's.
        std::optional<std::string> owner = r.owner;
        if (const model::Section* parent = r.parent ? doc.section(*r.parent) : nullptr;
            !owner && parent && parent->owner) {
            owner = parent->owner;
        }
        if ((owner && !doc.takes_part(*owner)) || can_change_tree(user, owner)) {
            return std::nullopt;
        }
        return forbidden("you may not change this part of the section tree");
    }
    std::optional<Refusal> operator()(const p::SectionRename& r) const {
        return tree_rule(doc.section(r.section));
    }
    std::optional<Refusal> operator()(const p::SectionMove& r) const {
        return tree_rule(doc.section(r.section));
    }
    std::optional<Refusal> operator()(const p::SectionDelete& r) const {
        // Deleting a chapter deletes what is under it: the user must be allowed for all of it.
        if (auto no = tree_rule(doc.section(r.section))) return no;
        if (!doc.section(r.section)) return std::nullopt;
        for (const auto& id : doc.descendants(r.section)) {
            if (auto no = tree_rule(doc.section(id))) return no;
        }
        return std::nullopt;
    }
    std::optional<Refusal> operator()(const p::SectionRestore& r) const {
        // A restore brings back what one delete removed: the user must be allowed for all of it.
        for (const auto& id : model::restore_set(doc, r.section)) {
            if (auto no = tree_rule(model::deleted_section(doc, id))) return no;
        }
        return std::nullopt;
    }

    std::optional<Refusal> operator()(const p::Propose& r) const {
        const model::Section* section = doc.section(r.section);
        if (!section || section->owner) return std::nullopt;
        if (r.layer == model::common_layer) {
            if (user.municipality && doc.takes_part(*user.municipality) &&
                can_propose(user, *user.municipality)) {
                return std::nullopt;
            }
            return forbidden(
                "only a coordinator of a municipality taking part proposes a common text");
        }
        if (!doc.takes_part(r.layer) || can_propose(user, r.layer)) return std::nullopt;
        return forbidden("only a coordinator of " + r.layer + " proposes its text");
    }
    std::optional<Refusal> operator()(const p::Vote& r) const {
        bool open = false;
        for (const auto& proposal : doc.proposals) open = open || proposal.id == r.proposal;
        if (!open || (user.municipality && doc.takes_part(*user.municipality) &&
                      can_vote(user, *user.municipality))) {
            return std::nullopt;
        }
        return forbidden("votes are cast by the coordinators of the municipalities taking part");
    }
    std::optional<Refusal> operator()(const p::Tag&) const {
        if (can_tag(user)) return std::nullopt;
        return forbidden("only coordinators and admins name versions");
    }
    std::optional<Refusal> operator()(const p::PrioritiesSet& r) const {
        if (!doc.takes_part(r.municipality) || can_set_priorities(user, r.municipality)) {
            return std::nullopt;
        }
        return forbidden("only a coordinator of " + r.municipality + " sets its priorities");
    }
    std::optional<Refusal> operator()(const p::AdoptionSet& r) const {
        if (!doc.takes_part(r.municipality) || can_record_adoption(user, r.municipality)) {
            return std::nullopt;
        }
        return forbidden("only " + r.municipality + " itself records its decision");
    }
    std::optional<Refusal> operator()(const p::DocumentRename&) const {
        if (can_manage(user)) return std::nullopt;
        return forbidden("only an admin renames or archives a document");
    }
    std::optional<Refusal> operator()(const p::DocumentArchive&) const {
        if (can_manage(user)) return std::nullopt;
        return forbidden("only an admin renames or archives a document");
    }
};

/// Every request about a document needs the right to read it first. An archived document is
/// there for admins only, but a change of it is left to the room: it answers every change with
/// conflict (docs/protocol.md), so that whoever still has it open learns that it is read-only.
std::optional<Refusal> read_refusal(const User& user, const model::Document& doc,
                                    const p::DocumentRequest& r) {
    if (user.disabled) return Refusal{ErrorCode::unauthorized, "your account is disabled"};
    if (!can_read_document(user, codes_of(doc))) {
        return forbidden("your municipality does not take part in '" + doc.id + "'");
    }
    if (p::is_read(r) && !can_open(user, codes_of(doc), doc.archived)) {
        return Refusal{ErrorCode::not_found, "no document '" + doc.id + "'"};
    }
    return std::nullopt;
}

struct Rules {
    const User& user;
    const model::Document* doc;

    std::optional<Refusal> operator()(const p::Hello&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::Ping&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::List&) const { return std::nullopt; }
    // Holds only what the user may open (server/app/inbox.cpp), like the list.
    std::optional<Refusal> operator()(const p::Inbox&) const { return std::nullopt; }
    std::optional<Refusal> operator()(const p::DocumentCreate&) const {
        if (can_manage(user)) return std::nullopt;
        return forbidden("only an admin creates documents");
    }
    std::optional<Refusal> operator()(const p::DocumentRequest& r) const {
        if (!doc) return Refusal{ErrorCode::internal, "the document is not loaded"};
        // Closing is always allowed: it gives nothing and ends what a revoked user had open.
        if (std::holds_alternative<p::Close>(r)) return std::nullopt;
        if (auto no = read_refusal(user, *doc, r)) return no;
        return std::visit(DocumentRules{user, *doc}, r);
    }
};

}  // namespace

std::optional<Refusal> refusal(const User& user, const model::Document* doc,
                               const protocol::Request& request) {
    return std::visit(Rules{user, doc}, request);
}

}  // namespace samen::auth
