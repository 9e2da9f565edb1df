// What pandoc needs besides the reference document to lay out the ODT as the PDF is: the
// uitvoeringsplan on landscape pages, its tables with cell borders and a shaded header row.
#pragma once

#include <string_view>

namespace samen::exporting {

/// A pandoc Lua filter (--lua-filter) for the ODT: the uitvoeringsplan's section on pages of the
/// master page "Landscape", its tables written as ODT tables whose cells have borders.
std::string_view odt_filter();

/// pandoc's template of the ODT's content.xml (--template) with the automatic styles the filter
/// names; a reference document can hold no automatic styles of content.xml.
std::string_view odt_content_template();

}  // namespace samen::exporting
