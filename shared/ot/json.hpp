// The JSON form of text ops: `[3, "hi", {"d": 2}, {"d": "xy"}]`.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "ot/text.hpp"

namespace samen::ot {

/// Parses a normalized op. Throws OpError on anything else: not an array, a skip that is not a
/// positive integer, an empty insert or delete, invalid UTF-8, adjacent like components, a
/// trailing skip, an object other than `{"d": N}` / `{"d": "str"}`.
Op op_from_json(const nlohmann::json& j);

/// Parses an op that may not be normalized (empty components, adjacent like components, a
/// trailing skip), as `normalize` accepts it, and normalizes it. Negative or fractional numbers,
/// unknown components and invalid UTF-8 still throw.
Op op_from_json_lax(const nlohmann::json& j);

nlohmann::json to_json(const Op& op);

}  // namespace samen::ot
