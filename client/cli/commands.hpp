// The commands of `samen`, behind a small interface so that tests can run them with their own
// streams, environment and terminal.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "session_file.hpp"

namespace samen::cli {

struct Io {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    Environment env = process_env;
    /// Asks on the terminal; nullopt when there is none. `echo` false hides what is typed.
    std::function<std::optional<std::string>(const std::string& prompt, bool echo)> ask;
    /// Colour in what goes to `out` (status, diff): only when it is a terminal.
    bool color = false;
};

/// Whether standard output is a terminal that takes colour (not when NO_COLOR is set or
/// TERM is dumb).
bool stdout_takes_color(const Environment& env);

/// Asks on /dev/tty (echo off for passwords); nullopt when there is no terminal.
std::optional<std::string> ask_terminal(const std::string& prompt, bool echo);

/// Runs `samen` with the arguments after the program name; returns the exit code.
int run(const std::vector<std::string>& args, Io io);

/// The exit code for a client error code (`unreachable` 3, `unauthorized` and `forbidden` 4,
/// `not_found` 5, anything else 1).
int exit_code_for(const std::string& error_code);

}  // namespace samen::cli
