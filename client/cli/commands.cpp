#include "commands.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "args.hpp"
#include "model/merge.hpp"
#include "render.hpp"
#include "samen/blocking_client.hpp"
#include "samen/sign_in.hpp"
#include "transport/http_client.hpp"

namespace samen::cli {

using client::BlockingClient;
using client::ClientError;
using client::ClientException;

int exit_code_for(const std::string& code) {
    if (code == "unreachable") return exit_unreachable;
    if (code == "unauthorized" || code == "forbidden") return exit_unauthorized;
    if (code == "not_found") return exit_not_found;
    return exit_failure;
}

namespace {

constexpr const char* default_server = "http://127.0.0.1:8080";
constexpr auto connect_timeout = std::chrono::seconds(15);
constexpr auto request_timeout = std::chrono::seconds(30);

ClientException error(std::string code, std::string message) {
    return ClientException(client::error_of(std::move(code), std::move(message)));
}

/// The server and the session to use: --server, then SAMEN_SERVER, then the stored session.
struct Target {
    client::ServerAddress address;
    std::optional<std::string> token;
    std::optional<std::filesystem::path> session_file;
};

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

// ---- login --------------------------------------------------------------------------------------

int do_login(const Options& o, Io& io) {
    Options where = o;
    Target t = resolve(where, io, false);
    if (!t.session_file) t.session_file = session_path(io.env);  // throws with the reason
    std::string user;
    if (o.user) {
        user = *o.user;
    } else {
        auto answer = io.ask ? io.ask("User name: ", true) : std::nullopt;
        if (!answer) throw UsageError("no terminal to ask for the user name: use --user");
        user = *answer;
    }
    if (user.empty()) throw UsageError("the user name is empty");
    std::string password;
    if (o.password_stdin) {
        if (!std::getline(io.in, password)) throw UsageError("no password on standard input");
        if (!password.empty() && password.back() == '\r') password.pop_back();
    } else {
        auto answer = io.ask ? io.ask("Password for " + user + ": ", false) : std::nullopt;
        if (!answer) {
            throw UsageError("no terminal to ask for the password: use --password-stdin");
        }
        password = *answer;
    }
    client::Session s;
    try {
        s = client::sign_in(t.address, user, password);
    } catch (const ClientException& e) {
        if (e.code() == "unauthorized") {
            throw error("unauthorized",
                        "sign-in refused by " + t.address.url() + ": wrong user name or password");
        }
        throw;
    }
    save_session(*t.session_file, {t.address.url(), s.token, user, s.expires_at});
    io.out << "Signed in to " << t.address.url() << " as ";
    if (s.user.display_name.empty()) {
        io.out << user;
    } else {
        io.out << s.user.display_name << " (" << user
               << (s.user.municipality ? ", " + *s.user.municipality : std::string()) << ")";
    }
    io.out << ".\nThe session is stored in " << t.session_file->string();
    if (!s.expires_at.empty()) io.out << " and is valid until " << s.expires_at;
    io.out << ".\n";
    return exit_ok;
}

// ---- docs ---------------------------------------------------------------------------------------

int do_docs(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    auto docs = c.list(request_timeout);
    if (docs.empty()) {
        io.out << "No documents.\n";
        return exit_ok;
    }
    std::size_t id_width = 2;
    std::size_t rev_width = 3;
    for (const auto& d : docs) {
        id_width = std::max(id_width, d.id.size());
        rev_width = std::max(rev_width, std::to_string(d.rev).size());
    }
    auto pad = [](std::string s, std::size_t w) {
        if (s.size() < w) s.append(w - s.size(), ' ');
        return s;
    };
    io.out << pad("ID", id_width) << "  " << pad("REV", rev_width) << "  TITLE\n";
    for (const auto& d : docs) {
        io.out << pad(d.id, id_width) << "  " << pad(std::to_string(d.rev), rev_width) << "  "
               << d.title;
        if (!d.municipalities.empty()) {
            io.out << "  (";
            for (std::size_t i = 0; i < d.municipalities.size(); ++i) {
                io.out << (i ? " " : "") << d.municipalities[i];
            }
            io.out << ")";
        }
        if (d.archived) io.out << "  [archived]";
        io.out << "\n";
        for (const auto& v : d.versions) {
            io.out << std::string(id_width + 2, ' ') << "version at revision " << v.rev << ": "
                   << v.label << "\n";
        }
    }
    return exit_ok;
}

// ---- cat ----------------------------------------------------------------------------------------

void check_layer(const model::Document& doc, const std::string& layer) {
    if (layer == model::common_layer || doc.takes_part(layer)) return;
    std::string codes;
    for (const auto& m : doc.municipalities)
        codes += (codes.empty() ? "" : ", ") + m.code + " " + m.name;
    throw error("not_found", "'" + doc.id + "' has no municipality " + layer +
                                 (codes.empty() ? "" : " (it has " + codes + ")"));
}

int do_cat(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    open_document(c, o.doc);
    if (o.as) {
        check_layer(c.document(o.doc), *o.as);
        io.out << render_effective(c.effective(o.doc, *o.as, o.rev, request_timeout));
        return exit_ok;
    }
    model::Document doc = c.document(o.doc);
    const std::string layer = o.layer.value_or(std::string(model::common_layer));
    check_layer(doc, layer);
    io.out << render_markdown(doc, layer);
    return exit_ok;
}

// ---- export -------------------------------------------------------------------------------------

int do_export(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    std::string target =
        "/api/v1/documents/" + o.doc + "/effective/" + *o.as + "?format=" + o.format;
    if (o.rev) target += "&rev=" + std::to_string(*o.rev);
    transport::HttpResult r;
    try {
        // A PDF of a long plan takes seconds to make: the server's own time limit applies.
        r = transport::http_request(t.address.host, t.address.port, "GET", target, {},
                                    {{"Authorization", "Bearer " + *t.token}},
                                    std::chrono::seconds(120));
    } catch (const std::runtime_error& e) {
        throw error("unreachable", e.what());
    }
    if (r.status != 200) {
        std::string detail = r.body;
        try {
            detail = nlohmann::json::parse(r.body).value("detail", r.body);
        } catch (const nlohmann::json::exception&) {
        }
        const std::string code = r.status == 401   ? "unauthorized"
                                 : r.status == 403 ? "forbidden"
                                 : r.status == 404 ? "not_found"
                                                   : "failed";
        throw error(
            code, "the server did not make the file (" + std::to_string(r.status) + "): " + detail);
    }
    if (o.output == "-") {
        io.out << r.body;
        return exit_ok;
    }
    std::ofstream file(o.output, std::ios::binary | std::ios::trunc);
    if (!file || !file.write(r.body.data(), static_cast<std::streamsize>(r.body.size())) ||
        !file.flush()) {
        throw std::runtime_error("cannot write " + o.output);
    }
    io.err << "Wrote " << o.output << " (" << r.body.size() << " bytes).\n";
    return exit_ok;
}

// ---- status, log, diff
// ----------------------------------------------------------------------------

int do_status(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    open_document(c, o.doc);
    const model::Document doc = c.document(o.doc);
    io.out << render_status(c.divergence(o.doc, request_timeout), doc.municipalities, io.color);
    return exit_ok;
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

int do_log(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    open_document(c, o.doc);
    const model::Document doc = c.document(o.doc);
    // A deleted section keeps its history: only an id the document never had is refused here.
    if (!doc.has_section_id(o.section)) find_section(doc, o.section);
    if (o.layer) check_layer(doc, *o.layer);
    io.out << render_log(c.history(o.doc, o.section, o.layer, request_timeout));
    return exit_ok;
}

int do_diff(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    open_document(c, o.doc);
    const model::Document doc = c.document(o.doc);
    const client::Rev to = o.to.value_or(c.rev(o.doc));
    nlohmann::json reply;
    std::string what;
    if (o.as) {
        check_layer(doc, *o.as);
        reply = c.diff_effective(o.doc, *o.as, *o.from, to, request_timeout);
        what = "the plan of " + *o.as;
    } else {
        std::string layer = o.layer.value_or(std::string(model::common_layer));
        if (!o.layer) {
            if (!doc.has_section_id(o.section)) find_section(doc, o.section);
            if (const model::Section* s = doc.section(o.section)) layer = s->text_layer();
        }
        check_layer(doc, layer);
        reply = c.diff_layer(o.doc, o.section, layer, *o.from, to, request_timeout);
        what = "section '" + o.section + "' [" + layer + "]";
    }
    const std::string shown = render_diff(reply.at("parts"), io.color);
    if (shown.empty()) {
        io.out << "No changes in " << what << " of " << o.doc << " between revisions " << *o.from
               << " and " << to << ".\n";
        return exit_ok;
    }
    io.out << "Changes in " << what << " of " << o.doc << " from revision " << *o.from << " to "
           << to << ":\n\n"
           << shown;
    return exit_ok;
}

// ---- tag, tags ----------------------------------------------------------------------------------

const client::DocumentSummary& find_document(const std::vector<client::DocumentSummary>& docs,
                                             const std::string& id) {
    for (const auto& d : docs) {
        if (d.id == id) return d;
    }
    throw error("not_found", "there is no document '" + id + "'");
}

int do_tag(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    open_document(c, o.doc);
    try {
        c.tag(o.doc, o.label, o.rev, request_timeout);
    } catch (const ClientException& e) {
        if (e.code() == "forbidden") {
            throw error("forbidden", "you may not name versions of '" + o.doc + "': " + e.what());
        }
        throw;
    }
    client::Rev pinned = o.rev.value_or(0);
    const auto docs = c.list(request_timeout);
    for (const auto& v : find_document(docs, o.doc).versions) {
        if (v.label == o.label) pinned = v.rev;
    }
    io.out << "Named revision " << pinned << " of " << o.doc << ": " << o.label << "\n";
    return exit_ok;
}

int do_tags(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    io.out << render_versions(find_document(c.list(request_timeout), o.doc).versions);
    return exit_ok;
}

int do_comments(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    open_document(c, o.doc);
    const model::Document doc = c.document(o.doc);
    std::optional<std::string> section;
    if (!o.section.empty()) {
        find_section(doc, o.section);
        section = o.section;
    }
    io.out << render_threads(doc, section);
    return exit_ok;
}

// ---- new, import --------------------------------------------------------------------------------

std::string read_markdown(const std::string& file, Io& io) {
    std::stringstream s;
    if (file == "-") {
        s << io.in.rdbuf();
        return s.str();
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file + ": " + std::strerror(errno));
    s << in.rdbuf();
    if (in.bad()) throw std::runtime_error("cannot read " + file);
    return s.str();
}

int do_create(const Options& o, Io& io) {
    BlockingClient::NewDocument d;
    d.doc = o.doc;
    d.title = *o.title;
    d.municipalities = o.municipalities;
    d.template_doc = o.template_doc;
    if (o.command == Command::import_document) d.markdown = read_markdown(o.file, io);
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    nlohmann::json created;
    try {
        created = c.create_document(d, request_timeout);
    } catch (const ClientException& e) {
        if (e.code() == "forbidden") {
            throw error("forbidden", "you may not create documents: " + std::string(e.what()));
        }
        throw;
    }
    const auto sections = created.value("sections", std::size_t{0});
    io.out << "Created " << o.doc << " \"" << created.value("title", d.title) << "\" for ";
    for (std::size_t i = 0; i < d.municipalities.size(); ++i) {
        io.out << (i ? ", " : "") << d.municipalities[i];
    }
    io.out << ", with " << sections << (sections == 1 ? " section" : " sections");
    if (d.template_doc) io.out << " from " << *d.template_doc;
    if (d.markdown) io.out << " from " << (o.file == "-" ? "standard input" : o.file);
    io.out << ".\n";
    return exit_ok;
}

// ---- edit ---------------------------------------------------------------------------------------

/// What others did to the section layer while the editor ran, as ops applied to the local text.
struct Collector {
    std::mutex mutex;
    bool active = false;
    std::string doc, section, layer;
    std::optional<ot::Op> changes;
    bool reloaded = false;
};

std::string safe_name(const std::string& s) {
    std::string out;
    for (char ch : s) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        out += ok ? ch : '_';
        if (out.size() >= 40) break;
    }
    return out;
}

std::filesystem::path write_temp(const std::string& doc, const std::string& section,
                                 const std::string& text) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string name =
        (dir / ("samen-" + safe_name(doc) + "-" + safe_name(section) + "-XXXXXX.md")).string();
    std::vector<char> buf(name.begin(), name.end());
    buf.push_back('\0');
    int fd = ::mkstemps(buf.data(), 3);
    if (fd < 0)
        throw std::runtime_error("cannot create a temporary file in " + dir.string() + ": " +
                                 std::strerror(errno));
    ::close(fd);
    std::filesystem::path path(buf.data());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    // Editors end a file with a line break; the section text has none of its own.
    out << text;
    if (!text.empty() && text.back() != '\n') out << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
    return path;
}

std::string read_back(const std::filesystem::path& path, const std::string& original) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string() + " back");
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    if ((original.empty() || original.back() != '\n') && !text.empty() && text.back() == '\n') {
        text.pop_back();
        if (!text.empty() && text.back() == '\r') text.pop_back();
    }
    return text;
}

/// Runs the editor on `path` with the terminal; its exit status, or -1 when it could not run.
int run_editor(const std::string& editor, const std::filesystem::path& path) {
    // Through the shell, so that EDITOR may hold arguments ("code --wait").
    const std::string command = editor + " \"$1\"";
    const std::string file = path.string();
    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", command.c_str(), "sh", file.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status)
                             : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int do_edit(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    auto collector = std::make_shared<Collector>();
    c.on_edit([collector](const client::RemoteEdit& e) {
        std::lock_guard lock(collector->mutex);
        if (!collector->active || e.doc != collector->doc || e.section != collector->section ||
            e.layer != collector->layer) {
            return;
        }
        collector->changes = collector->changes ? ot::compose(*collector->changes, e.op) : e.op;
    });
    c.on_reload([collector](const std::string& doc) {
        std::lock_guard lock(collector->mutex);
        if (doc == collector->doc) collector->reloaded = true;
    });
    connect(c, t);
    open_document(c, o.doc);
    model::Document doc = c.document(o.doc);
    const model::Section& section = find_section(doc, o.section);
    const std::string layer = o.layer.value_or(section.text_layer());
    check_layer(doc, layer);
    const model::Layer* l = section.layer(layer);
    if (!l || l->state == model::LayerState::omit) {
        throw error("not_found",
                    "section '" + o.section + "' has no text of its own for " + layer +
                        (l ? " (it is omitted there)"
                           : " (it reads the common text: edit that with --layer common)"));
    }

    // Read the text and start collecting what others do to it in one step on the client's
    // thread, so that no change falls in between.
    std::string original;
    c.run([&](client::Client& cl) {
        original = cl.text(o.doc, o.section, layer).value_or("");
        std::lock_guard lock(collector->mutex);
        collector->changes.reset();
        collector->reloaded = false;
        collector->active = true;
        collector->doc = o.doc;
        collector->section = o.section;
        collector->layer = layer;
    });

    const auto path = write_temp(o.doc, o.section, original);
    const std::string editor = io.env("EDITOR").value_or("vi");
    const int status = run_editor(editor, path);
    if (status != 0) {
        io.err << "samen: the editor (" << editor << ") "
               << (status < 0 ? std::string("could not be started")
                              : "exited with status " + std::to_string(status))
               << "; nothing was sent. Your text is in " << path.string() << "\n";
        return exit_failure;
    }
    const std::string edited = read_back(path, original);
    ot::Op op;
    try {
        op = model::diff_op(original, edited);
    } catch (const std::invalid_argument&) {
        io.err << "samen: " << path.string() << " is not valid UTF-8; nothing was sent\n";
        return exit_failure;
    }
    if (op.empty()) {
        std::filesystem::remove(path);
        io.out << "No changes.\n";
        return exit_ok;
    }

    bool merged = false;
    c.edit_with(o.doc, o.section, layer, [&](const std::string& current) {
        std::lock_guard lock(collector->mutex);
        collector->active = false;
        ot::Op theirs;
        if (collector->changes && !collector->reloaded &&
            ot::apply(original, *collector->changes) == current) {
            theirs = *collector->changes;
        } else if (original != current) {
            // The document was loaded again meanwhile: the best we know is the difference.
            theirs = model::diff_op(original, current);
        }
        merged = !theirs.empty();
        return theirs.empty() ? op : ot::transform(op, theirs, ot::Side::left);
    });
    if (!c.wait_synced(request_timeout)) {
        io.err << "samen: the server did not confirm the change in time; your text is in "
               << path.string() << "\n";
        return exit_failure;
    }
    for (const ClientError& e : c.take_errors()) {
        if (e.unsent_text) {
            io.err << "samen: " << e.message << "\nYour text is in " << path.string() << "\n";
            return exit_code_for(e.code);
        }
    }
    std::filesystem::remove(path);
    if (merged)
        io.out << "Others changed this section while you edited; their changes and yours were "
                  "merged.\n";
    io.out << "Saved section '" << o.section << "' [" << layer << "] of " << o.doc
           << " at revision " << c.rev(o.doc) << ".\n";
    return exit_ok;
}

// ---- watch --------------------------------------------------------------------------------------

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_interrupt(int) {
    interrupted = 1;
}

int do_watch(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    struct Events {
        std::mutex mutex;
        std::deque<std::string> lines;
        std::deque<std::string> notes;
    };
    auto events = std::make_shared<Events>();
    c.on_edit([events](const client::RemoteEdit& e) {
        std::lock_guard lock(events->mutex);
        events->lines.push_back(describe_edit(e));
    });
    c.on_presence([events](const client::PresenceEvent& p) {
        std::lock_guard lock(events->mutex);
        events->lines.push_back(describe_presence(p));
    });
    c.on_state_change(
        [events, lost = false](client::ConnectionState s, const std::string& why) mutable {
            std::lock_guard lock(events->mutex);
            if (s == client::ConnectionState::reconnecting && !lost) {
                lost = true;
                events->notes.push_back("connection lost (" + why + "); reconnecting");
            } else if (s == client::ConnectionState::connected && lost) {
                lost = false;
                events->notes.push_back("connected again");
            }
        });
    connect(c, t);
    open_document(c, o.doc);
    io.err << "Watching " << o.doc << " at revision " << c.rev(o.doc) << "."
           << (o.count || o.timeout ? "" : " Press Ctrl-C to stop.") << "\n";

    struct sigaction action {};
    struct sigaction previous {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    interrupted = 0;
    ::sigaction(SIGINT, &action, &previous);

    const auto start = std::chrono::steady_clock::now();
    std::size_t seen = 0;
    int code = exit_ok;
    for (;;) {
        std::deque<std::string> lines, notes;
        {
            std::lock_guard lock(events->mutex);
            lines.swap(events->lines);
            notes.swap(events->notes);
        }
        for (const auto& n : notes) io.err << "samen: " << n << "\n";
        for (const auto& line : lines) {
            io.out << line << "\n";
            if (o.count && ++seen >= *o.count) break;
        }
        io.out.flush();
        if (o.count && seen >= *o.count) break;
        if (interrupted) break;
        if (o.timeout &&
            std::chrono::steady_clock::now() - start >= std::chrono::duration<double>(*o.timeout)) {
            break;
        }
        bool gone = false;
        for (const auto& e : c.take_errors()) {
            io.err << "samen: " << e.message << "\n";
            if (e.doc == o.doc && (e.code == "not_found" || e.code == "forbidden")) {
                code = exit_code_for(e.code);  // the document cannot be opened again
                gone = true;
            }
        }
        if (gone) break;
        if (c.state() == client::ConnectionState::closed) {
            code = exit_unreachable;
            break;
        }
        c.wait_until(
            [&] {
                std::lock_guard lock(events->mutex);
                return !events->lines.empty() || !events->notes.empty();
            },
            std::chrono::milliseconds(100));
    }
    ::sigaction(SIGINT, &previous, nullptr);
    return code;
}

}  // namespace

bool stdout_takes_color(const Environment& env) {
    if (env("NO_COLOR")) return false;
    if (auto term = env("TERM"); term && *term == "dumb") return false;
    return ::isatty(STDOUT_FILENO) == 1;
}

std::optional<std::string> ask_terminal(const std::string& prompt, bool echo) {
    int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    termios saved{};
    const bool is_tty = ::tcgetattr(fd, &saved) == 0;
    if (!is_tty) {
        ::close(fd);
        return std::nullopt;
    }
    if (::write(fd, prompt.data(), prompt.size()) < 0) {
        ::close(fd);
        return std::nullopt;
    }
    if (!echo) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    std::string line;
    char ch = 0;
    bool got_any = false;
    for (;;) {
        ssize_t n = ::read(fd, &ch, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got_any = true;
        if (ch == '\n') break;
        if (line.size() < 4096) line += ch;
    }
    if (!echo) ::tcsetattr(fd, TCSAFLUSH, &saved);
    ::close(fd);
    if (!got_any) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

int run(const std::vector<std::string>& args, Io io) {
    Options o;
    try {
        o = parse_args(args);
    } catch (const UsageError& e) {
        io.err << "samen: " << e.what() << "\nRun 'samen --help' for the usage.\n";
        return exit_usage;
    }
    if (!io.ask) io.ask = ask_terminal;
    try {
        switch (o.command) {
            case Command::help:
                io.out << usage();
                return exit_ok;
            case Command::version:
                io.out << version << "\n";
                return exit_ok;
            case Command::login:
                return do_login(o, io);
            case Command::docs:
                return do_docs(o, io);
            case Command::cat:
                return do_cat(o, io);
            case Command::edit:
                return do_edit(o, io);
            case Command::watch:
                return do_watch(o, io);
            case Command::status:
                return do_status(o, io);
            case Command::log:
                return do_log(o, io);
            case Command::diff:
                return do_diff(o, io);
            case Command::tag:
                return do_tag(o, io);
            case Command::tags:
                return do_tags(o, io);
            case Command::comments:
                return do_comments(o, io);
            case Command::new_document:
            case Command::import_document:
                return do_create(o, io);
            case Command::export_plan:
                return do_export(o, io);
        }
    } catch (const UsageError& e) {
        io.err << "samen: " << e.what() << "\nRun 'samen --help' for the usage.\n";
        return exit_usage;
    } catch (const ClientException& e) {
        io.err << "samen: " << e.what() << "\n";
        return exit_code_for(e.code());
    } catch (const std::exception& e) {
        io.err << "samen: " << e.what() << "\n";
        return exit_failure;
    }
    return exit_failure;
}

}  // namespace samen::cli
