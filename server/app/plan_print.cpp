#include "app/plan_print.hpp"

#include <cctype>

#include "model/effective.hpp"
#include "model/measures.hpp"
#include "model/plan_steps.hpp"

namespace samen::app {
namespace {

std::string municipality_name(const model::Document& doc, std::string_view code) {
    const model::Municipality* m = doc.municipality(code);
    return m ? m->name : std::string(code);
}

std::string status_line(const model::Document& doc, std::string_view code) {
    auto a = doc.adoption.find(std::string(code));
    if (a == doc.adoption.end() || a->second.state == "concept") return "Concept";
    std::string line = a->second.state == "raad"
                           ? "Vastgesteld door de gemeenteraad op "
                           : "Vastgesteld door het college van burgemeester en wethouders op ";
    line += model::dutch_date(a->second.date);
    if (!a->second.reference.empty()) line += " (" + a->second.reference + ")";
    return line;
}

/// Which state of the plan this is: its revision and, where one names it, its version (a decision
/// is said by the status line already), and the day it was made into a file.
std::string version_line(const model::Document& doc, const std::string& today) {
    std::string line = "Revisie " + std::to_string(doc.rev);
    for (auto v = doc.versions.rbegin(); v != doc.versions.rend(); ++v) {
        if (v->rev == doc.rev && !v->label.starts_with("Vastgesteld")) {
            line = "Versie \u201c" + v->label + "\u201d, revisie " + std::to_string(doc.rev);
            break;
        }
    }
    return line + ", afgedrukt op " + model::dutch_date(today);
}

/// The measures as one table with their total, and (with more than one thema) the budgets per
/// thema as a second.
std::vector<exporting::PrintTable> measures_tables(const std::vector<model::MeasureRow>& rows) {
    exporting::PrintTable table;
    table.caption = "Maatregelen";
    for (const auto& f : model::measure_fields) table.columns.emplace_back(f.name);
    for (const auto& row : rows) {
        std::vector<std::string> cells;
        for (const auto& f : model::measure_fields) {
            auto it = row.fields.find(f.slug);
            cells.push_back(it == row.fields.end() ? std::string() : it->second);
        }
        table.rows.push_back(std::move(cells));
    }
    const model::BudgetTotals totals = model::sum_budgets(rows);
    if (totals.by_thema.empty()) return {table};  // no row with an amount
    std::vector<std::string> sum(table.columns.size());
    sum.front() = "Totaal";
    sum.back() = model::format_amount(totals.total);
    table.totals.push_back(std::move(sum));
    if (totals.by_thema.size() < 2) return {table};
    exporting::PrintTable per_thema;
    per_thema.caption = "Budget per thema";
    per_thema.columns = {"Thema", "Budget"};
    for (const auto& [thema, cents] : totals.by_thema) {
        per_thema.rows.push_back(
            {thema.empty() ? "Zonder thema" : thema, model::format_amount(cents)});
    }
    per_thema.totals.push_back({"Totaal", model::format_amount(totals.total)});
    return {table, per_thema};
}

}  // namespace

exporting::PrintPlan print_plan(const model::Document& doc, std::string_view municipality,
                                const std::string& today) {
    exporting::PrintPlan plan;
    plan.document_title = doc.title;
    plan.municipality = "Gemeente " + municipality_name(doc, municipality);
    plan.status = status_line(doc, municipality);
    plan.version = version_line(doc, today);
    const auto priorities = model::effective_priorities(doc, municipality);
    if (!priorities.empty()) {
        exporting::PrintSection s;
        s.title = "Prioriteiten van " + municipality_name(doc, municipality);
        int n = 0;
        for (const auto& p : priorities) s.markdown += std::to_string(++n) + ". " + p.title + "\n";
        plan.sections.push_back(std::move(s));
    }
    for (const auto& e : model::effective_document(doc, municipality)) {
        if (e.kind != model::SectionKind::text) continue;  // rows of their chapter's table
        exporting::PrintSection s;
        s.depth = e.depth;
        s.title = e.title;
        s.markdown = e.text;
        auto rows = model::measure_rows(doc, e.id, municipality);
        if (!rows.empty()) s.tables = measures_tables(rows);
        plan.sections.push_back(std::move(s));
    }
    return plan;
}

std::string export_file_name(const model::Document& doc, std::string_view municipality,
                             exporting::Format format) {
    std::string name;
    for (char c : municipality_name(doc, municipality)) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!name.empty() && name.back() != '-') {
            name += '-';
        }
    }
    return doc.id + "-" + name + "-r" + std::to_string(doc.rev) + "." +
           std::string(exporting::file_extension(format));
}

}  // namespace samen::app
