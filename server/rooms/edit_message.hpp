// The `edit` message a room sends every member when an edit is committed (docs/protocol.md):
// as a JSON tree, for replies that hold edits (`changes`), and written directly as text for the
// broadcast of each edit, which is most of what a room sends. Both give the same text; the
// rooms' unit tests hold them to it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "rooms/document_store.hpp"

namespace samen::rooms {

/// The edit `e` of document `doc` by `author` (the JSON of a model::UserRef). `stale`: the
/// overrides of the section that are stale, sent with an edit of its common text; null for none.
nlohmann::json edit_message(std::string_view doc, const AppliedEdit& e,
                            const nlohmann::json& author,
                            const std::vector<std::string>* stale = nullptr);

/// The same message as p::serialize would write it, with the author's JSON as text.
std::string edit_message_text(std::string_view doc, const AppliedEdit& e,
                              std::string_view author_json,
                              const std::vector<std::string>* stale = nullptr);

}  // namespace samen::rooms
