// Writing a message's JSON text directly, for the messages sent most (an edit goes to every member
// of its room): no JSON tree built and freed for each. The text is exactly what serialize() makes
// of the same message as a tree (keys in order, the same escapes), tests/unit/protocol checks it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ot/text.hpp"

namespace samen::protocol {

/// Appends `s` as a JSON string, as serialize() writes it: `"` and `\` escaped, control
/// characters as \b \f \n \r \t or \u00xx, and invalid UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view s);

/// Appends `n` as a JSON number.
void append_json_number(std::string& out, std::uint64_t n);

/// Appends `op` as ot::to_json(op) would be serialized: `[3,"ab",{"d":2}]`.
void append_json_op(std::string& out, const ot::Op& op);

}  // namespace samen::protocol
