// A table of integers that the store tests write to and read back: `t (i INTEGER PRIMARY KEY)`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/store.hpp"

namespace samen::test {

inline void create_table(store::Store& store) {
    store
        .run([](store::Db& db) { db.exec("CREATE TABLE IF NOT EXISTS t (i INTEGER PRIMARY KEY)"); })
        .get();
}

inline void insert(store::Db& db, std::int64_t i) {
    db.prepare("INSERT INTO t (i) VALUES (?1)").bind(1, i).run();
}

inline std::vector<std::int64_t> rows(store::Db& db) {
    auto st = db.prepare("SELECT i FROM t ORDER BY i");
    std::vector<std::int64_t> out;
    while (st.step()) out.push_back(st.get_int(0));
    return out;
}

/// What another connection to the file sees: what is committed.
inline std::vector<std::int64_t> rows_in_file(const std::string& path) {
    store::Db db(path);
    return rows(db);
}

}  // namespace samen::test
