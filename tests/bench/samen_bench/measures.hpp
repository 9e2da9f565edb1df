// What samen-bench measures besides the workload: memory per document and per idle connection,
// the time to open a large document, and memory after large edits.
#pragma once

#include <string>

#include "common.hpp"
#include "connection.hpp"
#include "options.hpp"
#include "server.hpp"

namespace samen::bench {

/// Memory per open document and per idle connection; into `open`, the time to open the
/// workload's document when nothing has it open yet (the first open loads it from disk).
json measure_memory(Loop& loop, const Server& server, const Options& o, const std::string& token,
                    json& open);
/// Grows one section of `large_doc` to `large_kib` KiB and times opening it, warm and cold.
json measure_large_document(Loop& loop, Server& server, const Options& o, const std::string& token);
/// The server's memory while one client makes large edits and after it left.
json measure_churn(Loop& loop, const Server& server, const Options& o, const std::string& token);

}  // namespace samen::bench
