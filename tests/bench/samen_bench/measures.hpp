// What samen-bench measures besides the workload: memory per document and per idle connection,
// the time to open a large document, and memory after large edits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common.hpp"
#include "connection.hpp"
#include "options.hpp"
#include "server.hpp"

namespace samen::bench {

/// Memory per open document and per idle connection; into `open`, the time to open the
/// workload's document when nothing has it open yet (the first open loads it from disk). The
/// idle connections, signed in, stay in `idle`: the workload runs beside them.
json measure_memory(Loop& loop, const Server& server, const Options& o, const std::string& token,
                    json& open, std::vector<std::unique_ptr<Connection>>& idle);
/// Opens --idle-connections signed-in connections into `idle`, --connect-batch at a time.
void connect_idle(Loop& loop, std::uint16_t port, const std::string& token, const Options& o,
                  std::vector<std::unique_ptr<Connection>>& idle);
/// Closes them all (at most 10 s).
void close_all(Loop& loop, std::vector<std::unique_ptr<Connection>>& connections);
/// `count` documents made by an admin from `o.doc` with document.create; their ids.
std::vector<std::string> create_documents(Loop& loop, const Server& server, const Options& o,
                                          const std::string& admin_token, std::size_t count);
/// Grows one section of `large_doc` to `large_kib` KiB and times opening it, warm and cold.
json measure_large_document(Loop& loop, Server& server, const Options& o, const std::string& token);
/// The server's memory while one client makes large edits and after it left.
json measure_churn(Loop& loop, const Server& server, const Options& o, const std::string& token);

}  // namespace samen::bench
