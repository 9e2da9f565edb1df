// Private to server/rooms: the authors of one read, for document_load.cpp and document_past.cpp.
#pragma once

#include <cstdint>
#include <map>

#include "model/document.hpp"
#include "rooms/document_store.hpp"

namespace samen::rooms::detail {

/// Looks users up once per read.
class UserCache {
  public:
    explicit UserCache(store::Db& db) : db_(db) {}
    const model::UserRef& operator()(std::int64_t id) {
        auto it = users_.find(id);
        if (it == users_.end()) it = users_.emplace(id, user_ref(db_, id)).first;
        return it->second;
    }

  private:
    store::Db& db_;
    std::map<std::int64_t, model::UserRef> users_;
};

}  // namespace samen::rooms::detail
