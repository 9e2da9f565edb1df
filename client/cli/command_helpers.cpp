// What the commands of `samen` share: the server and session, connecting, finding what was named.
#include "command_helpers.hpp"

#include <stdexcept>

#include "samen/sign_in.hpp"
#include "session_file.hpp"

namespace samen::cli::detail {

using client::BlockingClient;
using client::ClientException;

namespace {

constexpr const char* default_server = "http://127.0.0.1:8080";
constexpr auto connect_timeout = std::chrono::seconds(15);

}  // namespace

ClientException error(std::string code, std::string message) {
    return ClientException(client::error_of(std::move(code), std::move(message)));
}

Target resolve(const Options& o, const Io& io, bool need_token) {
    Target t;
    std::optional<StoredSession> stored;
    try {
        t.session_file = session_path(io.env);
        stored = load_session(*t.session_file);
    } catch (const SessionFileError& e) {
        // A session given in the environment does not need the file.
        if (need_token && !io.env("SAMEN_TOKEN")) throw;
    }
    std::string url = default_server;
    if (o.server) {
        url = *o.server;
    } else if (auto env = io.env("SAMEN_SERVER")) {
        url = *env;
    } else if (stored) {
        url = stored->server;
    }
    try {
        t.address = client::parse_server_url(url);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("bad server address ") + e.what());
    }
    if (auto env = io.env("SAMEN_TOKEN")) {
        t.token = *env;
    } else if (stored) {
        // A token is good for the server that issued it only.
        try {
            if (client::parse_server_url(stored->server).url() == t.address.url())
                t.token = stored->token;
        } catch (const std::invalid_argument&) {
        }
    }
    if (need_token && !t.token) {
        throw error("unauthorized", "not signed in to " + t.address.url() + ": run 'samen login" +
                                        (o.server ? " --server " + t.address.url() : "") + "'");
    }
    return t;
}

void connect(BlockingClient& c, const Target& t) {
    try {
        c.connect(t.address.host, t.address.port, *t.token, connect_timeout);
    } catch (const ClientException& e) {
        if (e.code() == "unauthorized") {
            throw error("unauthorized", "the server at " + t.address.url() +
                                            " refused the session (it may have expired): run "
                                            "'samen login'");
        }
        if (e.code() == "unreachable" || e.code() == "timeout" || e.code() == "connection_lost") {
            throw error("unreachable",
                        "cannot reach the server at " + t.address.url() + ": " + e.what());
        }
        throw;
    }
}

void open_document(BlockingClient& c, const std::string& doc) {
    try {
        c.open(doc, request_timeout);
    } catch (const ClientException& e) {
        if (e.code() == "not_found") throw error("not_found", "there is no document '" + doc + "'");
        if (e.code() == "forbidden") {
            throw error("forbidden", "you may not open '" + doc + "': " + e.what());
        }
        throw;
    }
}

client::ClientOptions client_options() {
    client::ClientOptions options;
    options.client_name = "samen-cli/0.1";
    return options;
}

void check_layer(const model::Document& doc, const std::string& layer) {
    if (layer == model::common_layer || doc.takes_part(layer)) return;
    std::string codes;
    for (const auto& m : doc.municipalities)
        codes += (codes.empty() ? "" : ", ") + m.code + " " + m.name;
    throw error("not_found", "'" + doc.id + "' has no municipality " + layer +
                                 (codes.empty() ? "" : " (it has " + codes + ")"));
}

/// The section, or a not_found that lists the sections there are.
const model::Section& find_section(const model::Document& doc, const std::string& id) {
    if (const model::Section* s = doc.section(id)) return *s;
    std::string ids;
    for (const auto& sec : doc.sections) {
        if (!sec.deleted) ids += "\n  " + sec.id + "  " + sec.title;
    }
    throw error("not_found",
                "'" + doc.id + "' has no section '" + id + "'; its sections are:" + ids);
}

const client::DocumentSummary& find_document(const std::vector<client::DocumentSummary>& docs,
                                             const std::string& id) {
    for (const auto& d : docs) {
        if (d.id == id) return d;
    }
    throw error("not_found", "there is no document '" + id + "'");
}

}  // namespace samen::cli::detail
