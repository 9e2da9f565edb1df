// Every client message of protocol v1 as a type of its own (schemas/protocol/c2s holds the
// authority on each). A message is parsed and checked here once, at the edge; what comes out is a
// well-formed request whose handler is chosen by std::visit, so that the compiler names a kind
// nobody handles. Whether the document allows the request (the section exists, the override is
// stale, ...) and whether the user may make it are later questions, asked by the room and by
// auth::refusal.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ot/text.hpp"

namespace samen::protocol {

using Rev = std::uint64_t;

// ---- Requests about no document ----

/// The first message: signs the connection in.
struct Hello {
    static constexpr std::string_view type = "hello";
    std::string token;
    /// The client takes `batch` messages: what goes out at once (a group commit's changes and
    /// acks) may come as one message (docs/protocol.md, `batch`).
    bool batches = false;
};
/// The documents the user may open.
struct List {
    static constexpr std::string_view type = "list";
};
/// The heartbeat: answered at once with `pong`, so that a client that hears nothing knows its
/// connection is dead (docs/protocol.md, `ping`).
struct Ping {
    static constexpr std::string_view type = "ping";
};
/// What needs the user, over every document they may open (docs/protocol.md, `inbox`).
struct Inbox {
    static constexpr std::string_view type = "inbox";
};
/// A new document (admins): empty, from another document's tree and common text, or from
/// Markdown whose headings become sections.
struct DocumentCreate {
    static constexpr std::string_view type = "document.create";
    std::string doc;
    std::string title;
    std::vector<std::string> municipalities;
    std::optional<std::string> template_doc;
    std::optional<std::string> markdown;
};

// ---- Requests about one document ----

struct Open {
    static constexpr std::string_view type = "open";
    std::string doc;
    std::optional<Rev> since;  // the client has every change up to here: send what followed
};
struct Close {
    static constexpr std::string_view type = "close";
    std::string doc;
};
struct Edit {
    static constexpr std::string_view type = "edit";
    std::string doc;
    std::string section;
    std::string layer;
    Rev base = 0;
    ot::Op op;  // valid and not empty
    std::string opid;
};
struct Presence {
    static constexpr std::string_view type = "presence";
    std::string doc;
    std::string section;
    std::string layer;
    ot::Selection sel;
};
/// A municipality's plan, now or as it stood at revision `rev` or at time `at` (not both).
struct Effective {
    static constexpr std::string_view type = "effective";
    std::string doc;
    std::string municipality;
    std::optional<Rev> rev;
    std::optional<std::string> at;  // "YYYY-MM-DDTHH:MM:SSZ"
};
struct Divergence {
    static constexpr std::string_view type = "divergence";
    std::string doc;
};

/// A municipality's state of one section: `layer` is the municipality's code.
struct LayerTarget {
    std::string doc;
    std::string section;
    std::string layer;
};
struct Diverge : LayerTarget {
    static constexpr std::string_view type = "diverge";
};
struct Revert : LayerTarget {
    static constexpr std::string_view type = "revert";
};
struct Omit : LayerTarget {
    static constexpr std::string_view type = "omit";
};
struct Include : LayerTarget {
    static constexpr std::string_view type = "include";
};
struct Acknowledge : LayerTarget {
    static constexpr std::string_view type = "acknowledge";
};
struct RebasePreview : LayerTarget {
    static constexpr std::string_view type = "rebase.preview";
};
struct RebaseCommit : LayerTarget {
    static constexpr std::string_view type = "rebase.commit";
    Rev rev = 0;       // the revision of the preview it resolves
    std::string text;  // the override's new text
};

struct SectionCreate {
    static constexpr std::string_view type = "section.create";
    std::string doc;
    std::optional<std::string> parent;  // nullopt: top level
    std::int64_t position = 0;
    std::string title;
    std::optional<std::string> owner;  // a local-only section of that municipality
    std::string kind = "text";         // "text", "maatregel" or "field" (model::SectionKind)
};
struct SectionRename {
    static constexpr std::string_view type = "section.rename";
    std::string doc;
    std::string section;
    std::string title;
};
struct SectionMove {
    static constexpr std::string_view type = "section.move";
    std::string doc;
    std::string section;
    std::optional<std::string> parent;
    std::int64_t position = 0;
};
struct SectionDelete {
    static constexpr std::string_view type = "section.delete";
    std::string doc;
    std::string section;
};
struct SectionRestore {
    static constexpr std::string_view type = "section.restore";
    std::string doc;
    std::string section;
};

/// A municipality's override made common (`layer` its code), or a common text put to agreement
/// (`layer` "common" with `text`).
struct Propose {
    static constexpr std::string_view type = "propose";
    std::string doc;
    std::string section;
    std::string layer;
    std::optional<std::string> text;
};
enum class Ballot { approve, reject };
struct Vote {
    static constexpr std::string_view type = "vote";
    std::string doc;
    std::int64_t proposal = 0;
    Ballot vote = Ballot::approve;
};
/// Names a revision (the current one when `rev` is nullopt).
struct Tag {
    static constexpr std::string_view type = "tag";
    std::string doc;
    std::string label;
    std::optional<Rev> rev;
};
struct DocumentRename {
    static constexpr std::string_view type = "document.rename";
    std::string doc;
    std::string title;
};
struct DocumentArchive {
    static constexpr std::string_view type = "document.archive";
    std::string doc;
    bool archived = false;
};

/// A municipality's priorities among the document's themes, in order (at most
/// limits::max_priorities; empty clears them).
struct PrioritiesSet {
    static constexpr std::string_view type = "priorities.set";
    std::string doc;
    std::string municipality;
    std::vector<std::string> sections;
};
/// Where a municipality's plan stands: "concept", or adopted by its "college" or its "raad" on
/// `date` (YYYY-MM-DD) under `reference` (the decision's number).
struct AdoptionSet {
    static constexpr std::string_view type = "adoption.set";
    std::string doc;
    std::string municipality;
    std::string state;
    std::string date;
    std::string reference;
};

/// The changes of a section (of one of its layers), newest first in pages before `before`.
struct History {
    static constexpr std::string_view type = "history";
    std::string doc;
    std::string section;
    std::optional<std::string> layer;
    std::optional<Rev> before;
};
struct TextAt {
    static constexpr std::string_view type = "text.at";
    std::string doc;
    std::string section;
    std::string layer;
    Rev rev = 0;
};
/// A new comment thread (docs/protocol.md, `comment`): on the range [from, to) in code points of a
/// section layer's current text, or (with `proposal`) on an open proposal; it may address one
/// municipality.
struct Comment {
    static constexpr std::string_view type = "comment";
    std::string doc;
    std::string section;
    std::string layer;
    std::uint64_t from = 0;
    std::uint64_t to = 0;
    std::string text;
    std::optional<std::string> municipality;
    std::optional<std::int64_t> proposal;
};
struct CommentReply {
    static constexpr std::string_view type = "comment.reply";
    std::string doc;
    std::int64_t thread = 0;
    std::string text;
};
/// Resolves a thread (`resolved` true) or reopens it.
struct CommentResolve {
    static constexpr std::string_view type = "comment.resolve";
    std::string doc;
    std::int64_t thread = 0;
    bool resolved = true;
};
/// Between two revisions: of one section layer (`section` and `layer`), or of a municipality's
/// plan (`municipality`).
struct Diff {
    static constexpr std::string_view type = "diff";
    std::string doc;
    std::optional<std::string> section;
    std::optional<std::string> layer;
    std::optional<std::string> municipality;
    Rev from = 0;
    Rev to = 0;
};

using DocumentRequest =
    std::variant<Open, Close, Edit, Presence, Effective, Divergence, Diverge, Revert, Omit, Include,
                 Acknowledge, SectionCreate, SectionRename, SectionMove, SectionDelete,
                 SectionRestore, RebasePreview, RebaseCommit, Propose, Vote, Tag, DocumentRename,
                 DocumentArchive, History, TextAt, Diff, Comment, CommentReply, CommentResolve,
                 PrioritiesSet, AdoptionSet>;

using Request = std::variant<Hello, Ping, List, Inbox, DocumentCreate, DocumentRequest>;

/// For std::visit with one lambda per alternative.
template <class... Fs>
struct overloaded : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

/// Parses one client message. Throws ProtocolError(bad_request) naming what is wrong, and
/// ot::OpError for an op that is not valid.
Request parse_request(const nlohmann::json& msg);

/// The document a request is about.
const std::string& document_of(const DocumentRequest& request);

/// The message's `type`, e.g. "section.move".
std::string_view type_name(const DocumentRequest& request);

/// True for the requests that read a document (open, close, presence, effective, divergence,
/// history, text.at, diff): all an archived document serves. A rebase.preview is the first step
/// of a change.
bool is_read(const DocumentRequest& request);

/// True for a title of a document or a section: one line of 1 to limits::max_title_bytes.
bool valid_title(const std::string& title);
/// True for a UTC time as the server writes them: "YYYY-MM-DDTHH:MM:SSZ".
bool valid_utc_time(std::string_view time);

}  // namespace samen::protocol
