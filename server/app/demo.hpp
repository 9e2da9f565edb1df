// The demo world of `samen-server --demo`, read from the files of data/demo (see its README).
#pragma once

#include <filesystem>

namespace samen::store {
class Db;
}

namespace samen::app {

/// Seeds municipalities, users and documents from `demo_dir` into an empty data file. Returns
/// false (and changes nothing) when the data file holds municipalities already: the demo is
/// seeded once. Throws std::runtime_error naming the file when a demo file is missing or wrong.
bool seed_demo(store::Db& db, const std::filesystem::path& demo_dir);

}  // namespace samen::app
