// samen-server's administration commands: the command line read and the command picked
// (admin.hpp); the commands are in admin_users.cpp and admin_data.cpp, what they share in
// admin_support.cpp.
#include "admin/admin.hpp"

#include <istream>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "admin/admin_support.hpp"

namespace samen::admin {

using namespace detail;

namespace {

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
