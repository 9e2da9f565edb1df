// The server's one log: lines on standard error, each written whole so that the lines of
// different threads never interleave. What a line says is its caller's business; every line
// names its subject first (a connection's tag, "room <doc>", "store").
#pragma once

#include <string_view>

namespace samen {

void log_line(std::string_view line);

}  // namespace samen
