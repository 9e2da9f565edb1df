// A room is one document live: its current state in memory, the people who have it open, and the
// order of its changes. All of a room's state is touched on the room's strand only; the data file
// only through the store's writer thread. An edit is acknowledged and sent to the others only
// after it is committed (DESIGN.md, "Live sync").
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
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/user.hpp"
#include "model/document.hpp"
#include "net/application.hpp"
#include "ot/text.hpp"
#include "rooms/document_store.hpp"

namespace samen::store {
class Store;
}

namespace samen::rooms {

struct RoomLimits {
    std::size_t max_text_bytes = 1 << 20;   // per layer
    std::size_t max_history_ops = 100000;   // held in memory for transforms; older from disk
    std::size_t max_history_entries = 500;  // changes in one `history` reply (older: `before`)
    std::chrono::milliseconds presence_interval{50};  // at most one relayed presence per member
};

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

/// Someone who has the document open: one WebSocket session.
struct Member {
    std::uint64_t session = 0;
    auth::User user;
    std::shared_ptr<net::Connection> conn;
};

struct EditRequest {
    std::shared_ptr<net::Connection> conn;  // where the reply goes
    nlohmann::json id;
    std::string section;
    std::string layer;
    Rev base = 0;
    ot::Op op;
    std::string opid;
    std::chrono::steady_clock::time_point received;
};

/// A change of a municipality's state of a section: diverge, revert, omit, include, acknowledge.
struct LayerRequest {
    std::shared_ptr<net::Connection> conn;  // where the reply goes
    nlohmann::json id;
    std::string kind;
    std::string section;
    std::string layer;  // a municipality code
};

/// A change of the section tree: section.create, .rename, .move, .delete, .restore.
struct TreeRequest {
    std::shared_ptr<net::Connection> conn;  // where the reply goes
    nlohmann::json id;
    std::string kind;                   // "create", "rename", "move", "delete", "restore"
    std::string section;                // all but create
    std::optional<std::string> parent;  // create, move; nullopt: top level
    std::int64_t position = 0;          // create, move
    std::string title;                  // create, rename
    std::optional<std::string> owner;   // create: a local-only section of that municipality
};

/// rebase.preview (a three-way merge, nothing written) or rebase.commit (the resolved text).
struct RebaseRequest {
    std::shared_ptr<net::Connection> conn;
    nlohmann::json id;
    bool commit = false;
    std::string section;
    std::string layer;  // a municipality code
    Rev rev = 0;        // commit: the revision of the preview it resolves
    std::string text;   // commit: the override's new text
};

/// A workflow request: propose, vote, tag, document.rename, document.archive.
struct WorkflowRequest {
    std::shared_ptr<net::Connection> conn;
    nlohmann::json id;
    std::string kind;
    std::string section;              // propose
    std::string layer;                // propose: a municipality code or "common"
    std::optional<std::string> text;  // propose with layer "common"
    std::int64_t proposal = 0;        // vote
    std::string vote;                 // vote: "approve" or "reject"
    std::string label;                // tag
    std::optional<Rev> rev;           // tag: the revision to name; nullopt: the current one
    std::string title;                // document.rename
    bool archived = false;            // document.archive
};

/// A read of the past: history, text.at, diff, or effective at a revision.
struct HistoryRequest {
    std::shared_ptr<net::Connection> conn;
    nlohmann::json id;
    std::string kind;
    std::string section;                      // history, text.at, diff of a layer
    std::optional<std::string> layer;         // history (optional), text.at, diff of a layer
    std::optional<std::string> municipality;  // effective, diff of an effective plan
    std::optional<Rev> rev;                   // text.at, effective
    std::optional<Rev> before;                // history: only changes older than this
    Rev from = 0;                             // diff
    Rev to = 0;                               // diff
};

struct PresenceUpdate {
    std::string section;
    std::string layer;
    ot::Selection sel;
};

class Room : public std::enable_shared_from_this<Room> {
  public:
    /// Called once, on the room's strand, when the room can no longer serve (its data file
    /// failed): the registry forgets it, and the next open loads it again from disk.
    using OnFailed = std::function<void(const std::string& doc)>;

    Room(boost::asio::io_context& ioc, store::Store& store, model::Document doc, RoomLimits limits,
         std::shared_ptr<RoomMetrics> metrics, OnFailed on_failed);

    const std::string& id() const { return id_; }

    // Each of these posts to the room's strand and returns at once. Replies go to the member's
    // connection.
    void open(Member member, nlohmann::json request_id, std::optional<Rev> since);
    void close(std::uint64_t session, nlohmann::json request_id);
    /// The session is gone: like close, without a reply.
    void leave(std::uint64_t session);
    void edit(std::uint64_t session, EditRequest request);
    void presence(std::uint64_t session, PresenceUpdate update);
    void change_layer(std::uint64_t session, LayerRequest request);
    void change_tree(std::uint64_t session, TreeRequest request);
    void rebase(std::uint64_t session, RebaseRequest request);
    void workflow(std::uint64_t session, WorkflowRequest request);
    void history(std::uint64_t session, HistoryRequest request);
    /// Builds a reply from the document as it stands (on the strand) and sends it to `conn` once
    /// everything it shows is committed.
    void read(std::shared_ptr<net::Connection> conn,
              std::function<nlohmann::json(const model::Document&)> build);

    /// Runs `fn` on the room's strand after everything posted to it so far.
    void barrier(std::function<void()> fn);

    /// The members, for metrics and tests.
    std::size_t member_count() const { return member_count_.load(); }

  private:
    /// An accepted change waiting for its commit: then `broadcast` goes to every member but
    /// `except_session`, and `ack` to `ack_conn`.
    struct Uncommitted {
        std::optional<AppliedEdit> edit;
        auth::User author;
        nlohmann::json broadcast;
        std::uint64_t except_session = 0;
        std::shared_ptr<net::Connection> ack_conn;
        nlohmann::json ack;
    };
    struct MemberState {
        Member member;
        Rev from_rev = 0;  // changes up to here reached it in its snapshot or `changes`
        std::optional<PresenceUpdate> presence;
        std::optional<PresenceUpdate> pending_presence;
        std::chrono::steady_clock::time_point last_presence{};
        std::unique_ptr<boost::asio::steady_timer> presence_timer;
    };
    struct LayerKey {
        std::string section;
        std::string layer;
        bool operator<(const LayerKey& o) const {
            return std::tie(section, layer) < std::tie(o.section, o.layer);
        }
    };

    void do_open(Member member, nlohmann::json request_id, std::optional<Rev> since);
    void do_leave(std::uint64_t session);
    void do_edit(std::uint64_t session, EditRequest request);
    void process_edit(std::uint64_t session, EditRequest request);
    void finish_edit(std::uint64_t session, EditRequest request, std::vector<AppliedEdit> older);
    void do_change_layer(std::uint64_t session, LayerRequest request);
    void do_change_tree(std::uint64_t session, TreeRequest request);
    void do_rebase(std::uint64_t session, RebaseRequest request);
    void rebase_commit(const Member& m, const RebaseRequest& request);
    void do_workflow(std::uint64_t session, WorkflowRequest request);
    void propose(const Member& m, const WorkflowRequest& r);
    void vote(const Member& m, const WorkflowRequest& r);
    void tag(const Member& m, const WorkflowRequest& r);
    void change_document(const Member& m, const WorkflowRequest& r);
    void do_history(std::uint64_t session, HistoryRequest request);
    /// Throws ProtocolError unless the document takes changes (not archived, not failed).
    void check_writable() const;
    /// Checks a tree request against the document and the user's rights; throws ProtocolError.
    void check_tree_request(const TreeRequest& r, const auth::User& user) const;
    /// Puts `id` at `position` among the children of `parent` and numbers them 0..n-1 again;
    /// every section whose row changed is added to `touched`.
    void place(const std::string& id, const std::string& parent, std::int64_t position,
               std::map<std::string, model::Section>& touched);
    void renumber(const std::string& parent, std::map<std::string, model::Section>& touched);
    /// The member behind `session`, or null after telling `conn` the document is not open.
    const Member* member_for(std::uint64_t session, const std::shared_ptr<net::Connection>& conn,
                             const nlohmann::json& request_id);
    /// Runs `fn` now, or after the edits waiting for older history (keeps the room's order).
    void in_order(std::function<void()> fn);
    /// Stores a change that is not a text edit, and after its commit sends `broadcast` to every
    /// member and the ack to the requester.
    void commit_change(Rev rev, const Member& requester, const nlohmann::json& request_id,
                       nlohmann::json broadcast, std::function<void(store::Db&)> write);
    /// Stores the changes first, first + 1, ... in one transaction, and after its commit sends
    /// each one's broadcast to the members and the ack (of the last) to the requester.
    void commit_changes(Rev first, std::vector<Uncommitted> changes, const Member& requester,
                        const nlohmann::json& request_id, std::function<void(store::Db&)> write);
    void on_committed(Rev rev);
    void on_commit_failed(Rev rev, std::exception_ptr error);
    void on_store_failed(const std::string& what);
    void resume_pending();
    void do_presence(std::uint64_t session, PresenceUpdate update);
    void relay_presence(MemberState& m);

    /// Runs fn once every change up to `rev` is committed (at once when it already is).
    void after_commit(Rev rev, std::function<void()> fn);
    void reply_error(const Member& m, const nlohmann::json& id, protocol::ErrorCode code,
                     const std::string& message);
    void send(const Member& m, const nlohmann::json& msg);
    void send(const std::shared_ptr<net::Connection>& conn, const nlohmann::json& msg);
    void broadcast(const nlohmann::json& msg, std::uint64_t except, Rev rev);
    nlohmann::json snapshot_json(const nlohmann::json& request_id) const;
    nlohmann::json edit_json(const AppliedEdit& e, const auth::User& author) const;
    /// The overrides of `section` that are stale (for the `stale` field of common edits).
    nlohmann::json stale_overrides(const model::Section& section) const;
    nlohmann::json user_json(const auth::User& u) const;
    void remember(const AppliedEdit& edit, const auth::User& author);
    void trim_history();

    boost::asio::io_context& ioc_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    store::Store& store_;
    std::string id_;
    model::Document doc_;
    RoomLimits limits_;
    std::shared_ptr<RoomMetrics> metrics_;
    OnFailed on_failed_;

    Rev committed_rev_ = 0;
    /// Every edit with a revision above this is in history_ and opids_; older ones are on disk.
    Rev memory_from_ = 0;
    std::map<LayerKey, std::vector<AppliedEdit>> history_;
    std::size_t history_size_ = 0;
    std::map<std::pair<std::int64_t, std::string>, Rev> opids_;
    /// The authors of the edits in history_, for `changes` replies.
    std::map<std::int64_t, auth::User> authors_;
    /// Edits of this room's revisions above committed_rev_ that others have not been sent yet.
    std::map<Rev, Uncommitted> uncommitted_;
    std::multimap<Rev, std::function<void()>> waiting_for_commit_;

    std::map<std::uint64_t, MemberState> members_;
    std::atomic<std::size_t> member_count_{0};

    /// While an edit waits for older history from disk, later edits wait here, in order.
    bool busy_ = false;
    std::deque<std::function<void()>> pending_;
    /// The last change that was not a text edit: `changes` replies hold edits only, so a client
    /// that missed such a change gets a snapshot.
    Rev last_structural_rev_ = 0;
    bool failed_ = false;
};

}  // namespace samen::rooms
