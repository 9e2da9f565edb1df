// What a room reads from and writes to the data file. Every function runs on the store's writer
// thread (inside Store::submit work) and throws store::StoreError or RoomError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/document.hpp"
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
    std::vector<std::string> municipalities;
};

/// The whole current state of a document (sections not deleted, with their layers); throws
/// ProtocolError(not_found) when there is no such document.
model::Document load_document(store::Db& db, std::string_view doc);

/// Documents that are not archived, those `municipality` takes part in (all when nullopt).
std::vector<DocumentSummary> list_documents(store::Db& db,
                                            const std::optional<std::string>& municipality);

/// Appends an accepted edit and the layer's new text, and moves the document to `edit.rev`.
/// Throws unless the document stood at `edit.rev - 1`: a gap would break the history.
void append_edit(store::Db& db, std::string_view doc, const AppliedEdit& edit,
                 std::string_view new_text);

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
                        const std::string& section, const nlohmann::json& data,
                        std::int64_t author, const std::vector<model::Section>& sections,
                        const std::vector<std::pair<std::string, model::Layer>>& new_layers);

/// The edits of one section layer with after < rev <= upto, in revision order.
std::vector<AppliedEdit> load_edits(store::Db& db, std::string_view doc, std::string_view section,
                                    std::string_view layer, Rev after, Rev upto);

/// The revision of an edit already accepted from this author with this opid.
std::optional<Rev> find_edit_by_opid(store::Db& db, std::string_view doc, std::int64_t author,
                                     std::string_view opid);

}  // namespace samen::rooms
