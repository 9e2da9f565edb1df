// A room is one document live: its current state in memory, the people who have it open, and the
// order of its changes. All of a room's state is touched on the room's strand only; the data file
// only through the store's threads. A change is acknowledged and sent to the others only after it
// is committed (docs/decisions/0001-server-orders-changes-after-commit.md).
//
// What a request does to the document is the model's (model/tree.hpp, model/layers.hpp,
// model/proposals.hpp); who may make it is auth::refusal's. The room keeps the members, the
// order, the commit and the fan-out; its handlers are in room_<what>.cpp by the requests they
// serve: edits, layers (overrides and rebase), tree, proposals, document, reads (now and past).
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/directory.hpp"
#include "model/document.hpp"
#include "model/layers.hpp"
#include "model/tree.hpp"
#include "net/application.hpp"
#include "ot/text.hpp"
#include "protocol/requests.hpp"
#include "rooms/document_store.hpp"
#include "rooms/read_slots.hpp"
#include "rooms/reply.hpp"

namespace samen::store {
class Store;
}

namespace samen::rooms {

struct RoomLimits {
    std::size_t max_text_bytes = 1 << 20;  // per layer
    /// The edits held in memory for transforms and `open {since}`, in bytes (their texts and what
    /// holds them); past it the committed ones are forgotten and read from disk when needed.
    std::size_t max_history_bytes = 16 << 20;
    std::size_t max_history_entries = 500;  // changes in one `history` reply (older: `before`)
    std::size_t max_comments = 10000;       // comments in one document, over all its threads
    std::chrono::milliseconds presence_interval{50};  // at most one relayed presence per member
    /// A room with no members and nothing to do for this long is unloaded (its memory given
    /// back); the next open loads it again.
    std::chrono::milliseconds idle_unload{std::chrono::seconds(60)};
    /// Edits of one layer after which its whole text is written as a checkpoint; the edits since
    /// are replayed from the change log when the document is loaded
    /// (docs/decisions/0021-change-log-is-the-truth.md). Unloading writes every layer's too, and
    /// so does the change that brings the document's revision to a multiple of it (decision 0022).
    std::size_t checkpoint_edits = 1000;
    /// Revisions after which the whole document is written as a snapshot that reading the past
    /// starts from (docs/decisions/0022-document-snapshots.md); one is written at every named
    /// version and adoption decision too.
    std::size_t snapshot_revs = 5000;
};

/// What an edit costs in memory while a room holds it (counted against max_history_bytes).
std::size_t memory_of(const AppliedEdit& edit);

/// Counters a room adds to (shared by all rooms; read by /metrics).
struct RoomMetrics {
    std::atomic<std::uint64_t> edits{0};
    std::atomic<std::uint64_t> edit_errors{0};
    /// Edit latency from receipt to ack, in the buckets of kLatencyBounds (seconds), not
    /// cumulative.
    static constexpr std::array<double, 12> kLatencyBounds = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
    std::array<std::atomic<std::uint64_t>, kLatencyBounds.size() + 1> latency{};
    std::atomic<std::uint64_t> latency_sum_us{0};
    void observe_latency(std::chrono::steady_clock::duration d);
};

/// Who a request comes from and where its answer goes.
struct Caller {
    std::uint64_t session = 0;
    std::int64_t user = 0;  // the user as known now is the directory's
    Reply reply;
    std::chrono::steady_clock::time_point received{};
    /// The connection's bound on reads of the past (null: none).
    std::shared_ptr<ReadSlots> reads;
    std::string address;  // the client's, for the audit trail
};

class Room : public std::enable_shared_from_this<Room> {
  public:
    /// Called once, on the room's strand, when the room can no longer serve (its data file
    /// failed): the registry forgets it, and the next open loads it again from disk.
    using OnFailed = std::function<void(const std::string& doc)>;
    /// Called on the room's strand when it has been idle for RoomLimits::idle_unload: true when
    /// the registry dropped it (no open can reach it any more), false when someone still may.
    using OnIdle = std::function<bool(const Room& room)>;

    Room(boost::asio::io_context& ioc, store::Store& store, const auth::UserDirectory& users,
         model::Document doc, RoomLimits limits, std::shared_ptr<RoomMetrics> metrics,
         OnFailed on_failed, OnIdle on_idle);

    const std::string& id() const { return id_; }
    /// Layers whose text on disk is older than their last edit (replayed at load): written again
    /// when the room unloads. Called before the room is shared.
    void mark_unsaved(const std::vector<std::pair<std::string, std::string>>& layers) {
        for (const auto& [section, layer] : layers) layers_[{section, layer}].unsaved = true;
    }

    /// Takes a request about this document (a protocol::DocumentRequest) and returns at once. On
    /// the room's strand, in the order they came: the user as known now, the one authorization
    /// (auth::refusal), then its handler. Replies go to the caller's connection.
    void serve(Caller caller, protocol::Request request);
    /// The session is gone: like `close`, without a reply.
    void leave(std::uint64_t session);
    /// Runs `fn` on the room's strand after everything posted to it so far.
    void barrier(std::function<void()> fn);
    /// From now on, an idle room asks OnIdle to be unloaded.
    void watch_idle();

    /// The members, for metrics and tests.
    std::size_t member_count() const { return member_count_.load(); }

  private:
    /// Someone who has the document open: one WebSocket session.
    struct Member {
        std::uint64_t session = 0;
        std::int64_t user = 0;
        std::shared_ptr<net::Connection> conn;
        bool batches = false;  // takes `batch` messages (Reply::batches)
        Rev from_rev = 0;      // changes up to here reached it in its snapshot or `changes`
        std::optional<protocol::Presence> presence;
        std::optional<protocol::Presence> pending_presence;
        std::chrono::steady_clock::time_point last_presence{};
        std::unique_ptr<boost::asio::steady_timer> presence_timer;
    };
    /// A message for every member, serialized once.
    struct Outgoing {
        std::string type;
        std::shared_ptr<const std::string> text;
    };
    /// An accepted change waiting for its commit: then `broadcast` goes to every member but
    /// `except_session` (the sender of an edit, who gets the ack instead), and the ack to `ack_to`.
    struct Uncommitted {
        std::optional<AppliedEdit> edit;
        Outgoing broadcast;
        std::uint64_t except_session = 0;
        std::optional<Reply> ack_to;
        /// An edit: when it was received, for the latency metric.
        std::optional<std::chrono::steady_clock::time_point> received;
    };
    struct LayerKey {
        std::string section;
        std::string layer;
        bool operator<(const LayerKey& o) const {
            return std::tie(section, layer) < std::tie(o.section, o.layer);
        }
    };

    // ---- room.cpp: requests in, members, order, commit, fan-out ----
    void do_serve(const Caller& caller, protocol::Request request);
    /// Runs `fn` now, or after the edit waiting for older history from disk (keeps the order).
    void in_order(std::function<void()> fn);
    void resume_pending();
    void do_leave(std::uint64_t session);
    /// Records that `user` saw the document as it is now, for the inbox (app/inbox.hpp).
    void record_visit(std::int64_t user);
    /// Refuses a change of an archived or failed document.
    void check_writable(const protocol::DocumentRequest& request) const;
    /// Stores the changes first, first + 1, ... in one transaction, and after its commit sends
    /// each one's broadcast to the members and the ack of the last to the caller.
    void commit(Rev first, std::vector<Uncommitted> changes, const Caller& caller,
                store::Store::Work write);
    /// One change that is not a text edit: `broadcast` to every member, the requester included.
    void commit_change(Rev rev, nlohmann::json broadcast, const Caller& caller,
                       store::Store::Work write);
    /// On the strand, once for every batch of the store's writer that finished jobs of this room:
    /// every change committed is sent (on_committed), and what goes to one connection goes as
    /// one burst (deliver, flush).
    void on_stored();
    void on_committed(Rev rev);
    void on_commit_failed(Rev rev, std::exception_ptr error);
    /// Sends `text` to `conn`: at once, or while on_stored runs with the rest of its burst.
    void deliver(const std::shared_ptr<net::Connection>& conn, bool batches,
                 std::shared_ptr<const std::string> text);
    /// Sends every connection its burst: as one `batch` message to one that takes them.
    void flush();
    void on_store_failed(const std::string& what);
    /// No members, nothing uncommitted, nothing waiting: nothing is lost when it is unloaded.
    bool idle() const;
    /// Arms the idle timer when the room is idle and the timer is not armed already.
    void arm_idle_timer();
    void on_idle_timer();
    /// Drops what the room holds once the registry no longer has it.
    void unload();
    /// Runs fn once every change up to `rev` is committed (at once when it already is).
    void after_commit(Rev rev, std::function<void()> fn);
    void broadcast(const nlohmann::json& msg, std::uint64_t except, Rev rev);
    void broadcast(const std::shared_ptr<const std::string>& text, std::uint64_t except, Rev rev);
    static Outgoing outgoing(const nlohmann::json& msg);
    /// The author of a change as the protocol shows them: as the user is now, else as they were.
    model::UserRef author_ref(std::int64_t user) const;
    nlohmann::json author(std::int64_t user) const;
    /// author(user) as JSON text, written again only when the user changed.
    const std::string& author_text(std::int64_t user);
    /// `{"type", "doc", "rev", "author"}`: what every broadcast change starts with.
    nlohmann::json change_message(std::string_view type, Rev rev, std::int64_t user) const;
    nlohmann::json edit_message(const AppliedEdit& e) const;
    /// The broadcast of an edit (rooms/edit_message.hpp), `stale` with an edit of common text.
    Outgoing edit_broadcast(const AppliedEdit& e, const std::vector<std::string>* stale);
    nlohmann::json snapshot_message() const;

    // ---- The handlers, one per request type (std::visit names a missing one) ----
    // room.cpp
    void handle(const Caller& c, const auth::User& u, const protocol::Open& r);
    void handle(const Caller& c, const auth::User& u, const protocol::Close& r);
    // room_edits.cpp
    void handle(const Caller& c, const auth::User& u, const protocol::Edit& r);
    void handle(const Caller& c, const auth::User& u, const protocol::Presence& r);
    // room_layers.cpp
    void handle(const Caller& c, const auth::User& u, const protocol::Diverge& r);
    void handle(const Caller& c, const auth::User& u, const protocol::Revert& r);
    void handle(const Caller& c, const auth::User& u, const protocol::Omit& r);
    void handle(const Caller& c, const auth::User& u, const protocol::Include& r);
    void handle(const Caller& c, const auth::User& u, const protocol::Acknowledge& r);
    void handle(const Caller& c, const auth::User& u, const protocol::RebasePreview& r);
    void handle(const Caller& c, const auth::User& u, const protocol::RebaseCommit& r);
    // room_tree.cpp
    void handle(const Caller& c, const auth::User& u, const protocol::SectionCreate& r);
    void handle(const Caller& c, const auth::User& u, const protocol::SectionRename& r);
    void handle(const Caller& c, const auth::User& u, const protocol::SectionMove& r);
    void handle(const Caller& c, const auth::User& u, const protocol::SectionDelete& r);
    void handle(const Caller& c, const auth::User& u, const protocol::SectionRestore& r);
    // room_proposals.cpp
    void handle(const Caller& c, const auth::User& u, const protocol::Propose& r);
    void handle(const Caller& c, const auth::User& u, const protocol::Vote& r);
    // room_document.cpp
    void handle(const Caller& c, const auth::User& u, const protocol::Tag& r);
    void handle(const Caller& c, const auth::User& u, const protocol::DocumentRename& r);
    void handle(const Caller& c, const auth::User& u, const protocol::DocumentArchive& r);
    // room_plan_steps.cpp
    void handle(const Caller& c, const auth::User& u, const protocol::PrioritiesSet& r);
    void handle(const Caller& c, const auth::User& u, const protocol::AdoptionSet& r);
    // room_comments.cpp
    void handle(const Caller& c, const auth::User& u, const protocol::Comment& r);
    void handle(const Caller& c, const auth::User& u, const protocol::CommentReply& r);
    void handle(const Caller& c, const auth::User& u, const protocol::CommentResolve& r);
    /// Commits a comment change of `thread` (room_comments.cpp).
    void commit_thread_change(const Caller& c, const auth::User& u, std::string_view kind,
                              const model::Thread& thread);

    void handle(const Caller& c, const auth::User& u, const protocol::Effective& r);
    void handle(const Caller& c, const auth::User& u, const protocol::Divergence& r);
    void handle(const Caller& c, const auth::User& u, const protocol::History& r);
    void handle(const Caller& c, const auth::User& u, const protocol::TextAt& r);
    void handle(const Caller& c, const auth::User& u, const protocol::Diff& r);

    // ---- room_edits.cpp ----
    void apply_edit(const Caller& c, const model::UserRef& author, const protocol::Edit& r,
                    std::vector<AppliedEdit> older);
    void remember(const AppliedEdit& edit, const model::UserRef& author);
    void trim_history();
    void relay_presence(Member& m);
    // ---- room_layers.cpp ----
    void change_layer(const Caller& c, model::LayerAction action, const protocol::LayerTarget& r);
    // ---- room_tree.cpp ----
    void commit_tree_change(const Caller& c, std::string_view type, model::TreeChange change,
                            nlohmann::json broadcast);
    // ---- room_document.cpp ----
    /// A change of the document's own fields: `field` is `value` in the broadcast, `data` goes to
    /// the log, and `write` stores the field.
    void commit_document_change(const Caller& c, const auth::User& u, std::string_view type,
                                nlohmann::json data, const char* field, nlohmann::json value,
                                store::Store::Work write);
    // ---- room_snapshots.cpp ----
    /// `write`, and after it what a long history needs when the changes first..last are stored
    /// (docs/decisions/0022-document-snapshots.md): a snapshot of the document, and the
    /// checkpoints of every layer edited since its last one when the revision crosses a multiple
    /// of checkpoint_edits. `quick` stays true when nothing is added (a change alone).
    store::Store::Work with_snapshots(Rev first, Rev last, std::string_view type,
                                      store::Store::Work write, bool& quick);
    // ---- room_reads.cpp ----
    /// Answers with `build(db, the document as it stands now)`, run on one of the store's readers
    /// once everything up to now is committed (so the history on disk reaches now). Holds one of
    /// the caller's read slots until it is answered.
    void read_past(const Caller& c,
                   std::function<nlohmann::json(store::Db&, const model::Document&)> build);

    boost::asio::io_context& ioc_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    store::Store& store_;
    const auth::UserDirectory& users_;
    std::string id_;
    model::Document doc_;
    RoomLimits limits_;
    std::shared_ptr<RoomMetrics> metrics_;
    OnFailed on_failed_;
    OnIdle on_idle_;

    Rev committed_rev_ = 0;
    /// Every edit with a revision above this is in layers_ and opids_; older ones are on disk.
    Rev memory_from_ = 0;
    /// Where the last edit of a section layer left off, so that the next one walks the text from
    /// there (ot::apply_in_place's hint). It holds for the text of the layer's life `life` at
    /// revision `changed_rev` only: every change of a layer's text stamps a new changed_rev, so a
    /// text with the same life, changed_rev and size is that text
    /// (docs/decisions/0029-text-position-hints.md). With it, once asked, the text's length in
    /// code points (presence clamps cursors to it).
    struct TextHint {
        Rev life = 0;
        Rev changed_rev = 0;
        std::size_t size = 0;
        ot::TextPosition at;
        std::optional<std::size_t> length;
        bool holds_for(const model::Layer& layer) const {
            return life == layer.life && changed_rev == layer.changed_rev &&
                   size == layer.text.size();
        }
    };
    /// What the room keeps of a section layer besides its text, found with one lookup per edit.
    struct LayerMemory {
        /// Its edits above memory_from_, in revision order (a deque: appending never moves them).
        std::deque<AppliedEdit> history;
        TextHint hint;
        /// Edited since its text was last written: written at the next multiple of
        /// limits_.checkpoint_edits revisions (with_snapshots) and at unload.
        bool unsaved = false;
    };
    std::map<LayerKey, LayerMemory> layers_;
    std::size_t history_bytes_ = 0;  // memory_of every edit in the layers' histories
    /// Drops every layer's history (what is committed is read back from disk when needed).
    void forget_history();
    /// The texts of the layers edited since they were last written, as they stand now, and
    /// marks them written.
    std::vector<std::tuple<std::string, std::string, std::string, Rev>> take_unsaved_texts();
    /// The length in code points of `layer`, the layer `name` of `section`: counted once per
    /// change of its text that is not an edit, kept up to date by edits.
    std::size_t text_length(const std::string& section, const std::string& name,
                            const model::Layer& layer);
    std::map<std::pair<std::int64_t, std::string>, Rev> opids_;
    /// The authors of the edits in layers_, for `changes` replies.
    std::map<std::int64_t, model::UserRef> authors_;
    /// author_text's: each author as last written.
    std::map<std::int64_t, std::pair<model::UserRef, std::string>> author_texts_;
    /// Changes of this room's revisions above committed_rev_ that others have not been sent yet.
    std::map<Rev, Uncommitted> uncommitted_;
    std::multimap<Rev, std::function<void()>> waiting_for_commit_;
    /// What the store's writer reports as the room's jobs finish, taken by on_stored.
    struct Stored {
        std::mutex mutex;
        Rev rev = 0;  // every job up to this revision is committed
        struct Failure {
            Rev first = 0;
            Rev last = 0;
            std::exception_ptr error;
        };
        std::optional<Failure> failed;  // the first job that failed
        bool posted = false;            // an on_stored is on its way
    };
    Stored stored_;
    /// Per connection, what on_stored sends it, in order.
    struct Burst {
        std::shared_ptr<net::Connection> conn;
        bool batches = false;
        std::vector<std::shared_ptr<const std::string>> texts;
    };
    std::map<const net::Connection*, Burst> outbox_;
    bool bursting_ = false;  // on_stored runs: deliver fills the outbox

    std::map<std::uint64_t, Member> members_;
    std::atomic<std::size_t> member_count_{0};

    /// While an edit waits for older history from disk, later requests wait here, in order.
    bool busy_ = false;
    std::deque<std::function<void()>> pending_;
    /// The last change that was not a text edit: `changes` replies hold edits only, so a client
    /// that missed such a change gets a snapshot.
    Rev last_structural_rev_ = 0;
    bool failed_ = false;

    /// When a request or a leave last came: the room is idle for idle_unload after it.
    std::chrono::steady_clock::time_point last_active_ = std::chrono::steady_clock::now();
    boost::asio::steady_timer idle_timer_;
    bool idle_armed_ = false;
    bool unloaded_ = false;
};

}  // namespace samen::rooms
