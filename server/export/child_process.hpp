// One run of a tool (pandoc, weasyprint) as a child process: no shell, a small environment, its
// own process group, killed when it runs past its time.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace samen::exporting {

struct ToolRun {
    int exit_code = -1;       // the tool's exit status; -1 when it died of a signal
    std::string stderr_tail;  // the last KiB it wrote to stderr
};

/// Runs `argv` (argv[0] is looked up on PATH) in `dir`, which is also its HOME and cache, with
/// stdin from /dev/null and stdout and stderr captured in files there. Throws ExportFailed when it
/// cannot start or runs longer than `limit` (then its process group is killed and reaped).
ToolRun run_tool(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                 std::chrono::seconds limit);

}  // namespace samen::exporting
