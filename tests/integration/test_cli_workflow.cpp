// The `samen` commands for reading a plan and its history and for managing documents, against
// the real server with demo data: cat --as, status, log, diff, tag, tags, new, import, and the
// exit codes of their refusals.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"

using namespace samen::test;

namespace {

constexpr const char* doc_id = "startnotitie-ivp-2023";

/// Runs `samen` with its own config folder (so its own session) and no colour.
CommandResult samen_cli(const std::filesystem::path& home, std::vector<std::string> args,
                        const std::string& input = {}) {
    std::vector<std::string> argv = {
        "/usr/bin/env",          "-u",
        "SAMEN_SERVER",          "-u",
        "SAMEN_TOKEN",           "XDG_CONFIG_HOME=" + (home / "config").string(),
        "HOME=" + home.string(), "NO_COLOR=1"};
    argv.push_back(SAMEN_CLI_PATH);
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, input);
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// The line of `text` that starts with `start` (after leading spaces); empty when there is none.
std::string line_starting(const std::string& text, const std::string& start) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto end = text.find('\n', pos);
        std::string line = text.substr(pos, end == std::string::npos ? end : end - pos);
        const auto first = line.find_first_not_of(' ');
        if (first != std::string::npos && line.compare(first, start.size(), start) == 0) {
            return line;
        }
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return {};
}

/// The words of a line, split at runs of two or more spaces (the table's column gaps).
std::vector<std::string> columns(const std::string& line) {
    std::vector<std::string> out;
    std::size_t pos = line.find_first_not_of(' ');
    while (pos != std::string::npos && pos < line.size()) {
        auto gap = line.find("  ", pos);
        out.push_back(line.substr(pos, gap == std::string::npos ? gap : gap - pos));
        if (gap == std::string::npos) break;
        pos = line.find_first_not_of(' ', gap);
    }
    return out;
}

/// A user signed in with `samen login` in a home of their own.
struct CliUser {
    std::filesystem::path home;

    CliUser(const ServerProcess& server, const std::string& user) {
        home = server.data_dir() / ("home-" + user);
        std::filesystem::create_directories(home);
        const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
        auto login = samen_cli(home, {"login", "--server", url, "--user", user, "--password-stdin"},
                               "samen-demo\n");
        INFO(login.out);
        REQUIRE(login.exit_code == 0);
    }

    CommandResult operator()(std::vector<std::string> args, const std::string& input = {}) const {
        auto r = samen_cli(home, std::move(args), input);
        UNSCOPED_INFO("samen output:\n" << r.out);
        return r;
    }
};

/// Sends a request over the raw protocol and requires an ack; returns its revision.
std::uint64_t ack(ProtocolClient& c, nlohmann::json msg) {
    auto reply = c.request(std::move(msg));
    INFO(reply.dump());
    REQUIRE(reply["type"] == "ack");
    return reply["rev"].get<std::uint64_t>();
}

}  // namespace

TEST_CASE("samen cat --as, status, log and diff show a plan and its history",
          "[integration][cli][workflow]") {
    ServerProcess server;
    CliUser kampen(server, "kampen-coordinator");

    // Before anything changes: the revision the plans are compared with later.
    ProtocolClient raw(server.port());
    raw.hello(server.sign_in("kampen-coordinator"));
    auto snap = raw.open(doc_id);
    const std::uint64_t before = snap["rev"].get<std::uint64_t>();
    auto before_cat = kampen({"cat", doc_id, "--as", "GM0166"});
    REQUIRE(before_cat.exit_code == 0);
    CHECK(has(before_cat.out, "# Inleiding"));
    CHECK(has(before_cat.out, "# Randvoorwaarden"));
    CHECK_FALSE(has(before_cat.out, "Keuzes van Staphorst"));  // Staphorst's own section
    auto staphorst_cat = kampen({"cat", doc_id, "--as", "GM0180"});
    CHECK(staphorst_cat.exit_code == 0);
    CHECK(has(staphorst_cat.out, "Keuzes van Staphorst"));

    // Kampen edits the common text of two sections (one it has its own text of: now stale) and
    // leaves another out of its plan.
    const std::uint64_t edited = ack(
        raw, edit_request(doc_id, "werkgroep", "common", before, {"Nieuw: "}, "cli-workflow-1"));
    ack(raw, edit_request(doc_id, "inleiding", "common", edited, {"Vooraf. "}, "cli-workflow-2"));
    const std::uint64_t omitted = ack(
        raw,
        {{"type", "omit"}, {"doc", doc_id}, {"section", "randvoorwaarden"}, {"layer", "GM0166"}});

    SECTION("cat --as prints the effective plan, now and at an earlier revision") {
        auto now = kampen({"cat", doc_id, "--as", "GM0166"});
        CHECK(now.exit_code == 0);
        CHECK(has(now.out, "# Werkgroep\n\nNieuw: "));
        CHECK_FALSE(has(now.out, "# Randvoorwaarden"));
        auto then = kampen({"cat", doc_id, "--as", "GM0166", "--rev", std::to_string(before)});
        CHECK(then.exit_code == 0);
        CHECK(then.out == before_cat.out);
        // The common text of Staphorst's plan has the edit, and Randvoorwaarden still.
        auto staphorst = kampen({"cat", doc_id, "--as", "GM0180"});
        CHECK(has(staphorst.out, "Nieuw: "));
        CHECK(has(staphorst.out, "# Randvoorwaarden"));
        // --layer as before.
        auto layer = kampen({"cat", doc_id, "--layer", "common"});
        CHECK(layer.exit_code == 0);
        CHECK(has(layer.out, "# Randvoorwaarden"));

        CHECK(kampen({"cat", doc_id, "--as", "GM9999"}).exit_code == 5);
        CHECK(kampen({"cat", doc_id, "--as", "Kampen"}).exit_code == 2);
        CHECK(kampen({"cat", doc_id, "--rev", "1"}).exit_code == 2);  // --rev needs --as
        CHECK(kampen({"cat", doc_id, "--as", "GM0166", "--layer", "common"}).exit_code == 2);
        CHECK(kampen({"cat", "bestaat-niet", "--as", "GM0166"}).exit_code == 5);
        // A revision the document has not reached.
        CHECK(kampen({"cat", doc_id, "--as", "GM0166", "--rev", "999999"}).exit_code == 1);
    }

    SECTION("status shows the divergence matrix as words and the common share") {
        auto status = kampen({"status", doc_id});
        REQUIRE(status.exit_code == 0);
        CHECK(has(status.out, "at revision " + std::to_string(omitted)));
        CHECK_FALSE(has(status.out, "\x1b["));  // no colour when stdout is no terminal
        // Columns in the document's order of municipalities, by short name and by code.
        const auto codes = columns(line_starting(status.out, "GM"));
        REQUIRE(codes.size() == 4);
        auto column_of = [&](const std::string& code) {
            for (std::size_t i = 0; i < codes.size(); ++i) {
                if (codes[i] == code) return i + 1;  // after the title
            }
            FAIL("no column " << code);
            return std::size_t{0};
        };
        const auto kampen_col = column_of("GM0166");
        const auto staphorst_col = column_of("GM0180");
        const auto steenwijk_col = column_of("GM1708");

        auto inleiding = columns(line_starting(status.out, "Inleiding"));
        REQUIRE(inleiding.size() == 5);
        CHECK(inleiding[kampen_col] == "stale");  // its own text; the common text moved on
        CHECK(inleiding[steenwijk_col] == "stale");
        CHECK(inleiding[staphorst_col] == "inherit");
        auto randvoorwaarden = columns(line_starting(status.out, "Randvoorwaarden"));
        REQUIRE(randvoorwaarden.size() == 5);
        CHECK(randvoorwaarden[kampen_col] == "omit");
        CHECK(randvoorwaarden[staphorst_col] == "inherit");
        // Staphorst's local section, indented under its parent, absent from the other plans.
        const std::string local_line = line_starting(status.out, "Keuzes van Staphorst");
        CHECK(local_line.rfind("  Keuzes van Staphorst", 0) == 0);
        auto local = columns(local_line);
        REQUIRE(local.size() == 5);
        CHECK(local[staphorst_col] == "local");
        CHECK(local[kampen_col] == "—");
        auto share = columns(line_starting(status.out, "Common text"));
        REQUIRE(share.size() == 5);
        for (std::size_t i = 1; i < share.size(); ++i) {
            CHECK(share[i].back() == '%');
            const int pct = std::stoi(share[i]);
            CHECK(pct >= 0);
            CHECK(pct <= 100);
        }
        CHECK(share[staphorst_col] != "100%");  // its local section is no common text

        CHECK(kampen({"status", "bestaat-niet"}).exit_code == 5);
        CHECK(kampen({"status"}).exit_code == 2);
    }

    SECTION("log lists the changes of a section") {
        auto log = kampen({"log", doc_id, "werkgroep"});
        REQUIRE(log.exit_code == 0);
        auto line = columns(line_starting(log.out, std::to_string(edited) + " "));
        REQUIRE(line.size() == 6);
        CHECK(line[0] == std::to_string(edited));
        CHECK(line[1].size() == 19);  // 2026-11-26 14:03:12
        CHECK(has(line[2], "(GM0166)"));
        CHECK(line[3] == "common");
        CHECK(line[4] == "edit");
        CHECK(line[5] == "+7 -0");

        auto omits = kampen({"log", doc_id, "randvoorwaarden", "--layer", "GM0166"});
        CHECK(omits.exit_code == 0);
        CHECK(has(line_starting(omits.out, std::to_string(omitted) + " "), "omit"));
        auto none = kampen({"log", doc_id, "werkgroep", "--layer", "GM1896"});
        CHECK(none.exit_code == 0);
        CHECK(has(none.out, "No changes."));

        CHECK(kampen({"log", doc_id, "bestaat-niet"}).exit_code == 5);
        CHECK(kampen({"log", doc_id, "werkgroep", "--layer", "GM9999"}).exit_code == 5);
        CHECK(kampen({"log", doc_id}).exit_code == 2);
    }

    SECTION("diff shows what changed in a section layer or in a plan") {
        auto section = kampen({"diff", doc_id, "--from", std::to_string(before), "werkgroep"});
        REQUIRE(section.exit_code == 0);
        CHECK(has(section.out, "{+Nieuw: +}"));
        CHECK_FALSE(has(section.out, "\x1b["));
        auto layer = kampen({"diff", doc_id, "--from", std::to_string(before), "--to",
                             std::to_string(edited), "inleiding", "--layer", "common"});
        CHECK(layer.exit_code == 0);
        CHECK(has(layer.out, "No changes"));  // its edit came after `edited`

        auto plan = kampen({"diff", doc_id, "--from", std::to_string(before), "--as", "GM0166"});
        REQUIRE(plan.exit_code == 0);
        CHECK(has(plan.out, "{+Nieuw: +}"));
        CHECK(has(plan.out, "[-"));  // Randvoorwaarden left the plan
        CHECK(has(plan.out, "Randvoorwaarden"));
        // Kampen's own text of the introduction did not change: no "Vooraf." in its plan.
        CHECK_FALSE(has(plan.out, "Vooraf."));
        auto staphorst =
            kampen({"diff", doc_id, "--from", std::to_string(before), "--as", "GM0180"});
        CHECK(has(staphorst.out, "{+Vooraf. +}"));
        // Backwards: what was inserted shows as deleted.
        auto back = kampen({"diff", doc_id, "--from", std::to_string(edited), "--to",
                            std::to_string(before), "werkgroep"});
        CHECK(has(back.out, "[-Nieuw: -]"));

        CHECK(kampen({"diff", doc_id, "werkgroep"}).exit_code == 2);    // no --from
        CHECK(kampen({"diff", doc_id, "--from", "0"}).exit_code == 2);  // neither
        CHECK(kampen({"diff", doc_id, "--from", "0", "werkgroep", "--as", "GM0166"}).exit_code ==
              2);
        CHECK(kampen({"diff", doc_id, "--from", "0", "bestaat-niet"}).exit_code == 5);
        CHECK(kampen({"diff", doc_id, "--from", "0", "--as", "GM9999"}).exit_code == 5);
    }
}

TEST_CASE("samen tag names a version, tags and docs list it, a viewer may not",
          "[integration][cli][workflow]") {
    ServerProcess server;
    CliUser coordinator(server, "staphorst-coordinator");
    CliUser viewer(server, "zwartewaterland-viewer");
    const std::string label = "Vastgesteld door de raad van Staphorst, 2023-03-28";

    auto none = coordinator({"tags", doc_id});
    CHECK(none.exit_code == 0);
    CHECK(has(none.out, "No named versions."));

    auto tag = coordinator({"tag", doc_id, label});
    REQUIRE(tag.exit_code == 0);
    ProtocolClient raw(server.port());
    raw.hello(server.sign_in("staphorst-viewer"));
    auto snap = raw.open(doc_id);
    REQUIRE(snap.contains("versions"));
    REQUIRE(snap["versions"].size() == 1);
    const auto pinned = snap["versions"][0]["rev"].get<std::uint64_t>();
    CHECK(snap["versions"][0]["label"] == label);
    CHECK(has(tag.out, "Named revision " + std::to_string(pinned) + " of " + doc_id));

    auto earlier = coordinator({"tag", doc_id, "Startnotitie", "--rev", "0"});
    CHECK(earlier.exit_code == 0);
    CHECK(has(earlier.out, "Named revision 0 of"));

    auto tags = viewer({"tags", doc_id});
    CHECK(tags.exit_code == 0);
    std::vector<std::string> line;
    for (std::size_t pos = 0; pos < tags.out.size();) {
        const auto end = tags.out.find('\n', pos);
        auto row = columns(tags.out.substr(pos, end == std::string::npos ? end : end - pos));
        if (!row.empty() && row.back() == label) line = row;
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    REQUIRE(line.size() == 4);
    CHECK(line[0] == std::to_string(pinned));
    CHECK(has(line[2], "(GM0180)"));
    CHECK(line[3] == label);
    CHECK(has(tags.out, "Startnotitie"));
    auto docs = viewer({"docs"});
    CHECK(docs.exit_code == 0);
    CHECK(has(docs.out, "version at revision " + std::to_string(pinned) + ": " + label));

    CHECK(coordinator({"tag", doc_id, label}).exit_code == 1);  // taken: conflict
    auto refused = viewer({"tag", doc_id, "Van de kijker"});
    CHECK(refused.exit_code == 4);
    CHECK(has(refused.out, "may not"));
    CHECK(coordinator({"tag", "bestaat-niet", "x"}).exit_code == 5);
    CHECK(coordinator({"tags", "bestaat-niet"}).exit_code == 5);
    CHECK(coordinator({"tag", doc_id, "Te vroeg", "--rev", "999999"}).exit_code == 1);
    CHECK(coordinator({"tag", doc_id}).exit_code == 2);
    // Nothing of the refused ones was written.
    auto after = viewer({"tags", doc_id});
    CHECK_FALSE(has(after.out, "Van de kijker"));
    CHECK_FALSE(has(after.out, "Te vroeg"));
}

TEST_CASE("samen comments lists the threads with what they are about, to whom, and their comments",
          "[integration][cli][workflow]") {
    ServerProcess server;
    CliUser viewer(server, "zwartewaterland-viewer");
    auto none = viewer({"comments", doc_id});
    CHECK(none.exit_code == 0);
    CHECK(has(none.out, "No comments."));

    ProtocolClient kampen(server.port());
    kampen.hello(server.sign_in("kampen-coordinator"));
    const std::string text = layer_text(kampen.open(doc_id), "werkgroep", "common");
    const auto at = text.find("werkgroep");
    REQUIRE(at != std::string::npos);
    ack(kampen, {{"type", "comment"},
                 {"doc", doc_id},
                 {"section", "werkgroep"},
                 {"layer", "common"},
                 {"from", at},
                 {"to", at + 9},
                 {"text", "Geldt dit ook bij jullie?"},
                 {"municipality", "GM0180"}});
    ack(kampen,
        {{"type", "comment.reply"}, {"doc", doc_id}, {"thread", 1}, {"text", "Aanvulling."}});
    ack(kampen, {{"type", "comment"},
                 {"doc", doc_id},
                 {"section", "inleiding"},
                 {"layer", "common"},
                 {"from", 0},
                 {"to", 0},
                 {"text", "Elders."}});

    auto all = viewer({"comments", doc_id});
    CHECK(all.exit_code == 0);
    CHECK(has(all.out, "#1  werkgroep / common  about \"werkgroep\"  to GM0180  (open)"));
    CHECK(has(all.out, "Fatima el Amrani (GM0166): Geldt dit ook bij jullie?"));
    CHECK(has(all.out, "Aanvulling."));
    CHECK(has(all.out, "#2  inleiding"));
    auto one = viewer({"comments", doc_id, "werkgroep"});
    CHECK(has(one.out, "#1"));
    CHECK_FALSE(has(one.out, "#2"));
    CHECK(viewer({"comments", doc_id, "bestaat-niet"}).exit_code == 5);
    CHECK(viewer({"comments", "bestaat-niet"}).exit_code == 5);
}

TEST_CASE("samen new and samen import create documents, for an admin only",
          "[integration][cli][workflow]") {
    ServerProcess server;
    CliUser admin(server, "admin");
    CliUser coordinator(server, "kampen-coordinator");
    const auto file = server.data_dir() / "plan.md";
    {
        std::ofstream md(file);
        md << "# Inleiding\n\nSamen waar het kan.\n\n## Aanleiding\n\nLokaal waar het moet.\n\n"
              "# Prioriteiten\n\nOndermijning en jeugd.\n";
    }

    auto imported = admin({"import", "ivp-test", file.string(), "--title", "IVP test",
                           "--municipalities", "GM0166,GM0180"});
    REQUIRE(imported.exit_code == 0);
    CHECK(has(imported.out, "Created ivp-test \"IVP test\" for GM0166, GM0180, with 3 sections"));
    auto cat = coordinator({"cat", "ivp-test", "--as", "GM0166"});
    CHECK(cat.exit_code == 0);
    CHECK(has(cat.out, "# Inleiding\n\nSamen waar het kan.\n"));
    CHECK(has(cat.out, "## Aanleiding\n\nLokaal waar het moet.\n"));
    auto status = coordinator({"status", "ivp-test"});
    CHECK(status.exit_code == 0);
    CHECK(columns(line_starting(status.out, "GM")).size() == 2);
    CHECK(columns(line_starting(status.out, "Common text")) ==
          std::vector<std::string>{"Common text", "100%", "100%"});

    auto from_stdin =
        admin({"import", "ivp-stdin", "-", "--title", "Van stdin", "--municipalities", "GM1708"},
              "# Een\n\nTekst.\n");
    CHECK(from_stdin.exit_code == 0);
    CHECK(has(from_stdin.out, "with 1 section from standard input"));

    auto from_template = admin({"new", "ivp-kopie", "--title", "Kopie", "--municipalities",
                                "GM0166,GM1896", "--template", doc_id});
    CHECK(from_template.exit_code == 0);
    auto copy = coordinator({"cat", "ivp-kopie"});
    CHECK(copy.exit_code == 0);
    CHECK(has(copy.out, "# Werkgroep"));
    auto empty = admin({"new", "ivp-leeg", "--title", "Leeg", "--municipalities", "GM0166"});
    CHECK(empty.exit_code == 0);
    CHECK(has(empty.out, "with 0 sections"));
    auto docs = coordinator({"docs"});
    CHECK(has(docs.out, "ivp-test"));
    CHECK(has(docs.out, "ivp-kopie"));

    // Refusals, and nothing created by them.
    auto refused = coordinator(
        {"import", "ivp-niet", file.string(), "--title", "Niet", "--municipalities", "GM0166"});
    CHECK(refused.exit_code == 4);
    CHECK(coordinator({"new", "ivp-niet", "--title", "Niet", "--municipalities", "GM0166"})
              .exit_code == 4);
    CHECK(admin({"new", "ivp-test", "--title", "Dubbel", "--municipalities", "GM0166"}).exit_code ==
          1);
    CHECK(admin({"new", "ivp-x", "--title", "X", "--municipalities", "GM0166", "--template",
                 "bestaat-niet"})
              .exit_code == 5);
    CHECK(admin({"import", "ivp-y", (server.data_dir() / "geen.md").string(), "--title", "Y",
                 "--municipalities", "GM0166"})
              .exit_code == 1);
    CHECK(admin({"new", "ivp-z", "--title", "Z"}).exit_code == 2);
    CHECK(admin({"new", "ivp-z", "--title", "Z", "--municipalities", "Kampen"}).exit_code == 2);
    CHECK(admin({"new", "ivp-z", "--municipalities", "GM0166"}).exit_code == 2);
    auto listed = admin({"docs"});
    CHECK_FALSE(has(listed.out, "ivp-niet"));
    CHECK_FALSE(has(listed.out, "ivp-x"));
    CHECK_FALSE(has(listed.out, "ivp-y"));
    CHECK(coordinator({"cat", "ivp-niet"}).exit_code == 5);
}

TEST_CASE("samen --help names every command", "[integration][cli][workflow]") {
    const auto home = std::filesystem::temp_directory_path() / "samen-cli-workflow-help";
    std::filesystem::create_directories(home);
    auto help = samen_cli(home, {"--help"});
    CHECK(help.exit_code == 0);
    for (const char* command :
         {"samen login", "samen docs", "samen cat DOC --as CODE", "samen status DOC",
          "samen log DOC SECTION", "samen diff DOC", "samen tag DOC LABEL", "samen tags DOC",
          "samen new DOC", "samen import DOC FILE", "samen edit", "samen watch"}) {
        CHECK(has(help.out, command));
    }
    std::filesystem::remove_all(home);
}
