// The fixed limits of protocol v1: what any client message may hold. The limits a server operator
// sets (message size, text size, rates, connections) are flags of samen-server instead
// (docs/security.md lists both).
#pragma once

#include <cstddef>
#include <cstdint>

namespace samen::protocol::limits {

/// Ids and names a client chooses or quotes (opid, client, section and layer ids, municipality
/// codes), so that nobody stores megabytes in them.
inline constexpr std::size_t max_name_bytes = 200;
/// A document's or a section's title: one line.
inline constexpr std::size_t max_title_bytes = 200;
/// The label of a named version.
inline constexpr std::size_t max_label_bytes = 200;
/// A document id: lower-case letters, digits and '-'.
inline constexpr std::size_t max_doc_id_bytes = 64;
/// The municipalities a new document may list.
inline constexpr std::size_t max_municipalities = 100;
/// A position among siblings; larger ones are taken as "at the end".
inline constexpr std::uint64_t max_position = 1'000'000;
/// Proposal ids (JSON numbers stay exact below 2^53).
inline constexpr std::uint64_t max_proposal_id = 1ULL << 53;
/// A password sent to sign in (the user's name is a name: max_name_bytes).
inline constexpr std::size_t max_password_bytes = 1024;
/// The text of one comment: a paragraph or a few, not a document.
inline constexpr std::size_t max_comment_bytes = 10'000;
/// A municipality's priorities: "een maximum van drie à vier" (the startnotitie's step 3).
inline constexpr std::size_t max_priorities = 4;
/// A request id echoed in the reply: a string of at most this many bytes, or an integer.
inline constexpr std::size_t max_request_id_bytes = 128;

}  // namespace samen::protocol::limits
