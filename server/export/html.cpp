// The plan as one HTML page (export.hpp, plan_html): what weasyprint prints and pandoc converts;
// and the ODT's table of contents, laid out from the same sections.
#include <string>

#include "export/export.hpp"
#include "model/markdown_html.hpp"

namespace samen::exporting {
namespace {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// A cell's text: its lines kept as lines.
std::string cell(std::string_view text) {
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find('\n', start);
        const auto line = text.substr(start, end == std::string_view::npos ? end : end - start);
        if (!out.empty()) out += "<br>";
        out += escape(line);
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return out;
}

/// The headings a table of contents lists: chapters and two levels below them.
constexpr int contents_depth = 2;

int heading_level(int depth) {
    return std::min(6, std::max(1, depth + 1));
}

/// Samen stores no images: an image in a text names one elsewhere, which an export must not fetch
/// (pandoc and weasyprint would). It keeps its alternative text and loses its source.
std::string without_image_sources(std::string html) {
    static const std::string img = "<img src=\"";
    for (auto at = html.find(img); at != std::string::npos; at = html.find(img, at + 1)) {
        html.replace(at, img.size(), "<img data-src=\"");
    }
    return html;
}

/// Headings inside a section's text sit below the section's own heading.
std::string shift_headings(std::string html, int by) {
    if (by <= 0) return html;
    for (int n = 6; n >= 1; --n) {
        const std::string to = std::to_string(std::min(6, n + by));
        for (const std::string& tag : {"<h" + std::to_string(n), "</h" + std::to_string(n)}) {
            const std::string with = tag.substr(0, tag.size() - 1) + to;
            for (auto at = html.find(tag); at != std::string::npos;
                 at = html.find(tag, at + with.size())) {
                html.replace(at, tag.size(), with);
            }
        }
    }
    return html;
}

std::string table_html(const PrintTable& t, HtmlFor for_whom) {
    std::string out = "<table>\n";
    if (!t.caption.empty()) out += "<caption>" + escape(t.caption) + "</caption>\n";
    out += "<thead><tr>";
    for (const auto& c : t.columns) out += "<th scope=\"col\">" + escape(c) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    auto row = [](const std::vector<std::string>& cells, bool strong) {
        std::string r = "<tr>";
        for (const auto& c : cells) {
            r += strong && !c.empty() ? "<td><strong>" + cell(c) + "</strong></td>"
                                      : "<td>" + cell(c) + "</td>";
        }
        return r + "</tr>\n";
    };
    for (const auto& r : t.rows) out += row(r, false);
    // pandoc reads no <tfoot>: there the totals close the body, in bold.
    if (for_whom == HtmlFor::pandoc) {
        for (const auto& r : t.totals) out += row(r, true);
        return out + "</tbody>\n</table>\n";
    }
    out += "</tbody>\n";
    if (!t.totals.empty()) {
        out += "<tfoot>\n";
        for (const auto& r : t.totals) out += row(r, false);
        out += "</tfoot>\n";
    }
    return out + "</table>\n";
}

}  // namespace

std::string plan_html(const PrintPlan& plan, std::string_view stylesheet, HtmlFor for_whom) {
    const bool reader = for_whom == HtmlFor::reader;
    std::string out = "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<title>" + escape(plan.document_title + " — " + plan.municipality) + "</title>\n";
    if (!stylesheet.empty()) out += "<style>\n" + std::string(stylesheet) + "\n</style>\n";
    out += "</head>\n<body>\n";
    if (reader) {
        out +=
            "<header class=\"titelpagina\">\n<p class=\"documenttitel\" role=\"heading\" "
            "aria-level=\"1\"><strong>" +
            escape(plan.document_title) + "</strong></p>\n<p class=\"gemeente\">" +
            escape(plan.municipality) + "</p>\n<p class=\"status\">" + escape(plan.status) +
            "</p>\n<p class=\"versie\">" + escape(plan.version) + "</p>\n</header>\n";
        out +=
            "<nav class=\"inhoud\" aria-labelledby=\"inhoud\">\n<h2 id=\"inhoud\">Inhoud</h2>\n"
            "<ol>\n";
        for (std::size_t i = 0; i < plan.sections.size(); ++i) {
            const auto& s = plan.sections[i];
            if (s.depth > contents_depth) continue;
            out += "<li class=\"diepte-" + std::to_string(s.depth) + "\"><a href=\"#s" +
                   std::to_string(i) + "\">" + escape(s.title) + "</a></li>\n";
        }
        out += "</ol>\n</nav>\n<main>\n";
    }
    for (std::size_t i = 0; i < plan.sections.size(); ++i) {
        const auto& s = plan.sections[i];
        const int level = heading_level(s.depth);
        const std::string h = "h" + std::to_string(level);
        out += s.tables.empty() ? "<section>\n" : "<section class=\"uitvoeringsplan\">\n";
        out += "<" + h + " id=\"s" + std::to_string(i) + "\">" + escape(s.title) + "</" + h + ">\n";
        if (!s.markdown.empty()) {
            out +=
                without_image_sources(shift_headings(model::markdown_to_html(s.markdown), level));
        }
        for (const auto& t : s.tables) out += table_html(t, for_whom);
        out += "</section>\n";
    }
    if (reader) out += "</main>\n";
    return out + "</body>\n</html>\n";
}

/// The ODT table of contents as text:table-of-content with its entries, each a link to its
/// section's heading (pandoc makes a bookmark of each heading's id: s0, s1, ...).
std::string odt_contents(const PrintPlan& plan) {
    std::string out =
        "<text:table-of-content text:name=\"Inhoud\">\n"
        "<text:table-of-content-source text:outline-level=\"3\">\n"
        "<text:index-title-template text:style-name=\"Contents_20_Heading\">Inhoud"
        "</text:index-title-template>\n";
    for (int level = 1; level <= 3; ++level) {
        const std::string n = std::to_string(level);
        out += "<text:table-of-content-entry-template text:outline-level=\"" + n +
               "\" text:style-name=\"Contents_20_" + n +
               "\"><text:index-entry-link-start/><text:index-entry-text/>"
               "<text:index-entry-tab-stop style:type=\"right\" style:leader-char=\".\"/>"
               "<text:index-entry-page-number/><text:index-entry-link-end/>"
               "</text:table-of-content-entry-template>\n";
    }
    out +=
        "</text:table-of-content-source>\n<text:index-body>\n"
        "<text:index-title text:name=\"Inhoud_Head\"><text:p "
        "text:style-name=\"Contents_20_Heading\">Inhoud</text:p></text:index-title>\n";
    for (std::size_t i = 0; i < plan.sections.size(); ++i) {
        const auto& s = plan.sections[i];
        if (s.depth > contents_depth) continue;
        out += "<text:p text:style-name=\"Contents_20_" + std::to_string(s.depth + 1) +
               "\"><text:a xlink:type=\"simple\" xlink:href=\"#s" + std::to_string(i) + "\">" +
               escape(s.title) + "</text:a></text:p>\n";
    }
    return out + "</text:index-body>\n</text:table-of-content>\n";
}

}  // namespace samen::exporting
