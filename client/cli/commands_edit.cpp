// The commands of `samen` that stay with a document: edit (in $EDITOR) and watch.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "command_helpers.hpp"
#include "model/merge.hpp"
#include "render.hpp"

namespace samen::cli::detail {

using client::BlockingClient;
using client::ClientError;

// ---- edit ---------------------------------------------------------------------------------------

namespace {

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

}  // namespace

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

namespace {

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_interrupt(int) {
    interrupted = 1;
}

}  // namespace

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

}  // namespace samen::cli::detail
