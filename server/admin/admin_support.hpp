// What the administration commands share (admin.cpp picks the command; admin_users.cpp and
// admin_data.cpp hold them): the command line, the failures they exit with, the checks of what an
// operator typed, the data directory's store, and the audit entry of a change. Private to
// samen::admin.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iosfwd>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin/admin.hpp"
#include "auth/user.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"

namespace samen::admin::detail {

/// A failure to report and exit with.
struct Failure {
    int code;
    std::string message;
};

[[noreturn]] inline void usage_error(const std::string& message) {
    throw Failure{kUsage, message};
}
[[noreturn]] inline void failed(const std::string& message) {
    throw Failure{kFailed, message};
}

struct CommandLine {
    std::vector<std::string> words;              // command and its operands
    std::map<std::string, std::string> options;  // "--role" -> "editor"
};

std::optional<std::string> option(const CommandLine& line, const std::string& name);
/// Fails unless every option given (besides --data) is one of `allowed`.
void allow_options(const CommandLine& line, std::initializer_list<std::string_view> allowed);
void expect_operands(const CommandLine& line, std::size_t count, const std::string& form);

bool valid_user_name(const std::string& name);
/// A display name or a municipality's name: 1 to 200 characters, no control characters.
bool valid_display_name(const std::string& text);
bool valid_municipality_code(const std::string& code);
auth::Role parse_role_or_fail(const std::string& text);
/// --password, else one line of `in`; fails when too short or too long.
std::string read_password(const CommandLine& line, std::istream& in);

/// --data, which must be a directory.
std::string data_dir_of(const CommandLine& line);
/// The store of the data directory. `create`: a missing data file is created (first user).
std::unique_ptr<store::Store> open_store(const std::string& dir, bool create);

/// Runs work on the store's thread and waits: the commands are one-shot.
template <class F>
auto on_store(store::Store& s, F work) {
    return s.run(std::move(work)).get();
}

/// Who runs the command: the user sudo runs it for, else the effective user.
std::string operator_name();
/// The audit entry of an administration command, by operator_name().
store::AuditEntry audit_entry(std::string action, const nlohmann::json& detail);
store::UserRecord user_or_fail(store::Store& s, const std::string& name);
store::Municipality municipality_or_fail(store::Store& s, const std::string& code);
/// Prints `rows` (the first is the header) in columns two spaces apart.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                 std::vector<std::size_t> widths);

// admin_users.cpp
int user_add(const CommandLine& line, std::istream& in, std::ostream& out);
int user_passwd(const CommandLine& line, std::istream& in, std::ostream& out);
int user_role(const CommandLine& line, std::ostream& out);
int user_set_disabled(const CommandLine& line, std::ostream& out, bool disabled);
int user_list(const CommandLine& line, std::ostream& out);

// admin_data.cpp
int municipality_add(const CommandLine& line, std::ostream& out);
int municipality_list(const CommandLine& line, std::ostream& out);
int audit(const CommandLine& line, std::ostream& out);
int backup(const CommandLine& line, std::ostream& out);

}  // namespace samen::admin::detail
