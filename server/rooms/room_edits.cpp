// Text edits and presence: where an edit is transformed against what the client had not seen,
// applied, and committed (docs/architecture.md, "How an edit flows").
#include <algorithm>
#include <boost/asio/post.hpp>

#include "log/log.hpp"
#include "model/comments.hpp"
#include "rooms/room.hpp"
#include "store/store.hpp"
#include "text/utf8.hpp"

namespace samen::rooms {

namespace asio = boost::asio;
namespace p = protocol;
using protocol::ErrorCode;
using protocol::ProtocolError;

namespace {

/// The overrides of `section` that are stale (the `stale` field of common edits).
std::vector<std::string> stale_overrides(const model::Section& section) {
    std::vector<std::string> out;
    for (const auto& [name, layer] : section.layers) {
        if (name != model::common_layer && section.is_stale(name)) out.push_back(name);
    }
    return out;
}

}  // namespace

void Room::handle(const Caller& c, const auth::User& u, const p::Edit& r) {
    const model::Section* section = doc_.section(r.section);
    if (!section) throw ProtocolError(ErrorCode::not_found, "no section '" + r.section + "'");
    const model::Layer* layer = section->layer(r.layer);
    if (!layer || layer->state == model::LayerState::omit) {
        throw ProtocolError(ErrorCode::not_found,
                            "section '" + r.section + "' has no text layer '" + r.layer + "'");
    }
    if (r.base > doc_.rev) {
        throw ProtocolError(ErrorCode::bad_request, "base " + std::to_string(r.base) +
                                                        " is ahead of the document (rev " +
                                                        std::to_string(doc_.rev) + ")");
    }
    if (r.base < layer->life) {
        throw ProtocolError(ErrorCode::conflict, "the layer was created again after revision " +
                                                     std::to_string(r.base) +
                                                     "; open the document again");
    }
    if (auto seen = opids_.find({u.id, r.opid}); seen != opids_.end()) {
        // A resubmission whose ack was lost: acknowledged again, never applied twice.
        const Rev rev = seen->second;
        after_commit(rev, [to = c.reply, rev] { to.ack(rev); });
        return;
    }
    if (r.base >= memory_from_) return apply_edit(c, auth::ref(u), r, {});

    // Based on a revision older than what memory holds: it may be a resubmission of an edit
    // accepted long ago, and it must be transformed against edits that only the disk has. Later
    // requests wait (in_order) so that none overtakes it.
    busy_ = true;
    struct Older {
        std::optional<Rev> seen;
        std::vector<AppliedEdit> edits;
    };
    // Edits up to memory_from_ are committed: a reader finds them, behind no commit.
    auto self = shared_from_this();
    ask_store_read(
        store_, strand_, c.reply, "reading older edits failed",
        [doc = id_, r, author = u.id, upto = memory_from_](store::Db& db) {
            Older o;
            o.edits = load_edits(db, doc, r.section, r.layer, r.base, upto);
            // Accepted already, it is one of its layer's edits after its base
            // (docs/decisions/0032-a-resubmission-found-in-its-layer.md).
            for (const auto& e : o.edits) {
                if (e.author == author && e.opid == r.opid) {
                    o.seen = e.rev;
                    break;
                }
            }
            return o;
        },
        [self, c, author = auth::ref(u), r](Older older) {
            self->busy_ = false;
            if (self->members_.count(c.session) && older.seen) {
                c.reply.ack(*older.seen);
            } else if (self->members_.count(c.session)) {
                try {
                    self->apply_edit(c, author, r, std::move(older.edits));
                } catch (...) {
                    self->metrics_->edit_errors++;
                    c.reply.fail(std::current_exception());
                }
            }
            // The requests that waited go on after this one, in the order they came.
            self->resume_pending();
        },
        [self] {
            // The edit got its error; nothing in memory changed, so the room goes on.
            self->busy_ = false;
            self->resume_pending();
        });
}

void Room::apply_edit(const Caller& c, const model::UserRef& author, const p::Edit& r,
                      std::vector<AppliedEdit> older) {
    model::Section& section = *doc_.section(r.section);
    model::Layer& layer = section.layers.at(r.layer);
    ot::Op op = r.op;
    LayerMemory& memory = layers_[{r.section, r.layer}];
    TextHint& hint = memory.hint;
    // The start of the text unless the hint is of this very text (see TextHint).
    ot::TextPosition at;
    std::optional<std::size_t> length;
    if (hint.holds_for(layer)) {
        at = hint.at;
        length = hint.length;
    }
    try {
        // One historic op at a time: compose does not commute with transform.
        for (const AppliedEdit& h : older) op = ot::transform(op, h.op, ot::Side::left);
        // Only the edits above the base: found by revision, not by walking the layer's history
        // (which holds up to max_history_bytes of edits).
        const auto& edits = memory.history;
        auto first = std::upper_bound(edits.begin(), edits.end(), r.base,
                                      [](Rev base, const AppliedEdit& h) { return base < h.rev; });
        for (auto h = first; h != edits.end(); ++h) op = ot::transform(op, h->op, ot::Side::left);
        // Applied where the text stands (a keystroke moves what follows it, never copies the
        // section), and stored and sent with the deleted text filled in, so that history can be
        // walked back (the text of a layer at any revision) without keeping copies of the text.
        op = layer.text.apply(op, limits_.max_text_bytes, &at);
    } catch (const ot::OpError& e) {
        throw ProtocolError(ErrorCode::bad_request,
                            std::string("the op does not fit the text: ") + e.what());
    } catch (const ot::TextTooLarge&) {
        throw ProtocolError(ErrorCode::too_large, "the text of a layer may hold at most " +
                                                      std::to_string(limits_.max_text_bytes) +
                                                      " bytes");
    }

    const Rev rev = ++doc_.rev;
    AppliedEdit applied{rev, r.section, r.layer, std::move(op), r.opid, c.user};
    layer.changed_rev = rev;
    if (length) length = ot::output_length(applied.op, *length);
    hint = {layer.life, rev, layer.text.size(), at, length};
    // The edit goes to the change log; the layer's whole text only at the next multiple of
    // checkpoint_edits revisions (Room::with_snapshots;
    // docs/decisions/0021-change-log-is-the-truth.md), so that a keystroke costs the same in a
    // section of any size.
    memory.unsaved = true;
    // Comment ranges move with the text, as cursors do, and are stored with the edit.
    std::vector<model::Thread> moved;
    for (const model::Thread* t : model::move_threads(doc_, r.section, r.layer, applied.op)) {
        moved.push_back(*t);
    }
    for (auto& [session, m] : members_) {
        if (m.presence && m.presence->section == applied.section &&
            m.presence->layer == applied.layer) {
            m.presence->sel = ot::transform_selection(m.presence->sel, applied.op);
        }
    }
    remember(applied, author);
    std::optional<std::vector<std::string>> stale;
    if (r.layer == model::common_layer) stale = stale_overrides(section);
    std::vector<Uncommitted> one;
    one.push_back(Uncommitted{applied, edit_broadcast(applied, stale ? &*stale : nullptr),
                              c.session, std::nullopt, c.received});
    commit(rev, std::move(one), c, [doc = id_, applied, moved = std::move(moved)](store::Db& db) {
        append_edit(db, doc, applied);
        store_thread_anchors(db, doc, moved);
    });
}

std::size_t memory_of(const AppliedEdit& edit) {
    // The entry in its layer's history, its node in opids_ and the allocations around them,
    // roughly: what a flood of tiny edits costs besides their texts.
    constexpr std::size_t overhead = 256;
    std::size_t bytes = overhead + edit.section.size() + edit.layer.size() + 2 * edit.opid.size();
    for (const ot::Component& c : edit.op) {
        bytes += sizeof(ot::Component);
        if (const auto* insert = std::get_if<ot::Insert>(&c)) bytes += insert->text.size();
        if (const auto* del = std::get_if<ot::Delete>(&c); del && del->text) {
            bytes += del->text->size();
        }
    }
    return bytes;
}

void Room::remember(const AppliedEdit& edit, const model::UserRef& author) {
    opids_[{edit.author, edit.opid}] = edit.rev;
    layers_[{edit.section, edit.layer}].history.push_back(edit);
    history_bytes_ += memory_of(edit);
    authors_[edit.author] = author;
}

void Room::forget_history() {
    for (auto& [key, memory] : layers_) memory.history.clear();
    opids_.clear();
    history_bytes_ = 0;
}

void Room::trim_history() {
    if (history_bytes_ <= limits_.max_history_bytes) return;
    // Forget everything committed; transforms of older bases read it back from disk.
    forget_history();
    memory_from_ = committed_rev_;
    for (auto& [rev, entry] : uncommitted_) {
        if (!entry.edit) continue;
        opids_[{entry.edit->author, entry.edit->opid}] = rev;
        layers_[{entry.edit->section, entry.edit->layer}].history.push_back(*entry.edit);
        history_bytes_ += memory_of(*entry.edit);
    }
}

// ---- Presence ---------------------------------------------------------------------------------

void Room::handle(const Caller& c, const auth::User&, const p::Presence& r) {
    const model::Section* section = doc_.section(r.section);
    if (!section || !section->layer(r.layer)) {
        throw ProtocolError(ErrorCode::not_found,
                            "presence: no layer '" + r.layer + "' in section '" + r.section + "'");
    }
    Member& m = members_.at(c.session);
    const std::size_t len = text_length(r.section, r.layer, *section->layer(r.layer));
    m.pending_presence = r;
    m.pending_presence->sel.anchor = std::min(r.sel.anchor, len);
    m.pending_presence->sel.head = std::min(r.sel.head, len);
    auto now = std::chrono::steady_clock::now();
    if (now - m.last_presence >= limits_.presence_interval) return relay_presence(m);
    if (m.presence_timer) return;
    // Throttled: the latest position goes out when the interval has passed.
    m.presence_timer = std::make_unique<asio::steady_timer>(strand_);
    m.presence_timer->expires_at(m.last_presence + limits_.presence_interval);
    m.presence_timer->async_wait(
        [self = shared_from_this(), session = c.session](boost::system::error_code ec) {
            if (ec) return;
            auto it = self->members_.find(session);
            if (it == self->members_.end()) return;
            it->second.presence_timer.reset();
            if (it->second.pending_presence) self->relay_presence(it->second);
        });
}

std::size_t Room::text_length(const std::string& section, const std::string& name,
                              const model::Layer& layer) {
    TextHint& hint = layers_[{section, name}].hint;
    if (!hint.holds_for(layer)) hint = {layer.life, layer.changed_rev, layer.text.size(), {}, {}};
    if (!hint.length) hint.length = utf8::count(layer.text);
    return *hint.length;
}

void Room::relay_presence(Member& m) {
    m.presence = std::move(m.pending_presence);
    m.pending_presence.reset();
    m.last_presence = std::chrono::steady_clock::now();
    broadcast({{"type", "presence"},
               {"doc", id_},
               {"session", m.session},
               {"user", author(m.user)},
               {"section", m.presence->section},
               {"layer", m.presence->layer},
               {"sel", {m.presence->sel.anchor, m.presence->sel.head}}},
              m.session, 0);
}

}  // namespace samen::rooms
