#include "args.hpp"

#include <algorithm>
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
            return {{"--layer", true}, {"--as", true}, {"--rev", true}};
        case Command::edit:
        case Command::log:
            return {{"--layer", true}};
        case Command::watch:
            return {{"--count", true}, {"--timeout", true}};
        case Command::diff:
            return {{"--from", true}, {"--to", true}, {"--layer", true}, {"--as", true}};
        case Command::tag:
            return {{"--rev", true}};
        case Command::new_document:
            return {{"--title", true}, {"--municipalities", true}, {"--template", true}};
        case Command::import_document:
            return {{"--title", true}, {"--municipalities", true}};
        case Command::export_plan:
            return {{"--as", true},
                    {"--format", true},
                    {"--rev", true},
                    {"-o", true},
                    {"--output", true}};
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
        case Command::status:
            return "status";
        case Command::log:
            return "log";
        case Command::diff:
            return "diff";
        case Command::tag:
            return "tag";
        case Command::tags:
            return "tags";
        case Command::comments:
            return "comments";
        case Command::new_document:
            return "new";
        case Command::import_document:
            return "import";
        case Command::export_plan:
            return "export";
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

std::uint64_t parse_rev(const std::string& flag, const std::string& s) {
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
        throw UsageError(flag + " must be a revision (a whole number from 0), not '" + s + "'");
    }
    return n;
}

void check_municipality(const std::string& flag, const std::string& code) {
    if (!model::is_municipality_code(code)) {
        throw UsageError(flag + " takes municipality codes such as GM0166, not '" + code + "'");
    }
}

std::vector<std::string> parse_municipalities(const std::string& s) {
    std::vector<std::string> codes;
    std::size_t start = 0;
    for (;;) {
        const auto comma = s.find(',', start);
        std::string code = s.substr(start, comma == std::string::npos ? comma : comma - start);
        while (!code.empty() && code.front() == ' ') code.erase(code.begin());
        while (!code.empty() && code.back() == ' ') code.pop_back();
        check_municipality("--municipalities", code);
        if (std::find(codes.begin(), codes.end(), code) != codes.end()) {
            throw UsageError("--municipalities lists " + code + " twice");
        }
        codes.push_back(code);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return codes;
}

/// How many words each command takes after its name: at least, at most, and what they are.
struct Words {
    std::size_t min;
    std::size_t max;
    const char* what;
};

Words words_of(Command c) {
    switch (c) {
        case Command::cat:
        case Command::watch:
        case Command::status:
        case Command::tags:
        case Command::new_document:
        case Command::export_plan:
            return {1, 1, "a document id"};
        case Command::edit:
        case Command::log:
            return {2, 2, "a document id and a section id"};
        case Command::diff:
        case Command::comments:
            return {1, 2, "a document id"};
        case Command::tag:
            return {2, 2, "a document id and a label"};
        case Command::import_document:
            return {2, 2, "a document id and a Markdown file"};
        default:
            return {0, 0, ""};
    }
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
    static const std::pair<const char*, Command> commands[] = {{"help", Command::help},
                                                               {"version", Command::version},
                                                               {"login", Command::login},
                                                               {"docs", Command::docs},
                                                               {"cat", Command::cat},
                                                               {"edit", Command::edit},
                                                               {"watch", Command::watch},
                                                               {"status", Command::status},
                                                               {"log", Command::log},
                                                               {"diff", Command::diff},
                                                               {"tag", Command::tag},
                                                               {"tags", Command::tags},
                                                               {"comments", Command::comments},
                                                               {"new", Command::new_document},
                                                               {"import", Command::import_document},
                                                               {"export", Command::export_plan}};
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
        if (name == "--as") o.as = *value;
        if (name == "--rev") o.rev = parse_rev(name, *value);
        if (name == "--from") o.from = parse_rev(name, *value);
        if (name == "--to") o.to = parse_rev(name, *value);
        if (name == "--title") o.title = *value;
        if (name == "--municipalities") o.municipalities = parse_municipalities(*value);
        if (name == "--template") o.template_doc = *value;
        if (name == "--format") o.format = *value;
        if (name == "-o" || name == "--output") o.output = *value;
    }
    if (version_flag) o.command = Command::version;
    if (help) o.command = Command::help;
    if (o.command == Command::help || o.command == Command::version) return o;

    positional.erase(positional.begin());  // the command itself
    const Words words = words_of(o.command);
    if (positional.size() < words.min) {
        throw UsageError(std::string("'") + name_of(o.command) + "' needs " + words.what);
    }
    if (positional.size() > words.max)
        throw UsageError("unexpected argument '" + positional[words.max] + "'");
    if (!positional.empty()) {
        o.doc = positional[0];
        if (o.doc.empty()) throw UsageError("the document id is empty");
    }
    if (positional.size() >= 2) {
        const std::string& second = positional[1];
        if (o.command == Command::tag) {
            o.label = second;
            if (o.label.empty()) throw UsageError("the label is empty");
        } else if (o.command == Command::import_document) {
            o.file = second;
            if (o.file.empty()) throw UsageError("the file name is empty");
        } else {
            o.section = second;
            if (o.section.empty()) throw UsageError("the section id is empty");
        }
    }
    if (o.as) check_municipality("--as", *o.as);
    if (o.command == Command::cat) {
        if (o.as && o.layer) throw UsageError("use --as or --layer, not both");
        if (o.rev && !o.as) throw UsageError("--rev needs --as (the plan of one municipality)");
    }
    if (o.command == Command::export_plan) {
        if (!o.as) throw UsageError("'export' needs --as CODE (the plan of one municipality)");
        if (o.format != "odt" && o.format != "docx" && o.format != "pdf" && o.format != "html") {
            throw UsageError("'export' needs --format odt, docx, pdf or html");
        }
        if (o.output.empty()) throw UsageError("'export' needs -o FILE (- for standard output)");
    }
    if (o.command == Command::diff) {
        if (!o.from) throw UsageError("'diff' needs --from REV");
        if (o.section.empty() == !o.as) {
            throw UsageError("'diff' compares one SECTION (with --layer) or a plan (--as CODE)");
        }
        if (o.as && o.layer) throw UsageError("--layer goes with a SECTION, not with --as");
    }
    if (o.command == Command::new_document || o.command == Command::import_document) {
        if (!o.title || o.title->empty())
            throw UsageError("'" + std::string(name_of(o.command)) + "' needs --title TITLE");
        if (o.municipalities.empty()) {
            throw UsageError("'" + std::string(name_of(o.command)) +
                             "' needs --municipalities CODE,CODE,...");
        }
    }
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
      List the documents you can open, with their named versions.
  samen cat DOC [--layer LAYER]
      Print a document as Markdown: each section as a heading at its depth with its text.
      LAYER is 'common' (the default: the common text) or a municipality code such as GM0166
      (that municipality's plan: its local versions where it has them, the common text
      elsewhere, without the sections it omits and the local sections of others).
  samen cat DOC --as CODE [--rev REV]
      Print the effective plan of municipality CODE as the server composes it, as it stands
      or as it stood at revision REV.
  samen export DOC --as CODE --format odt|docx|pdf|html [--rev REV] -o FILE
      Write the plan of municipality CODE as the college and the raad get it: a title page with
      where it stands (concept, or the decision), a table of contents, the priorities, the text
      and the uitvoeringsplan as a table, with page numbers. As it stands, or at revision REV
      (a named version's, e.g. the plan as adopted). FILE - writes to standard output.
  samen status DOC
      The divergence matrix: per section (indented by depth) and municipality whether it
      inherits the common text, has its own (override), an own text the common text moved
      away from (stale), leaves the section out (omit) or owns it (local); and per
      municipality the share of its plan that is common text.
  samen log DOC SECTION [--layer LAYER]
      The changes of a section (of one layer with --layer): revision, time, author, what kind
      of change, and the characters inserted (+) and deleted (-).
  samen diff DOC --from REV [--to REV] SECTION [--layer LAYER]
  samen diff DOC --from REV [--to REV] --as CODE
      What changed between two revisions (--to: the latest by default) in one section layer
      (LAYER defaults to the section's own text), or in the effective plan of CODE.
      Deleted text shows as [-...-], inserted text as {+...+} (in colour on a terminal).
  samen tag DOC LABEL [--rev REV]
      Name a revision (the latest by default), e.g. "Vastgesteld door de raad, 2023-03-28".
      Coordinators and admins.
  samen tags DOC
      List the named versions of a document.
  samen comments DOC [SECTION]
      List the comment threads of a document (or of one section): what each is about, to whom,
      open or resolved, and its comments.
  samen new DOC --title TITLE --municipalities CODE,CODE,... [--template DOC]
      Create a document for these municipalities: empty, or with the sections and common
      text of the template document. Admins only.
  samen import DOC FILE --title TITLE --municipalities CODE,CODE,...
      Create a document from a Markdown file (- reads standard input): its headings become
      sections, the text under them their common text. Admins only.
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
  NO_COLOR        when set, no colour even on a terminal
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
