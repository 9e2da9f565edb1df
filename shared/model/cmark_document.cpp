#include "model/cmark_document.hpp"

#include <cmark-gfm-core-extensions.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace samen::model::detail {
namespace {

// Only the table extension. Strikethrough and autolink add their characters to a process-wide
// table while a parser runs (github/cmark-gfm#176), which races when two threads import at once.
cmark_syntax_extension* table_extension() {
    static cmark_syntax_extension* const table = [] {
        cmark_gfm_core_extensions_ensure_registered();
        return cmark_find_syntax_extension("table");
    }();
    if (table == nullptr) throw std::logic_error("cmark-gfm has no table extension");
    return table;
}

}  // namespace

CmarkDocument::CmarkDocument(std::string_view md) : parser_(cmark_parser_new(CMARK_OPT_DEFAULT)) {
    cmark_parser_attach_syntax_extension(parser_.get(), table_extension());
    cmark_parser_feed(parser_.get(), md.data(), md.size());
    root_.reset(cmark_parser_finish(parser_.get()));
}

std::string CmarkDocument::html() const {
    // Without CMARK_OPT_UNSAFE cmark renders safely (CMARK_OPT_SAFE is its default now).
    const std::unique_ptr<char, decltype(&std::free)> rendered(
        cmark_render_html(root_.get(), CMARK_OPT_DEFAULT,
                          cmark_parser_get_syntax_extensions(parser_.get())),
        &std::free);
    return std::string(rendered.get());
}

}  // namespace samen::model::detail
