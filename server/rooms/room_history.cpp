// Reads of a room's past (DESIGN.md, "History"): the changes of a section, the text of a layer or
// the effective plan at any revision, and the diff between two revisions. The document as it
// stands is copied on the strand; the store's reader thread rewinds it by the changes on disk.
#include <boost/asio/post.hpp>

#include "model/effective.hpp"
#include "model/history.hpp"
#include "rooms/room.hpp"
#include "store/store.hpp"

namespace samen::rooms {

namespace asio = boost::asio;
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

/// The text a diff compares at one revision: a layer's, or an effective plan as Markdown.
std::string text_of(const model::Document& d, const HistoryRequest& r) {
    if (r.municipality) return model::effective_markdown(d, *r.municipality);
    return model::layer_at(d, r.section, *r.layer).text;
}

}  // namespace

void Room::history(std::uint64_t session, HistoryRequest request) {
    asio::post(strand_,
               [self = shared_from_this(), session, request = std::move(request)]() mutable {
                   self->do_history(session, std::move(request));
               });
}

void Room::do_history(std::uint64_t session, HistoryRequest r) {
    const Member* member = member_for(session, r.conn, r.id);
    if (!member) return;
    const Member& m = *member;
    try {
        if (failed_) throw ProtocolError(ErrorCode::internal, "the document is being reloaded");
        auto check_rev = [&](Rev rev) {
            if (rev > doc_.rev) {
                throw ProtocolError(ErrorCode::bad_request, "revision " + std::to_string(rev) +
                                                                " is ahead of the document (rev " +
                                                                std::to_string(doc_.rev) + ")");
            }
        };
        auto check_layer = [&](const std::string& layer) {
            if (layer != model::common_layer && !doc_.takes_part(layer)) {
                throw ProtocolError(ErrorCode::not_found,
                                    "no layer '" + layer + "' in this document");
            }
        };
        if (r.municipality && !doc_.takes_part(*r.municipality)) {
            throw ProtocolError(ErrorCode::not_found,
                                *r.municipality + " does not take part in '" + id_ + "'");
        }
        if (r.layer) check_layer(*r.layer);
        if (r.kind == "history" && !doc_.has_section_id(r.section)) {
            throw ProtocolError(ErrorCode::not_found, "no section '" + r.section + "'");
        }
        if (r.rev) check_rev(*r.rev);
        if (r.kind == "diff") {
            check_rev(r.from);
            check_rev(r.to);
            if (!r.municipality && (r.section.empty() || !r.layer)) {
                throw ProtocolError(ErrorCode::bad_request,
                                    "a diff needs \"section\" and \"layer\", or \"municipality\"");
            }
        }
    } catch (const ProtocolError& e) {
        reply_error(m, r.id, e.code(), e.what());
        return;
    }

    const Rev at = doc_.rev;
    auto job = [doc = doc_, r, at,
                limit = limits_.max_history_entries](store::Db& db) -> nlohmann::json {
        nlohmann::json reply = {{"type", r.kind}, {"doc", doc.id}};
        if (r.kind == "history") {
            // One more than fits tells whether older changes are left for a `before` request.
            const Rev before = std::min(r.before.value_or(at + 1), at + 1);
            auto changes = load_section_changes(db, doc.id, r.section, r.layer, before, limit + 1);
            const bool more = changes.size() > limit;
            if (more) changes.erase(changes.begin());
            auto entries = nlohmann::json::array();
            for (const auto& c : changes) entries.push_back(entry_json(c));
            reply["more"] = more;
            auto versions = nlohmann::json::array();
            for (const auto& v : doc.versions) versions.push_back(model::to_json(v));
            reply["section"] = r.section;
            if (r.layer) reply["layer"] = *r.layer;
            reply["rev"] = at;
            reply["changes"] = std::move(entries);
            reply["versions"] = std::move(versions);
            return reply;
        }
        if (r.kind == "diff") {
            const Rev newer = std::max(r.from, r.to);
            const Rev older = std::min(r.from, r.to);
            model::Document d_newer = document_at(db, doc, newer);
            model::Document d_older = document_at(db, d_newer, older);
            const model::Document& from = r.from <= r.to ? d_older : d_newer;
            const model::Document& to = r.from <= r.to ? d_newer : d_older;
            reply["from"] = r.from;
            reply["to"] = r.to;
            if (r.municipality) {
                reply["municipality"] = *r.municipality;
            } else {
                reply["section"] = r.section;
                reply["layer"] = *r.layer;
            }
            reply["parts"] = model::diff_parts(text_of(from, r), text_of(to, r));
            return reply;
        }
        const Rev rev = r.rev.value_or(at);
        model::Document past = document_at(db, doc, rev);
        if (r.kind == "effective") {
            reply = model::effective_json(past, *r.municipality);
            reply["type"] = "effective";
            return reply;
        }
        auto layer = model::layer_at(past, r.section, *r.layer);  // text.at
        reply["section"] = r.section;
        reply["layer"] = *r.layer;
        reply["rev"] = rev;
        reply["state"] = layer.state;
        reply["text"] = layer.text;
        return reply;
    };
    auto done = [self = shared_from_this(), conn = r.conn, id = r.id](std::exception_ptr error,
                                                                      nlohmann::json reply) {
        asio::post(self->strand_, [self, conn, id, error, reply = std::move(reply)]() mutable {
            if (!error) return self->send(conn, protocol::reply(std::move(reply), id));
            try {
                std::rethrow_exception(error);
            } catch (const ProtocolError& e) {
                self->send(conn, protocol::error(id, e.code(), e.what()));
            } catch (const model::HistoryError& e) {
                self->send(conn, protocol::error(id, ErrorCode::conflict, e.what()));
            } catch (const std::exception&) {
                self->send(conn,
                           protocol::error(id, ErrorCode::internal, "reading the history failed"));
            }
        });
    };
    after_commit(at, [this, job = std::move(job), done = std::move(done), conn = r.conn,
                      id = r.id]() mutable {
        try {
            store_.query(std::move(job), std::move(done));
        } catch (const std::exception&) {
            send(conn,
                 protocol::error(id, ErrorCode::internal, "the server is overloaded, try again"));
        }
    });
}

}  // namespace samen::rooms
