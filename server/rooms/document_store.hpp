// What a room reads from and writes to the data file. Every function runs on a store thread (the
// writer's for what writes, a reader's for what only reads) and throws store::StoreError or
// RoomError.
// Defined in document_load.cpp, document_create.cpp, document_changes.cpp, document_past.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/document.hpp"
#include "model/history.hpp"
#include "ot/text.hpp"
#include "protocol/protocol.hpp"

namespace samen::store {
class Db;
}

namespace samen::rooms {

using model::Rev;

/// One accepted text edit as it was applied (already transformed).
struct AppliedEdit {
    Rev rev = 0;
    std::string section;
    std::string layer;
    ot::Op op;
    std::string opid;
    std::int64_t author = 0;
};

struct DocumentSummary {
    std::string id;
    std::string title;
    Rev rev = 0;
    bool archived = false;
    std::vector<std::string> municipalities;
    std::vector<model::Version> versions;
    std::map<std::string, model::Adoption> adoption;  // by municipality; absent: concept
};

/// The whole current state of a document: its sections (deleted ones apart) with their layers,
/// its open proposals and its named versions; throws ProtocolError(not_found) when there is no
/// such document.
model::Document load_document(store::Db& db, std::string_view doc);
/// load_document for a room: with the section layers whose edits after their checkpoint were
/// replayed, which the room writes again when it unloads.
struct LoadedDocument {
    model::Document doc;
    std::vector<std::pair<std::string, std::string>> replayed;  // (section, layer)
};
LoadedDocument load_for_room(store::Db& db, std::string_view doc);
model::Document load_document(store::Db& db, std::string_view doc,
                              std::vector<std::pair<std::string, std::string>>* replayed);

/// An entry of the protocol's `documents` (and of `GET /api/v1/documents`).
nlohmann::json to_json(const DocumentSummary& d);

/// The documents `municipality` takes part in, archived ones left out; with nullopt (an admin)
/// every document, archived ones included.
std::vector<DocumentSummary> list_documents(store::Db& db,
                                            const std::optional<std::string>& municipality);

/// What a new document starts from: nothing, the section tree and common text of another
/// document (`template_doc`), or Markdown whose headings become sections.
struct NewDocument {
    std::string id;
    std::string title;
    std::vector<std::string> municipalities;
    std::optional<std::string> template_doc;
    std::optional<std::string> markdown;
};
/// Creates the document at revision 0 and returns the number of sections it got. Throws
/// ProtocolError: conflict when the id is taken, not_found for an unknown municipality or
/// template, bad_request for Markdown that is not UTF-8.
std::size_t create_document(store::Db& db, const NewDocument& d);

/// The user as the protocol shows an author.
model::UserRef user_ref(store::Db& db, std::int64_t user_id);

/// Appends a change that is not a text edit and moves the document to `rev`.
void append_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                   const std::optional<std::string>& section,
                   const std::optional<std::string>& layer, const nlohmann::json& data,
                   std::int64_t author);

void insert_proposal(store::Db& db, std::string_view doc, const model::Proposal& p);
void insert_vote(store::Db& db, std::string_view doc, std::int64_t proposal,
                 const std::string& municipality, const std::string& vote, std::int64_t user,
                 Rev rev);
void close_proposal(store::Db& db, std::string_view doc, std::int64_t proposal,
                    const std::string& state, Rev rev);
/// Throws ProtocolError(conflict) when the document has a version with this label already.
void insert_version(store::Db& db, std::string_view doc, const model::Version& v);
/// A comment change (kind "comment", "comment.reply" or "comment.resolve") of `thread` as it is
/// after it: in the log, and the thread's rows as they now are.
void append_thread_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                          const model::Thread& thread, std::int64_t author);
/// The ranges of threads an edit moved, stored with the edit.
void store_thread_anchors(store::Db& db, std::string_view doc,
                          const std::vector<model::Thread>& moved);
void set_document_title(store::Db& db, std::string_view doc, const std::string& title);
void set_document_archived(store::Db& db, std::string_view doc, bool archived);

/// `current` (a document as it stands, committed up to its `rev`) as it stood at `rev`: from the
/// nearest document snapshot at or after `rev` (or from `current`) the changes after `rev` undone
/// (model::rewind), and every layer's changed_rev read from the log. Throws
/// ProtocolError(bad_request) when `rev` is ahead, model::HistoryError when the log cannot be
/// undone.
model::Document document_at(store::Db& db, model::Document current, Rev rev);

/// Stores `d` as its document snapshot at `d.rev` (docs/decisions/0022-document-snapshots.md):
/// `d` must be the document as the log says it is at that revision.
void write_snapshot(store::Db& db, const model::Document& d);

/// The revisions at which `doc` should have a snapshot and has none: the multiples of `every` up to
/// its revision, newest first (a data file from before SQL migration 010 has none).
std::vector<Rev> missing_snapshots(store::Db& db, std::string_view doc, std::size_t every);
/// One step of giving an older history its snapshots (docs/decisions/0022-document-snapshots.md):
/// the snapshot of `doc` at the newest revision missing_snapshots names, rebuilt from the log by
/// rewinding the stored document from the nearest snapshot after it (or from now), so at most
/// about `every` changes are undone. Returns the revision written, nullopt when none is missing.
std::optional<Rev> backfill_snapshot(store::Db& db, std::string_view doc, std::size_t every);

/// The changes of the document with after < rev <= upto, oldest first, with their authors.
std::vector<model::Change> load_changes(store::Db& db, std::string_view doc, Rev after, Rev upto);
/// The newest `limit` changes of one section (of one of its layers when `layer` is set) before
/// revision `before`, oldest first.
std::vector<model::Change> load_section_changes(store::Db& db, std::string_view doc,
                                                std::string_view section,
                                                const std::optional<std::string>& layer, Rev before,
                                                std::size_t limit);

/// Appends an accepted edit (with `data` for the history, e.g. the base a rebase moved) and moves
/// the document to `edit.rev`; the layer's text is not written (write_checkpoint does that now and
/// then: docs/decisions/0021-change-log-is-the-truth.md). Throws unless the document stood at
/// `edit.rev - 1`: a gap would break the history.
void append_edit(store::Db& db, std::string_view doc, const AppliedEdit& edit,
                 const nlohmann::json& data = nullptr);
/// Writes a layer's text as it stands at `rev` (its last text change at `changed_rev`): the
/// edits up to `rev` need no replay when the document is loaded.
void write_checkpoint(store::Db& db, std::string_view doc, const std::string& section,
                      const std::string& layer, std::string_view text, Rev rev, Rev changed_rev);

/// Appends a change of a municipality's state of a section (diverge, revert, omit, include,
/// acknowledge) with `data` (e.g. the dropped text), writes the layer's new row (`layer`) or
/// deletes it (nullopt), and moves the document to `rev`.
void append_layer_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                         const std::string& section, const std::string& code,
                         const nlohmann::json& data, std::int64_t author,
                         const std::optional<model::Layer>& layer);

/// Appends a change of the section tree with `data`, writes the rows of the sections it touched
/// (inserting the new ones) and the layers of a new section, and moves the document to `rev`.
void append_tree_change(store::Db& db, std::string_view doc, Rev rev, const std::string& kind,
                        const std::string& section, const nlohmann::json& data, std::int64_t author,
                        const std::vector<model::Section>& sections,
                        const std::vector<std::pair<std::string, model::Layer>>& new_layers);

/// The edits of one section layer with after < rev <= upto, in revision order.
std::vector<AppliedEdit> load_edits(store::Db& db, std::string_view doc, std::string_view section,
                                    std::string_view layer, Rev after, Rev upto);

}  // namespace samen::rooms
