#include "samen/document_sync.hpp"

#include <stdexcept>

#include "model/comments.hpp"
#include "model/merge.hpp"
#include "ot/json.hpp"
#include "text/utf8.hpp"

namespace samen::client {

namespace {

Presence presence_from_json(const nlohmann::json& j) {
    Presence p;
    p.session = j.at("session").get<std::uint64_t>();
    p.user = user_from_json(j.at("user"));
    p.section = j.at("section").get<std::string>();
    p.layer = j.at("layer").get<std::string>();
    const auto& sel = j.at("sel");
    p.sel = {sel.at(0).get<std::size_t>(), sel.at(1).get<std::size_t>()};
    return p;
}

}  // namespace

DocumentSync::DocumentSync(std::string doc, std::function<std::string()> next_opid)
    : id_(std::move(doc)), next_opid_(std::move(next_opid)) {
    doc_.id = id_;
}

const LayerSync* DocumentSync::layer(const std::string& section, const std::string& layer) const {
    auto it = layers_.find({section, layer});
    return it == layers_.end() ? nullptr : &it->second.sync;
}

std::size_t DocumentSync::pending_edits() const noexcept {
    std::size_t n = 0;
    for (const auto& [key, entry] : layers_) {
        n += (entry.sync.in_flight() ? 1 : 0) + (entry.sync.buffer() ? 1 : 0);
    }
    return n;
}

DocumentSync::LayerEntry* DocumentSync::find(const LayerKey& key) {
    auto it = layers_.find(key);
    return it == layers_.end() ? nullptr : &it->second;
}

// ---- The connection ---------------------------------------------------------------------------

void DocumentSync::connected() {
    connected_ = true;
    reopen(loaded_);
}

void DocumentSync::disconnected() {
    connected_ = false;
    phase_ = Phase::offline;
    for (auto& [key, entry] : layers_) {
        entry.sent = false;
        entry.held = false;
        entry.recovered = false;
    }
    if (own_presence_) own_presence_->sent = false;
    // Whoever was here may leave while we are away, and nobody would tell us.
    for (auto& [session, p] : presence_) events_.emplace_back(PresenceEvent{id_, p, true});
    presence_.clear();
}

void DocumentSync::reopen(bool with_since) {
    if (!connected_) {
        phase_ = Phase::offline;
        return;
    }
    Outgoing out;
    out.kind = Outgoing::Kind::open;
    out.msg = {{"type", "open"}, {"doc", id_}};
    if (with_since) out.msg["since"] = rev_;
    outgoing_.push_back(std::move(out));
    phase_ = Phase::opening;
    fresh_open_ = !with_since;
}

// ---- From the server --------------------------------------------------------------------------

void DocumentSync::receive(const nlohmann::json& msg) {
    try {
        const std::string& type = msg.at("type").get_ref<const std::string&>();
        if (type == "snapshot") {
            if (phase_ == Phase::opening) load_snapshot(msg);
        } else if (type == "changes") {
            if (phase_ == Phase::opening && !fresh_open_) apply_changes(msg);
        } else if (type == "edit") {
            if (phase_ == Phase::live && !apply_edit(msg)) reopen(false);
        } else if (type == "presence") {
            if (phase_ == Phase::live) apply_presence(msg);
        } else if (type == "presence_left") {
            auto it = presence_.find(msg.at("session").get<std::uint64_t>());
            if (it != presence_.end()) {
                events_.emplace_back(PresenceEvent{id_, it->second, true});
                presence_.erase(it);
            }
        } else if (msg.contains("rev")) {
            // A change of a kind this client does not apply (the section tree, a layer's
            // state): take the server's word for the whole document.
            if (phase_ == Phase::live && msg.at("rev").get<Rev>() > rev_) reopen(false);
        }
    } catch (const std::exception& e) {
        report("bad_message",
               std::string("a message about '") + id_ + "' could not be read: " + e.what());
    }
    flush();
}

void DocumentSync::load_snapshot(const nlohmann::json& msg) {
    model::Document doc;
    doc.id = msg.at("doc").get<std::string>();
    doc.title = msg.value("title", std::string());
    doc.rev = msg.at("rev").get<Rev>();
    for (const auto& m : msg.at("municipalities")) {
        doc.municipalities.push_back(
            {m.at("code").get<std::string>(), m.value("name", std::string())});
    }
    std::map<LayerKey, LayerEntry> layers;
    for (const auto& s : msg.at("sections")) {
        model::Section section = model::section_from_json(s);
        for (const auto& [name, layer] : section.layers) {
            if (layer.state == model::LayerState::omit) continue;
            if (!utf8::valid(layer.text)) throw std::invalid_argument("text is not UTF-8");
            layers.emplace(LayerKey{section.id, name}, LayerEntry{LayerSync(layer.text)});
        }
        doc.sections.push_back(std::move(section));
    }
    if (auto t = msg.find("threads"); t != msg.end() && t->is_array()) {
        for (const auto& thread : *t) doc.threads.push_back(model::thread_from_json(thread));
    }
    if (auto p = msg.find("priorities"); p != msg.end() && p->is_object()) {
        doc.priorities = p->get<std::map<std::string, std::vector<std::string>>>();
    }
    if (auto a = msg.find("adoption"); a != msg.end() && a->is_object()) {
        for (const auto& [code, adoption] : a->items()) {
            doc.adoption[code] = model::adoption_from_json(adoption);
        }
    }
    std::map<std::uint64_t, Presence> presence;
    if (auto p = msg.find("presence"); p != msg.end()) {
        for (const auto& entry : *p) {
            Presence pr = presence_from_json(entry);
            presence[pr.session] = std::move(pr);
        }
    }

    const bool reload = loaded_;
    if (reload) {
        bool in_flight = false;
        for (const auto& [key, entry] : layers_) {
            in_flight = in_flight || (entry.sync.in_flight() && !entry.recovered);
        }
        if (in_flight) {
            // Whether the server applied these before the snapshot cannot be told from it.
            for (auto& [key, entry] : layers_) entry.sent = false;
            start_recovery();
            return;
        }
        // Carry local changes over: the buffer was made on the old confirmed text, so rebase it
        // onto the new text through the difference between the two.
        for (auto& [key, entry] : layers_) {
            if (entry.recovered) entry.sync.ack();
            if (!entry.sync.buffer()) continue;
            auto target = layers.find(key);
            if (target == layers.end()) {
                report("not_found",
                       "the layer '" + key.second + "' of section '" + key.first +
                           "' is gone; its local changes were not sent",
                       key, entry.sync.text());
                continue;
            }
            try {
                // Word by word: a one-hunk diff would move the buffer's inserts to the edge of
                // everything that changed around them.
                ot::Op between = model::diff_op(entry.sync.confirmed(), target->second.sync.text());
                ot::Op rebased = ot::transform(*entry.sync.buffer(), between, ot::Side::left);
                target->second.sync.local(rebased);
            } catch (const std::invalid_argument& e) {
                report("conflict",
                       std::string("local changes could not be carried over: ") + e.what(), key,
                       entry.sync.text());
            }
        }
    }
    doc_ = std::move(doc);
    layers_ = std::move(layers);
    rev_ = doc_.rev;
    for (const auto& [key, entry] : layers_) {
        if (entry.sync.has_pending()) mirror(key, entry.sync, std::nullopt);
    }
    presence_ = std::move(presence);
    loaded_ = true;
    phase_ = Phase::live;
    if (reload) events_.emplace_back(Reloaded{id_});
}

void DocumentSync::apply_changes(const nlohmann::json& msg) {
    for (const auto& change : msg.at("changes")) {
        const std::string& type = change.at("type").get_ref<const std::string&>();
        if (type != "edit" || !apply_edit(change)) {
            reopen(false);
            return;
        }
    }
    rev_ = std::max(rev_, msg.at("rev").get<Rev>());
    phase_ = Phase::live;
}

bool DocumentSync::apply_edit(const nlohmann::json& msg) {
    const Rev rev = msg.at("rev").get<Rev>();
    if (rev <= rev_) return true;  // seen: our own edit after its ack, or a repeat
    LayerKey key{msg.at("section").get<std::string>(), msg.at("layer").get<std::string>()};
    LayerEntry* entry = find(key);
    if (!entry) return false;  // a layer this client does not know of yet
    const std::string& opid = msg.at("opid").get_ref<const std::string&>();
    if (entry->sync.is_in_flight(opid)) {
        // Our own edit, seen in the changes after a reconnect: it counts as its ack.
        entry->sync.ack();
        entry->sent = false;
        entry->held = false;
        rev_ = rev;
        mirror(key, entry->sync, rev);
        return true;
    }
    ot::Op op = ot::op_from_json(msg.at("op"));
    ot::Op applied;
    try {
        applied = entry->sync.remote(op);
    } catch (const ot::OpError& e) {
        report("bad_message",
               "an edit of section '" + key.first + "' does not fit its text (" + e.what() +
                   "); loading the document again",
               key);
        return false;
    }
    rev_ = rev;
    mirror(key, entry->sync, rev);
    shift_presence(key, applied);
    RemoteEdit edit{id_, key.first, key.second, rev, std::move(applied), opid, {}};
    if (auto author = msg.find("author"); author != msg.end() && author->is_object()) {
        edit.author = user_from_json(*author);
    }
    events_.emplace_back(std::move(edit));
    return true;
}

void DocumentSync::apply_presence(const nlohmann::json& msg) {
    Presence p = presence_from_json(msg);
    presence_[p.session] = p;
    events_.emplace_back(PresenceEvent{id_, std::move(p), false});
}

void DocumentSync::start_recovery() {
    phase_ = Phase::recovering;
    bool waiting = false;
    for (auto& [key, entry] : layers_) {
        const auto& f = entry.sync.in_flight();
        if (!f || entry.recovered) continue;
        waiting = true;
        if (entry.held || entry.sent) continue;
        // Its first form and base: the server recognises the opid and acks it again if it
        // applied it, or transforms it through the history since that base if not.
        send_edit(key, f->original, f->base, f->opid);
        entry.sent = true;
    }
    if (!waiting) reopen(false);
}

void DocumentSync::acked(const std::string& section, const std::string& layer,
                         const std::string& opid, Rev rev) {
    LayerKey key{section, layer};
    LayerEntry* entry = find(key);
    if (!entry || !entry->sync.is_in_flight(opid)) return;  // already seen in the changes
    if (phase_ != Phase::live) {
        // Loading again (or recovering): changes before `rev` were skipped, so rev_ cannot move
        // to it. The snapshot that follows holds the edit.
        if (entry->recovered) return;  // the ack of an earlier send of the same edit
        entry->recovered = true;
        if (phase_ == Phase::recovering) start_recovery();
        return;
    }
    entry->sync.ack();
    entry->sent = false;
    entry->held = false;
    rev_ = std::max(rev_, rev);
    mirror(key, entry->sync, rev);
    flush();
}

void DocumentSync::refused(const std::string& section, const std::string& layer,
                           const std::string& opid, const std::string& code,
                           const std::string& message) {
    LayerKey key{section, layer};
    LayerEntry* entry = find(key);
    if (!entry || !entry->sync.is_in_flight(opid)) return;
    if (code == "rate_limited") {
        entry->sent = false;
        entry->held = true;
        return;
    }
    std::string unsent = entry->sync.discard_pending();
    entry->sent = false;
    entry->held = false;
    mirror(key, entry->sync, std::nullopt);
    report(code, "the edit of section '" + section + "' (" + layer + ") was refused: " + message,
           key, std::move(unsent));
    if (phase_ == Phase::recovering) {
        start_recovery();
    } else {
        flush();
    }
}

void DocumentSync::resume() {
    bool any = false;
    for (auto& [key, entry] : layers_) {
        any = any || entry.held;
        entry.held = false;
    }
    if (!any) return;
    if (phase_ == Phase::recovering) {
        start_recovery();
    } else {
        flush();
    }
}

// ---- From the user ------------------------------------------------------------------------------

void DocumentSync::edit(const std::string& section, const std::string& layer, const ot::Op& op) {
    if (!loaded_) throw std::invalid_argument("the document '" + id_ + "' is not open yet");
    LayerKey key{section, layer};
    LayerEntry* entry = find(key);
    if (!entry) {
        const model::Section* s = doc_.section(section);
        if (!s) throw std::invalid_argument("'" + id_ + "' has no section '" + section + "'");
        const model::Layer* l = s->layer(layer);
        if (l && l->state == model::LayerState::omit) {
            throw std::invalid_argument("section '" + section + "' is omitted for " + layer);
        }
        throw std::invalid_argument("section '" + section + "' has no text layer '" + layer +
                                    "' (a municipality without one reads the common text)");
    }
    entry->sync.local(op);
    mirror(key, entry->sync, std::nullopt);
    shift_presence(key, ot::strip_invertible(op));
    flush();
}

void DocumentSync::set_presence(const std::string& section, const std::string& layer,
                                ot::Selection sel) {
    own_presence_ = OwnPresence{section, layer, sel, false};
    flush();
}

// ---- Sending ----------------------------------------------------------------------------------

void DocumentSync::flush() {
    if (!connected_ || phase_ != Phase::live) return;
    for (auto& [key, entry] : layers_) {
        if (entry.held) continue;
        if (const auto& f = entry.sync.in_flight()) {
            if (!entry.sent) {
                // Resubmitted after a reconnect or a rate limit, as first sent: a server that
                // applied it acks its opid again; one that did not transforms it through the
                // same history this client did. (Its current form may have become empty, which
                // the server would refuse.)
                send_edit(key, f->original, f->base, f->opid);
                entry.sent = true;
            }
        } else if (entry.sync.can_submit()) {
            const Submission& s = entry.sync.submit(rev_, next_opid_());
            send_edit(key, s.op, s.base, s.opid);
            entry.sent = true;
        }
    }
    if (own_presence_ && !own_presence_->sent) {
        Outgoing out;
        out.kind = Outgoing::Kind::presence;
        out.msg = {{"type", "presence"},
                   {"doc", id_},
                   {"section", own_presence_->section},
                   {"layer", own_presence_->layer},
                   {"sel", {own_presence_->sel.anchor, own_presence_->sel.head}}};
        outgoing_.push_back(std::move(out));
        own_presence_->sent = true;
    }
}

void DocumentSync::send_edit(const LayerKey& key, const ot::Op& op, Rev base,
                             const std::string& opid) {
    Outgoing out;
    out.kind = Outgoing::Kind::edit;
    out.msg = {{"type", "edit"},      {"doc", id_},   {"section", key.first},
               {"layer", key.second}, {"base", base}, {"op", ot::to_json(op)},
               {"opid", opid}};
    out.section = key.first;
    out.layer = key.second;
    out.opid = opid;
    outgoing_.push_back(std::move(out));
}

// ---- Bookkeeping ------------------------------------------------------------------------------

void DocumentSync::mirror(const LayerKey& key, const LayerSync& sync,
                          std::optional<Rev> changed_rev) {
    model::Section* section = doc_.section(key.first);
    if (!section) return;
    auto it = section->layers.find(key.second);
    if (it == section->layers.end()) return;
    it->second.text = sync.text();
    if (changed_rev) it->second.changed_rev = *changed_rev;
    doc_.rev = rev_;
}

void DocumentSync::shift_presence(const LayerKey& key, const ot::Op& op) {
    for (auto& [session, p] : presence_) {
        if (p.section == key.first && p.layer == key.second) {
            p.sel = ot::transform_selection(p.sel, op);
        }
    }
    // Comment ranges move as cursors do, as the server moves them.
    model::move_threads(doc_, key.first, key.second, op);
}

void DocumentSync::report(std::string code, std::string message, const LayerKey& key,
                          std::optional<std::string> unsent) {
    events_.emplace_back(ClientError{std::move(code), std::move(message), id_, key.first,
                                     key.second, std::move(unsent)});
}

std::deque<Outgoing> DocumentSync::take_outgoing() {
    return std::exchange(outgoing_, {});
}

std::vector<SyncEvent> DocumentSync::take_events() {
    return std::exchange(events_, {});
}

std::string_view to_string(DocumentSync::Phase p) noexcept {
    switch (p) {
        case DocumentSync::Phase::offline:
            return "offline";
        case DocumentSync::Phase::opening:
            return "opening";
        case DocumentSync::Phase::live:
            return "live";
        case DocumentSync::Phase::recovering:
            return "recovering";
    }
    return "offline";
}

}  // namespace samen::client
