// What `samen` prints: a document as Markdown, and one line per live event.
#pragma once

#include <string>
#include <string_view>

#include "model/document.hpp"
#include "ot/text.hpp"
#include "samen/types.hpp"

namespace samen::cli {

/// The document as Markdown for one layer: every section as a heading at its depth (# for the
/// top level, at most ######) followed by its text. For `common`: the sections that have common
/// text. For a municipality: its plan (DESIGN.md, "Effective document"): its override where it
/// has one, else the common text; without the sections it omits (and their subsections) and
/// without other municipalities' local sections.
std::string render_markdown(const model::Document& doc, std::string_view layer);

/// "inserted "abc" at 12, deleted 3 at 20": what an op does, with long inserts shortened and
/// line breaks shown as \n.
std::string describe_op(const ot::Op& op);

/// A name for the person: "Pieter Visscher (GM0166)".
std::string describe_user(const client::UserRef& u);

std::string describe_edit(const client::RemoteEdit& e);
std::string describe_presence(const client::PresenceEvent& p);

}  // namespace samen::cli
