// What `samen` prints: a document as Markdown, and one line per live event.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/document.hpp"
#include "ot/text.hpp"
#include "samen/types.hpp"

namespace samen::cli {

/// The document as Markdown for one layer: every section as a heading at its depth (# for the
/// top level, at most ######) followed by its text. For `common`: the sections that have common
/// text. For a municipality: its plan, as the server's `effective` gives it
/// (docs/architecture.md, "Reading a plan"): its override where it has one, else the common text;
/// without the sections it omits (and their subsections) and without other municipalities' local
/// sections.
std::string render_markdown(const model::Document& doc, std::string_view layer);

/// "inserted "abc" at 12, deleted 3 at 20": what an op does, with long inserts shortened and
/// line breaks shown as \n.
std::string describe_op(const ot::Op& op);

/// A name for the person: "Pieter Visscher (GM0166)".
std::string describe_user(const client::UserRef& u);

std::string describe_edit(const client::RemoteEdit& e);
std::string describe_presence(const client::PresenceEvent& p);

/// An `effective` reply as Markdown, in the form of render_markdown.
std::string render_effective(const nlohmann::json& effective);

/// A `divergence` reply as a table for a terminal: one row per section (its title indented by
/// depth), one column per municipality (in the order given), each cell a word (inherit,
/// override, stale, omit, local, or — for another municipality's local section), and a last
/// row with each municipality's share of common text. `color` adds colour to the words.
std::string render_status(const nlohmann::json& divergence,
                          const std::vector<model::Municipality>& municipalities, bool color);

/// A `history` reply: one line per change (revision, time, author, layer, kind, +inserted
/// -deleted), then the document's named versions.
std::string render_log(const nlohmann::json& history);

/// The named versions: revision, date, author, label.
std::string render_versions(const std::vector<client::Version>& versions);
/// The comment threads of `doc` (of `section` only when given), with the text each is about.
std::string render_threads(const model::Document& doc, const std::optional<std::string>& section);

/// The `parts` of a `diff` reply: the lines with a change and `context` lines around them,
/// deleted text as [-...-] and inserted text as {+...+} (in red and green too with `color`),
/// runs of unchanged lines left out shown as "...". Empty when nothing changed.
std::string render_diff(const nlohmann::json& parts, bool color, std::size_t context = 2);

/// "2026-11-26 14:03:12" from an RFC 3339 time in UTC.
std::string short_time(const std::string& rfc3339);

}  // namespace samen::cli
