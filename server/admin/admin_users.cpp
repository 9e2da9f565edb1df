// The administration commands of users: add, passwd, role, disable and enable, list.
#include <istream>
#include <ostream>

#include "admin/admin_support.hpp"
#include "auth/password.hpp"
#include "log/log.hpp"
#include "store/time.hpp"

namespace samen::admin::detail {

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
    if (!valid_display_name(display)) {
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

}  // namespace samen::admin::detail
