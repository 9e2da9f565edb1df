// The administration commands of samen-server against a real data directory, and a real sign-in
// with what they made.
#include <catch2/catch.hpp>
#include <filesystem>

#include "protocol_client.hpp"
#include "server_process.hpp"

using namespace samen::test;

TEST_CASE("a user added with samen-server user add can sign in, disabled, they cannot",
          "[integration][admin]") {
    ServerProcess server;
    const std::string data = server.data_dir().string();
    const std::string exe = ServerProcess::executable();

    auto add = run_command({exe, "--data", data, "user", "add", "jan", "--municipality", "GM0166",
                            "--role", "editor", "--display", "Jan de Vries"},
                           "geheim-wachtwoord\n");
    INFO(add.out);
    REQUIRE(add.exit_code == 0);
    auto again = run_command(
        {exe, "--data", data, "user", "add", "jan", "--municipality", "GM0166", "--role", "editor"},
        "geheim-wachtwoord\n");
    CHECK(again.exit_code == 1);  // the name is taken
    auto bad_role = run_command({exe, "--data", data, "user", "role", "jan", "burgemeester"});
    CHECK(bad_role.exit_code != 0);

    // The running server sees the new user at once (the same data file).
    ProtocolClient c(server.port());
    auto welcome = c.hello(server.sign_in("jan", "geheim-wachtwoord"));
    CHECK(welcome["user"]["display_name"] == "Jan de Vries");
    CHECK(welcome["user"]["role"] == "editor");

    auto list = run_command({exe, "--data", data, "user", "list"});
    CHECK(list.exit_code == 0);
    CHECK(list.out.find("jan") != std::string::npos);
    CHECK(list.out.find("kampen-coordinator") != std::string::npos);

    REQUIRE(run_command({exe, "--data", data, "user", "disable", "jan"}).exit_code == 0);
    CHECK_THROWS(server.sign_in("jan", "geheim-wachtwoord"));
}

TEST_CASE("samen-server backup writes a consistent copy while the server runs",
          "[integration][admin]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-editor"));
    c.open("startnotitie-ivp-2023");
    auto ack = c.request(
        edit_request("startnotitie-ivp-2023", "werkgroep", "common", 0, {"Back-up: "}, "b1"));
    REQUIRE(ack["rev"] == 1);

    const auto copy = server.data_dir() / "copy.db";
    auto backup = run_command({ServerProcess::executable(), "--data", server.data_dir().string(),
                               "backup", copy.string()});
    INFO(backup.out);
    REQUIRE(backup.exit_code == 0);
    REQUIRE(std::filesystem::exists(copy));

    // Serve the copy: it holds the edit.
    server.stop();
    std::filesystem::rename(copy, server.data_dir() / "samen.db");
    std::filesystem::remove(server.data_dir() / "samen.db-wal");
    std::filesystem::remove(server.data_dir() / "samen.db-shm");
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("kampen-editor"));
    CHECK(after.open("startnotitie-ivp-2023")["rev"] == 1);
}
