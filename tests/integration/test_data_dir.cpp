// The data directory holds the password hashes and every document: samen-server keeps it and
// every file in it to its own user, and so do the backups it writes.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "protocol_client.hpp"
#include "server_process.hpp"

using namespace samen::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

/// The server writes: a sign-in and an edit, acknowledged (so committed).
void write_something(ServerProcess& server, const std::string& opid) {
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-editor"));
    const json snap = c.open("startnotitie-ivp-2023");
    const json ack = c.request(edit_request("startnotitie-ivp-2023", "werkgroep", "common",
                                            snap["rev"], json::array({"x"}), opid));
    REQUIRE(ack["type"] == "ack");
}

void check_private(const fs::path& dir) {
    CHECK(mode_of(dir) == 0700);
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        INFO(entry.path());
        CHECK(mode_of(entry.path()) == 0600);
        ++files;
    }
    CHECK(files >= 1);
}

}  // namespace

TEST_CASE("the data directory is 0700 and every file in it 0600", "[integration][files]") {
    ServerProcess server;
    write_something(server, "f1");
    const fs::path dir = server.data_dir();
    REQUIRE(fs::exists(dir / "samen.db-wal"));
    check_private(dir);

    // Made open by hand (or by an older samen-server): corrected when the server starts.
    server.stop();
    fs::permissions(dir, fs::perms(0755), fs::perm_options::replace);
    for (const auto& entry : fs::directory_iterator(dir)) {
        fs::permissions(entry.path(), fs::perms(0644), fs::perm_options::replace);
    }
    server.restart();
    check_private(dir);
    write_something(server, "f2");
    check_private(dir);
}

TEST_CASE("a backup is readable by its owner only", "[integration][files]") {
    ServerProcess server;
    write_something(server, "b1");
    const fs::path backup =
        server.data_dir().parent_path() / (server.data_dir().filename().string() + "-backup.db");
    fs::remove(backup);
    const auto result = run_command({ServerProcess::executable(), "--data",
                                     server.data_dir().string(), "backup", backup.string()});
    REQUIRE(result.exit_code == 0);
    CHECK(mode_of(backup) == 0600);
    fs::remove(backup);
}
