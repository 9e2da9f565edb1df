// The domain model (docs/architecture.md) as plain values: a Document with its Municipalities and
// Sections, each Section with its Layers (the common text and the municipalities' overrides and
// omissions). Shared by the server (rooms) and the clients (who rebuild it from a snapshot).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/layer_text.hpp"

namespace samen::model {

using Rev = std::uint64_t;

/// The layer that holds the common text of a section.
inline constexpr std::string_view common_layer = "common";

/// True for a CBS municipality code such as GM0166.
bool is_municipality_code(std::string_view s) noexcept;

struct Municipality {
    std::string code;  // CBS code, e.g. GM0166
    std::string name;  // Kampen
    bool operator==(const Municipality&) const = default;
};

enum class LayerState { common, override_, omit };
std::string_view to_string(LayerState s) noexcept;
std::optional<LayerState> parse_layer_state(std::string_view s) noexcept;

/// The text of a section for one audience. For a municipality without a Layer the section is
/// inherited (it reads the common text).
struct Layer {
    LayerState state = LayerState::common;
    LayerText text;
    std::optional<Rev> base;  // override: the revision of the common text it was copied at
    Rev life = 0;             // the revision at which this layer's current life began
    Rev changed_rev = 0;      // the revision of its last text change
    bool operator==(const Layer&) const = default;
};

/// What a section holds (docs/decisions/0018-measures-are-sections.md): prose, a measure
/// (maatregel) of the uitvoeringsplan, which is a row of a table, or one field of a measure (its
/// title is the field's name, model/measures.hpp).
enum class SectionKind { text, maatregel, field };
std::string_view to_string(SectionKind k) noexcept;
std::optional<SectionKind> parse_section_kind(std::string_view s) noexcept;

struct Section {
    std::string id;
    std::string parent;  // empty: top level
    std::int64_t position = 0;
    std::string title;
    std::optional<std::string> owner;  // set: local-only section of that municipality
    bool deleted = false;
    std::map<std::string, Layer, std::less<>> layers;  // "common" or a municipality code
    std::optional<Rev> deleted_rev = std::nullopt;     // deleted: the delete that removed it
    SectionKind kind = SectionKind::text;
    bool operator==(const Section&) const = default;

    /// The layer that holds this section's own text: the owner's for a local-only section.
    std::string text_layer() const { return owner ? *owner : std::string(common_layer); }
    const Layer* layer(std::string_view name) const;
    /// An override whose base is older than the common text's last change.
    bool is_stale(std::string_view municipality) const;
};

/// Who did something, as the protocol shows it (`user_ref`).
struct UserRef {
    std::int64_t id = 0;
    std::string name;
    std::string display_name;
    std::optional<std::string> municipality;
    bool operator==(const UserRef&) const = default;
};

/// A proposal for the common text of a section (model/proposals.hpp): a municipality's local
/// text made common (`layer` is its code) or a change of the common text put to agreement
/// (`layer` is "common").
struct Proposal {
    std::int64_t id = 0;
    std::string section;
    std::string layer;
    std::string text;         // the proposed common text
    std::string common_text;  // the common text when it was proposed: the base of the merge
    Rev base = 0;             // the revision it was proposed at
    UserRef proposer;
    std::string created_at;
    std::map<std::string, std::string> votes;  // municipality code -> "approve" / "reject"
    std::string state = "open";                // "open", "accepted", "rejected"
    std::optional<Rev> closed_rev;
    bool operator==(const Proposal&) const = default;
};

/// A named version: a label that pins a revision.
struct Version {
    Rev rev = 0;
    std::string label;
    UserRef author;
    std::string created_at;
    bool operator==(const Version&) const = default;
};

/// One comment of a thread.
struct ThreadComment {
    std::int64_t id = 0;  // 1, 2, ... within its thread
    UserRef author;
    std::string text;
    std::string created_at;
    bool operator==(const ThreadComment&) const = default;
};

/// A comment thread (model/comments.hpp): on a range of a section layer's text, which edits move
/// as they move cursors, or on a proposal; it may address one municipality.
struct Thread {
    std::int64_t id = 0;
    std::string section;
    std::string layer;
    std::size_t from = 0;  // code points into the layer's current text
    std::size_t to = 0;
    std::optional<std::string> municipality;
    std::optional<std::int64_t> proposal;
    bool resolved = false;
    std::vector<ThreadComment> comments;  // the first one started the thread
    bool operator==(const Thread&) const = default;
};

/// Where a municipality's plan stands (model/plan_steps.hpp): a concept, or adopted by its college
/// or its raad on `date`, as the named version at `rev`.
struct Adoption {
    std::string state = "concept";  // "concept", "college", "raad"
    std::string date;               // YYYY-MM-DD, for college and raad
    std::string reference;          // the decision's number, as the municipality writes it
    Rev rev = 0;                    // the revision that was adopted
    bool operator==(const Adoption&) const = default;
};

struct Document {
    std::string id;
    std::string title;
    Rev rev = 0;
    bool archived = false;
    std::vector<Municipality> municipalities;
    std::vector<Section> sections;  // in tree order: parents before children, siblings by position
    std::vector<Section> deleted;   // deleted sections (restorable), with their layers
    std::vector<Proposal> proposals;  // the open ones
    std::int64_t next_proposal = 1;   // the id of the next proposal
    std::vector<Version> versions;    // oldest first
    std::vector<Thread> threads;      // comment threads, oldest first (not rewound by history)
    /// Per municipality code: its priorities, section ids in order (model/plan_steps.hpp).
    std::map<std::string, std::vector<std::string>> priorities;
    /// Per municipality code: its decision; a municipality without one is in concept.
    std::map<std::string, Adoption> adoption;
    bool operator==(const Document&) const = default;

    bool takes_part(std::string_view municipality) const;
    Section* section(std::string_view section_id);
    const Section* section(std::string_view section_id) const;
    const Municipality* municipality(std::string_view code) const;
    /// True for the id of any section, deleted ones included.
    bool has_section_id(std::string_view section_id) const;
    /// The ids of the section's subsections, all levels down.
    std::vector<std::string> descendants(std::string_view section_id) const;
};

// Changes of the document as a whole, at its next revision (like model/tree.hpp: refused with
// model::Refused before anything changes).

/// Names revision `rev` (nullopt: the current one) with `label`; returns the version.
const Version& add_version(Document& doc, const std::string& label, std::optional<Rev> rev,
                           const UserRef& author, const std::string& created_at);
/// Returns what the log keeps: {"from": old title, "title": new title}.
nlohmann::json rename_document(Document& doc, const std::string& title);
/// Returns what the log keeps: {"from": was archived, "archived": is archived}.
nlohmann::json set_archived(Document& doc, bool archived);

/// Orders sections as a tree walk: each parent followed by its children, siblings by position.
void sort_tree(std::vector<Section>& sections);

// The JSON forms of the wire protocol (schemas/protocol/defs.json).
nlohmann::json to_json(const Municipality& m);
nlohmann::json to_json(const Section& s);
nlohmann::json to_json(const UserRef& u);
/// A user as to_json writes it; throws nlohmann::json's errors.
UserRef user_ref_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Proposal& p);
nlohmann::json to_json(const Version& v);
nlohmann::json to_json(const Thread& t);
nlohmann::json to_json(const Adoption& a);
Adoption adoption_from_json(const nlohmann::json& j);
/// A thread as to_json writes it (a snapshot's `threads`); throws nlohmann::json's errors.
Thread thread_from_json(const nlohmann::json& j);
Section section_from_json(const nlohmann::json& j);

}  // namespace samen::model
