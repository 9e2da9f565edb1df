#include "export/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "export/export.hpp"

namespace samen::exporting {

ToolRun run_tool(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                 std::chrono::seconds limit) {
    const std::string err_path = (dir / "stderr.txt").string();
    const std::string out_path = (dir / "stdout.txt").string();
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&files, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addchdir_np(&files, dir.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // A group of its own, so that a timeout kills whatever the tool started too.
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigfillset(&defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);

    // Only what the tools need: no secrets of the server's environment reach them.
    const char* path = std::getenv("PATH");
    std::vector<std::string> env = {
        std::string("PATH=") + (path ? path : "/usr/local/bin:/usr/bin:/bin"),
        "HOME=" + dir.string(), "XDG_CACHE_HOME=" + dir.string(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
        // Nothing is to be fetched (a house style's print.css could name a URL): any request of
        // the tools goes to a port where nothing listens.
        "http_proxy=http://127.0.0.1:9", "https_proxy=http://127.0.0.1:9",
        "HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9"};
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    pid_t pid = 0;
    const int spawned =
        posix_spawnp(&pid, argv.at(0).c_str(), &files, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    if (spawned != 0) {
        throw ExportFailed("cannot start " + argv[0] + ": " + std::strerror(spawned));
    }

    ToolRun run;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    bool timed_out = false;
    for (;;) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            timed_out = true;
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::ifstream err(err_path, std::ios::binary);
    std::ostringstream text;
    text << err.rdbuf();
    run.stderr_tail = text.str();
    if (run.stderr_tail.size() > 1024) run.stderr_tail.erase(0, run.stderr_tail.size() - 1024);
    if (timed_out) {
        throw ExportFailed(argv[0] + " took longer than " + std::to_string(limit.count()) +
                           " s and was stopped");
    }
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

}  // namespace samen::exporting
