// The commands of `samen` that sign in or change the server's documents: login, tag, new, import.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "command_helpers.hpp"
#include "samen/sign_in.hpp"
#include "session_file.hpp"

namespace samen::cli::detail {

using client::BlockingClient;
using client::ClientException;

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

// ---- tag ----------------------------------------------------------------------------------------

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

// ---- new, import --------------------------------------------------------------------------------

namespace {

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

}  // namespace

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

}  // namespace samen::cli::detail
