// Turns a Markdown file into the section tree of a Document: every top-level heading, ATX
// (`#` .. `######`) or setext (a paragraph underlined with `===` or `---`), starts a section,
// nested by level, and the lines up to the next heading are its text.
//
// This is how a plan written elsewhere (or the demo data) becomes a Samen document. cmark-gfm
// parses it (CommonMark with GitHub's tables), so a section starts where a CommonMark renderer
// shows a heading at the top level of the document. A `#` line in a code block or an HTML block
// is no heading, one in a list item or a block quote is not at the top level, and a table row is
// neither: they stay text. A section's text is the source's own lines, as written.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace samen::model {

struct ImportedSection {
    std::string id;         // slug of the title, unique within the document
    std::string parent_id;  // empty for a top-level section
    std::string title;      // the heading's plain text: no emphasis marks, links as their text
    std::string text;       // the Markdown under the heading as written, without leading and
                            // trailing blank lines
    int level = 1;          // number of `#`s, 1 for `===`, 2 for `---`; 1 for the "Inleiding"
    bool operator==(const ImportedSection&) const = default;
};

struct ImportedDocument {
    // In document order: every parent comes before its children, and siblings keep their order,
    // so a section's position is its rank among the sections with the same parent_id.
    std::vector<ImportedSection> sections;
};

// Title given to the text that stands before the first heading, when there is any.
inline constexpr std::string_view kPreambleTitle = "Inleiding";

// Id given to a section whose title has no letter or digit to make a slug from.
inline constexpr std::string_view kFallbackSectionId = "sectie";

// Longest id that slugify returns and that import_markdown gives a section.
inline constexpr std::size_t kMaxSlugLength = 48;

// Throws std::invalid_argument when `md` is not valid UTF-8. A leading byte order mark is
// ignored; CRLF and CR line endings become LF.
ImportedDocument import_markdown(std::string_view md);

// The text import_markdown reads, and whose lines are the sections' texts: `md` without a leading
// byte order mark, with LF for every CRLF and CR.
std::string markdown_source(std::string_view md);

// Lowercase ASCII letters, digits and single '-' between them, at most kMaxSlugLength long (cut
// between words when that keeps at least half): Latin diacritics are folded (é -> e, ĳ -> ij,
// ß -> ss), apostrophes dropped (thema’s -> themas), anything else separates words. Returns an
// empty string when nothing is left.
// Throws std::invalid_argument when `text` is not valid UTF-8.
std::string slugify(std::string_view text);

}  // namespace samen::model
