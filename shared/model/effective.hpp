// What one municipality reads: its effective plan (the section tree in order, without what it omits
// or what other municipalities own, its own text where it diverged and the common text elsewhere),
// and the divergence matrix of all of them.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/document.hpp"

namespace samen::model {

/// Where the text of a section in an effective plan comes from.
enum class TextSource { common, override_, local };
std::string_view to_string(TextSource s) noexcept;

struct EffectiveSection {
    std::string id;
    std::string parent;  // empty for a top-level section
    SectionKind kind = SectionKind::text;
    std::string title;
    int depth = 0;  // 0 for a top-level section
    std::string text;
    TextSource source = TextSource::common;
    bool stale = false;  // an override whose base is older than the common text's last change
};

/// The section tree of `municipality`'s plan, in order: sections owned by another municipality and
/// sections it omits are left out, with everything below them; an override replaces the common
/// text, a local-only section brings its own.
std::vector<EffectiveSection> effective_document(const Document& doc,
                                                 std::string_view municipality);

/// A municipality's priorities in order, with their sections' titles.
struct PriorityEntry {
    std::string section;
    std::string title;
};
std::vector<PriorityEntry> effective_priorities(const Document& doc, std::string_view municipality);

/// The effective plan as Markdown: the title, the municipality's priorities, then each section as a
/// heading at its depth, its measures as a table (model/measures.hpp) with their budgets summed.
std::string effective_markdown(const Document& doc, std::string_view municipality);
/// The plan as the protocol's `effective` holds it: its sections (measures and fields with their
/// `kind` and `parent`), priorities, adoption and budget totals in cents.
nlohmann::json effective_json(const Document& doc, std::string_view municipality);

/// The state of one section for one municipality, as the matrix shows it.
enum class CellState { inherit, override_, stale, omit, local, absent };
std::string_view to_string(CellState s) noexcept;

struct Divergence {
    struct Row {
        std::string section;
        std::string title;
        int depth = 0;
        std::map<std::string, CellState> cells;  // by municipality code
    };
    std::vector<Row> rows;
    /// Per municipality: the share of its effective plan (in code points) that is common text.
    std::map<std::string, double> common_share;
};

Divergence divergence(const Document& doc);
nlohmann::json to_json(const Divergence& d);

}  // namespace samen::model
