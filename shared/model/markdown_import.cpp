#include "model/markdown_import.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>

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

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || text[i] == '\r') {
            lines.push_back(text.substr(start, i - start));
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            start = i + 1;
        }
    }
    if (start < text.size()) lines.push_back(text.substr(start));
    return lines;
}

// Up to three spaces may indent a heading or a fence; four make an indented code block.
std::size_t indentation(std::string_view line) {
    std::size_t n = 0;
    while (n < line.size() && line[n] == ' ') ++n;
    return n;
}

struct Heading {
    int level;
    std::string title;
};

std::optional<Heading> parse_atx_heading(std::string_view line) {
    std::size_t i = indentation(line);
    if (i > 3) return std::nullopt;
    const std::size_t hashes_start = i;
    while (i < line.size() && line[i] == '#') ++i;
    const std::size_t level = i - hashes_start;
    if (level < 1 || level > 6) return std::nullopt;
    if (i < line.size() && line[i] != ' ' && line[i] != '\t') return std::nullopt;

    std::string_view content = trim(line.substr(i));
    // An optional closing run of '#'s counts only when a space separates it from the title.
    const auto run = content.find_last_not_of('#');
    if (run == std::string_view::npos) {
        content = {};
    } else if (run + 1 < content.size() && (content[run] == ' ' || content[run] == '\t')) {
        content = trim(content.substr(0, run));
    }
    return Heading{static_cast<int>(level), std::string(content)};
}

struct Fence {
    char marker;
    std::size_t length;
};

std::optional<Fence> parse_fence_open(std::string_view line) {
    const std::size_t start = indentation(line);
    if (start > 3 || start >= line.size()) return std::nullopt;
    const char marker = line[start];
    if (marker != '`' && marker != '~') return std::nullopt;
    std::size_t end = start;
    while (end < line.size() && line[end] == marker) ++end;
    if (end - start < 3) return std::nullopt;
    // "```a`b" is inline code, not a fence: a backtick fence's info string has no backticks.
    if (marker == '`' && line.find('`', end) != std::string_view::npos) return std::nullopt;
    return Fence{marker, end - start};
}

bool closes_fence(std::string_view line, const Fence& fence) {
    const std::size_t start = indentation(line);
    if (start > 3) return false;
    std::size_t end = start;
    while (end < line.size() && line[end] == fence.marker) ++end;
    return end - start >= fence.length && is_blank(line.substr(end));
}

std::string join_trimmed(const std::vector<std::string_view>& lines) {
    std::size_t first = 0;
    std::size_t last = lines.size();
    while (first < last && is_blank(lines[first])) ++first;
    while (last > first && is_blank(lines[last - 1])) --last;
    std::string text;
    for (std::size_t i = first; i < last; ++i) {
        if (i > first) text += '\n';
        text += lines[i];
    }
    return text;
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

ImportedDocument import_markdown(std::string_view md) {
    check_utf8(md);
    if (md.starts_with("\xEF\xBB\xBF")) md.remove_prefix(3);

    ImportedDocument doc;
    SectionIds ids;
    // Open sections by level, innermost last: a heading's parent is the nearest shallower one.
    std::vector<std::size_t> open;
    std::vector<std::string_view> body;
    std::optional<Fence> fence;

    const auto finish_section = [&] {
        if (doc.sections.empty()) {
            if (body.empty() || std::all_of(body.begin(), body.end(), is_blank)) return;
            doc.sections.push_back({ids.claim(kPreambleTitle), "", std::string(kPreambleTitle),
                                    join_trimmed(body), 1});
        } else {
            doc.sections.back().text = join_trimmed(body);
        }
    };

    for (const std::string_view line : split_lines(md)) {
        if (fence) {
            if (closes_fence(line, *fence)) fence.reset();
            body.push_back(line);
            continue;
        }
        if ((fence = parse_fence_open(line))) {
            body.push_back(line);
            continue;
        }
        auto heading = parse_atx_heading(line);
        if (!heading) {
            body.push_back(line);
            continue;
        }
        finish_section();
        body.clear();
        while (!open.empty() && doc.sections[open.back()].level >= heading->level) open.pop_back();
        ImportedSection section;
        section.id = ids.claim(heading->title);
        section.parent_id = open.empty() ? std::string() : doc.sections[open.back()].id;
        section.title = std::move(heading->title);
        section.level = heading->level;
        open.push_back(doc.sections.size());
        doc.sections.push_back(std::move(section));
    }
    finish_section();
    return doc;
}

}  // namespace samen::model
