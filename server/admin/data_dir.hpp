// The data directory: where the data file lives, and who may read it. The data file and its
// backups hold the password hashes and every document, so the directory is 0700 and every file
// in it 0600.
#pragma once

#include <string>
#include <vector>

namespace samen::admin {

/// The data file inside a data directory.
std::string data_file(const std::string& data_dir);

/// From now on this process creates files only its user may read or write (umask 077): the data
/// file, its -wal and -shm, backups. Called first thing by samen-server and its admin commands.
void keep_new_files_private();

/// Makes the data directory 0700 and every directory and file in it 0700 and 0600 where they
/// were open to others (symbolic links are left alone). Returns one line per change, for the
/// log; throws std::filesystem::filesystem_error when a change fails.
std::vector<std::string> restrict_data_dir(const std::string& data_dir);

}  // namespace samen::admin
