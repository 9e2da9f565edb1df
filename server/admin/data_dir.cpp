#include "admin/data_dir.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

namespace samen::admin {

namespace fs = std::filesystem;

namespace {

std::string octal(fs::perms p) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(p));
    return text;
}

/// Takes the group's and others' rights from `path`; a line when there were any.
void restrict(const fs::path& path, fs::perms wanted, std::vector<std::string>& changed) {
    const fs::file_status status = fs::symlink_status(path);
    if (fs::is_symlink(status)) return;  // chmod would follow it out of the directory
    const fs::perms now = status.permissions() & fs::perms::mask;
    if ((now & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none) return;
    fs::permissions(path, wanted, fs::perm_options::replace | fs::perm_options::nofollow);
    changed.push_back(path.string() + ": mode " + octal(now) + " changed to " + octal(wanted));
}

}  // namespace

std::string data_file(const std::string& data_dir) {
    return (fs::path(data_dir) / "samen.db").string();
}

void keep_new_files_private() {
    ::umask(S_IRWXG | S_IRWXO);
}

std::vector<std::string> restrict_data_dir(const std::string& data_dir) {
    constexpr fs::perms dir_mode = fs::perms::owner_all;
    constexpr fs::perms file_mode = fs::perms::owner_read | fs::perms::owner_write;
    std::vector<std::string> changed;
    restrict(data_dir, dir_mode, changed);
    for (const auto& entry : fs::recursive_directory_iterator(data_dir)) {
        restrict(entry.path(), entry.is_directory() ? dir_mode : file_mode, changed);
    }
    return changed;
}

}  // namespace samen::admin
