// Markdown in (model::import_markdown, model::markdown_to_html, cmark-gfm inside): the only
// exception is std::invalid_argument, for invalid UTF-8 and for nothing else. An import keeps
// its promises (shared/model/markdown_import.hpp): every section's text stands in the source as
// written and in order, ids are unique slugs, parents come first and are shallower. Exporting the
// sections as headings and texts and importing that again gives the same sections. The HTML is
// safe to embed: only the tags and attributes cmark writes, no script links.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "model/markdown_html.hpp"
#include "model/markdown_import.hpp"
#include "text/utf8.hpp"

namespace {

namespace model = samen::model;
namespace utf8 = samen::utf8;
using samen::fuzz::require;

bool is_blank_line(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

bool is_slug(std::string_view id) {
    return !id.empty() && id.size() <= model::kMaxSlugLength && id.front() != '-' &&
           id.back() != '-' && id.find("--") == std::string_view::npos &&
           id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

std::string describe(const model::ImportedDocument& doc) {
    std::string out;
    for (const auto& s : doc.sections) {
        out += "[" + s.id + " <- " + s.parent_id + " L" + std::to_string(s.level) + " '" + s.title +
               "' " + std::to_string(s.text.size()) + " bytes] ";
    }
    return out;
}

void check_import(std::string_view md, const model::ImportedDocument& doc) {
    const std::string source = model::markdown_source(md);
    std::size_t from = 0;
    std::map<std::string, int, std::less<>> levels;  // of the sections so far, by id
    for (const auto& s : doc.sections) {
        const std::string where = "section " + s.id;
        // The text as written, after the text of the section before it.
        const std::size_t at = source.find(s.text, from);
        require(at != std::string::npos, "a section's text is not in the source after the last",
                where);
        from = at + s.text.size();
        if (!s.text.empty()) {
            require(!is_blank_line(s.text.substr(0, s.text.find('\n'))) &&
                        !is_blank_line(s.text.substr(s.text.rfind('\n') + 1)),
                    "a section's text starts or ends with a blank line", where);
        }
        require(utf8::valid(s.title) && utf8::valid(s.text), "a section is not UTF-8", where);
        require(s.title.find('\n') == std::string::npos, "a title of more than one line", where);
        require(s.level >= 1 && s.level <= 6, "a level outside 1..6", where);
        require(is_slug(s.id), "an id that is no slug", where);
        require(!levels.contains(s.id), "two sections with one id", where);
        if (!s.parent_id.empty()) {
            const auto parent = levels.find(s.parent_id);
            require(parent != levels.end() && parent->second < s.level,
                    "a parent that is not an earlier, shallower section", where);
        }
        levels.emplace(s.id, s.level);
    }
}

/// Every character of a title but letters and digits as a numeric character reference, so that
/// the title is read back as the text it is, whatever Markdown it looks like.
std::string literal_title(std::string_view title) {
    std::string out;
    for (std::size_t i = 0; i < title.size();) {
        const auto [cp, length] = utf8::decode(title, i);
        const std::string_view raw = title.substr(i, length);
        i += length;
        const bool plain = (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') ||
                           (cp >= U'0' && cp <= U'9') || cp > 0x7F;
        out += plain ? std::string(raw) : "&#" + std::to_string(static_cast<unsigned>(cp)) + ";";
    }
    return out;
}

/// The text before the first heading comes in as a section "Inleiding" of level 1 that is no
/// parent of what follows; a heading "Inleiding" with text and no children comes in the same.
bool is_preamble(const model::ImportedDocument& doc) {
    if (doc.sections.empty()) return false;
    const auto& first = doc.sections.front();
    return first.title == model::kPreambleTitle && first.level == 1 && !first.text.empty() &&
           (doc.sections.size() == 1 || doc.sections[1].parent_id != first.id);
}

/// The sections as Markdown again: the preamble as it stood, then for each section an ATX
/// heading of its level, a blank line and its text; a byte order mark first, for the import to
/// drop.
std::string exported(const model::ImportedDocument& doc) {
    std::string md = "\xEF\xBB\xBF";
    for (std::size_t i = 0; i < doc.sections.size(); ++i) {
        const auto& s = doc.sections[i];
        if (i > 0 || !is_preamble(doc)) {
            md += std::string(static_cast<std::size_t>(s.level), '#') + " " +
                  literal_title(s.title) + "\n\n";
        }
        md += s.text + "\n\n";
    }
    return md;
}

// ---- HTML ------------------------------------------------------------------------------------

/// The tags cmark-gfm's HTML renderer writes with the table extension.
bool known_tag(std::string_view name) {
    static constexpr std::string_view tags[] = {
        "p",   "h1",    "h2",    "h3",    "h4", "h5", "h6", "blockquote", "ul",
        "ol",  "li",    "pre",   "code",  "hr", "br", "em", "strong",     "a",
        "img", "table", "thead", "tbody", "tr", "th", "td"};
    return std::find(std::begin(tags), std::end(tags), name) != std::end(tags);
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

/// What a browser follows for an href or src that cmark wrote: entities decoded, leading spaces
/// and control characters dropped, tabs and line breaks removed anywhere (the URL standard does).
bool dangerous_url(std::string_view attribute) {
    std::string url;
    for (std::size_t i = 0; i < attribute.size(); ++i) {
        if (attribute.substr(i).starts_with("&amp;")) {
            url += '&';
            i += 4;
        } else if (attribute.substr(i).starts_with("&#x27;")) {
            url += '\'';
            i += 5;
        } else if (attribute[i] != '\t' && attribute[i] != '\n' && attribute[i] != '\r') {
            url += attribute[i];
        }
    }
    const auto start = std::find_if(url.begin(), url.end(),
                                    [](char c) { return static_cast<unsigned char>(c) > 0x20; });
    url = lower(std::string_view(url).substr(static_cast<std::size_t>(start - url.begin())));
    if (url.starts_with("javascript:") || url.starts_with("vbscript:") || url.starts_with("file:"))
        return true;
    return url.starts_with("data:") &&
           !(url.starts_with("data:image/png") || url.starts_with("data:image/gif") ||
             url.starts_with("data:image/jpeg") || url.starts_with("data:image/webp"));
}

void check_html(const std::string& html) {
    require(utf8::valid(html), "the HTML is not UTF-8");
    constexpr std::string_view omitted = "<!-- raw HTML omitted -->";
    for (std::size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
        const std::string_view rest = std::string_view(html).substr(at);
        if (rest.starts_with(omitted)) continue;
        std::size_t i = rest.starts_with("</") ? 2 : 1;
        const std::size_t name_end = rest.find_first_of(" />", i);
        require(name_end != std::string_view::npos, "a tag that does not end", rest.substr(0, 80));
        require(known_tag(rest.substr(i, name_end - i)), "a tag cmark does not write",
                rest.substr(0, 80));
        // Attributes: name="value", with no '"' inside the value.
        for (i = name_end; i < rest.size() && rest[i] == ' ';) {
            const std::size_t eq = rest.find("=\"", i);
            if (eq == std::string_view::npos ||
                rest.substr(i + 1, eq - i - 1).find_first_of(" <>\"") != std::string_view::npos) {
                break;  // " />" of an empty element
            }
            const std::string_view name = rest.substr(i + 1, eq - i - 1);
            const std::size_t close = rest.find('"', eq + 2);
            require(close != std::string_view::npos, "an attribute that does not end");
            const std::string_view value = rest.substr(eq + 2, close - eq - 2);
            require(name == "href" || name == "src" || name == "title" || name == "alt" ||
                        name == "start" || name == "align" || name == "class",
                    "an attribute cmark does not write", rest.substr(0, 80));
            require(value.find('<') == std::string_view::npos, "a '<' in an attribute");
            if (name == "href" || name == "src") {
                require(!dangerous_url(value), "a script link in the HTML", value);
            }
            i = close + 1;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view md(reinterpret_cast<const char*>(data), size);
    const bool valid = utf8::valid(md);

    model::ImportedDocument doc;
    bool refused = false;
    try {
        doc = model::import_markdown(md);
    } catch (const std::invalid_argument&) {
        refused = true;
    }
    require(refused == !valid,
            valid ? "import_markdown refused valid UTF-8" : "import_markdown took invalid UTF-8");
    if (valid) {
        check_import(md, doc);
        // A preamble that starts with a byte order mark cannot come back: the import drops a
        // leading mark, and cmark skips one more before it parses.
        if (!is_preamble(doc) || !doc.sections.front().text.starts_with("\xEF\xBB\xBF")) {
            const model::ImportedDocument again = model::import_markdown(exported(doc));
            require(again.sections == doc.sections, "importing the export gives other sections",
                    describe(doc) + " then " + describe(again));
        }
    }

    std::string html;
    try {
        html = model::markdown_to_html(md);
    } catch (const std::invalid_argument&) {
        require(!valid, "markdown_to_html refused valid UTF-8");
        return 0;
    }
    require(valid, "markdown_to_html took invalid UTF-8");
    check_html(html);
    return 0;
}
