// Where `samen login` keeps the session: $XDG_CONFIG_HOME/samen/session.json (or
// ~/.config/samen/session.json), readable by its owner alone, because the token in it is as good
// as the password until it expires.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace samen::cli {

/// Reads an environment variable; nullopt when unset or empty.
using Environment = std::function<std::optional<std::string>(const char* name)>;

/// The process environment.
std::optional<std::string> process_env(const char* name);

struct StoredSession {
    std::string server;  // "http://host:port"
    std::string token;
    std::string user;
    std::string expires_at;
};

class SessionFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Throws SessionFileError when neither XDG_CONFIG_HOME nor HOME is set.
std::filesystem::path session_path(const Environment& env);

/// nullopt when there is no file. Throws SessionFileError when it cannot be read or is not a
/// session.
std::optional<StoredSession> load_session(const std::filesystem::path& path);

/// Writes the file with mode 0600 (its folder 0700 when created), replacing any earlier one
/// at once (written aside, then renamed). Throws SessionFileError.
void save_session(const std::filesystem::path& path, const StoredSession& session);

}  // namespace samen::cli
