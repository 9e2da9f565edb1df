#include "args.hpp"

#include <charconv>
#include <cmath>

#include "model/document.hpp"

namespace samen::cli {
namespace {

struct Flag {
    const char* name;
    bool takes_value;
};

/// The options each command accepts (besides --server and --help, which all accept).
std::vector<Flag> flags_of(Command c) {
    switch (c) {
        case Command::login:
            return {{"--user", true}, {"--password-stdin", false}};
        case Command::cat:
        case Command::edit:
            return {{"--layer", true}};
        case Command::watch:
            return {{"--count", true}, {"--timeout", true}};
        default:
            return {};
    }
}

const char* name_of(Command c) {
    switch (c) {
        case Command::help:
            return "help";
        case Command::version:
            return "version";
        case Command::login:
            return "login";
        case Command::docs:
            return "docs";
        case Command::cat:
            return "cat";
        case Command::edit:
            return "edit";
        case Command::watch:
            return "watch";
    }
    return "help";
}

std::size_t parse_count(const std::string& s) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n == 0) {
        throw UsageError("--count must be a whole number above 0, not '" + s + "'");
    }
    return n;
}

double parse_seconds(const std::string& s) {
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != s.size() || !std::isfinite(v) || v <= 0 || v > 31 * 24 * 3600.0) {
        throw UsageError("--timeout must be a number of seconds above 0, not '" + s + "'");
    }
    return v;
}

}  // namespace

Options parse_args(const std::vector<std::string>& args) {
    static const std::pair<const char*, Command> commands[] = {
        {"help", Command::help},  {"version", Command::version}, {"login", Command::login},
        {"docs", Command::docs},  {"cat", Command::cat},         {"edit", Command::edit},
        {"watch", Command::watch}};
    auto is_option = [](const std::string& a) { return a.size() > 1 && a[0] == '-'; };

    // First the command: the first word that is neither an option nor the value of --server.
    Options o;
    std::optional<Command> command;
    for (std::size_t i = 0; i < args.size() && !command; ++i) {
        if (args[i] == "--") {
            // Everything after it is a word, the first of them the command.
            if (i + 1 < args.size()) {
                for (const auto& [name, c] : commands) {
                    if (args[i + 1] == name) command = c;
                }
                if (!command)
                    throw UsageError("unknown command '" + args[i + 1] + "' (see samen --help)");
            }
            break;
        }
        if (args[i] == "--server") {
            ++i;
            continue;
        }
        if (is_option(args[i])) continue;
        for (const auto& [name, c] : commands) {
            if (args[i] == name) command = c;
        }
        if (!command) throw UsageError("unknown command '" + args[i] + "' (see samen --help)");
    }
    o.command = command.value_or(Command::help);

    // Then everything, with the options of that command.
    std::vector<Flag> flags = flags_of(o.command);
    flags.push_back({"--server", true});
    std::vector<std::string> positional;
    bool help = false;
    bool version_flag = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            positional.insert(positional.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                              args.end());
            break;
        }
        if (!is_option(a)) {
            positional.push_back(a);
            continue;
        }
        if (a == "-h" || a == "--help") {
            help = true;
            continue;
        }
        if (a == "--version") {
            version_flag = true;
            continue;
        }
        const auto eq = a.find('=');
        const std::string name = a.substr(0, eq);
        std::optional<std::string> value;
        if (eq != std::string::npos) value = a.substr(eq + 1);
        const Flag* flag = nullptr;
        for (const auto& f : flags) {
            if (name == f.name) flag = &f;
        }
        if (!flag) {
            if (!command) throw UsageError("unknown option '" + name + "' (see samen --help)");
            throw UsageError("'" + std::string(name_of(o.command)) + "' has no option " + name);
        }
        if (flag->takes_value && !value) {
            if (i + 1 >= args.size()) throw UsageError(name + " needs a value");
            value = args[++i];
        } else if (!flag->takes_value && value) {
            throw UsageError(name + " takes no value");
        }
        if (name == "--server") o.server = *value;
        if (name == "--user") o.user = *value;
        if (name == "--password-stdin") o.password_stdin = true;
        if (name == "--layer") o.layer = *value;
        if (name == "--count") o.count = parse_count(*value);
        if (name == "--timeout") o.timeout = parse_seconds(*value);
    }
    if (version_flag) o.command = Command::version;
    if (help) o.command = Command::help;
    if (o.command == Command::help || o.command == Command::version) return o;

    positional.erase(positional.begin());  // the command itself
    std::size_t wanted = 0;
    if (o.command == Command::cat || o.command == Command::watch) wanted = 1;
    if (o.command == Command::edit) wanted = 2;
    if (positional.size() < wanted) {
        throw UsageError(std::string("'") + name_of(o.command) + "' needs " +
                         (wanted == 1 ? "a document id" : "a document id and a section id"));
    }
    if (positional.size() > wanted)
        throw UsageError("unexpected argument '" + positional[wanted] + "'");
    if (wanted >= 1) o.doc = positional[0];
    if (wanted >= 2) o.section = positional[1];
    if (wanted >= 1 && o.doc.empty()) throw UsageError("the document id is empty");
    if (wanted >= 2 && o.section.empty()) throw UsageError("the section id is empty");
    if (o.layer && *o.layer != model::common_layer && !model::is_municipality_code(*o.layer)) {
        throw UsageError("--layer must be 'common' or a municipality code such as GM0166, not '" +
                         *o.layer + "'");
    }
    if (o.command == Command::login && o.password_stdin && !o.user) {
        throw UsageError("--password-stdin needs --user");
    }
    if (o.server && o.server->empty()) throw UsageError("--server needs a value");
    return o;
}

std::string usage() {
    return R"(samen: write the IJsselland policy documents together, from the command line

Usage:
  samen login [--server URL] [--user NAME] [--password-stdin]
      Sign in and remember the session. Asks for the password on the terminal (not echoed)
      unless --password-stdin reads it from the first line of standard input.
  samen docs
      List the documents you can open.
  samen cat DOC [--layer LAYER]
      Print a document as Markdown: each section as a heading at its depth with its text.
      LAYER is 'common' (the default: the common text) or a municipality code such as GM0166
      (that municipality's plan: its local versions where it has them, the common text
      elsewhere, without the sections it omits and the local sections of others).
  samen edit DOC SECTION [--layer LAYER]
      Edit the text of one section in $EDITOR (vi when unset) and send the change. Edits that
      others make meanwhile are merged with yours. LAYER defaults to the section's own text:
      'common', or its owner's for a local section.
  samen watch DOC [--count N] [--timeout SECONDS]
      Print edits and presence in a document as they happen, until Ctrl-C, N events, or
      SECONDS have passed.

Options:
  --server URL    the server, e.g. http://127.0.0.1:8080 (default: the one you signed in to)
  -h, --help      this text
  --version       the version

Environment:
  SAMEN_SERVER    the server, instead of the one stored by 'samen login'
  SAMEN_TOKEN     a session token, instead of the one stored by 'samen login'
  EDITOR          the editor 'samen edit' runs
  The session is stored in $XDG_CONFIG_HOME/samen/session.json (or ~/.config/samen/session.json),
  readable by you alone.

Exit codes:
  0  success
  1  failure (the server refused a change, the editor failed, ...)
  2  wrong usage
  3  the server cannot be reached
  4  sign-in refused, not signed in, or not allowed
  5  no such document, section or layer
)";
}

}  // namespace samen::cli
