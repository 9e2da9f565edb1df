// Private to server/store: reading a statement's rows into values, for the repo_*.cpp files
// (store/repo.hpp) that each hold the SQL of a few tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace samen::store::rows {

/// Every row the statement gives, each read by `read`.
template <class Read>
auto read_rows(Statement& st, Read read) -> std::vector<decltype(read(st))> {
    std::vector<decltype(read(st))> out;
    while (st.step()) out.push_back(read(st));
    return out;
}

/// The first row the statement gives, read by `read`.
template <class Read>
auto read_row(Statement& st, Read read) -> std::optional<decltype(read(st))> {
    if (!st.step()) return std::nullopt;
    return read(st);
}

inline std::int64_t read_int(const Statement& st) {
    return st.get_int(0);
}

inline std::string read_text(const Statement& st) {
    return st.get_text(0);
}

}  // namespace samen::store::rows
