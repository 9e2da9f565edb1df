// The command line of `samen`: what the user asked for, read without side effects.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace samen::cli {

/// Exit codes, as `samen --help` documents them.
enum ExitCode : int {
    exit_ok = 0,
    exit_failure = 1,
    exit_usage = 2,
    exit_unreachable = 3,
    exit_unauthorized = 4,
    exit_not_found = 5,
};

enum class Command {
    help,
    version,
    login,
    docs,
    cat,
    edit,
    watch,
    status,
    log,
    diff,
    tag,
    tags,
    comments,
    new_document,
    import_document,
    export_plan,
};

struct Options {
    Command command = Command::help;
    std::optional<std::string> server;  // --server URL
    std::optional<std::string> user;    // login --user
    bool password_stdin = false;        // login --password-stdin
    std::string doc;                    // every command that works on one document
    std::string section;                // edit, log, diff (optional there)
    std::optional<std::string> layer;   // cat, edit, log, diff: "common" or a municipality code
    std::optional<std::size_t> count;   // watch --count N
    std::optional<double> timeout;      // watch --timeout S (seconds)
    std::optional<std::string> as;      // cat, diff --as GM0166: a municipality's effective plan
    std::optional<std::uint64_t> rev;   // cat --rev N, tag --rev N
    std::optional<std::uint64_t> from;  // diff --from N
    std::optional<std::uint64_t> to;    // diff --to N
    std::string label;                  // tag
    std::optional<std::string> title;   // new, import --title
    std::vector<std::string> municipalities;  // new, import --municipalities GM0166,GM0180
    std::optional<std::string> template_doc;  // new --template DOC
    std::string file;                         // import: a Markdown file, or - for standard input
    std::string format;                       // export --format odt|docx|pdf|html
    std::string output;                       // export -o FILE
};

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Reads the arguments after the program name. Throws UsageError saying what is wrong.
Options parse_args(const std::vector<std::string>& args);

/// The text of `samen --help`.
std::string usage();

inline constexpr const char* version = "samen 0.1.0";

}  // namespace samen::cli
