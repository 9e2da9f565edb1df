#include "model/markdown_import.hpp"

#include <cmark-gfm-extension_api.h>

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>

#include "model/cmark_document.hpp"
#include "text/utf8.hpp"

namespace samen::model {
namespace {

void check_utf8(std::string_view s) {
    if (const auto at = utf8::find_invalid(s); at != std::string_view::npos) {
        throw std::invalid_argument("invalid UTF-8 at byte " + std::to_string(at));
    }
}

// ASCII folding of U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A); an empty
// entry (× and ÷) separates words like any other symbol.
// clang-format off
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatinFold = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",    // C0
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",    // E0
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y",   // F0
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",    // 100
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",    // 110
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",    // 120
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",  // 130
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",    // 140
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  // 150
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",    // 160
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",    // 170
};
// clang-format on

bool is_dropped(char32_t cp) {
    // Apostrophes join a word ("thema’s"), and combining marks are diacritics of decomposed text.
    return cp == U'\'' || cp == U'`' || cp == 0xB4 || cp == 0x2BC || cp == 0x2018 || cp == 0x2019 ||
           (cp >= 0x300 && cp <= 0x36F);
}

std::string_view fold(char32_t cp) {
    static constexpr std::string_view kDigits = "0123456789";
    static constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyz";
    if (cp >= U'0' && cp <= U'9') return kDigits.substr(cp - U'0', 1);
    if (cp >= U'a' && cp <= U'z') return kLetters.substr(cp - U'a', 1);
    if (cp >= U'A' && cp <= U'Z') return kLetters.substr(cp - U'A', 1);
    if (cp >= 0xC0 && cp < 0x180) return kLatinFold[cp - 0xC0];
    return {};
}

// Cuts to at most `max` characters, between words where that keeps at least half of them
// ("stap-5-opstellen-uitvoeringsplan-2023-januari", not "...-januari-febr"), and never leaves a
// '-' at the end.
std::string truncate_slug(std::string slug, std::size_t max) {
    if (slug.size() > max) {
        const auto word_end = slug[max] == '-' ? max : slug.rfind('-', max - 1);
        slug.resize(word_end != std::string::npos && word_end >= max / 2 ? word_end : max);
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return slug;
}

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

// LF for every CRLF and CR: the text a user edits has LF line ends only.
std::string normalize_line_ends(std::string_view md) {
    std::string out;
    out.reserve(md.size());
    for (std::size_t i = 0; i < md.size(); ++i) {
        if (md[i] != '\r') {
            out += md[i];
            continue;
        }
        out += '\n';
        if (i + 1 < md.size() && md[i + 1] == '\n') ++i;
    }
    return out;
}

// Line n of the result is line n + 1 of cmark's source positions.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t end = text.find('\n'); end != std::string_view::npos;
         end = text.find('\n', start)) {
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    if (start < text.size()) lines.push_back(text.substr(start));
    return lines;
}

// Lines [first, last) without the blank lines at either end, joined by LF.
std::string join_trimmed(const std::vector<std::string_view>& lines, std::size_t first,
                         std::size_t last) {
    while (first < last && is_blank(lines[first])) ++first;
    while (last > first && is_blank(lines[last - 1])) --last;
    std::string text;
    for (std::size_t i = first; i < last; ++i) {
        if (i > first) text += '\n';
        text += lines[i];
    }
    return text;
}

bool is_setext_underline(std::string_view line) {
    const std::size_t start = line.find_first_not_of(' ');
    if (start == std::string_view::npos || start > 3) return false;
    const char marker = line[start];
    if (marker != '=' && marker != '-') return false;
    const std::size_t after = line.find_first_not_of(marker, start);
    return after == std::string_view::npos || is_blank(line.substr(after));
}

std::string_view trim_blanks(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Whether `line` is `kept`, a line of a paragraph's content as cmark keeps it: without the
// spaces and tabs before it (and here after it), and with U+FFFD for a NUL.
bool same_content(std::string_view line, std::string_view kept) {
    line = trim_blanks(line);
    kept = trim_blanks(kept);
    constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::size_t k = 0;
    for (const char c : line) {
        const std::string_view expected = c == '\0' ? replacement : std::string_view(&c, 1);
        if (kept.substr(k, expected.size()) != expected) return false;
        k += expected.size();
    }
    return k == kept.size();
}

// The lines [first, last] of a top-level heading. cmark's end line only tells an ATX heading (it
// ends on its own line) from a setext one: cmark-gfm ends a setext heading on the line after its
// underline, or on the underline at the end of the input. Link reference definitions right above a
// setext title share its start line but not its content (the title's lines), and stay in the text
// above. As the first line of a title may look like an underline too, the underline is the first
// one right below lines that hold the title's content, before the next block; should cmark keep a
// content line in a way not foreseen here, the first underline below the title's lines.
std::pair<std::size_t, std::size_t> heading_lines(cmark_node* heading,
                                                  const std::vector<std::string_view>& lines) {
    const auto start_of = [&](cmark_node* node) {
        const auto line = static_cast<std::size_t>(std::max(cmark_node_get_start_line(node), 1));
        return std::min(line - 1, lines.size());
    };
    const std::size_t start = start_of(heading);
    // Asked of cmark, not of the line: a byte order mark that cmark skips hides the '#' from a
    // look at the line, and only a setext heading's content is text (an empty ATX heading's is
    // no string at all).
    if (start == lines.size() ||
        cmark_node_get_end_line(heading) <= cmark_node_get_start_line(heading)) {
        return {start, start};
    }
    const char* content = cmark_node_get_string_content(heading);
    const std::vector<std::string_view> title = split_lines(content ? content : "");
    const std::size_t title_lines = std::max<std::size_t>(1, title.size());
    const auto below_title = [&](std::size_t underline) {
        for (std::size_t i = 0; i < title.size(); ++i) {
            if (!same_content(lines[underline - title.size() + i], title[i])) return false;
        }
        return true;
    };
    const auto first_underline = [&](std::size_t end, bool of_title) -> std::optional<std::size_t> {
        for (std::size_t at = start + title_lines; at < end; ++at) {
            if (is_setext_underline(lines[at]) && (!of_title || below_title(at))) return at;
        }
        return std::nullopt;
    };
    cmark_node* next = cmark_node_next(heading);
    std::optional<std::size_t> underline =
        first_underline(next ? start_of(next) : lines.size(), true);
    if (!underline) underline = first_underline(lines.size(), false);
    const std::size_t last = underline.value_or(lines.size() - 1);
    return {std::max(start, last - std::min(last, title_lines)), last};
}

// What a reader sees of a heading: the text of its inlines, without Markdown. Images give their
// alt text; raw HTML tags give nothing.
void append_plain_text(cmark_node* node, std::string& out) {
    for (cmark_node* child = cmark_node_first_child(node); child != nullptr;
         child = cmark_node_next(child)) {
        switch (cmark_node_get_type(child)) {
            case CMARK_NODE_TEXT:
            case CMARK_NODE_CODE:
                out += cmark_node_get_literal(child);
                break;
            case CMARK_NODE_SOFTBREAK:
            case CMARK_NODE_LINEBREAK:
                out += ' ';
                break;
            case CMARK_NODE_HTML_INLINE:
                break;
            default:
                append_plain_text(child, out);
        }
    }
}

std::string plain_title(cmark_node* heading) {
    std::string title;
    append_plain_text(heading, title);
    const auto first = title.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return title.substr(first, title.find_last_not_of(' ') - first + 1);
}

class SectionIds {
  public:
    std::string claim(std::string_view title) {
        std::string base = slugify(title);
        if (base.empty()) base = kFallbackSectionId;
        std::string id = base;
        for (int n = 2; used_.contains(id); ++n) {
            const std::string suffix = "-" + std::to_string(n);
            id = truncate_slug(base, kMaxSlugLength - suffix.size()) + suffix;
        }
        used_.insert(id);
        return id;
    }

  private:
    std::unordered_set<std::string> used_;
};

}  // namespace

std::string slugify(std::string_view text) {
    check_utf8(text);
    std::string slug;
    bool separate = false;
    for (std::size_t i = 0; i < text.size();) {
        const auto [cp, length] = utf8::decode(text, i);
        i += length;
        if (is_dropped(cp)) continue;
        const std::string_view folded = fold(cp);
        if (folded.empty()) {
            separate = true;
            continue;
        }
        if (separate && !slug.empty()) slug += '-';
        separate = false;
        slug += folded;
        // Long titles need not be read to their end once the slug is full.
        if (slug.size() > kMaxSlugLength) break;
    }
    return truncate_slug(std::move(slug), kMaxSlugLength);
}

std::string markdown_source(std::string_view md) {
    if (md.starts_with("\xEF\xBB\xBF")) md.remove_prefix(3);
    return normalize_line_ends(md);
}

ImportedDocument import_markdown(std::string_view md) {
    check_utf8(md);
    const std::string source = markdown_source(md);
    const std::vector<std::string_view> lines = split_lines(source);
    const detail::CmarkDocument parsed(source);

    ImportedDocument doc;
    SectionIds ids;
    // Open sections by level, innermost last: a heading's parent is the nearest shallower one.
    std::vector<std::size_t> open;
    std::size_t text_start = 0;  // first line of the text of the last section (or the preamble)

    const auto finish_section = [&](std::size_t text_end) {
        std::string text = join_trimmed(lines, text_start, text_end);
        if (!doc.sections.empty()) {
            doc.sections.back().text = std::move(text);
        } else if (!text.empty()) {
            doc.sections.push_back(
                {ids.claim(kPreambleTitle), "", std::string(kPreambleTitle), std::move(text), 1});
        }
    };

    // Only top-level headings: one in a list item, a block quote, code or HTML is text.
    for (cmark_node* node = cmark_node_first_child(parsed.root()); node != nullptr;
         node = cmark_node_next(node)) {
        if (cmark_node_get_type(node) != CMARK_NODE_HEADING) continue;
        const auto [first, last] = heading_lines(node, lines);
        finish_section(first);
        text_start = last + 1;

        ImportedSection section;
        section.title = plain_title(node);
        section.level = cmark_node_get_heading_level(node);
        while (!open.empty() && doc.sections[open.back()].level >= section.level) open.pop_back();
        section.id = ids.claim(section.title);
        section.parent_id = open.empty() ? std::string() : doc.sections[open.back()].id;
        open.push_back(doc.sections.size());
        doc.sections.push_back(std::move(section));
    }
    finish_section(lines.size());
    return doc;
}

}  // namespace samen::model
