// Comment threads as document changes (docs/protocol.md, `comment`): started on a range of a
// section layer's text or on a proposal, replied to, resolved and reopened; their ranges moved by
// every edit of their layer as cursors are. Like model/tree.hpp, each refuses with model::Refused
// before it changes anything, and takes the document to its next revision.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/document.hpp"
#include "ot/text.hpp"

namespace samen::model {

struct NewThread {
    std::string section;
    std::string layer;
    std::size_t from = 0;
    std::size_t to = 0;
    std::optional<std::string> municipality;
    std::optional<std::int64_t> proposal;
    std::string text;
};

/// Starts a thread. Refused: no such section, layer, municipality or open proposal (not_found);
/// a range past the layer's text (invalid); more than `max_comments` comments in the document
/// (too_large).
const Thread& start_thread(Document& doc, const NewThread& t, const UserRef& author,
                           const std::string& at, std::size_t max_comments);
/// Adds a reply; refused for an unknown thread or past `max_comments`.
const Thread& reply_to_thread(Document& doc, std::int64_t thread, const std::string& text,
                              const UserRef& author, const std::string& at,
                              std::size_t max_comments);
/// Resolves or reopens; refused for an unknown thread, or one that is so already (conflict).
const Thread& resolve_thread(Document& doc, std::int64_t thread, bool resolved);

/// Moves the ranges of the threads on `section`'s `layer` through `op` (an edit just applied), as
/// cursors move; a range whose text was deleted closes to a point, and is kept. Returns the
/// threads that moved.
std::vector<const Thread*> move_threads(Document& doc, const std::string& section,
                                        const std::string& layer, const ot::Op& op);

/// Comments in the document, over all its threads.
std::size_t comment_count(const Document& doc);

}  // namespace samen::model
