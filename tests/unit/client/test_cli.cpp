#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "ot/json.hpp"
#include "render.hpp"
#include "samen/sign_in.hpp"
#include "session_file.hpp"

using namespace samen;
using namespace samen::cli;

namespace {

Options parse(std::vector<std::string> args) {
    return parse_args(args);
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string t = (std::filesystem::temp_directory_path() / "samen-cli-test-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        path = t;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

struct Run {
    int code = -1;
    std::string out;
    std::string err;
};

Run run_cli(std::vector<std::string> args, std::map<std::string, std::string> env,
            std::string input = {}) {
    std::istringstream in(input);
    std::ostringstream out, err;
    Io io{in, out, err,
          [env](const char* name) -> std::optional<std::string> {
              auto it = env.find(name);
              if (it == env.end() || it->second.empty()) return std::nullopt;
              return it->second;
          },
          [](const std::string&, bool) -> std::optional<std::string> { return std::nullopt; }};
    Run r;
    r.code = run(args, io);
    r.out = out.str();
    r.err = err.str();
    return r;
}

}  // namespace

TEST_CASE("samen's arguments: commands, options, values", "[client][cli]") {
    CHECK(parse({}).command == Command::help);
    CHECK(parse({"--help"}).command == Command::help);
    CHECK(parse({"cat", "doc", "-h"}).command == Command::help);
    CHECK(parse({"--version"}).command == Command::version);

    Options o =
        parse({"login", "--server", "http://h:1", "--user=kampen-editor", "--password-stdin"});
    CHECK(o.command == Command::login);
    CHECK(o.server == "http://h:1");
    CHECK(o.user == "kampen-editor");
    CHECK(o.password_stdin);

    o = parse({"--server=http://h:2", "cat", "ivp", "--layer", "GM0166"});
    CHECK(o.command == Command::cat);
    CHECK(o.server == "http://h:2");
    CHECK(o.doc == "ivp");
    CHECK(o.layer == "GM0166");

    o = parse({"--server", "http://h:3", "edit", "ivp", "inleiding"});
    CHECK(o.command == Command::edit);
    CHECK(o.doc == "ivp");
    CHECK(o.section == "inleiding");
    CHECK_FALSE(o.layer);

    o = parse({"watch", "ivp", "--count", "3", "--timeout=2.5"});
    CHECK(o.count == 3u);
    CHECK(o.timeout == Approx(2.5));

    o = parse({"edit", "--", "ivp", "-odd-section"});
    CHECK(o.section == "-odd-section");
    CHECK(parse({"docs"}).command == Command::docs);
}

TEST_CASE("samen's arguments: what is refused, and why", "[client][cli]") {
    auto refused = [](std::vector<std::string> args, const std::string& says) {
        INFO(args.size());
        try {
            parse_args(args);
            FAIL("accepted");
        } catch (const UsageError& e) {
            CHECK_THAT(e.what(), Catch::Contains(says));
        }
    };
    refused({"frobnicate"}, "unknown command 'frobnicate'");
    refused({"cat"}, "needs a document id");
    refused({"edit", "doc"}, "needs a document id and a section id");
    refused({"cat", "doc", "extra"}, "unexpected argument 'extra'");
    refused({"cat", "doc", "--layer", "kampen"}, "--layer must be 'common' or a municipality code");
    refused({"cat", "doc", "--layer"}, "--layer needs a value");
    refused({"docs", "--layer", "GM0166"}, "'docs' has no option --layer");
    refused({"watch", "doc", "--count", "0"}, "--count must be a whole number above 0");
    refused({"watch", "doc", "--count", "x"}, "--count must be");
    refused({"watch", "doc", "--timeout", "-1"}, "--timeout must be");
    refused({"watch", "doc", "--timeout", "nan"}, "--timeout must be");
    refused({"login", "--password-stdin"}, "--password-stdin needs --user");
    refused({"login", "--password-stdin=yes", "--user", "u"}, "--password-stdin takes no value");
    refused({"--bogus"}, "unknown option '--bogus'");
    refused({"docs", "--server="}, "--server needs a value");
}

TEST_CASE("samen --help documents the exit codes", "[client][cli]") {
    Run r = run_cli({"--help"}, {});
    CHECK(r.code == 0);
    for (const char* line : {"0  success", "2  wrong usage", "3  the server cannot be reached",
                             "4  sign-in refused", "5  no such document"}) {
        CHECK_THAT(r.out, Catch::Contains(line));
    }
    r = run_cli({"cat"}, {});
    CHECK(r.code == exit_usage);
    CHECK_THAT(r.err, Catch::Contains("needs a document id"));
}

TEST_CASE("the session file is private and round-trips", "[client][cli]") {
    TempDir dir;
    auto env = [&](const char* name) -> std::optional<std::string> {
        if (std::string(name) == "XDG_CONFIG_HOME") return (dir.path / "config").string();
        return std::nullopt;
    };
    const auto path = session_path(env);
    CHECK(path == dir.path / "config" / "samen" / "session.json");
    CHECK_FALSE(load_session(path));

    save_session(
        path, {"http://127.0.0.1:8080", "secret-token", "kampen-editor", "2030-01-01T00:00:00Z"});
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat(path.parent_path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    auto s = load_session(path);
    REQUIRE(s);
    CHECK(s->server == "http://127.0.0.1:8080");
    CHECK(s->token == "secret-token");
    CHECK(s->user == "kampen-editor");

    // A file that was readable by others becomes private when the session is saved again.
    ::chmod(path.c_str(), 0644);
    save_session(path, {"http://h:1", "t2", "u", ""});
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(load_session(path)->token == "t2");

    std::ofstream(path) << "not json";
    CHECK_THROWS_AS(load_session(path), SessionFileError);

    auto home = [&](const char* name) -> std::optional<std::string> {
        if (std::string(name) == "HOME") return "/home/someone";
        return std::nullopt;
    };
    CHECK(session_path(home) == "/home/someone/.config/samen/session.json");
    CHECK_THROWS_AS(session_path([](const char*) { return std::optional<std::string>(); }),
                    SessionFileError);
}

TEST_CASE("samen tells a missing sign-in and an unreachable server apart", "[client][cli]") {
    TempDir dir;
    const std::string config = (dir.path / "config").string();
    // Port 1 on loopback: nobody listens there, the connection is refused at once.
    Run r = run_cli({"docs", "--server", "http://127.0.0.1:1"}, {{"XDG_CONFIG_HOME", config}});
    CHECK(r.code == exit_unauthorized);
    CHECK_THAT(r.err, Catch::Contains("not signed in to http://127.0.0.1:1"));

    r = run_cli({"docs"}, {{"XDG_CONFIG_HOME", config},
                           {"SAMEN_SERVER", "http://127.0.0.1:1"},
                           {"SAMEN_TOKEN", "some-token"}});
    CHECK(r.code == exit_unreachable);
    CHECK_THAT(r.err, Catch::Contains("cannot reach the server at http://127.0.0.1:1"));

    r = run_cli({"login", "--server", "http://127.0.0.1:1", "--user", "u", "--password-stdin"},
                {{"XDG_CONFIG_HOME", config}}, "pw\n");
    CHECK(r.code == exit_unreachable);
    CHECK_FALSE(std::filesystem::exists(dir.path / "config" / "samen" / "session.json"));

    r = run_cli({"login", "--server", "http://127.0.0.1:1", "--user", "u"},
                {{"XDG_CONFIG_HOME", config}});
    CHECK(r.code == exit_usage);  // no terminal to ask the password on
    CHECK_THAT(r.err, Catch::Contains("--password-stdin"));

    r = run_cli({"docs", "--server", "https://example.org"}, {{"SAMEN_TOKEN", "t"}});
    CHECK(r.code == exit_usage);
    CHECK_THAT(r.err, Catch::Contains("https is not supported"));
}

TEST_CASE("server addresses", "[client][cli]") {
    auto a = client::parse_server_url("http://127.0.0.1:8080/");
    CHECK(a.host == "127.0.0.1");
    CHECK(a.port == 8080);
    CHECK(a.url() == "http://127.0.0.1:8080");
    CHECK(client::parse_server_url("localhost").port == 8080);
    CHECK(client::parse_server_url("http://samen.example").port == 80);
    CHECK(client::parse_server_url("http://[::1]:9000").host == "::1");
    CHECK(client::parse_server_url("http://[::1]:9000").url() == "http://[::1]:9000");
    CHECK_THROWS_AS(client::parse_server_url("http://h:99999"), std::invalid_argument);
    CHECK_THROWS_AS(client::parse_server_url("http://h:"), std::invalid_argument);
    CHECK_THROWS_AS(client::parse_server_url("http://h/api"), std::invalid_argument);
    CHECK_THROWS_AS(client::parse_server_url("ftp://h"), std::invalid_argument);
    CHECK_THROWS_AS(client::parse_server_url("http://"), std::invalid_argument);
}

// ---- Rendering ----------------------------------------------------------------------------------

namespace {

model::Section section(std::string id, std::string parent, std::string title, std::string common,
                       std::map<std::string, model::Layer> locals = {},
                       std::optional<std::string> owner = {}) {
    model::Section s;
    s.id = std::move(id);
    s.parent = std::move(parent);
    s.title = std::move(title);
    s.owner = std::move(owner);
    if (!s.owner) s.layers["common"].text = std::move(common);
    for (auto& [code, l] : locals) s.layers[code] = std::move(l);
    return s;
}

model::Layer override_layer(std::string text) {
    model::Layer l;
    l.state = model::LayerState::override_;
    l.text = std::move(text);
    return l;
}

model::Layer omit_layer() {
    model::Layer l;
    l.state = model::LayerState::omit;
    return l;
}

model::Document sample() {
    model::Document d;
    d.id = "ivp";
    d.municipalities = {{"GM0166", "Kampen"}, {"GM1708", "Steenwijkerland"}};
    d.sections.push_back(section("inleiding", "", "Inleiding", "Samen waar het kan.",
                                 {{"GM0166", override_layer("Kampen zegt het zo.")}}));
    d.sections.push_back(section("woon", "", "Veilige woon- en leefomgeving", "Wijken.",
                                 {{"GM1708", omit_layer()}}));
    d.sections.push_back(section("sociaal", "woon", "Sociale kwaliteit", "Overlast."));
    d.sections.push_back(section("lokaal", "woon", "Kampen lokaal", "",
                                 {{"GM0166", override_layer("Alleen Kampen.")}}, "GM0166"));
    d.sections.push_back(section("slot", "", "Slot", ""));
    return d;
}

}  // namespace

TEST_CASE("cat renders the common text as Markdown headings by depth", "[client][cli]") {
    CHECK(render_markdown(sample(), "common") ==
          "# Inleiding\n\nSamen waar het kan.\n"
          "\n# Veilige woon- en leefomgeving\n\nWijken.\n"
          "\n## Sociale kwaliteit\n\nOverlast.\n"
          "\n# Slot\n");
}

TEST_CASE("cat renders a municipality's plan", "[client][cli]") {
    CHECK(render_markdown(sample(), "GM0166") ==
          "# Inleiding\n\nKampen zegt het zo.\n"
          "\n# Veilige woon- en leefomgeving\n\nWijken.\n"
          "\n## Sociale kwaliteit\n\nOverlast.\n"
          "\n## Kampen lokaal\n\nAlleen Kampen.\n"
          "\n# Slot\n");
    // Steenwijkerland omits the chapter, and with it its subsections.
    CHECK(render_markdown(sample(), "GM1708") ==
          "# Inleiding\n\nSamen waar het kan.\n"
          "\n# Slot\n");
}

TEST_CASE("watch describes ops and people", "[client][cli]") {
    auto op = [](const char* j) { return ot::op_from_json(nlohmann::json::parse(j)); };
    CHECK(describe_op({}) == "no change");
    CHECK(describe_op(op(R"([3, "abc"])")) == "inserted \"abc\" at 3");
    CHECK(describe_op(op(R"([2, {"d": 4}, "x\ny", 5, {"d": 1}])")) ==
          "deleted 4 at 2, inserted \"x\\ny\" at 2, deleted 1 at 10");
    CHECK(describe_op(op(R"(["\u001b[2J"])")) == "inserted \"?[2J\" at 0");
    std::string long_text(100, 'a');
    CHECK(describe_op(ot::Op{ot::Insert{long_text}}) ==
          "inserted \"" + std::string(60, 'a') + "...\" at 0");

    client::RemoteEdit e;
    e.rev = 12;
    e.section = "inleiding";
    e.layer = "common";
    e.op = op(R"(["Hoi"])");
    e.author.name = "kampen-editor";
    e.author.display_name = "Pieter Visscher";
    e.author.municipality = "GM0166";
    CHECK(describe_edit(e) ==
          "edit      rev 12  Pieter Visscher (GM0166)  inleiding [common]: inserted \"Hoi\" at 0");
    client::PresenceEvent p{"ivp", {7, e.author, "inleiding", "common", {4, 9}}, false};
    CHECK(describe_presence(p) ==
          "presence  Pieter Visscher (GM0166)  inleiding [common] at 9 (selected 4-9)");
    p.left = true;
    CHECK(describe_presence(p) == "left      Pieter Visscher (GM0166)");
}
