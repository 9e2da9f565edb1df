#include "admin/admin.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>

#include "auth/password.hpp"
#include "auth/user.hpp"
#include "log/log.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"
#include "store/time.hpp"

namespace samen::admin {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 1024;
constexpr std::size_t kMaxName = 64;
constexpr std::size_t kMaxDisplay = 200;

/// A failure to report and exit with.
struct Failure {
    int code;
    std::string message;
};

[[noreturn]] void usage_error(const std::string& message) {
    throw Failure{kUsage, message};
}
[[noreturn]] void failed(const std::string& message) {
    throw Failure{kFailed, message};
}

struct CommandLine {
    std::vector<std::string> words;              // command and its operands
    std::map<std::string, std::string> options;  // "--role" -> "editor"
};

const std::set<std::string, std::less<>> kValueOptions = {"--data",    "--municipality", "--role",
                                                          "--display", "--password",     "--since",
                                                          "--user",    "--limit"};

CommandLine parse(const std::vector<std::string>& args) {
    CommandLine line;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
            line.words.push_back(arg);
            continue;
        }
        std::string name = arg;
        std::optional<std::string> value;
        if (auto eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        }
        if (kValueOptions.count(name) == 0) usage_error("unknown option " + name);
        if (!value) {
            if (i + 1 >= args.size()) usage_error(name + " needs a value");
            value = args[++i];
        }
        if (line.options.count(name) != 0) usage_error(name + " given twice");
        line.options[name] = *value;
    }
    return line;
}

std::optional<std::string> option(const CommandLine& line, const std::string& name) {
    auto it = line.options.find(name);
    if (it == line.options.end()) return std::nullopt;
    return it->second;
}

void allow_options(const CommandLine& line, std::initializer_list<std::string_view> allowed) {
    for (const auto& [name, value] : line.options) {
        if (name == "--data") continue;
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            usage_error(name + " does not apply to this command");
        }
    }
}

void expect_operands(const CommandLine& line, std::size_t count, const std::string& form) {
    if (line.words.size() != count) usage_error("usage: samen-server --data DIR " + form);
}

bool valid_user_name(const std::string& name) {
    return !name.empty() && name.size() <= kMaxName &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-' || c == '@';
           });
}

bool has_control(const std::string& text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool valid_municipality_code(const std::string& code) {
    return code.size() == 6 && code[0] == 'G' && code[1] == 'M' &&
           std::all_of(code.begin() + 2, code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

auth::Role parse_role_or_fail(const std::string& text) {
    auto role = auth::parse_role(text);
    if (!role) usage_error("unknown role " + text + " (roles: viewer, editor, coordinator, admin)");
    return *role;
}

std::string read_password(const CommandLine& line, std::istream& in) {
    std::string password;
    if (auto given = option(line, "--password")) {
        password = *given;
    } else if (!std::getline(in, password)) {
        failed("no password on standard input (or pass --password)");
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.size() < kMinPassword) {
        failed("the password is too short: use at least " + std::to_string(kMinPassword) +
               " characters");
    }
    if (password.size() > kMaxPassword) failed("the password is too long");
    return password;
}

std::string data_dir_of(const CommandLine& line) {
    auto dir = option(line, "--data");
    if (!dir || dir->empty()) usage_error("no data directory: pass --data DIR");
    std::error_code ec;
    if (!fs::is_directory(*dir, ec)) failed("data directory " + *dir + " does not exist");
    return *dir;
}

/// The store of the data directory. `create`: a missing data file is created (first user).
std::unique_ptr<store::Store> open_store(const std::string& dir, bool create) {
    std::string file = data_file(dir);
    std::error_code ec;
    if (!create && !fs::exists(file, ec)) {
        failed("no data file " + file + " (add a user or start the server first)");
    }
    try {
        return std::make_unique<store::Store>(store::StoreOptions{file});
    } catch (const std::exception& e) {
        failed(e.what());
    }
}

/// Runs work on the store's thread and waits: the commands are one-shot.
template <class F>
auto on_store(store::Store& s, F work) {
    return s.run(std::move(work)).get();
}

/// Who runs the command: the user sudo runs it for, else the effective user. Whoever may write the
/// data file could write anything into it, so this names the operator for the record; it proves
/// nothing (docs/security.md, "Audit").
std::string operator_name() {
    if (const char* sudo_user = std::getenv("SUDO_USER"); sudo_user && *sudo_user) return sudo_user;
    std::array<char, 4096> buffer{};
    passwd entry{};
    passwd* found = nullptr;
    const uid_t uid = geteuid();
    if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found)
        return found->pw_name;
    return "uid " + std::to_string(uid);
}

/// The audit entry of an administration command: by the operator, from the command line (no
/// address). `detail` names what it was done to; "user" for a user, which `audit --user` finds.
store::AuditEntry audit_entry(std::string action, const nlohmann::json& detail) {
    store::AuditEntry entry;
    entry.at = store::now_string();
    entry.user_name = operator_name();
    entry.action = std::move(action);
    entry.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return entry;
}

store::UserRecord user_or_fail(store::Store& s, const std::string& name) {
    auto user = on_store(s, [&](store::Db& db) { return store::find_user_by_name(db, name); });
    if (!user) failed("no user named " + name);
    return *user;
}

std::string known_municipalities(const std::vector<store::Municipality>& all) {
    if (all.empty()) return "none yet: add one with 'municipality add GMnnnn NAME'";
    std::string text;
    for (const auto& m : all) text += (text.empty() ? "" : ", ") + m.code + " " + m.name;
    return text;
}

store::Municipality municipality_or_fail(store::Store& s, const std::string& code) {
    if (!valid_municipality_code(code)) {
        usage_error("bad municipality code " + code + " (a CBS code like GM0166)");
    }
    auto found = on_store(s, [&](store::Db& db) { return store::find_municipality(db, code); });
    if (found) return *found;
    auto all = on_store(s, [](store::Db& db) { return store::list_municipalities(db); });
    failed("unknown municipality " + code + " (known: " + known_municipalities(all) + ")");
}

/// Prints `rows` (the first is the header) in columns two spaces apart, each but the last as wide
/// as its widest cell and at least `min_widths`.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                 std::vector<std::size_t> widths) {
    for (const auto& row : rows) {
        for (std::size_t c = 0; c + 1 < row.size(); ++c) {
            if (c >= widths.size()) widths.push_back(0);
            widths[c] = std::max(widths[c], row[c].size());
        }
    }
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            out << row[c];
            if (c + 1 < row.size()) out << std::string(widths[c] - row[c].size() + 2, ' ');
        }
        out << "\n";
    }
}

// ---- commands ----

int user_add(const CommandLine& line, std::istream& in, std::ostream& out) {
    allow_options(line, {"--municipality", "--role", "--display", "--password"});
    expect_operands(line, 3,
                    "user add NAME --role ROLE [--municipality GMnnnn] [--display NAME] "
                    "[--password PASSWORD]");
    const std::string& name = line.words[2];
    if (!valid_user_name(name)) {
        usage_error("bad user name " + name +
                    " (1 to 64 letters, digits and . _ - @, e.g. kampen-editor)");
    }
    auto role_text = option(line, "--role");
    if (!role_text) usage_error("user add needs --role (viewer, editor, coordinator or admin)");
    auth::Role role = parse_role_or_fail(*role_text);
    auto code = option(line, "--municipality");
    if (!code && role != auth::Role::admin) {
        usage_error("a " + std::string(auth::to_string(role)) + " needs --municipality GMnnnn");
    }
    std::string display = option(line, "--display").value_or(name);
    if (display.empty() || display.size() > kMaxDisplay || has_control(display)) {
        usage_error("bad display name (1 to 200 characters, no control characters)");
    }

    auto s = open_store(data_dir_of(line), true);
    std::optional<store::Municipality> municipality;
    if (code) municipality = municipality_or_fail(*s, *code);
    if (on_store(*s, [&](store::Db& db) { return store::find_user_by_name(db, name); })) {
        failed("user " + name + " exists already");
    }
    std::string password = read_password(line, in);
    store::NewUser user{name, display, code, std::string(auth::to_string(role)),
                        auth::hash_password(password)};
    const auto audit = audit_entry(
        "user.add", {{"user", name},
                     {"role", user.role},
                     {"municipality", code ? nlohmann::json(*code) : nlohmann::json(nullptr)},
                     {"display_name", display}});
    try {
        on_store(*s, [&](store::Db& db) {
            store::create_user(db, user, store::now_string());
            store::append_audit(db, audit);
        });
    } catch (const store::StoreError& e) {
        if (e.is_duplicate()) failed("user " + name + " exists already");
        throw;
    }
    out << "Added user " << name << " (" << auth::to_string(role);
    if (municipality) out << " of " << municipality->code << " " << municipality->name;
    out << ").\n";
    return kOk;
}

int user_passwd(const CommandLine& line, std::istream& in, std::ostream& out) {
    allow_options(line, {"--password"});
    expect_operands(line, 3, "user passwd NAME [--password PASSWORD]");
    const std::string& name = line.words[2];
    auto s = open_store(data_dir_of(line), false);
    auto user = user_or_fail(*s, name);
    std::string hash = auth::hash_password(read_password(line, in));
    auto signed_out = on_store(*s, [&](store::Db& db) {
        store::set_password_hash(db, user.id, hash);
        // Whoever knew the old password may hold a token: a new password ends every session.
        const auto ended = store::delete_user_tokens(db, user.id);
        store::append_audit(
            db, audit_entry("user.passwd", {{"user", name}, {"sessions_ended", ended}}));
        return ended;
    });
    out << "Changed the password of " << name << "; ended " << signed_out << " session"
        << (signed_out == 1 ? "" : "s") << ".\n";
    return kOk;
}

int user_role(const CommandLine& line, std::ostream& out) {
    allow_options(line, {});
    expect_operands(line, 4, "user role NAME ROLE");
    const std::string& name = line.words[2];
    auth::Role role = parse_role_or_fail(line.words[3]);
    auto s = open_store(data_dir_of(line), false);
    auto user = user_or_fail(*s, name);
    if (role != auth::Role::admin && !user.municipality) {
        failed("user " + name + " belongs to no municipality, which a " +
               std::string(auth::to_string(role)) + " needs");
    }
    on_store(*s, [&](store::Db& db) {
        store::set_role(db, user.id, auth::to_string(role));
        store::append_audit(
            db, audit_entry("user.role",
                            {{"user", name}, {"role", auth::to_string(role)}, {"was", user.role}}));
    });
    out << name << " is now " << auth::to_string(role) << ".\n";
    return kOk;
}

int user_set_disabled(const CommandLine& line, std::ostream& out, bool disabled) {
    allow_options(line, {});
    expect_operands(line, 3, std::string("user ") + (disabled ? "disable" : "enable") + " NAME");
    const std::string& name = line.words[2];
    auto s = open_store(data_dir_of(line), false);
    auto user = user_or_fail(*s, name);
    on_store(*s, [&](store::Db& db) {
        store::set_disabled(db, user.id, disabled);
        nlohmann::json detail = {{"user", name}};
        if (disabled) detail["sessions_ended"] = store::delete_user_tokens(db, user.id);
        store::append_audit(db, audit_entry(disabled ? "user.disable" : "user.enable", detail));
    });
    out << (disabled ? "Disabled " : "Enabled ") << name
        << (disabled ? " and ended its sessions.\n" : ".\n");
    return kOk;
}

int user_list(const CommandLine& line, std::ostream& out) {
    allow_options(line, {});
    expect_operands(line, 2, "user list");
    auto s = open_store(data_dir_of(line), false);
    auto users = on_store(*s, [](store::Db& db) { return store::list_users(db); });
    if (users.empty()) {
        out << "No users.\n";
        return kOk;
    }
    std::vector<std::vector<std::string>> rows = {
        {"NAME", "ROLE", "MUNICIPALITY", "STATUS", "DISPLAY NAME"}};
    for (const auto& u : users) {
        rows.push_back({u.name, u.role, u.municipality.value_or("-"),
                        u.disabled ? "disabled" : "active", u.display_name});
    }
    print_table(out, rows, {4, 11, 12, 8});
    return kOk;
}

int municipality_add(const CommandLine& line, std::ostream& out) {
    allow_options(line, {});
    expect_operands(line, 4, "municipality add GMnnnn NAME");
    const std::string& code = line.words[2];
    const std::string& name = line.words[3];
    if (!valid_municipality_code(code)) {
        usage_error("bad municipality code " + code + " (a CBS code like GM0166)");
    }
    if (name.empty() || name.size() > kMaxDisplay || has_control(name)) {
        usage_error("bad municipality name");
    }
    auto s = open_store(data_dir_of(line), true);
    on_store(*s, [&](store::Db& db) {
        nlohmann::json detail = {{"code", code}, {"name", name}};
        if (auto before = store::find_municipality(db, code)) detail["was"] = before->name;
        store::upsert_municipality(db, {code, name});
        store::append_audit(db, audit_entry("municipality.add", detail));
    });
    out << "Municipality " << code << " is " << name << ".\n";
    return kOk;
}

int municipality_list(const CommandLine& line, std::ostream& out) {
    allow_options(line, {});
    expect_operands(line, 2, "municipality list");
    auto s = open_store(data_dir_of(line), false);
    auto all = on_store(*s, [](store::Db& db) { return store::list_municipalities(db); });
    if (all.empty()) out << "No municipalities.\n";
    for (const auto& m : all) out << m.code << "  " << m.name << "\n";
    return kOk;
}

/// "2026-11-26" or "2026-11-26T08:00:00Z" as the stored form of that time.
std::string since_or_fail(const std::string& text) {
    const std::string time = text.size() == 10 ? text + "T00:00:00Z" : text;
    if (!store::parse_time(time)) {
        usage_error("--since needs a UTC time like 2026-11-26 or 2026-11-26T08:00:00Z, not " +
                    text);
    }
    return time;
}

std::int64_t limit_or_fail(const std::string& text) {
    std::int64_t limit = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc() || end != text.data() + text.size() || limit < 1) {
        usage_error("--limit needs a whole number of at least 1, not " + text);
    }
    return limit;
}

/// A user name as the audit shows it: as it is when it could be a user's, else quoted, so that a
/// name someone typed at the sign-in form reads as what it is.
std::string shown_name(const std::optional<std::string>& name) {
    if (!name) return "-";
    return valid_user_name(*name) ? *name : in_quotes(*name);
}

int audit(const CommandLine& line, std::ostream& out) {
    allow_options(line, {"--since", "--user", "--limit"});
    expect_operands(line, 1, "audit [--since TIME] [--user NAME] [--limit N]");
    store::AuditFilter filter;
    if (auto since = option(line, "--since")) filter.since = since_or_fail(*since);
    filter.user = option(line, "--user");
    if (auto limit = option(line, "--limit")) filter.limit = limit_or_fail(*limit);
    auto s = open_store(data_dir_of(line), false);
    auto entries = on_store(*s, [&](store::Db& db) { return store::list_audit(db, filter); });
    if (entries.empty()) {
        out << "No entries.\n";
        return kOk;
    }
    std::vector<std::vector<std::string>> rows = {{"AT", "ACTION", "USER", "ADDRESS", "DETAIL"}};
    for (const auto& e : entries) {
        rows.push_back({e.at, e.action, shown_name(e.user_name),
                        printable(e.address.value_or("cli")), printable(e.detail)});
    }
    print_table(out, rows, {});
    return kOk;
}

int backup(const CommandLine& line, std::ostream& out) {
    allow_options(line, {});
    expect_operands(line, 2, "backup FILE");
    const std::string& target = line.words[1];
    std::error_code ec;
    if (fs::exists(target, ec)) failed(target + " exists already: choose a new file");
    auto s = open_store(data_dir_of(line), false);
    // Recorded first, so that the copy holds the record of its own making.
    on_store(*s, [&](store::Db& db) {
        store::append_audit(db,
                            audit_entry("backup", {{"file", fs::absolute(target, ec).string()}}));
    });
    std::promise<void> done;
    auto finished = done.get_future();
    s->backup(target, [&done](std::exception_ptr error) {
        error ? done.set_exception(std::move(error)) : done.set_value();
    });
    finished.get();
    out << "Wrote a backup of " << s->path() << " to " << target << ".\n";
    return kOk;
}

int dispatch(const CommandLine& line, std::istream& in, std::ostream& out) {
    const auto& w = line.words;
    if (w.empty()) usage_error("no command given");
    if (w[0] == "help") {
        out << admin_usage();
        return kOk;
    }
    if (w[0] == "user" && w.size() >= 2) {
        if (w[1] == "add") return user_add(line, in, out);
        if (w[1] == "passwd") return user_passwd(line, in, out);
        if (w[1] == "role") return user_role(line, out);
        if (w[1] == "disable") return user_set_disabled(line, out, true);
        if (w[1] == "enable") return user_set_disabled(line, out, false);
        if (w[1] == "list") return user_list(line, out);
        usage_error("unknown command user " + w[1]);
    }
    if (w[0] == "municipality" && w.size() >= 2) {
        if (w[1] == "add") return municipality_add(line, out);
        if (w[1] == "list") return municipality_list(line, out);
        usage_error("unknown command municipality " + w[1]);
    }
    if (w[0] == "backup") return backup(line, out);
    if (w[0] == "audit") return audit(line, out);
    usage_error("unknown command " + w[0]);
}

}  // namespace

bool is_admin_command(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.compare(0, 2, "--") == 0) {
            // Skip the value of a "--name value" option.
            if (arg.find('=') == std::string::npos && kValueOptions.count(arg) != 0) ++i;
            continue;
        }
        return arg == "user" || arg == "municipality" || arg == "backup" || arg == "audit" ||
               arg == "help";
    }
    return false;
}

std::string admin_usage() {
    return "Usage:\n"
           "  samen-server --data DIR user add NAME --role ROLE [--municipality GMnnnn]\n"
           "                                      [--display \"Name\"] [--password PASSWORD]\n"
           "  samen-server --data DIR user passwd NAME [--password PASSWORD]\n"
           "  samen-server --data DIR user role NAME ROLE\n"
           "  samen-server --data DIR user disable NAME\n"
           "  samen-server --data DIR user enable NAME\n"
           "  samen-server --data DIR user list\n"
           "  samen-server --data DIR municipality add GMnnnn NAME\n"
           "  samen-server --data DIR municipality list\n"
           "  samen-server --data DIR backup FILE\n"
           "  samen-server --data DIR audit [--since TIME] [--user NAME] [--limit N]\n"
           "Roles: viewer, editor, coordinator, admin. Without --password, the password is read\n"
           "as one line from standard input. The data file is DIR/samen.db.\n"
           "audit lists the newest N entries (default 100) of the audit trail, oldest first:\n"
           "sign-ins, sign-outs and administration; --since 2026-11-26 or 2026-11-26T08:00:00Z\n"
           "(UTC), --user NAME: by or about that user. Every command above that changes something\n"
           "is recorded there under the name of the OS user running it ($SUDO_USER under sudo).\n";
}

int run_admin(std::vector<std::string> args, std::istream& in, std::ostream& out,
              std::ostream& err) {
    try {
        return dispatch(parse(args), in, out);
    } catch (const Failure& f) {
        err << "error: " << f.message << "\n";
        if (f.code == kUsage) err << "Run 'samen-server help' for the commands.\n";
        return f.code;
    } catch (const std::exception& e) {
        err << "error: " << e.what() << "\n";
        return kFailed;
    }
}

}  // namespace samen::admin
