// The server under measurement: a samen-server the benchmark started or one it was pointed at, its
// memory, its tokens and its own counters from /metrics.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "connection.hpp"
#include "options.hpp"
#include "server_process.hpp"

namespace samen::bench {

struct Server {
    std::uint16_t port = 0;
    std::optional<pid_t> pid;
    std::unique_ptr<test::ServerProcess> child;  // when the benchmark started it

    std::optional<std::uint64_t> rss() const {
        return pid ? test::process_rss_kib(*pid) : std::nullopt;
    }
};

/// RSS after the server had a moment to finish what the last reply set in motion.
std::optional<std::uint64_t> settled_rss(Loop& loop, const Server& server);
/// A session token for `user`, signed in once and kept in `tokens`.
std::string token_for(std::map<std::string, std::string>& tokens, const Server& server,
                      const std::string& user, const Options& o);
/// Throws when the reply is an error.
void require_ok(const Requester::Reply& reply, const std::string& what);
/// The server's own counters from GET /metrics (the plain `name value` lines), for what the
/// clients cannot see: how long an edit spent inside the server, and the group commits.
std::map<std::string, double> scrape_metrics(std::uint16_t port);
/// What the server's counters say about the measured window.
json server_metrics(const std::map<std::string, double>& before,
                    const std::map<std::string, double>& after);

}  // namespace samen::bench
