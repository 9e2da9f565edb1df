// The `samen` command line: run() picks the command, and asks on the terminal for what it needs.
#include "commands.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <ostream>

#include "args.hpp"
#include "command_helpers.hpp"

namespace samen::cli {

using client::ClientException;

int exit_code_for(const std::string& code) {
    if (code == "unreachable") return exit_unreachable;
    if (code == "unauthorized" || code == "forbidden") return exit_unauthorized;
    if (code == "not_found") return exit_not_found;
    return exit_failure;
}

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
                return detail::do_login(o, io);
            case Command::docs:
                return detail::do_docs(o, io);
            case Command::cat:
                return detail::do_cat(o, io);
            case Command::edit:
                return detail::do_edit(o, io);
            case Command::watch:
                return detail::do_watch(o, io);
            case Command::status:
                return detail::do_status(o, io);
            case Command::log:
                return detail::do_log(o, io);
            case Command::diff:
                return detail::do_diff(o, io);
            case Command::tag:
                return detail::do_tag(o, io);
            case Command::tags:
                return detail::do_tags(o, io);
            case Command::comments:
                return detail::do_comments(o, io);
            case Command::new_document:
            case Command::import_document:
                return detail::do_create(o, io);
            case Command::export_plan:
                return detail::do_export(o, io);
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
