// Typed access to the tables of schemas/sql: one small function per question the server asks.
// Every function runs on the caller's Db (on a store thread: the writer's, or a reader's for what
// only reads) and throws StoreError.
// Times are RFC 3339 UTC strings (store/time.hpp).
// Defined by subject in repo_people.cpp, repo_documents.cpp, repo_changes.cpp and repo_plan.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.hpp"

namespace samen::store {

// ---- municipalities ----

struct Municipality {
    std::string code;  // CBS code, "GM0166"
    std::string name;  // "Kampen"
    bool operator==(const Municipality&) const = default;
};

/// Inserts, or renames an existing code. Throws on a code that is not GMnnnn.
void upsert_municipality(Db& db, const Municipality& m);
std::optional<Municipality> find_municipality(Db& db, std::string_view code);
/// Ordered by code.
std::vector<Municipality> list_municipalities(Db& db);

// ---- users ----

struct UserRecord {
    std::int64_t id = 0;
    std::string name;
    std::string display_name;
    std::optional<std::string> municipality;
    std::string role;  // viewer, editor, coordinator or admin (auth::Role)
    std::string password_hash;
    bool disabled = false;
    std::string created_at;
};

struct NewUser {
    std::string name;
    std::string display_name;
    std::optional<std::string> municipality;
    std::string role;
    std::string password_hash;
};

/// Returns the new user's id. A taken name throws StoreError with is_duplicate().
std::int64_t create_user(Db& db, const NewUser& user, std::string_view now);
std::optional<UserRecord> find_user(Db& db, std::int64_t id);
std::optional<UserRecord> find_user_by_name(Db& db, std::string_view name);
/// Ordered by name.
std::vector<UserRecord> list_users(Db& db);
// Each returns false when no user has that id.
bool set_password_hash(Db& db, std::int64_t user_id, std::string_view hash);
bool set_role(Db& db, std::int64_t user_id, std::string_view role);
bool set_disabled(Db& db, std::int64_t user_id, bool disabled);

// ---- tokens (stored as the hex SHA-256 of the token) ----

void insert_token(Db& db, std::string_view hash, std::int64_t user_id, std::string_view created_at,
                  std::string_view expires_at);
/// The user of a token that expires after `now`.
std::optional<std::int64_t> find_token_user(Db& db, std::string_view hash, std::string_view now);
struct TokenRecord {
    std::string hash;
    std::int64_t user_id = 0;
    std::string created_at;
    std::string expires_at;
};
/// A token that expires after `now`.
std::optional<TokenRecord> find_token(Db& db, std::string_view hash, std::string_view now);
/// Moves whenever a user's record changes or a token is removed (schemas/sql/003_auth_epoch.sql).
std::int64_t auth_epoch(Db& db);
bool delete_token(Db& db, std::string_view hash);
/// Returns how many were deleted.
std::int64_t delete_expired_tokens(Db& db, std::string_view now);
std::int64_t delete_user_tokens(Db& db, std::int64_t user_id);

// ---- documents ----

struct DocumentRecord {
    std::string id;  // slug, "ivp-2023-2026"
    std::string title;
    std::int64_t rev = 0;
    bool archived = false;
    std::string created_at;
    std::vector<std::string> municipalities;  // codes, ordered
};

/// A taken id throws StoreError with is_duplicate(); an unknown municipality code fails the
/// foreign key.
void create_document(Db& db, std::string_view id, std::string_view title,
                     const std::vector<std::string>& municipalities, std::string_view now);
std::optional<DocumentRecord> get_document(Db& db, std::string_view id);
/// Ordered by id.
std::vector<DocumentRecord> list_documents(Db& db);
// Each returns false when there is no such document. (Named apart from the rooms' functions that
// call them, which would otherwise be ambiguous through argument-dependent lookup.)
/// Moves the document to `rev` if it stands at rev - 1, in one statement; false otherwise.
bool advance_document_rev(Db& db, std::string_view id, std::int64_t rev);
bool rename_document(Db& db, std::string_view id, std::string_view title);
/// archived false: back out of the archive.
bool archive_document(Db& db, std::string_view id, bool archived);

// ---- sections ----

struct SectionRecord {
    std::string id;
    std::optional<std::string> parent;  // nullopt: top level
    std::int64_t position = 0;          // among its siblings
    std::string title;
    std::optional<std::string> owner;  // set: local-only section of that municipality
    bool deleted = false;
    std::optional<std::int64_t> deleted_rev = std::nullopt;  // deleted: by the delete of this rev
    std::string kind = "text";  // text, maatregel or field (model::SectionKind)
    bool operator==(const SectionRecord&) const = default;
};

void insert_section(Db& db, std::string_view doc, const SectionRecord& section);
/// Updates parent, position, title, owner, deleted, deleted_rev and kind of an existing section.
bool update_section(Db& db, std::string_view doc, const SectionRecord& section);
/// Every section of the document (deleted ones too), in tree order: depth first, siblings by
/// position. Sections whose parent is missing come last, as if top level.
std::vector<SectionRecord> list_sections(Db& db, std::string_view doc);

// ---- layers ----

struct LayerRecord {
    std::string section;
    std::string layer;  // "common" or a CBS code
    std::string state;  // common, override or omit
    std::string text;
    std::optional<std::int64_t> base;  // override: the common revision it was copied at
    std::int64_t life = 0;             // revision at which this layer's current life began
    std::int64_t changed_rev = 0;      // revision of its last text change
    /// The revision `text` stands at: the layer's edits after it are in the change log
    /// (docs/decisions/0021-change-log-is-the-truth.md). 0 for a document's first texts.
    std::int64_t text_rev = 0;
    bool operator==(const LayerRecord&) const = default;
};

/// Inserts the layer, or replaces every column of an existing one (a new life).
void put_layer(Db& db, std::string_view doc, const LayerRecord& layer);
/// Sets the text after an edit. False when there is no such layer.
/// A checkpoint: the layer's text as it stood at `rev`, its last text change at `changed_rev`.
bool set_layer_checkpoint(Db& db, std::string_view doc, std::string_view section,
                          std::string_view layer, std::string_view text, std::int64_t rev,
                          std::int64_t changed_rev);
/// Sets state and base (e.g. acknowledge moves base). False when there is no such layer.
bool set_layer_state(Db& db, std::string_view doc, std::string_view section, std::string_view layer,
                     std::string_view state, std::optional<std::int64_t> base);
/// Back to inherit: the municipality reads the common text again.
bool delete_layer(Db& db, std::string_view doc, std::string_view section, std::string_view layer);
std::optional<LayerRecord> get_layer(Db& db, std::string_view doc, std::string_view section,
                                     std::string_view layer);
/// Ordered by section, then layer.
std::vector<LayerRecord> load_layers(Db& db, std::string_view doc);

// ---- changes (the append-only history) ----

struct ChangeRecord {
    std::string doc;
    std::int64_t rev = 0;
    std::string kind;  // "edit", or a structural / workflow kind
    std::optional<std::string> section;
    std::optional<std::string> layer;
    std::optional<std::string> op;    // JSON text op, kind "edit"
    std::optional<std::string> data;  // JSON, other kinds
    std::optional<std::int64_t> author;
    std::optional<std::string> opid;
    std::string at;
    bool operator==(const ChangeRecord&) const = default;
};

/// The edits of the document's layers after their checkpoints (rev > text_rev), in rev order:
/// what loading the document replays.
std::vector<ChangeRecord> list_edits_after_checkpoints(Db& db, std::string_view doc);

/// A rev already used in the document throws StoreError with is_duplicate().
void append_change(Db& db, const ChangeRecord& change);
/// The edits of one section layer with rev > after_rev, in rev order: what an edit based on
/// after_rev is transformed against.
std::vector<ChangeRecord> list_layer_edits(Db& db, std::string_view doc, std::string_view section,
                                           std::string_view layer, std::int64_t after_rev);
/// The newest `limit` changes of one section (of one layer of it when `layer` is set) with
/// rev < before, in rev order.
std::vector<ChangeRecord> list_section_changes(Db& db, std::string_view doc,
                                               std::string_view section,
                                               const std::optional<std::string>& layer,
                                               std::int64_t before, std::int64_t limit);
/// The changes of the document with rev > since, in rev order (catch-up after reconnect), at most
/// `limit` of them (-1: all).
std::vector<ChangeRecord> list_changes(Db& db, std::string_view doc, std::int64_t since,
                                       std::int64_t limit = -1);
/// The newest revision of `doc` made at or before `at` (a time as `change.at` holds it,
/// "YYYY-MM-DDTHH:MM:SSZ"); 0 when the document had no change yet then. Times need not grow with
/// the revision; its cost does not grow with the log where the time blocks are written.
std::int64_t rev_at_time(Db& db, std::string_view doc, std::string_view at);
/// Revisions per row of `change_time_block` (migration 011; the number is in its SQL too).
inline constexpr std::int64_t kChangeTimeBlock = 4096;
/// Writes (again) the earliest time of every full block of `doc`'s changes that ends at a revision
/// in first..last (docs/decisions/0028-change-time-blocks.md): what the writer adds to the job
/// of a change that completes a block.
void write_change_time_blocks(Db& db, std::string_view doc, std::int64_t first, std::int64_t last);

// ---- visits: what each user saw last of each document (the inbox) ----

struct VisitRecord {
    std::int64_t rev = 0;  // the revision the user saw last
    std::string at;        // when
};
/// Records that `user` had `doc` open at revision `rev`; a visit never goes back to an older rev.
void record_visit(Db& db, std::int64_t user, std::string_view doc, std::int64_t rev,
                  std::string_view at);
std::optional<VisitRecord> find_visit(Db& db, std::int64_t user, std::string_view doc);

/// The changes of `doc` after revision `after` made by others than `user` (and by nobody, as the
/// server's own): how many, the newest revision, and the first `limit` sections and authors.
struct ChangesByOthers {
    std::int64_t count = 0;
    std::int64_t last_rev = 0;
    std::vector<std::string> sections;  // in order of their first change
    std::vector<std::int64_t> authors;  // in order of their first change
};
ChangesByOthers changes_by_others(Db& db, std::string_view doc, std::int64_t after,
                                  std::int64_t user, std::int64_t limit);

/// When a section layer's text was last set.
struct TextChangeRecord {
    std::string section;
    std::string layer;  // empty for the section's creation
    std::int64_t rev = 0;
    bool operator==(const TextChangeRecord&) const = default;
};

/// For every section layer, its newest change with rev <= upto that set its text (an edit, its
/// diverge, or its section's creation), ordered by section, then layer: what staleness is judged
/// by at a past revision.
std::vector<TextChangeRecord> list_last_text_changes(Db& db, std::string_view doc,
                                                     std::int64_t upto);
/// The newest change with rev <= upto that set the text of one section layer (`layer` empty: the
/// section's creation), 0 when none did; found through the change_layer index, so its cost does
/// not grow with the log.
std::int64_t last_text_change(Db& db, std::string_view doc, std::string_view section,
                              std::string_view layer, std::int64_t upto);

// ---- document snapshots (docs/decisions/0022-document-snapshots.md) ----

struct SnapshotRecord {
    std::int64_t rev = 0;
    std::string data;  // model/document_json.hpp
};
/// Writes (or writes again) the snapshot of `doc` at `rev`.
void put_document_snapshot(Db& db, std::string_view doc, std::int64_t rev, std::string_view data);
/// The oldest snapshot of `doc` with from <= rev < below.
std::optional<SnapshotRecord> find_document_snapshot(Db& db, std::string_view doc,
                                                     std::int64_t from, std::int64_t below);
/// The revisions of the snapshots of `doc`, oldest first.
std::vector<std::int64_t> list_document_snapshots(Db& db, std::string_view doc);

// ---- proposals and their votes ----

struct ProposalRecord {
    std::int64_t id = 0;  // 1, 2, ... per document
    std::string section;
    std::string layer;        // "common" or the code of the municipality whose text it proposes
    std::string text;         // the proposed common text
    std::string common_text;  // the common text when proposed: the base of the merge
    std::int64_t base = 0;    // the revision it was proposed at
    std::int64_t proposer = 0;
    std::string created_at;
    std::string state = "open";  // open, accepted or rejected
    std::optional<std::int64_t> closed_rev;
    bool operator==(const ProposalRecord&) const = default;
};

/// A taken id throws StoreError with is_duplicate().
void insert_proposal(Db& db, std::string_view doc, const ProposalRecord& proposal);
/// Ordered by id.
std::vector<ProposalRecord> list_open_proposals(Db& db, std::string_view doc);
/// One more than the highest id the document ever gave a proposal, closed ones included.
std::int64_t next_proposal_id(Db& db, std::string_view doc);
/// Closes a proposal (state accepted or rejected, at closed_rev). False when there is no such
/// proposal.
bool set_proposal_state(Db& db, std::string_view doc, std::int64_t id, std::string_view state,
                        std::int64_t closed_rev);

struct VoteRecord {
    std::int64_t proposal = 0;
    std::string municipality;  // the code of the municipality that voted
    std::string vote;          // approve or reject
    std::int64_t user = 0;     // the coordinator who cast it
    std::int64_t rev = 0;
    std::string at;
    bool operator==(const VoteRecord&) const = default;
};

/// A second vote of a municipality on a proposal throws StoreError with is_duplicate().
void insert_vote(Db& db, std::string_view doc, const VoteRecord& vote);
/// The votes on the document's open proposals, ordered by proposal, then municipality.
std::vector<VoteRecord> list_open_votes(Db& db, std::string_view doc);

// ---- named versions ----

struct VersionRecord {
    std::string doc;
    std::string label;
    std::int64_t rev = 0;
    std::int64_t author = 0;
    std::string created_at;
    bool operator==(const VersionRecord&) const = default;
};

/// A label the document has already throws StoreError with is_duplicate().
void insert_version(Db& db, const VersionRecord& version);
/// Ordered by rev, then created_at, then label.
std::vector<VersionRecord> list_versions(Db& db, std::string_view doc);
/// The versions of every document in one read, ordered by document, then as list_versions.
std::vector<VersionRecord> list_all_versions(Db& db);

// ---- priorities and adoption (docs/plan-steps.md) ----

/// Replaces `municipality`'s priorities with `sections`, in order.
void set_priorities(Db& db, std::string_view doc, std::string_view municipality,
                    const std::vector<std::string>& sections);
/// Per municipality, its priorities in order.
std::map<std::string, std::vector<std::string>> list_priorities(Db& db, std::string_view doc);

struct AdoptionRecord {
    std::string municipality;
    std::string state;  // college or raad
    std::string date;
    std::string reference;
    std::int64_t rev = 0;
    bool operator==(const AdoptionRecord&) const = default;
};
/// Records a decision; nullopt (back to concept) removes it.
void set_adoption(Db& db, std::string_view doc, std::string_view municipality,
                  const std::optional<AdoptionRecord>& adoption);
/// Ordered by municipality.
std::vector<AdoptionRecord> list_adoptions(Db& db, std::string_view doc);

// ---- comment threads ----

struct ThreadRecord {
    std::int64_t id = 0;
    std::string section;
    std::string layer;
    std::int64_t from = 0;
    std::int64_t to = 0;
    std::optional<std::string> municipality;
    std::optional<std::int64_t> proposal;
    bool resolved = false;
};
struct ThreadCommentRecord {
    std::int64_t thread = 0;
    std::int64_t id = 0;
    std::int64_t author = 0;
    std::string text;
    std::string created_at;
};
void insert_thread(Db& db, std::string_view doc, const ThreadRecord& thread);
void insert_thread_comment(Db& db, std::string_view doc, const ThreadCommentRecord& comment);
void set_thread_resolved(Db& db, std::string_view doc, std::int64_t thread, bool resolved);
void set_thread_anchor(Db& db, std::string_view doc, std::int64_t thread, std::int64_t from,
                       std::int64_t to);
/// By id.
std::vector<ThreadRecord> list_threads(Db& db, std::string_view doc);
/// By thread, then id.
std::vector<ThreadCommentRecord> list_thread_comments(Db& db, std::string_view doc);

// ---- audit (append-only: the schema refuses to change or remove a row) ----

struct AuditEntry {
    std::int64_t id = 0;  // given by append_audit
    std::string at;
    std::optional<std::int64_t> user_id;  // nullopt: a name of no user, or the command line
    std::optional<std::string> user_name;
    std::optional<std::string> address;  // nullopt: the command line
    std::string action;                  // sign_in.ok, user.add, ... (docs/security.md)
    std::string detail = "{}";           // a JSON object
    bool operator==(const AuditEntry&) const = default;
};

/// Returns the new entry's id. A detail that is not a JSON object fails the schema's check.
std::int64_t append_audit(Db& db, const AuditEntry& entry);

struct AuditFilter {
    std::optional<std::string> since;  // entries at or after this time (RFC 3339 UTC)
    std::optional<std::string> user;   // by this name (user_name) or about it (detail's "user")
    std::int64_t limit = 100;          // the newest this many
};

/// The newest `filter.limit` entries that pass the filter, oldest first.
std::vector<AuditEntry> list_audit(Db& db, const AuditFilter& filter);

}  // namespace samen::store
