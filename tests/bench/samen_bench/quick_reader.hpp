// The messages a typing client receives most, read without a JSON tree: an `edit` of someone
// else, the `ack` of its own, alone or in a `batch`. Each client receives the edits of all the
// others, so reading them is most of the load generator's work; with nlohmann::json's tree it cost
// more than the server's work per edit (docs/performance/live-server.md, "Is the load generator the
// limit?").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ot/text.hpp"

namespace samen::bench {

/// An edit as broadcast: its place, revision, op and the opid its sender gave it.
struct EditIn {
    std::string section;
    std::string layer;
    std::string opid;
    std::uint64_t rev = 0;
    ot::Op op;
};

/// The acknowledgement of a request; `rev` 0 when the ack carries none.
struct AckIn {
    std::int64_t id = 0;
    std::uint64_t rev = 0;
};

/// One message read: an edit or an ack.
struct QuickMessage {
    bool is_edit = false;
    EditIn edit;
    AckIn ack;
};

/// Reads with simdjson (Debian's libsimdjson-dev) what is only edits and acks. Anything else,
/// or anything it does not expect, it leaves to the caller, who reads it as JSON: it never decides
/// that a message is wrong. One per connection's thread: it keeps its parser's buffers.
class QuickReader {
  public:
    QuickReader();
    ~QuickReader();
    QuickReader(const QuickReader&) = delete;
    QuickReader& operator=(const QuickReader&) = delete;

    /// The edits and acks of `text` (a message or a batch of them) in order into `out`; false,
    /// with `out` cleared, when it holds anything else.
    bool read(std::string_view text, std::vector<QuickMessage>& out);

  private:
    struct Parser;
    std::unique_ptr<Parser> parser_;
};

}  // namespace samen::bench
