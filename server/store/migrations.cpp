#include "store/migrations.hpp"

#include <string>

namespace samen::store {

namespace detail {
// Generated from schemas/sql by embed_sql.cmake.
std::span<const Migration> embedded_migrations();
}  // namespace detail

std::span<const Migration> migrations() {
    return detail::embedded_migrations();
}

int schema_version() {
    auto all = migrations();
    return all.empty() ? 0 : all.back().version;
}

int migrate(Db& db) {
    int current = db.user_version();
    if (current > schema_version()) {
        throw StoreError(0, db.path() + " has schema version " + std::to_string(current) +
                                " but this Samen knows versions up to " +
                                std::to_string(schema_version()) + ": use a newer samen-server");
    }
    int applied = 0;
    for (const Migration& m : migrations()) {
        if (m.version <= current) continue;
        Transaction tx(db);
        try {
            db.exec(m.sql);
            // PRAGMA takes no parameters; the version is a number from the build.
            db.exec("PRAGMA user_version = " + std::to_string(m.version));
        } catch (const StoreError& e) {
            throw StoreError(e.code(), std::string("migration ") + m.name + ": " + e.what());
        }
        tx.commit();
        ++applied;
    }
    return applied;
}

}  // namespace samen::store
