// Live sync of one open document, without I/O: the protocol messages that concern it go in, the
// messages to send and the events for the user come out. Holds the document as the user sees it
// (a model::Document) and one LayerSync per text layer.
//
// The caller (Client) owns the connection: it adds request ids to what take_outgoing() returns,
// maps the replies back (acked/refused), and tells when the connection comes and goes.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/document.hpp"
#include "samen/layer_sync.hpp"
#include "samen/types.hpp"

namespace samen::client {

/// A message to send. `msg` has no `id` yet; for an edit, `section`, `layer` and `opid` say
/// which one, so that its ack or error can be routed back.
struct Outgoing {
    enum class Kind { open, edit, presence };
    Kind kind = Kind::open;
    nlohmann::json msg;
    std::string section;
    std::string layer;
    std::string opid;
};

class DocumentSync {
  public:
    enum class Phase {
        offline,     // no connection, or not asked to open yet
        opening,     // an open was sent; its reply is awaited
        live,        // edits flow
        recovering,  // a snapshot came where changes were wanted while edits were in flight:
                     // they are resubmitted with their original base before loading it again
    };

    /// `next_opid` makes an opid unique to this client for every new submission.
    DocumentSync(std::string doc, std::function<std::string()> next_opid);

    const std::string& id() const noexcept { return id_; }
    Phase phase() const noexcept { return phase_; }
    /// A snapshot arrived at least once: document() and rev() mean something.
    bool loaded() const noexcept { return loaded_; }
    const model::Document& document() const noexcept { return doc_; }
    /// The last revision applied.
    Rev rev() const noexcept { return rev_; }
    /// nullptr when the section has no such text layer (missing, or omitted).
    const LayerSync* layer(const std::string& section, const std::string& layer) const;
    /// Edits not yet acknowledged, in flight or buffered (at most two per layer).
    std::size_t pending_edits() const noexcept;
    const std::map<std::uint64_t, Presence>& presence() const noexcept { return presence_; }

    // ---- The connection ------------------------------------------------------------------
    /// The connection is up and signed in: asks to open the document (with `since` when it was
    /// loaded before, so that only the missed changes come).
    void connected();
    /// The connection is gone: nothing sent on it will be answered.
    void disconnected();

    // ---- From the server -------------------------------------------------------------------
    /// snapshot, changes, edit, presence, presence_left for this document. Anything else that
    /// carries a `rev` is a change this client does not know: the document is loaded again.
    /// Malformed messages become a ClientError event.
    void receive(const nlohmann::json& msg);
    /// The ack of an edit sent for (section, layer, opid).
    void acked(const std::string& section, const std::string& layer, const std::string& opid,
               Rev rev);
    /// The server refused that edit. `rate_limited` holds it until resume(); any other code drops
    /// the layer's local changes back to the server's text and reports them (ClientError with
    /// unsent_text).
    void refused(const std::string& section, const std::string& layer, const std::string& opid,
                 const std::string& code, const std::string& message);
    /// Sends what rate limiting held back.
    void resume();

    // ---- From the user -------------------------------------------------------------------------
    /// A local edit, applied at once and sent when it can be. Throws std::invalid_argument when
    /// the document is not loaded or the section has no such text layer, ot::OpError when the op
    /// does not fit the text; then nothing changes.
    void edit(const std::string& section, const std::string& layer, const ot::Op& op);
    /// Where this user is; sent now if possible, else after the next (re)open.
    void set_presence(const std::string& section, const std::string& layer, ot::Selection sel);

    // ---- Results ---------------------------------------------------------------------------
    std::deque<Outgoing> take_outgoing();
    std::vector<SyncEvent> take_events();

  private:
    struct LayerEntry {
        LayerSync sync;
        bool sent = false;       // the in-flight edit went out on the current connection
        bool held = false;       // rate limited: wait for resume()
        bool recovered = false;  // recovering: the server acknowledged the in-flight edit
    };
    using LayerKey = std::pair<std::string, std::string>;

    void load_snapshot(const nlohmann::json& msg);
    void apply_changes(const nlohmann::json& msg);
    /// false when the change cannot be applied here and the document must be loaded again.
    bool apply_edit(const nlohmann::json& msg);
    void apply_presence(const nlohmann::json& msg);
    void start_recovery();
    void reopen(bool with_since);
    void flush();
    void send_edit(const LayerKey& key, const ot::Op& op, Rev base, const std::string& opid);
    void mirror(const LayerKey& key, const LayerSync& sync, std::optional<Rev> changed_rev);
    void shift_presence(const LayerKey& key, const ot::Op& op);
    void report(std::string code, std::string message, const LayerKey& key = {},
                std::optional<std::string> unsent = std::nullopt);
    LayerEntry* find(const LayerKey& key);

    std::string id_;
    std::function<std::string()> next_opid_;
    Phase phase_ = Phase::offline;
    bool connected_ = false;
    bool loaded_ = false;
    bool fresh_open_ = false;  // the open in flight has no `since`
    Rev rev_ = 0;
    model::Document doc_;
    std::map<LayerKey, LayerEntry> layers_;
    std::map<std::uint64_t, Presence> presence_;
    struct OwnPresence {
        std::string section;
        std::string layer;
        ot::Selection sel;
        bool sent = false;
    };
    std::optional<OwnPresence> own_presence_;
    std::deque<Outgoing> outgoing_;
    std::vector<SyncEvent> events_;
};

std::string_view to_string(DocumentSync::Phase p) noexcept;

}  // namespace samen::client
