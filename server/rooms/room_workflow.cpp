// The workflow of a room: proposals and their votes, named versions, and the document's title and
// archive state (DESIGN.md, "Proposal" and "History"). Like every change, each gets the next rev,
// is committed, and only then reaches the members and the requester's ack.
#include <boost/asio/post.hpp>

#include "auth/permissions.hpp"
#include "model/merge.hpp"
#include "rooms/room.hpp"
#include "store/store.hpp"
#include "store/time.hpp"
#include "text/utf8.hpp"

namespace samen::rooms {

namespace asio = boost::asio;
using protocol::ErrorCode;
using protocol::ProtocolError;

namespace {

model::UserRef ref(const auth::User& u) {
    return {u.id, u.name, u.display_name, u.municipality};
}

}  // namespace

void Room::workflow(std::uint64_t session, WorkflowRequest request) {
    asio::post(strand_,
               [self = shared_from_this(), session, request = std::move(request)]() mutable {
                   self->in_order([self, session, request = std::move(request)]() mutable {
                       self->do_workflow(session, std::move(request));
                   });
               });
}

void Room::do_workflow(std::uint64_t session, WorkflowRequest r) {
    const Member* member = member_for(session, r.conn, r.id);
    if (!member) return;
    const Member& m = *member;
    try {
        if (r.kind == "document.archive") {
            if (failed_) throw ProtocolError(ErrorCode::internal, "the document is being reloaded");
        } else {
            check_writable();
        }
        if (r.kind == "propose") return propose(m, r);
        if (r.kind == "vote") return vote(m, r);
        if (r.kind == "tag") return tag(m, r);
        return change_document(m, r);
    } catch (const ProtocolError& e) {
        reply_error(m, r.id, e.code(), e.what());
    }
}

void Room::propose(const Member& m, const WorkflowRequest& r) {
    const auth::User& user = m.user;
    model::Section* section = doc_.section(r.section);
    if (!section) throw ProtocolError(ErrorCode::not_found, "no section '" + r.section + "'");
    if (section->owner) {
        throw ProtocolError(ErrorCode::bad_request,
                            "'" + r.section + "' is a local-only section of " + *section->owner +
                                ": it has no common text");
    }
    const model::Layer& common = section->layers.at(std::string(model::common_layer));
    model::Proposal p;
    p.section = r.section;
    p.layer = r.layer;
    std::string voter;  // the municipality that approves by proposing
    if (r.layer == model::common_layer) {
        if (!r.text)
            throw ProtocolError(ErrorCode::bad_request,
                                "\"text\" is missing: the proposed common text");
        if (!user.municipality || !auth::can_propose(user, *user.municipality) ||
            !doc_.takes_part(*user.municipality)) {
            throw ProtocolError(
                ErrorCode::forbidden,
                "only a coordinator of a municipality taking part proposes a common text");
        }
        if (!utf8::valid(*r.text))
            throw ProtocolError(ErrorCode::bad_request, "the text is not valid UTF-8");
        if (r.text->size() > limits_.max_text_bytes) {
            throw ProtocolError(ErrorCode::too_large, "the text is longer than a layer may hold");
        }
        p.text = *r.text;
        voter = *user.municipality;
    } else {
        if (!model::is_municipality_code(r.layer) || !doc_.takes_part(r.layer)) {
            throw ProtocolError(ErrorCode::not_found,
                                "'" + r.layer + "' is not a municipality taking part");
        }
        if (!auth::can_propose(user, r.layer)) {
            throw ProtocolError(ErrorCode::forbidden,
                                "only a coordinator of " + r.layer + " proposes its text");
        }
        if (r.text)
            throw ProtocolError(ErrorCode::bad_request,
                                "\"text\" is only for a proposal of the common layer");
        const model::Layer* own = section->layer(r.layer);
        if (!own || own->state != model::LayerState::override_) {
            throw ProtocolError(ErrorCode::not_found, r.layer + " has no override of this section");
        }
        if (section->is_stale(r.layer)) {
            throw ProtocolError(ErrorCode::conflict,
                                "the override of " + r.layer +
                                    " is stale: rebase or acknowledge it before proposing it");
        }
        p.text = own->text;
        if (user.municipality == r.layer) voter = r.layer;
    }
    if (p.text == common.text)
        throw ProtocolError(ErrorCode::conflict, "the text is the common text already");
    for (const auto& open : doc_.proposals) {
        if (open.section == r.section) {
            throw ProtocolError(ErrorCode::conflict, "section '" + r.section +
                                                         "' has an open proposal (" +
                                                         std::to_string(open.id) + ") already");
        }
    }

    const Rev rev = ++doc_.rev;
    last_structural_rev_ = rev;
    p.id = doc_.next_proposal++;
    p.common_text = common.text;
    p.base = rev;
    p.proposer = ref(user);
    p.created_at = store::now_string();
    if (!voter.empty()) p.votes[voter] = "approve";
    doc_.proposals.push_back(p);
    nlohmann::json msg = {{"type", "propose"},
                          {"doc", id_},
                          {"rev", rev},
                          {"proposal", model::to_json(p)},
                          {"author", user_json(user)}};
    commit_change(rev, m, r.id, std::move(msg),
                  [doc = id_, rev, p, voter, author = user.id](store::Db& db) {
                      append_change(db, doc, rev, "propose", p.section, p.layer,
                                    {{"proposal", p.id}}, author);
                      insert_proposal(db, doc, p);
                      if (!voter.empty()) insert_vote(db, doc, p.id, voter, "approve", author, rev);
                  });
}

void Room::vote(const Member& m, const WorkflowRequest& r) {
    const auth::User& user = m.user;
    auto it = std::find_if(doc_.proposals.begin(), doc_.proposals.end(),
                           [&](const model::Proposal& p) { return p.id == r.proposal; });
    if (it == doc_.proposals.end()) {
        throw ProtocolError(ErrorCode::not_found, "no open proposal " + std::to_string(r.proposal));
    }
    if (!user.municipality || !doc_.takes_part(*user.municipality) ||
        !auth::can_vote(user, *user.municipality)) {
        throw ProtocolError(ErrorCode::forbidden,
                            "votes are cast by the coordinators of the municipalities taking part");
    }
    const std::string code = *user.municipality;
    if (it->votes.count(code)) {
        throw ProtocolError(ErrorCode::conflict,
                            code + " voted on proposal " + std::to_string(r.proposal) + " already");
    }
    model::Section* section = doc_.section(it->section);
    if (r.vote == "approve" && !section) {
        throw ProtocolError(ErrorCode::conflict,
                            "the section of this proposal was deleted: restore it first");
    }

    model::Proposal p = *it;
    p.votes[code] = r.vote;
    const bool all_approve = std::all_of(doc_.municipalities.begin(), doc_.municipalities.end(),
                                         [&](const model::Municipality& mu) {
                                             auto v = p.votes.find(mu.code);
                                             return v != p.votes.end() && v->second == "approve";
                                         });
    p.state = r.vote == "reject" ? "rejected" : all_approve ? "accepted" : "open";

    const Rev first = ++doc_.rev;
    std::vector<Uncommitted> changes;
    changes.push_back({std::nullopt,
                       user,
                       {{"type", "vote"},
                        {"doc", id_},
                        {"rev", first},
                        {"proposal", p.id},
                        {"municipality", code},
                        {"vote", r.vote},
                        {"state", p.state},
                        {"author", user_json(user)}},
                       0,
                       nullptr,
                       {}});

    // Accepted: the common text becomes the proposed one, merged with what changed in the common
    // text since the proposal (where both changed the same words, the proposal wins: that is the
    // text every municipality approved), then the proposer's override goes back to inherit when
    // it still holds the proposed text (otherwise its later edits would be lost).
    std::optional<AppliedEdit> common_edit;
    std::string new_common;
    bool revert = false;
    std::string dropped;
    std::optional<Rev> dropped_base;
    if (p.state == "accepted") {
        model::Layer& common = section->layers.at(std::string(model::common_layer));
        new_common = common.text == p.common_text
                         ? p.text
                         : model::merge3(p.common_text, p.text, common.text).merged;
        if (new_common != common.text) {
            const Rev rev = ++doc_.rev;
            ot::Op op = ot::make_invertible(model::diff_op(common.text, new_common), common.text);
            common_edit = AppliedEdit{rev,
                                      p.section,
                                      std::string(model::common_layer),
                                      op,
                                      "proposal-" + std::to_string(p.id),
                                      user.id};
            common.text = new_common;
            common.changed_rev = rev;
            remember(*common_edit, user);
            changes.push_back({common_edit, user, edit_json(*common_edit, user), 0, nullptr, {}});
        }
        if (p.layer != model::common_layer) {
            auto own = section->layers.find(p.layer);
            if (own != section->layers.end() && own->second.state == model::LayerState::override_ &&
                own->second.text == p.text) {
                const Rev rev = ++doc_.rev;
                revert = true;
                dropped = own->second.text;
                dropped_base = own->second.base;
                section->layers.erase(own);
                changes.push_back({std::nullopt,
                                   user,
                                   {{"type", "revert"},
                                    {"doc", id_},
                                    {"rev", rev},
                                    {"section", p.section},
                                    {"layer", p.layer},
                                    {"author", user_json(user)}},
                                   0,
                                   nullptr,
                                   {}});
            }
        }
    }
    p.closed_rev = p.state == "open" ? std::nullopt : std::optional<Rev>(first);
    if (p.state == "open") {
        *it = p;
    } else {
        doc_.proposals.erase(it);
    }
    last_structural_rev_ = doc_.rev;

    commit_changes(
        first, std::move(changes), m, r.id,
        [doc = id_, first, p, code, vote = r.vote, author = user.id, common_edit, new_common,
         revert, dropped, dropped_base, last = doc_.rev](store::Db& db) {
            append_change(
                db, doc, first, "vote", p.section, p.layer,
                {{"proposal", p.id}, {"municipality", code}, {"vote", vote}, {"state", p.state}},
                author);
            insert_vote(db, doc, p.id, code, vote, author, first);
            if (p.state != "open") close_proposal(db, doc, p.id, p.state, first);
            if (common_edit) append_edit(db, doc, *common_edit, new_common);
            if (revert) {
                nlohmann::json data = {{"kind", "revert"}, {"text", dropped}};
                if (dropped_base) data["base"] = *dropped_base;
                append_layer_change(db, doc, last, "revert", p.section, p.layer, data, author,
                                    std::nullopt);
            }
        });
}

void Room::tag(const Member& m, const WorkflowRequest& r) {
    if (!auth::can_tag(m.user)) {
        throw ProtocolError(ErrorCode::forbidden, "only coordinators and admins name versions");
    }
    if (r.label.empty() || r.label.size() > 200 || !utf8::valid(r.label)) {
        throw ProtocolError(ErrorCode::bad_request, "a label holds 1 to 200 bytes of UTF-8");
    }
    if (r.rev && *r.rev > doc_.rev) {
        throw ProtocolError(ErrorCode::bad_request,
                            "rev " + std::to_string(*r.rev) + " is ahead of the document");
    }
    for (const auto& v : doc_.versions) {
        if (v.label == r.label) {
            throw ProtocolError(ErrorCode::conflict,
                                "there is a version named '" + r.label + "' already");
        }
    }
    model::Version v{r.rev.value_or(doc_.rev), r.label, ref(m.user), store::now_string()};
    const Rev rev = ++doc_.rev;
    last_structural_rev_ = rev;
    doc_.versions.push_back(v);
    commit_change(rev, m, r.id,
                  {{"type", "tag"},
                   {"doc", id_},
                   {"rev", rev},
                   {"version", model::to_json(v)},
                   {"author", user_json(m.user)}},
                  [doc = id_, rev, v, author = m.user.id](store::Db& db) {
                      append_change(db, doc, rev, "tag", std::nullopt, std::nullopt,
                                    {{"label", v.label}, {"rev", v.rev}}, author);
                      insert_version(db, doc, v);
                  });
}

void Room::change_document(const Member& m, const WorkflowRequest& r) {
    if (!auth::can_manage(m.user)) {
        throw ProtocolError(ErrorCode::forbidden, "only an admin renames or archives a document");
    }
    nlohmann::json data;
    nlohmann::json msg = {{"type", r.kind}, {"doc", id_}};
    if (r.kind == "document.rename") {
        if (r.title.empty() || r.title.size() > 200 || !utf8::valid(r.title)) {
            throw ProtocolError(ErrorCode::bad_request, "a title holds 1 to 200 bytes of UTF-8");
        }
        data = {{"from", doc_.title}, {"title", r.title}};
        doc_.title = r.title;
        msg["title"] = r.title;
    } else {
        if (doc_.archived == r.archived) {
            throw ProtocolError(ErrorCode::conflict, r.archived ? "the document is archived already"
                                                                : "the document is not archived");
        }
        data = {{"from", doc_.archived}, {"archived", r.archived}};
        doc_.archived = r.archived;
        msg["archived"] = r.archived;
    }
    const Rev rev = ++doc_.rev;
    last_structural_rev_ = rev;
    msg["rev"] = rev;
    msg["author"] = user_json(m.user);
    commit_change(rev, m, r.id, std::move(msg),
                  [doc = id_, rev, kind = r.kind, data, author = m.user.id](store::Db& db) {
                      append_change(db, doc, rev, kind, std::nullopt, std::nullopt, data, author);
                      if (kind == "document.rename") {
                          set_document_title(db, doc, data["title"].get<std::string>());
                      } else {
                          set_document_archived(db, doc, data["archived"].get<bool>());
                      }
                  });
}

}  // namespace samen::rooms
