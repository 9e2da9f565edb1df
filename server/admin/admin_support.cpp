// What the administration commands share: the command line's options, the checks of what an
// operator typed, the data directory's store, the audit entry of a change (admin_support.hpp).
#include "admin/admin_support.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <istream>
#include <ostream>

#include "admin/data_dir.hpp"
#include "store/time.hpp"

namespace samen::admin::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 1024;
constexpr std::size_t kMaxName = 64;
constexpr std::size_t kMaxDisplay = 200;

}  // namespace

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

bool valid_display_name(const std::string& text) {
    return !text.empty() && text.size() <= kMaxDisplay &&
           std::none_of(text.begin(), text.end(),
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

namespace {

std::string known_municipalities(const std::vector<store::Municipality>& all) {
    if (all.empty()) return "none yet: add one with 'municipality add GMnnnn NAME'";
    std::string text;
    for (const auto& m : all) text += (text.empty() ? "" : ", ") + m.code + " " + m.name;
    return text;
}

}  // namespace

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

}  // namespace samen::admin::detail
