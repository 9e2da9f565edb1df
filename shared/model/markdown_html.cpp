#include "model/markdown_html.hpp"

#include <stdexcept>

#include "model/cmark_document.hpp"
#include "text/utf8.hpp"

namespace samen::model {

std::string markdown_to_html(std::string_view md) {
    if (!utf8::valid(md)) throw std::invalid_argument("the Markdown is not valid UTF-8");
    return detail::CmarkDocument(md).html();
}

}  // namespace samen::model
