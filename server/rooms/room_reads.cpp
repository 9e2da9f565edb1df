// Reads: a municipality's plan and the divergence matrix as they stand (from memory), and the past
// (docs/decisions/0007-history-read-by-rewinding.md): the changes of a section, the text of a
// layer or a plan at any revision, the diff between two revisions. The document as it stands is
// copied on the strand; one of the store's readers rewinds it by the changes on disk.
#include "model/effective.hpp"
#include "model/history.hpp"
#include "rooms/room.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"

namespace samen::rooms {

namespace p = protocol;
using protocol::ErrorCode;
using protocol::ProtocolError;

namespace {

nlohmann::json entry_json(const model::Change& c) {
    const auto size = c.op ? model::edit_size(*c.op) : model::EditSize{};
    return {{"rev", c.rev},
            {"kind", c.kind},
            {"section", c.section ? nlohmann::json(*c.section) : nlohmann::json()},
            {"layer", c.layer ? nlohmann::json(*c.layer) : nlohmann::json()},
            {"author", c.author ? model::to_json(*c.author) : nlohmann::json()},
            {"at", c.at},
            {"inserted", size.inserted},
            {"deleted", size.deleted}};
}

void check_rev(const model::Document& doc, Rev rev) {
    if (rev > doc.rev) {
        throw ProtocolError(ErrorCode::bad_request, "revision " + std::to_string(rev) +
                                                        " is ahead of the document (rev " +
                                                        std::to_string(doc.rev) + ")");
    }
}

void check_municipality(const model::Document& doc, const std::string& code) {
    if (!doc.takes_part(code)) {
        throw ProtocolError(ErrorCode::not_found, code + " does not take part in '" + doc.id + "'");
    }
}

void check_layer(const model::Document& doc, const std::string& layer) {
    if (layer != model::common_layer && !doc.takes_part(layer)) {
        throw ProtocolError(ErrorCode::not_found, "no layer '" + layer + "' in this document");
    }
}

nlohmann::json effective_message(const model::Document& doc, const std::string& code) {
    nlohmann::json reply = model::effective_json(doc, code);
    reply["type"] = "effective";
    return reply;
}

}  // namespace

void Room::read_past(const Caller& c,
                     std::function<nlohmann::json(store::Db&, const model::Document&)> build) {
    auto slot = c.reads ? c.reads->take() : nullptr;
    // Moved, never copied: a refusal sent while this function still held a copy would reach the
    // client before the slot is free.
    after_commit(doc_.rev, [this, c, slot = std::move(slot), build = std::move(build),
                            doc = doc_]() mutable {
        // The answer alone holds the slot: it is given back with the answer, or the refusal.
        ask_store_read(
            store_, strand_, c.reply, "reading the history failed",
            [build, doc](store::Db& db) { return build(db, doc); },
            [c, slot = std::move(slot)](nlohmann::json reply) mutable {
                slot.reset();  // given back first: the caller's next read finds it free
                c.reply.send(std::move(reply));
            });
    });
}

void Room::handle(const Caller& c, const auth::User&, const p::Effective& r) {
    check_municipality(doc_, r.municipality);
    if (!r.rev && !r.at) {
        nlohmann::json reply = effective_message(doc_, r.municipality);
        return after_commit(doc_.rev, [c, reply = std::move(reply)] { c.reply.send(reply); });
    }
    if (r.rev) check_rev(doc_, *r.rev);
    read_past(c, [r](store::Db& db, const model::Document& now) {
        // A time names the newest revision made by then; the reply's `rev` says which.
        const Rev rev =
            r.rev ? *r.rev : std::min<Rev>(Rev(store::rev_at_time(db, now.id, *r.at)), now.rev);
        return effective_message(document_at(db, now, rev), r.municipality);
    });
}

void Room::handle(const Caller& c, const auth::User&, const p::Divergence&) {
    nlohmann::json reply = model::to_json(model::divergence(doc_));
    reply["type"] = "divergence";
    reply["doc"] = id_;
    reply["rev"] = doc_.rev;
    after_commit(doc_.rev, [c, reply = std::move(reply)] { c.reply.send(reply); });
}

void Room::handle(const Caller& c, const auth::User&, const p::History& r) {
    if (r.layer) check_layer(doc_, *r.layer);
    if (!doc_.has_section_id(r.section)) {
        throw ProtocolError(ErrorCode::not_found, "no section '" + r.section + "'");
    }
    read_past(
        c, [r, limit = limits_.max_history_entries](store::Db& db, const model::Document& now) {
            // One more than fits tells whether older changes are left for a `before` request.
            const Rev before = std::min(r.before.value_or(now.rev + 1), now.rev + 1);
            auto changes = load_section_changes(db, now.id, r.section, r.layer, before, limit + 1);
            const bool more = changes.size() > limit;
            if (more) changes.erase(changes.begin());
            auto entries = nlohmann::json::array();
            for (const auto& change : changes) entries.push_back(entry_json(change));
            auto versions = nlohmann::json::array();
            for (const auto& v : now.versions) versions.push_back(model::to_json(v));
            nlohmann::json reply = {{"type", "history"},
                                    {"doc", now.id},
                                    {"section", r.section},
                                    {"rev", now.rev},
                                    {"more", more},
                                    {"changes", std::move(entries)},
                                    {"versions", std::move(versions)}};
            if (r.layer) reply["layer"] = *r.layer;
            return reply;
        });
}

void Room::handle(const Caller& c, const auth::User&, const p::TextAt& r) {
    check_layer(doc_, r.layer);
    check_rev(doc_, r.rev);
    read_past(c, [r](store::Db& db, const model::Document& now) {
        auto layer = model::layer_at(document_at(db, now, r.rev), r.section, r.layer);
        return nlohmann::json{{"type", "text.at"}, {"doc", now.id}, {"section", r.section},
                              {"layer", r.layer},  {"rev", r.rev},  {"state", layer.state},
                              {"text", layer.text}};
    });
}

void Room::handle(const Caller& c, const auth::User&, const p::Diff& r) {
    if (r.municipality) check_municipality(doc_, *r.municipality);
    if (r.layer) check_layer(doc_, *r.layer);
    check_rev(doc_, r.from);
    check_rev(doc_, r.to);
    read_past(c, [r](store::Db& db, const model::Document& now) {
        // The text a diff compares at one revision: a layer's, or a plan as Markdown.
        auto text_of = [&](const model::Document& d) {
            if (r.municipality) return model::effective_markdown(d, *r.municipality);
            return model::layer_at(d, *r.section, *r.layer).text;
        };
        const model::Document newer = document_at(db, now, std::max(r.from, r.to));
        const model::Document older = document_at(db, newer, std::min(r.from, r.to));
        const bool forward = r.from <= r.to;
        nlohmann::json reply = {{"type", "diff"},
                                {"doc", now.id},
                                {"from", r.from},
                                {"to", r.to},
                                {"parts", model::diff_parts(text_of(forward ? older : newer),
                                                            text_of(forward ? newer : older))}};
        if (r.municipality) {
            reply["municipality"] = *r.municipality;
        } else {
            reply["section"] = *r.section;
            reply["layer"] = *r.layer;
        }
        return reply;
    });
}

}  // namespace samen::rooms
