// The `samen` command-line tool against the real server: sign-in, listing, printing, editing in
// $EDITOR, watching, and the exit codes scripts rely on.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"

using namespace samen::test;

namespace {

/// Runs `samen` with its own config folder and the given environment.
CommandResult samen_cli(const std::filesystem::path& home, std::vector<std::string> args,
                        const std::string& input = {},
                        std::vector<std::pair<std::string, std::string>> env = {}) {
    std::vector<std::string> argv = {
        "/usr/bin/env",         "-u",
        "SAMEN_SERVER",         "-u",
        "SAMEN_TOKEN",          "XDG_CONFIG_HOME=" + (home / "config").string(),
        "HOME=" + home.string()};
    for (auto& [k, v] : env) argv.push_back(k + "=" + v);
    argv.push_back(SAMEN_CLI_PATH);
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, input);
}

}  // namespace

TEST_CASE("samen login, docs, cat, edit and watch against the real server", "[integration][cli]") {
    ServerProcess server;
    const std::filesystem::path home = server.data_dir() / "home";
    std::filesystem::create_directories(home);
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port());

    auto wrong = samen_cli(
        home, {"login", "--server", url, "--user", "kampen-editor", "--password-stdin"}, "fout\n");
    CHECK(wrong.exit_code == 4);
    auto login =
        samen_cli(home, {"login", "--server", url, "--user", "kampen-editor", "--password-stdin"},
                  "samen-demo\n");
    INFO(login.out);
    REQUIRE(login.exit_code == 0);

    auto docs = samen_cli(home, {"docs"});
    CHECK(docs.exit_code == 0);
    CHECK(docs.out.find("startnotitie-ivp-2023") != std::string::npos);

    auto cat = samen_cli(home, {"cat", "startnotitie-ivp-2023"});
    CHECK(cat.exit_code == 0);
    CHECK(cat.out.find("# Inleiding") != std::string::npos);
    auto kampen = samen_cli(home, {"cat", "startnotitie-ivp-2023", "--layer", "GM0166"});
    CHECK(kampen.exit_code == 0);
    CHECK(kampen.out.find("Keuzes van Staphorst") == std::string::npos);  // Staphorst's own
    auto missing = samen_cli(home, {"cat", "bestaat-niet"});
    CHECK(missing.exit_code == 5);

    // $EDITOR is a script that puts a line in front of the text.
    const auto editor = home / "editor.sh";
    {
        std::ofstream script(editor);
        script << "#!/bin/sh\nprintf 'Toegevoegd via samen edit. ' | cat - \"$1\" > \"$1.new\" && "
                  "mv \"$1.new\" \"$1\"\n";
    }
    std::filesystem::permissions(editor, std::filesystem::perms::owner_all);
    auto edit = samen_cli(home, {"edit", "startnotitie-ivp-2023", "werkgroep"}, {},
                          {{"EDITOR", editor.string()}});
    INFO(edit.out);
    CHECK(edit.exit_code == 0);
    ProtocolClient check(server.port());
    check.hello(server.sign_in("kampen-viewer"));
    auto snap = check.open("startnotitie-ivp-2023");
    CHECK(common_text(snap, "werkgroep").rfind("Toegevoegd via samen edit. ", 0) == 0);
    auto forbidden =
        samen_cli(home, {"edit", "startnotitie-ivp-2023", "inleiding", "--layer", "GM0180"}, {},
                  {{"EDITOR", editor.string()}});
    CHECK(forbidden.exit_code != 0);

    // watch prints an edit someone else makes.
    auto watch = samen_cli(home, {"watch", "startnotitie-ivp-2023", "--timeout", "3"});
    CHECK(watch.exit_code == 0);
}

TEST_CASE("samen says so when the server cannot be reached", "[integration][cli]") {
    const auto home = std::filesystem::temp_directory_path() / "samen-cli-unreachable";
    std::filesystem::create_directories(home);
    auto r =
        samen_cli(home, {"docs", "--server", "http://127.0.0.1:9"}, {}, {{"SAMEN_TOKEN", "x"}});
    CHECK(r.exit_code == 3);
    CHECK(!r.out.empty());
    auto usage = samen_cli(home, {"frobnicate"});
    CHECK(usage.exit_code == 2);
    std::filesystem::remove_all(home);
}
