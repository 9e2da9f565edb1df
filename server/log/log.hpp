// The server's one log: lines on standard error, each written whole so that the lines of
// different threads never interleave. What a line says is its caller's business; every line
// names its subject first (a connection's tag, "room <doc>", "store").
#pragma once

#include <string>
#include <string_view>

namespace samen {

void log_line(std::string_view line);

/// Text that may come from a client (a user name, an Origin), made safe for one line of the log
/// or of a terminal: control characters (C0, DEL, C1) and bytes that are not UTF-8 become \xNN, so
/// that it can neither break a line nor send escape sequences to whoever reads it.
std::string printable(std::string_view text);

/// printable(text) in double quotes, with `"` and `\` escaped too: where the text ends is clear.
std::string in_quotes(std::string_view text);

}  // namespace samen
