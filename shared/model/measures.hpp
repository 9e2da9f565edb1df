// The uitvoeringsplan as rows (docs/decisions/0018-measures-are-sections.md): a measure
// (maatregel) is a section of kind maatregel; its fields are its child sections of kind field,
// titled with the field's name. So every field has a common text and local versions, live editing,
// staleness, rebase, proposals and history like any section, and this file only reads them back
// as a table: per municipality, with its own texts where it diverged, without the measures it
// omits, with its local measures, and with its budgets summed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/document.hpp"

namespace samen::model {

/// The fields of a measure, in the table's order: {slug, name}. A field section's title is its
/// name ("Beoogd resultaat"); its id is the measure's id and the slug ("keurmerk-trekker").
struct FieldName {
    std::string_view slug;
    std::string_view name;
};
inline constexpr FieldName measure_fields[] = {
    {"thema", "Thema"},         {"doel", "Doel"},
    {"maatregel", "Maatregel"}, {"resultaat", "Beoogd resultaat"},
    {"trekker", "Trekker"},     {"partners", "Partners"},
    {"planning", "Planning"},   {"budget", "Budget"},
};
/// The slug of a field's name ("Beoogd resultaat" -> "resultaat"); nullopt for no field's name.
std::optional<std::string_view> field_slug(std::string_view name);

/// An amount in whole cents read from a budget's text: "€ 25.000", "€25.000,50", "EUR 1.200"
/// (Dutch thousands dots and decimal comma). nullopt when the text holds no amount ("PM",
/// "binnen bestaand budget").
std::optional<std::int64_t> parse_amount(std::string_view text);
/// "€ 25.000" or "€ 1.250,50".
std::string format_amount(std::int64_t cents);

/// One measure as a municipality reads it.
struct MeasureRow {
    std::string id;                                          // the maatregel section
    std::string title;                                       // its title
    std::map<std::string, std::string, std::less<>> fields;  // by slug; absent: empty
    bool local = false;                                      // a measure only this municipality has
    bool diverged = false;               // one of its fields is the municipality's own text
    std::optional<std::int64_t> budget;  // cents, when the budget field holds an amount
};

/// The measures directly under `section` in `municipality`'s plan, in order.
std::vector<MeasureRow> measure_rows(const Document& doc, std::string_view section,
                                     std::string_view municipality);

/// Budgets summed over a municipality's whole plan: in all, and per thema (the thema field's
/// text; "" for a measure without one). Measures without an amount are counted apart.
struct BudgetTotals {
    std::int64_t total = 0;
    std::map<std::string, std::int64_t> by_thema;
    std::size_t without_amount = 0;
};
BudgetTotals budget_totals(const Document& doc, std::string_view municipality);
/// The same sums over the given rows (one chapter's table, say).
BudgetTotals sum_budgets(const std::vector<MeasureRow>& rows);

}  // namespace samen::model
