// The administration commands of samen-server, run against a data directory while the server is
// stopped or running (SQLite's WAL lets both write; the busy timeout makes one wait for the other):
//
//   samen-server --data DIR user add NAME --role ROLE [--municipality GMnnnn] [--display "Name"]
//                                         [--password PASSWORD]
//   samen-server --data DIR user passwd NAME [--password PASSWORD]
//   samen-server --data DIR user role NAME ROLE
//   samen-server --data DIR user disable NAME
//   samen-server --data DIR user enable NAME
//   samen-server --data DIR user list
//   samen-server --data DIR municipality add GMnnnn NAME
//   samen-server --data DIR municipality list
//   samen-server --data DIR backup FILE
//   samen-server --data DIR audit [--since TIME] [--user NAME] [--limit N]
//
// Without --password, the password is read as one line from standard input. The data file is
// DIR/samen.db. Output is English. Every command that changes something writes an entry in the
// audit trail in the same transaction, under the OS user running it (docs/security.md, "Audit").
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "admin/data_dir.hpp"

namespace samen::admin {

/// Exit codes of run_admin.
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;  // the command could not be done (unknown user, ...)
inline constexpr int kUsage = 2;   // the command line is wrong

/// True when args (without the program name) name an admin command: main() hands them to
/// run_admin, and starts the server otherwise.
bool is_admin_command(const std::vector<std::string>& args);

/// Runs one admin command. `args` excludes the program name; `--data DIR` may come anywhere.
/// Results go to `out`, errors to `err`; returns kOk, kFailed or kUsage.
int run_admin(std::vector<std::string> args, std::istream& in, std::ostream& out,
              std::ostream& err);

/// The usage text above.
std::string admin_usage();

}  // namespace samen::admin
