// A whole Document as JSON, every field of it: the form the data file keeps a document snapshot in
// (docs/decisions/0022-document-snapshots.md). Unlike the protocol's forms (model/document.hpp),
// which show a client what it needs, this one gives back exactly what it was given:
// document_from_json(document_to_json(d)) == d.
#pragma once

#include <nlohmann/json.hpp>

#include "model/document.hpp"

namespace samen::model {

nlohmann::json document_to_json(const Document& d);
/// Throws nlohmann::json's errors when `j` is not what document_to_json writes.
Document document_from_json(const nlohmann::json& j);

}  // namespace samen::model
