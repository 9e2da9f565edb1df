// What needs a municipality in one document, for the inbox (docs/protocol.md, `inbox`): its local
// versions that fell behind the common text, and the open proposals still waiting for its vote.
// What changed since a user's last visit is read from the store (server/app/inbox.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/document.hpp"

namespace samen::model {

struct StaleItem {
    std::string section;
    std::string title;
};

struct VoteItem {
    std::int64_t proposal = 0;
    std::string section;
    std::string title;
    std::string layer;  // "common", or the municipality whose own text is proposed
    UserRef proposer;
    std::string created_at;
};

struct CommentItem {
    std::int64_t thread = 0;
    std::string section;
    std::string title;
    std::string layer;
    ThreadComment first;  // the comment that started the thread
};

struct MunicipalityInbox {
    std::vector<StaleItem> stale;       // in tree order
    std::vector<VoteItem> votes;        // oldest first
    std::vector<CommentItem> comments;  // open threads addressed to it, oldest first
};

/// The stale overrides of `municipality`, the open proposals it has not voted on and the open
/// comment threads addressed to it; empty when it does not take part in `doc`.
MunicipalityInbox municipality_inbox(const Document& doc, std::string_view municipality);

}  // namespace samen::model
