// Why the document does not allow a change: thrown by the model's changes (model/tree.hpp,
// model/layers.hpp, model/proposals.hpp) before they touch anything, and turned into the
// protocol's error codes at the edge.
#pragma once

#include <stdexcept>
#include <string>

namespace samen::model {

struct Refused : std::runtime_error {
    enum class Why {
        invalid,    // the request contradicts the document (a section under itself, ...)
        not_found,  // no such section, layer, municipality or proposal
        conflict,   // the state does not allow it now (not stale, voted already, ...)
        too_large,  // a text over the layer's bound
    };
    Refused(Why why_, const std::string& message) : std::runtime_error(message), why(why_) {}
    Why why;
};

}  // namespace samen::model
