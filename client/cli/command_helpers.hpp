// What the commands of `samen` share: the server and session to use, connecting, opening a
// document, the errors they throw, and the commands themselves for run(). Private to samen::cli.
//
// The code is in five files: commands.cpp (run, which picks the command, and the terminal),
// command_helpers.cpp (what is declared here apart from the commands), commands_read.cpp (docs,
// cat, export, status, log, diff, tags, comments), commands_write.cpp (login, tag, new, import)
// and commands_edit.cpp (edit, watch).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "model/document.hpp"
#include "samen/blocking_client.hpp"

namespace samen::cli::detail {

inline constexpr auto request_timeout = std::chrono::seconds(30);

/// A ClientException with the given code, which run() turns into the exit code.
client::ClientException error(std::string code, std::string message);

/// The server and the session to use: --server, then SAMEN_SERVER, then the stored session.
struct Target {
    client::ServerAddress address;
    std::optional<std::string> token;
    std::optional<std::filesystem::path> session_file;
};

Target resolve(const Options& o, const Io& io, bool need_token);

/// Connects with the target's token; a refused session is thrown as unauthorized (run `samen
/// login`), a server that cannot be reached as unreachable.
void connect(client::BlockingClient& c, const Target& t);

/// Opens `doc`; not_found and forbidden say which document.
void open_document(client::BlockingClient& c, const std::string& doc);

/// The options of the CLI's client (its name).
client::ClientOptions client_options();

/// Throws not_found, listing the municipalities there are, when `doc` has no layer `layer`.
void check_layer(const model::Document& doc, const std::string& layer);

/// The section, or a not_found that lists the sections there are.
const model::Section& find_section(const model::Document& doc, const std::string& id);

/// The document's entry in `docs`, or not_found.
const client::DocumentSummary& find_document(const std::vector<client::DocumentSummary>& docs,
                                             const std::string& id);

// commands_read.cpp
int do_docs(const Options& o, Io& io);
int do_cat(const Options& o, Io& io);
int do_export(const Options& o, Io& io);
int do_status(const Options& o, Io& io);
int do_log(const Options& o, Io& io);
int do_diff(const Options& o, Io& io);
int do_tags(const Options& o, Io& io);
int do_comments(const Options& o, Io& io);

// commands_write.cpp
int do_login(const Options& o, Io& io);
int do_tag(const Options& o, Io& io);
int do_create(const Options& o, Io& io);

// commands_edit.cpp
int do_edit(const Options& o, Io& io);
int do_watch(const Options& o, Io& io);

}  // namespace samen::cli::detail
