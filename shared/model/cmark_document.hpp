// A Markdown text parsed by cmark-gfm the way GitHub reads it, with the table extension.
//
// Internal to samen::shared: cmark-gfm is a private dependency of the library, so only its own
// sources (markdown_import.cpp, markdown_html.cpp) include this header.
#pragma once

#include <cmark-gfm.h>

#include <memory>
#include <string>
#include <string_view>

namespace samen::model::detail {

class CmarkDocument {
  public:
    /// `md` must be valid UTF-8 (cmark would replace what is not).
    explicit CmarkDocument(std::string_view md);

    /// The document node; its children are the top-level blocks.
    cmark_node* root() const noexcept { return root_.get(); }

    /// HTML in cmark's safe mode: raw HTML becomes a comment and javascript:, vbscript:, file:
    /// and most data: links become empty, so the output can be shown as it is.
    std::string html() const;

  private:
    struct FreeParser {
        void operator()(cmark_parser* p) const noexcept { cmark_parser_free(p); }
    };
    struct FreeNode {
        void operator()(cmark_node* n) const noexcept { cmark_node_free(n); }
    };

    // The parser outlives the tree: rendering needs the parser's list of extensions.
    std::unique_ptr<cmark_parser, FreeParser> parser_;
    std::unique_ptr<cmark_node, FreeNode> root_;
};

}  // namespace samen::model::detail
