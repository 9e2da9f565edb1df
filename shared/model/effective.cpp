#include "model/effective.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "model/measures.hpp"
#include "ot/text.hpp"
#include "text/utf8.hpp"

namespace samen::model {
namespace {

/// Depth of each section, from the parents (sections are in tree order).
std::map<std::string, int> depths(const Document& doc) {
    std::map<std::string, int> out;
    for (const Section& s : doc.sections) {
        auto parent = out.find(s.parent);
        out[s.id] = s.parent.empty() || parent == out.end() ? 0 : parent->second + 1;
    }
    return out;
}

/// True when the section is not part of `municipality`'s plan by itself (its ancestors aside).
bool left_out(const Section& s, std::string_view municipality) {
    if (s.owner && *s.owner != municipality) return true;
    const Layer* own = s.layer(municipality);
    return own && own->state == LayerState::omit;
}

}  // namespace

std::string_view to_string(TextSource s) noexcept {
    switch (s) {
        case TextSource::common:
            return "common";
        case TextSource::override_:
            return "override";
        case TextSource::local:
            return "local";
    }
    return "common";
}

std::string_view to_string(CellState s) noexcept {
    switch (s) {
        case CellState::inherit:
            return "inherit";
        case CellState::override_:
            return "override";
        case CellState::stale:
            return "stale";
        case CellState::omit:
            return "omit";
        case CellState::local:
            return "local";
        case CellState::absent:
            return "absent";
    }
    return "inherit";
}

std::vector<EffectiveSection> effective_document(const Document& doc,
                                                 std::string_view municipality) {
    const auto depth = depths(doc);
    std::set<std::string> skipped;  // left out, with everything below
    std::vector<EffectiveSection> out;
    for (const Section& s : doc.sections) {
        if (skipped.count(s.parent) || left_out(s, municipality)) {
            skipped.insert(s.id);
            continue;
        }
        EffectiveSection e;
        e.id = s.id;
        e.parent = s.parent;
        e.kind = s.kind;
        e.title = s.title;
        e.depth = depth.at(s.id);
        if (s.owner) {
            const Layer* own = s.layer(*s.owner);
            e.text = own ? own->text.str() : std::string();
            e.source = TextSource::local;
        } else if (const Layer* own = s.layer(municipality);
                   own && own->state == LayerState::override_) {
            e.text = own->text;
            e.source = TextSource::override_;
            e.stale = s.is_stale(municipality);
        } else if (const Layer* common = s.layer(common_layer)) {
            e.text = common->text;
        }
        out.push_back(std::move(e));
    }
    return out;
}

namespace {

/// One cell of a GitHub table: one line, its pipes escaped.
std::string table_cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n' || c == '\r') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string measures_table(const std::vector<MeasureRow>& rows) {
    std::string md = "\n|";
    for (const auto& f : measure_fields) md += " " + std::string(f.name) + " |";
    md += "\n|";
    for (std::size_t i = 0; i < std::size(measure_fields); ++i) md += " --- |";
    for (const auto& row : rows) {
        md += "\n|";
        for (const auto& f : measure_fields) {
            auto it = row.fields.find(f.slug);
            md += " " + (it == row.fields.end() ? std::string() : table_cell(it->second)) + " |";
        }
    }
    const BudgetTotals totals = sum_budgets(rows);
    if (!totals.by_thema.empty()) {
        md += "\n| **Totaal** |";
        for (std::size_t i = 2; i < std::size(measure_fields); ++i) md += " |";
        md += " **" + format_amount(totals.total) + "** |";
    }
    return md + "\n";
}

}  // namespace

std::vector<PriorityEntry> effective_priorities(const Document& doc,
                                                std::string_view municipality) {
    std::vector<PriorityEntry> out;
    auto it = doc.priorities.find(std::string(municipality));
    if (it == doc.priorities.end()) return out;
    for (const auto& id : it->second) {
        // A priority whose section was deleted since is no theme of the plan (until restored).
        if (const Section* s = doc.section(id)) out.push_back({id, s->title});
    }
    return out;
}

std::string effective_markdown(const Document& doc, std::string_view municipality) {
    std::string md = "# " + doc.title + "\n";
    const auto priorities = effective_priorities(doc, municipality);
    if (!priorities.empty()) {
        const Municipality* m = doc.municipality(municipality);
        md += "\n## Prioriteiten van " + (m ? m->name : std::string(municipality)) + "\n\n";
        int n = 0;
        for (const auto& p : priorities) md += std::to_string(++n) + ". " + p.title + "\n";
    }
    for (const auto& s : effective_document(doc, municipality)) {
        if (s.kind != SectionKind::text) continue;  // rows of their chapter's table
        md += "\n" + std::string(static_cast<std::size_t>(std::min(s.depth + 2, 6)), '#') + " " +
              s.title + "\n";
        if (!s.text.empty()) md += "\n" + s.text + "\n";
        auto rows = measure_rows(doc, s.id, municipality);
        if (!rows.empty()) md += measures_table(rows);
    }
    return md;
}

nlohmann::json effective_json(const Document& doc, std::string_view municipality) {
    auto sections = nlohmann::json::array();
    for (const auto& s : effective_document(doc, municipality)) {
        nlohmann::json j = {{"id", s.id},       {"title", s.title},
                            {"depth", s.depth}, {"source", to_string(s.source)},
                            {"stale", s.stale}, {"text", s.text}};
        if (s.kind != SectionKind::text) {
            j["kind"] = to_string(s.kind);
            j["parent"] = s.parent;
        }
        sections.push_back(std::move(j));
    }
    auto priorities = nlohmann::json::array();
    for (const auto& p : effective_priorities(doc, municipality)) {
        priorities.push_back({{"section", p.section}, {"title", p.title}});
    }
    const BudgetTotals budget = budget_totals(doc, municipality);
    auto adoption = doc.adoption.find(std::string(municipality));
    return {{"doc", doc.id},
            {"title", doc.title},
            {"rev", doc.rev},
            {"municipality", municipality},
            {"sections", std::move(sections)},
            {"priorities", std::move(priorities)},
            {"adoption", to_json(adoption == doc.adoption.end() ? Adoption{} : adoption->second)},
            {"budget",
             {{"total", budget.total},
              {"by_thema", budget.by_thema},
              {"without_amount", budget.without_amount}}}};
}

Divergence divergence(const Document& doc) {
    Divergence d;
    const auto depth = depths(doc);
    for (const Section& s : doc.sections) {
        Divergence::Row row{s.id, s.title, depth.at(s.id), {}};
        for (const Municipality& m : doc.municipalities) {
            CellState cell = CellState::inherit;
            if (s.owner) {
                cell = *s.owner == m.code ? CellState::local : CellState::absent;
            } else if (const Layer* own = s.layer(m.code)) {
                if (own->state == LayerState::omit) {
                    cell = CellState::omit;
                } else {
                    cell = s.is_stale(m.code) ? CellState::stale : CellState::override_;
                }
            }
            row.cells[m.code] = cell;
        }
        d.rows.push_back(std::move(row));
    }
    for (const Municipality& m : doc.municipalities) {
        std::size_t common = 0, total = 0;
        for (const auto& s : effective_document(doc, m.code)) {
            const std::size_t n = utf8::count(s.text);
            total += n;
            if (s.source == TextSource::common) common += n;
        }
        d.common_share[m.code] =
            total == 0 ? 1.0 : static_cast<double>(common) / static_cast<double>(total);
    }
    return d;
}

nlohmann::json to_json(const Divergence& d) {
    auto rows = nlohmann::json::array();
    for (const auto& r : d.rows) {
        auto cells = nlohmann::json::object();
        for (const auto& [code, cell] : r.cells) cells[code] = to_string(cell);
        rows.push_back(
            {{"section", r.section}, {"title", r.title}, {"depth", r.depth}, {"cells", cells}});
    }
    return {{"rows", std::move(rows)}, {"common_share", d.common_share}};
}

}  // namespace samen::model
