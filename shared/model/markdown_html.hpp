// The HTML of a section's Markdown, for exports: CommonMark with GitHub's tables, as cmark-gfm
// renders it.
#pragma once

#include <string>
#include <string_view>

namespace samen::model {

// Safe to embed in a page: raw HTML in the Markdown becomes an HTML comment
// (`<!-- raw HTML omitted -->`) and javascript:, vbscript:, file: and non-image data: links lose
// their target. Throws std::invalid_argument when `md` is not valid UTF-8.
std::string markdown_to_html(std::string_view md);

}  // namespace samen::model
