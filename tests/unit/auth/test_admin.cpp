#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "admin/admin.hpp"
#include "auth/password.hpp"
#include "store/db.hpp"
#include "store/repo.hpp"
#include "store/time.hpp"
#include "temp_dir.hpp"

using namespace samen;

namespace {

struct Result {
    int code;
    std::string out;
    std::string err;
};

/// A data directory with Kampen and Staphorst, and a way to run commands on it.
struct Fixture {
    test::TempDir dir;
    Fixture() {
        REQUIRE(admin("municipality add GM0166 Kampen").code == admin::kOk);
        REQUIRE(admin("municipality add GM0180 Staphorst").code == admin::kOk);
    }

    Result run(std::vector<std::string> args, const std::string& input = "") {
        std::istringstream in(input);
        std::ostringstream out, err;
        int code = admin::run_admin(std::move(args), in, out, err);
        return {code, out.str(), err.str()};
    }

    /// Whitespace-separated words after "--data DIR".
    Result admin(const std::string& words, const std::string& input = "") {
        std::vector<std::string> args = {"--data", dir.path().string()};
        std::istringstream split(words);
        for (std::string w; split >> w;) args.push_back(w);
        return run(args, input);
    }

    std::optional<store::UserRecord> user(const std::string& name) {
        store::Db db(admin::data_file(dir.path().string()));
        return store::find_user_by_name(db, name);
    }

    std::vector<store::AuditEntry> audit_trail(const std::string& file = {}) {
        store::Db db(file.empty() ? admin::data_file(dir.path().string()) : file);
        return store::list_audit(db, {std::nullopt, std::nullopt, 1000});
    }
};

/// Sets $SUDO_USER for as long as it lives, as sudo does for the commands it runs.
struct SudoUser {
    explicit SudoUser(const char* name) { setenv("SUDO_USER", name, 1); }
    ~SudoUser() { unsetenv("SUDO_USER"); }
    SudoUser(const SudoUser&) = delete;
    SudoUser& operator=(const SudoUser&) = delete;
};

}  // namespace

TEST_CASE_METHOD(Fixture, "user add creates a user with a verified password", "[admin]") {
    auto r =
        admin("user add kampen-editor --municipality GM0166 --role editor", "geheim-wachtwoord\n");
    INFO(r.err);
    REQUIRE(r.code == admin::kOk);
    CHECK(r.out == "Added user kampen-editor (editor of GM0166 Kampen).\n");
    auto u = user("kampen-editor");
    REQUIRE(u);
    CHECK(u->role == "editor");
    CHECK(u->municipality == "GM0166");
    CHECK(u->display_name == "kampen-editor");
    CHECK(auth::verify_password(u->password_hash, "geheim-wachtwoord"));

    // The display name may hold spaces: pass it as one argument.
    r = run({"--data", dir.path().string(), "user", "add", "piet", "--municipality=GM0180",
             "--role", "coordinator", "--display", "Piet Jansen", "--password", "staphorst-2026"});
    REQUIRE(r.code == admin::kOk);
    CHECK(user("piet")->display_name == "Piet Jansen");
    CHECK(auth::verify_password(user("piet")->password_hash, "staphorst-2026"));

    r = admin("user add root --role admin --password beheer-beheer");
    REQUIRE(r.code == admin::kOk);
    CHECK(r.out == "Added user root (admin).\n");
    CHECK_FALSE(user("root")->municipality);
}

TEST_CASE_METHOD(Fixture, "user add refuses duplicates and bad input", "[admin]") {
    REQUIRE(
        admin("user add anna --municipality GM0166 --role editor --password wachtwoord1").code ==
        admin::kOk);
    auto r = admin("user add anna --municipality GM0166 --role viewer --password wachtwoord2");
    CHECK(r.code == admin::kFailed);
    CHECK(r.err == "error: user anna exists already\n");
    CHECK(auth::verify_password(user("anna")->password_hash, "wachtwoord1"));  // untouched

    r = admin("user add bob --municipality GM0166 --role boss --password wachtwoord1");
    CHECK(r.code == admin::kUsage);
    CHECK_THAT(r.err, Catch::Contains("unknown role boss"));

    r = admin("user add bob --municipality GM9999 --role editor --password wachtwoord1");
    CHECK(r.code == admin::kFailed);
    CHECK_THAT(r.err, Catch::Contains("unknown municipality GM9999"));
    CHECK_THAT(r.err, Catch::Contains("GM0166 Kampen"));

    r = admin("user add bob --municipality Kampen --role editor --password wachtwoord1");
    CHECK(r.code == admin::kUsage);
    CHECK_THAT(r.err, Catch::Contains("bad municipality code Kampen"));

    r = admin("user add bob --role editor --password wachtwoord1");
    CHECK(r.code == admin::kUsage);
    CHECK_THAT(r.err, Catch::Contains("needs --municipality"));

    r = admin("user add bob --municipality GM0166 --password wachtwoord1");
    CHECK(r.code == admin::kUsage);
    CHECK_THAT(r.err, Catch::Contains("needs --role"));

    r = admin("user add bob --municipality GM0166 --role editor --password kort");
    CHECK(r.code == admin::kFailed);
    CHECK_THAT(r.err, Catch::Contains("too short"));

    r = admin("user add bob --municipality GM0166 --role editor");  // nothing on stdin
    CHECK(r.code == admin::kFailed);
    CHECK_THAT(r.err, Catch::Contains("no password"));

    r = admin("user add b/ob --municipality GM0166 --role editor --password wachtwoord1");
    CHECK(r.code == admin::kUsage);
    CHECK_THAT(r.err, Catch::Contains("bad user name"));

    // A display name: 1 to 200 characters, no control characters.
    for (const std::string& display :
         {std::string(201, 'x'), std::string("Bob\nJansen"), std::string("")}) {
        r = run({"--data", dir.path().string(), "user", "add", "bob", "--municipality", "GM0166",
                 "--role", "editor", "--password", "wachtwoord1", "--display", display});
        CHECK(r.code == admin::kUsage);
        CHECK_THAT(r.err, Catch::Contains("bad display name"));
    }
    r = run({"--data", dir.path().string(), "user", "add", "bob", "--municipality", "GM0166",
             "--role", "editor", "--password", "wachtwoord1", "--display", std::string(200, 'x')});
    CHECK(r.code == admin::kOk);
    CHECK(user("bob")->display_name == std::string(200, 'x'));
}

TEST_CASE_METHOD(Fixture, "municipality add refuses a bad name and keeps the old one", "[admin]") {
    for (const std::string& name :
         {std::string(201, 'x'), std::string("Kampen\tOost"), std::string("")}) {
        auto r = run({"--data", dir.path().string(), "municipality", "add", "GM0166", name});
        CHECK(r.code == admin::kUsage);
        CHECK_THAT(r.err, Catch::Contains("bad municipality name"));
    }
    store::Db db(admin::data_file(dir.path().string()));
    CHECK(store::find_municipality(db, "GM0166")->name == "Kampen");
}

TEST_CASE_METHOD(Fixture, "user passwd, role, disable, enable, list", "[admin]") {
    REQUIRE(
        admin("user add anna --municipality GM0166 --role editor --password wachtwoord1").code ==
        admin::kOk);
    {
        store::Db db(admin::data_file(dir.path().string()));
        store::insert_token(db, "h", user("anna")->id, "2026-01-01T00:00:00Z",
                            "2999-01-01T00:00:00Z");
    }

    auto r = admin("user passwd anna", "nieuw-wachtwoord\r\n");
    INFO(r.err);
    REQUIRE(r.code == admin::kOk);
    CHECK(r.out == "Changed the password of anna; ended 1 session.\n");
    CHECK(auth::verify_password(user("anna")->password_hash, "nieuw-wachtwoord"));
    CHECK_FALSE(auth::verify_password(user("anna")->password_hash, "wachtwoord1"));

    r = admin("user role anna coordinator");
    REQUIRE(r.code == admin::kOk);
    CHECK(r.out == "anna is now coordinator.\n");
    CHECK(user("anna")->role == "coordinator");
    CHECK(admin("user role anna chief").code == admin::kUsage);

    r = admin("user disable anna");
    REQUIRE(r.code == admin::kOk);
    CHECK(user("anna")->disabled);

    REQUIRE(admin("user add root --role admin --password beheer-beheer").code == admin::kOk);
    r = admin("user role root editor");  // an editor needs a municipality
    CHECK(r.code == admin::kFailed);
    CHECK_THAT(r.err, Catch::Contains("belongs to no municipality"));

    r = admin("user list");
    REQUIRE(r.code == admin::kOk);
    CHECK_THAT(r.out, Catch::StartsWith("NAME"));
    CHECK_THAT(r.out, Catch::Contains("anna  coordinator  GM0166        disabled  anna\n"));
    CHECK_THAT(r.out, Catch::Contains("root  admin        -             active    root\n"));

    REQUIRE(admin("user enable anna").code == admin::kOk);
    CHECK_FALSE(user("anna")->disabled);

    for (const char* command : {"user passwd nobody --password wachtwoord1",
                                "user role nobody editor", "user disable nobody"}) {
        INFO(command);
        r = admin(command);
        CHECK(r.code == admin::kFailed);
        CHECK(r.err == "error: no user named nobody\n");
    }
}

TEST_CASE_METHOD(Fixture, "every command that changes something is in the audit trail",
                 "[admin][audit]") {
    SudoUser sudo("beheerder-jan");
    REQUIRE(
        admin("user add anna --municipality GM0166 --role editor --display Anna", "wachtwoord1\n")
            .code == admin::kOk);
    REQUIRE(admin("user passwd anna --password wachtwoord2").code == admin::kOk);
    REQUIRE(admin("user role anna coordinator").code == admin::kOk);
    REQUIRE(admin("user disable anna").code == admin::kOk);
    REQUIRE(admin("user enable anna").code == admin::kOk);
    REQUIRE(admin("municipality add GM0166 Gemeente-Kampen").code == admin::kOk);
    // Failed commands and commands that only read leave no entry.
    REQUIRE(admin("user role nobody editor").code == admin::kFailed);
    REQUIRE(admin("user add anna --role admin --password wachtwoord1").code == admin::kFailed);
    REQUIRE(admin("user list").code == admin::kOk);

    auto trail = audit_trail();
    std::vector<std::string> actions;
    for (const auto& e : trail) actions.push_back(e.action);
    // The fixture's two municipalities were added before $SUDO_USER was set.
    CHECK(actions == std::vector<std::string>{"municipality.add", "municipality.add", "user.add",
                                              "user.passwd", "user.role", "user.disable",
                                              "user.enable", "municipality.add"});
    for (std::size_t i = 2; i < trail.size(); ++i) {
        INFO(trail[i].action);
        CHECK(trail[i].user_name == "beheerder-jan");  // the operator, not a Samen user
        CHECK_FALSE(trail[i].user_id);
        CHECK_FALSE(trail[i].address);  // the command line
        CHECK(store::parse_time(trail[i].at));
    }
    auto detail = [&](std::size_t i) { return nlohmann::json::parse(trail[i].detail); };
    CHECK(detail(2) == nlohmann::json{{"user", "anna"},
                                      {"role", "editor"},
                                      {"municipality", "GM0166"},
                                      {"display_name", "Anna"}});
    CHECK(detail(3) == nlohmann::json{{"user", "anna"}, {"sessions_ended", 0}});
    CHECK(detail(4) ==
          nlohmann::json{{"user", "anna"}, {"role", "coordinator"}, {"was", "editor"}});
    CHECK(detail(5) == nlohmann::json{{"user", "anna"}, {"sessions_ended", 0}});
    CHECK(detail(6) == nlohmann::json{{"user", "anna"}});
    CHECK(detail(7) ==
          nlohmann::json{{"code", "GM0166"}, {"name", "Gemeente-Kampen"}, {"was", "Kampen"}});
    // Nothing in it is the password.
    for (const auto& e : trail) CHECK(e.detail.find("wachtwoord") == std::string::npos);
}

TEST_CASE_METHOD(Fixture, "audit lists the trail, newest last, by time, user and number",
                 "[admin][audit]") {
    SudoUser sudo("beheerder-jan");
    REQUIRE(
        admin("user add anna --municipality GM0166 --role editor --password wachtwoord1").code ==
        admin::kOk);
    REQUIRE(admin("user disable anna").code == admin::kOk);
    {
        store::Db db(admin::data_file(dir.path().string()));
        store::append_audit(db, {0, "2030-01-01T08:00:00Z", std::nullopt, "x\x1b[2J\nadmin",
                                 "192.0.2.7", "sign_in.failed", R"({"reason":"unknown user"})"});
    }

    auto r = admin("audit");
    INFO(r.err);
    REQUIRE(r.code == admin::kOk);
    std::istringstream lines(r.out);
    std::string header;
    std::getline(lines, header);
    CHECK_THAT(header, Catch::Matches("AT +ACTION +USER +ADDRESS +DETAIL"));
    CHECK_THAT(r.out,
               Catch::Matches("[^]*\\n[-0-9T:Z]+  user\\.disable +beheerder-jan +cli +\\{[^]*"));
    CHECK_THAT(r.out, Catch::Contains(R"({"sessions_ended":0,"user":"anna"})"));
    // A name typed at the sign-in form can neither move the cursor nor start a line.
    CHECK_THAT(r.out, Catch::Contains(R"("x\x1b[2J\x0aadmin"  192.0.2.7)"));
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 6);  // header and 5 entries

    r = admin("audit --user anna");
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 3);  // added and disabled
    r = admin("audit --limit 1");
    CHECK_THAT(r.out, Catch::Contains("sign_in.failed"));
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
    r = admin("audit --since 2030-01-01");
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
    r = admin("audit --since 2030-01-01T08:00:01Z");
    CHECK(r.out == "No entries.\n");

    for (const char* bad : {"audit --since yesterday", "audit --limit 0", "audit --limit x",
                            "audit extra", "audit --role editor"}) {
        INFO(bad);
        r = admin(bad);
        CHECK(r.code == admin::kUsage);
    }
}

TEST_CASE("audit without a data file fails and creates none", "[admin][audit]") {
    test::TempDir dir;
    std::istringstream in;
    std::ostringstream out, err;
    CHECK(admin::run_admin({"--data", dir.path().string(), "audit"}, in, out, err) ==
          admin::kFailed);
    CHECK_FALSE(std::filesystem::exists(admin::data_file(dir.path().string())));
}

TEST_CASE_METHOD(Fixture, "backup writes a copy with the same users", "[admin]") {
    REQUIRE(
        admin("user add anna --municipality GM0166 --role editor --password wachtwoord1").code ==
        admin::kOk);
    auto copy = dir.file("copy.db");
    auto r = admin("backup " + copy);
    INFO(r.err);
    REQUIRE(r.code == admin::kOk);
    CHECK_THAT(r.out, Catch::Contains("to " + copy));
    {
        store::Db db(copy);
        auto users = store::list_users(db);
        REQUIRE(users.size() == 1);
        CHECK(users[0].name == "anna");
        CHECK(store::list_municipalities(db).size() == 2);
    }
    // The audit trail is in the copy, with the record of the backup itself.
    auto copied = audit_trail(copy);
    REQUIRE(copied.size() == 4);
    CHECK(copied[2].action == "user.add");
    CHECK(copied[3].action == "backup");
    CHECK(nlohmann::json::parse(copied[3].detail)["file"] == copy);
    r = admin("backup " + copy);
    CHECK(r.code == admin::kFailed);
    CHECK_THAT(r.err, Catch::Contains("exists already"));
}

TEST_CASE("Admin commands report a missing data directory and bad command lines", "[admin]") {
    test::TempDir dir;
    std::istringstream in;
    std::ostringstream out, err;
    auto missing = dir.file("nope");
    CHECK(admin::run_admin({"--data", missing, "user", "list"}, in, out, err) == admin::kFailed);
    CHECK(err.str() == "error: data directory " + missing + " does not exist\n");
    CHECK_FALSE(std::filesystem::exists(missing));

    // An existing directory without a data file: reading commands do not create one.
    err.str("");
    CHECK(admin::run_admin({"--data", dir.path().string(), "user", "list"}, in, out, err) ==
          admin::kFailed);
    CHECK_THAT(err.str(), Catch::Contains("no data file"));
    CHECK_FALSE(std::filesystem::exists(admin::data_file(dir.path().string())));

    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"user", "list"},                                                // no --data
             {"--data", dir.path().string()},                                 // no command
             {"--data", dir.path().string(), "user"},                         // no subcommand
             {"--data", dir.path().string(), "user", "fly"},                  // unknown subcommand
             {"--data", dir.path().string(), "party"},                        // unknown command
             {"--data", dir.path().string(), "user", "list", "--role", "x"},  // stray option
             {"--data", dir.path().string(), "user", "list", "--colour"},     // unknown option
             {"--data", dir.path().string(), "user", "role", "anna"},         // missing operand
             {"--data"},                                                      // missing value
         }) {
        std::ostringstream o, e;
        INFO(args.size());
        CHECK(admin::run_admin(args, in, o, e) == admin::kUsage);
        CHECK_THAT(e.str(), Catch::StartsWith("error: "));
    }
    std::ostringstream help;
    CHECK(admin::run_admin({"help"}, in, help, err) == admin::kOk);
    CHECK_THAT(help.str(), Catch::Contains("user add NAME"));
}

TEST_CASE("is_admin_command tells admin commands from server start", "[admin]") {
    using V = std::vector<std::string>;
    CHECK(admin::is_admin_command(V{"user", "list"}));
    CHECK(admin::is_admin_command(V{"--data", "/srv/samen", "user", "add", "x"}));
    CHECK(admin::is_admin_command(V{"--data=/srv/samen", "backup", "f"}));
    CHECK(admin::is_admin_command(V{"--data", "user", "municipality", "list"}));
    CHECK(admin::is_admin_command(V{"--data", "/srv/samen", "audit", "--user", "anna"}));
    CHECK_FALSE(admin::is_admin_command(V{}));
    CHECK_FALSE(admin::is_admin_command(V{"--data", "/srv/samen", "--port", "8080"}));
}
