// The SQL schema of Samen and its migrations: schemas/sql/NNN_name.sql, compiled into the binary
// at build time so the server never reads the source tree at run time.
#pragma once

#include <span>

#include "store/db.hpp"

namespace samen::store {

struct Migration {
    int version;       // NNN of the file name
    const char* name;  // "001_init.sql"
    const char* sql;
};

/// Every migration, in ascending version order.
std::span<const Migration> migrations();
/// The version a fully migrated data file has.
int schema_version();

/// Applies, in order and each inside its own transaction, every migration whose version is above
/// the file's PRAGMA user_version, then sets user_version to it. Throws StoreError when the file
/// comes from a newer Samen (user_version above every known migration).
/// Returns how many migrations ran.
int migrate(Db& db);

}  // namespace samen::store
