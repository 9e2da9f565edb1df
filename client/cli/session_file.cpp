#include "session_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace samen::cli {

std::optional<std::string> process_env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

std::filesystem::path session_path(const Environment& env) {
    if (auto xdg = env("XDG_CONFIG_HOME"))
        return std::filesystem::path(*xdg) / "samen" / "session.json";
    if (auto home = env("HOME")) {
        return std::filesystem::path(*home) / ".config" / "samen" / "session.json";
    }
    throw SessionFileError(
        "neither XDG_CONFIG_HOME nor HOME is set: there is no place for the session");
}

std::optional<StoredSession> load_session(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) return std::nullopt;
        throw SessionFileError("cannot read " + path.string() + ": " + std::strerror(errno));
    }
    std::stringstream text;
    text << in.rdbuf();
    try {
        auto j = nlohmann::json::parse(text.str());
        StoredSession s;
        s.server = j.at("server").get<std::string>();
        s.token = j.at("token").get<std::string>();
        s.user = j.value("user", std::string());
        s.expires_at = j.value("expires_at", std::string());
        return s;
    } catch (const nlohmann::json::exception&) {
        throw SessionFileError(path.string() +
                               " is not a session file; sign in again with 'samen login'");
    }
}

void save_session(const std::filesystem::path& path, const StoredSession& session) {
    const auto dir = path.parent_path();
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) throw SessionFileError("cannot create " + dir.string() + ": " + ec.message());
        ::chmod(dir.c_str(), 0700);
    }
    const std::string body = nlohmann::json{{"server", session.server},
                                            {"token", session.token},
                                            {"user", session.user},
                                            {"expires_at", session.expires_at}}
                                 .dump(2) +
                             "\n";
    const std::string temp = path.string() + ".new";
    // Created 0600 from the start: the token is never readable by others, not even briefly.
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw SessionFileError("cannot write " + temp + ": " + std::strerror(errno));
    ::fchmod(fd, 0600);  // an older file of that name may have had another mode
    std::size_t written = 0;
    while (written < body.size()) {
        ssize_t n = ::write(fd, body.data() + written, body.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(temp.c_str());
            throw SessionFileError("cannot write " + temp + ": " + why);
        }
        written += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        throw SessionFileError("cannot write " + temp + ": " + why);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        throw SessionFileError("cannot write " + path.string() + ": " + why);
    }
}

}  // namespace samen::cli
