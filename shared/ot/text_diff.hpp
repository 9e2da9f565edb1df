// Turning an edited text back into one op, for edits made outside the live editor (`samen edit`
// hands the text to $EDITOR and gets a whole new text back).
#pragma once

#include <string_view>

#include "ot/text.hpp"

namespace samen::ot {

/// The op that turns `before` into `after`: keep their common prefix and suffix (in whole code
/// points), delete what lies between in `before`, insert what lies between in `after`. Empty when
/// the texts are equal. Throws ot::OpError when either text is not valid UTF-8.
ot::Op diff_to_op(std::string_view before, std::string_view after);

}  // namespace samen::ot
