#include "model/measures.hpp"

#include <algorithm>

#include "model/effective.hpp"

namespace samen::model {

std::optional<std::string_view> field_slug(std::string_view name) {
    for (const auto& f : measure_fields) {
        if (f.name == name || f.slug == name) return f.slug;
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_amount(std::string_view text) {
    // The first run of digits after a euro sign (or "EUR"), or the first number in a text that
    // starts with one: "€ 25.000", "25.000 euro".
    std::size_t at = text.find("\xE2\x82\xAC");  // €
    if (at != std::string_view::npos) {
        at += 3;
    } else if ((at = text.find("EUR")) != std::string_view::npos) {
        at += 3;
    } else {
        at = 0;
        while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
        if (at == text.size() || text[at] < '0' || text[at] > '9') return std::nullopt;
        if (text.find("euro") == std::string_view::npos) return std::nullopt;
    }
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
    if (at == text.size() || text[at] < '0' || text[at] > '9') return std::nullopt;
    std::int64_t whole = 0;
    int cents = 0;
    for (; at < text.size(); ++at) {
        const char c = text[at];
        if (c >= '0' && c <= '9') {
            if (whole > 1'000'000'000'000) return std::nullopt;  // beyond any municipality's budget
            whole = whole * 10 + (c - '0');
        } else if (c == '.' && at + 1 < text.size() && text[at + 1] >= '0' && text[at + 1] <= '9') {
            continue;  // a thousands dot
        } else {
            break;
        }
    }
    if (at + 1 < text.size() && text[at] == ',') {
        if (text[at + 1] == '-') {
            ++at;  // "€ 25.000,-"
        } else if (text[at + 1] >= '0' && text[at + 1] <= '9') {
            cents = (text[at + 1] - '0') * 10;
            if (at + 2 < text.size() && text[at + 2] >= '0' && text[at + 2] <= '9') {
                cents += text[at + 2] - '0';
            }
        }
    }
    return whole * 100 + cents;
}

std::string format_amount(std::int64_t cents) {
    const bool negative = cents < 0;
    const std::int64_t abs = negative ? -cents : cents;
    std::string digits = std::to_string(abs / 100);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += '.';
        grouped += digits[i];
    }
    std::string out = std::string(negative ? "-" : "") + "\xE2\x82\xAC " + grouped;
    if (abs % 100 != 0) {
        const auto c = abs % 100;
        out += "," + std::string(c < 10 ? "0" : "") + std::to_string(c);
    }
    return out;
}

namespace {

std::vector<MeasureRow> rows_where(const Document& doc, std::string_view municipality,
                                   const std::optional<std::string_view>& under) {
    const auto plan = effective_document(doc, municipality);
    std::vector<MeasureRow> rows;
    std::map<std::string, std::size_t, std::less<>> row_of;  // measure id -> index in rows
    for (const auto& s : plan) {
        if (s.kind == SectionKind::maatregel && (!under || s.parent == *under)) {
            MeasureRow row;
            row.id = s.id;
            row.title = s.title;
            row.local = s.source == TextSource::local;
            row_of[s.id] = rows.size();
            rows.push_back(std::move(row));
        } else if (s.kind == SectionKind::field) {
            auto r = row_of.find(s.parent);
            if (r == row_of.end()) continue;
            MeasureRow& row = rows[r->second];
            const auto slug = field_slug(s.title);
            if (!slug) continue;
            row.fields[std::string(*slug)] = s.text;
            row.diverged = row.diverged || s.source == TextSource::override_;
        }
    }
    for (auto& row : rows) {
        if (auto b = row.fields.find("budget"); b != row.fields.end()) {
            row.budget = parse_amount(b->second);
        }
    }
    return rows;
}

}  // namespace

std::vector<MeasureRow> measure_rows(const Document& doc, std::string_view section,
                                     std::string_view municipality) {
    return rows_where(doc, municipality, section);
}

BudgetTotals sum_budgets(const std::vector<MeasureRow>& rows) {
    BudgetTotals totals;
    for (const auto& row : rows) {
        if (!row.budget) {
            ++totals.without_amount;
            continue;
        }
        totals.total += *row.budget;
        auto thema = row.fields.find("thema");
        totals.by_thema[thema == row.fields.end() ? std::string() : thema->second] += *row.budget;
    }
    return totals;
}

BudgetTotals budget_totals(const Document& doc, std::string_view municipality) {
    return sum_budgets(rows_where(doc, municipality, std::nullopt));
}

}  // namespace samen::model
