// The administration commands of the data file's other records: municipalities, the audit
// trail, the backup.
#include <charconv>
#include <filesystem>
#include <future>
#include <ostream>

#include "admin/admin_support.hpp"
#include "log/log.hpp"
#include "store/time.hpp"

namespace samen::admin::detail {

namespace fs = std::filesystem;

int municipality_add(const CommandLine& line, std::ostream& out) {
    allow_options(line, {});
    expect_operands(line, 4, "municipality add GMnnnn NAME");
    const std::string& code = line.words[2];
    const std::string& name = line.words[3];
    if (!valid_municipality_code(code)) {
        usage_error("bad municipality code " + code + " (a CBS code like GM0166)");
    }
    if (!valid_display_name(name)) {
        usage_error("bad municipality name (1 to 200 characters, no control characters)");
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

namespace {

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

}  // namespace

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

}  // namespace samen::admin::detail
