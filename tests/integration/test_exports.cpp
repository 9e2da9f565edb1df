// The plan for the council as files, from the real server over REST and from `samen export`,
// read back: the ODT's and the DOCX's XML, the PDF's text, the ODT and DOCX opened by a real office
// suite (LibreOffice, converting them to PDF), page 1 of each rendered to PNG; the plan as adopted;
// the refusals; and the bounds on the processes that make the files.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "command_output.hpp"
#include "office.hpp"
#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;
using samen::transport::http_request;
namespace fs = std::filesystem;

namespace {

const std::string ivp = "ivp-2023-2026";

fs::path save(const fs::path& dir, const std::string& name, const std::string& bytes) {
    const fs::path path = dir / name;
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

samen::transport::HttpResult get(const ServerProcess& server, const std::string& token,
                                 const std::string& target, const std::string& accept = {}) {
    samen::transport::HttpHeaders headers = {{"Authorization", "Bearer " + token}};
    if (!accept.empty()) headers.emplace_back("Accept", accept);
    return http_request("127.0.0.1", server.port(), "GET", target, {}, headers,
                        std::chrono::seconds(120));
}

/// Page 1 of a PDF as a PNG; kept in SAMEN_SCREENSHOTS_DIR when that is set (docs/screenshots).
void first_page_png(const fs::path& pdf, const std::string& name) {
    const fs::path png = pdf.parent_path() / name;
    output_of("pdftoppm -png -r 60 -f 1 -l 1 -singlefile " + pdf.string() + " " +
              (pdf.parent_path() / png.stem()).string());
    REQUIRE(fs::exists(png));
    CHECK(fs::file_size(png) > 1000);
    if (const char* dir = std::getenv("SAMEN_SCREENSHOTS_DIR")) {
        fs::copy_file(png, fs::path(dir) / name, fs::copy_options::overwrite_existing);
    }
}

bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

/// Kampen's own texts and the measures of its plan (not Zwartewaterland's own row). A page lays a
/// table's cells out in narrow columns that break words: there the rows are told by their budgets.
void check_kampen_plan(const std::string& text, bool on_pages = false) {
    CHECK(has(text, "Integraal Veiligheidsplan"));
    CHECK(has(text, "Gemeente Kampen"));
    CHECK(has(text, "Vastgesteld door het college"));
    CHECK(has(text, "Prioriteiten van Kampen"));
    CHECK(has(text, "Veilige woon- en leefomgeving"));
    CHECK(has(text, "€ 147.500"));  // the total of Kampen's budgets
    if (on_pages) {
        CHECK(has(text, "€ 18.500"));       // Kampen's own budget of the KVO
        CHECK(has(text, "€ 45.000"));       // the youth work, common
        CHECK_FALSE(has(text, "€ 6.500"));  // Zwartewaterland's own measure
        return;
    }
    CHECK(has(text, "Ondernemersvereniging Binnenstad Kampen"));  // Kampen's own trekker
    CHECK(has(text, "Ambulant jongerenwerk"));
    CHECK(has(text, "Jaarlijkse oefening van het gemeentelijk beleidsteam"));
    CHECK_FALSE(has(text, "Toezicht en voorlichting in het vaarseizoen"));
}

/// Whitespace as pdftotext lays it out is not the text: one space for every run.
std::string squeezed(const std::string& text) {
    std::string out;
    for (char c : text) {
        const bool space = c == ' ' || c == '\n' || c == '\f' || c == '\t';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    return out;
}

}  // namespace

TEST_CASE(
    "Kampen's plan as ODT, DOCX and PDF: its own text, the title page, the headings, every "
    "row, read back",
    "[integration][exports]") {
    ServerProcess server;
    const std::string token = server.sign_in("kampen-viewer");
    // Every row of Kampen's table: the instrument of each of its measures, as the plan has it.
    ProtocolClient c(server.port());
    c.hello(token);
    c.open(ivp);
    std::vector<std::string> instruments;
    const json plan = c.request({{"type", "effective"}, {"doc", ivp}, {"municipality", "GM0166"}});
    for (const auto& s : plan["sections"]) {
        if (s.value("kind", "") == "field" && s["title"] == "Maatregel") {
            instruments.push_back(s["text"]);
        }
    }
    REQUIRE(instruments.size() == 8);
    auto every_row = [&](const std::string& text) {
        for (const auto& i : instruments) {
            INFO(i);
            CHECK(has(text, i));
        }
    };
    const fs::path dir = server.data_dir() / "exports";
    fs::create_directories(dir);
    const std::string base = "/api/v1/documents/" + ivp + "/effective/GM0166";

    auto odt = get(server, token, base + "?format=odt");
    REQUIRE(odt.status == 200);
    CHECK(odt.content_type == "application/vnd.oasis.opendocument.text");
    CHECK(has(odt.header("Content-Disposition"), "ivp-2023-2026-kampen-r0.odt"));
    const fs::path odt_file = save(dir, "kampen.odt", odt.body);
    const std::string content = output_of("unzip -p " + odt_file.string() + " content.xml");
    check_kampen_plan(content);
    every_row(content);
    CHECK(has(content, "<text:table-of-content"));
    CHECK(has(content, "text:outline-level=\"2\""));
    CHECK(has(content, "<table:table "));

    auto docx = get(server, token, base + "?format=docx");
    REQUIRE(docx.status == 200);
    const fs::path docx_file = save(dir, "kampen.docx", docx.body);
    const std::string document = output_of("unzip -p " + docx_file.string() + " word/document.xml");
    check_kampen_plan(document);
    every_row(document);
    CHECK(has(document, "<w:pStyle w:val=\"Heading1\" />"));
    CHECK(has(document, "<w:tbl>"));

    // By Accept, as the web client's links do.
    auto pdf = get(server, token, base, "application/pdf");
    REQUIRE(pdf.status == 200);
    CHECK(pdf.content_type == "application/pdf");
    const fs::path pdf_file = save(dir, "kampen.pdf", pdf.body);
    check_kampen_plan(squeezed(output_of("pdftotext -layout " + pdf_file.string() + " -")), true);

    // A real office suite opens the ODT and the DOCX and finds the same plan.
    check_kampen_plan(squeezed(as_office_reads_it(odt_file, dir / "odt")), true);
    check_kampen_plan(squeezed(as_office_reads_it(docx_file, dir / "docx")), true);
    first_page_png(dir / "odt" / "kampen.pdf", "export-odt.png");
    first_page_png(dir / "docx" / "kampen.pdf", "export-docx.png");
    first_page_png(pdf_file, "export-pdf.png");

    // HTML: the same plan as one page.
    auto html = get(server, token, base + "?format=html");
    REQUIRE(html.status == 200);
    CHECK(has(html.body, "<caption>Maatregelen</caption>"));
    check_kampen_plan(html.body);
    every_row(html.body);
}

TEST_CASE("the plan as adopted: a file at the adopted revision keeps the old text after edits",
          "[integration][exports]") {
    ServerProcess server;
    ProtocolClient k(server.port());
    k.hello(server.sign_in("kampen-coordinator"));
    const json snapshot = k.open(ivp);
    const auto adopted = snapshot["adoption"]["GM0166"]["rev"].get<std::uint64_t>();
    auto edit = k.request(edit_request(ivp, "inleiding", "common", snapshot["rev"],
                                       json::array({"Na de vaststelling herschreven. "}), "x"));
    REQUIRE(edit["type"] == "ack");
    const std::string token = server.sign_in("kampen-viewer");
    const std::string base = "/api/v1/documents/" + ivp + "/effective/GM0166?format=html";
    auto now = get(server, token, base);
    auto then = get(server, token, base + "&rev=" + std::to_string(adopted));
    REQUIRE(now.status == 200);
    REQUIRE(then.status == 200);
    CHECK(has(now.body, "Na de vaststelling herschreven."));
    CHECK_FALSE(has(then.body, "Na de vaststelling herschreven."));
    CHECK(has(then.body, "Vastgesteld door het college"));
    CHECK(has(then.header("Content-Disposition"), "-r" + std::to_string(adopted) + ".html"));
}

TEST_CASE("exports refused: a bad format, the matrix, a municipality not taking part, no token",
          "[integration][exports]") {
    ServerProcess server;
    const std::string token = server.sign_in("staphorst-viewer");
    const std::string base = "/api/v1/documents/" + ivp;
    CHECK(get(server, token, base + "/effective/GM0166?format=xlsx").status == 400);
    CHECK(get(server, token, base + "/divergence?format=pdf").status == 400);
    CHECK(get(server, token, base + "/effective/GM0193?format=pdf").status == 404);
    CHECK(get(server, "", base + "/effective/GM0180?format=pdf").status == 401);
    // Any reader of the document reads every municipality's plan, Staphorst Kampen's too.
    CHECK(get(server, token, base + "/effective/GM0166?format=html").status == 200);
    // The Markdown and the JSON are as they were.
    CHECK(get(server, token, base + "/effective/GM0180").content_type ==
          "text/markdown; charset=utf-8");
    CHECK(get(server, token, base + "/effective/GM0180", "application/json").content_type ==
          "application/json");
}

TEST_CASE(
    "exports are bounded: one at a time with none waiting answers 503, a tool past its time "
    "is stopped, a file too large refused",
    "[integration][exports][limits]") {
    // A pandoc that hangs, found first on the server's PATH.
    TempDir tools("samen-slow-tools");
    const fs::path started = tools.path() / "started";
    {
        std::ofstream(tools.path() / "pandoc")
            << "#!/bin/sh\ntouch " << started.string() << "\nexec sleep 60\n";
        fs::permissions(tools.path() / "pandoc", fs::perms::owner_all);
    }
    const std::string path = std::getenv("PATH");
    setenv("PATH", (tools.path().string() + ":" + path).c_str(), 1);
    ServerProcess server(
        {"--max-exports", "1", "--max-queued-exports", "0", "--export-time-limit", "3"});
    setenv("PATH", path.c_str(), 1);
    const std::string token = server.sign_in("kampen-viewer");
    const std::string target = "/api/v1/documents/" + ivp + "/effective/GM0166?format=";

    auto first = std::async(std::launch::async, [&] { return get(server, token, target + "odt"); });
    // Once the first holds the one place, the next is refused at once.
    for (int i = 0; i < 200 && !fs::exists(started); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    REQUIRE(fs::exists(started));
    auto next = get(server, token, target + "docx");
    CHECK(next.status == 503);
    CHECK(next.header("Retry-After") == "5");
    CHECK(has(next.body, "every place for making a file is taken"));
    auto stopped = first.get();
    CHECK(stopped.status == 500);
    CHECK(has(stopped.body, "took longer than 3 s"));
    // The HTML needs no tool: made at once, with the place free again.
    CHECK(get(server, token, target + "html").status == 200);

    // A file over --max-export-bytes is refused.
    ServerProcess small({"--max-export-bytes", "1000"});
    auto large = get(small, small.sign_in("kampen-viewer"), target + "pdf");
    CHECK(large.status == 500);
    CHECK(has(large.body, "more than the 1000"));
}

TEST_CASE("samen export writes the plan of a municipality to a file", "[integration][exports]") {
    ServerProcess server;
    const fs::path home = server.data_dir() / "home";
    fs::create_directories(home);
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
    auto samen = [&](std::vector<std::string> args, const std::string& input = {}) {
        std::vector<std::string> argv = {
            "/usr/bin/env",          "-u",
            "SAMEN_SERVER",          "-u",
            "SAMEN_TOKEN",           "XDG_CONFIG_HOME=" + (home / "config").string(),
            "HOME=" + home.string(), SAMEN_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_command(argv, input);
    };
    REQUIRE(
        samen({"login", "--server", url, "--user", "zwartewaterland-viewer", "--password-stdin"},
              "samen-demo\n")
            .exit_code == 0);
    const fs::path pdf = home / "zwartewaterland.pdf";
    auto made = samen({"export", ivp, "--as", "GM1896", "--format", "pdf", "-o", pdf.string()});
    INFO(made.out);
    REQUIRE(made.exit_code == 0);
    const std::string text = squeezed(output_of("pdftotext -layout " + pdf.string() + " -"));
    CHECK(has(text, "Gemeente Zwartewaterland"));
    CHECK(has(text, "Vastgesteld door de gemeenteraad op 28 maart 2023"));
    CHECK(has(text, "vaarseizoen"));  // its own measure
    CHECK(has(text, "Havenmeester"));
    CHECK(has(text, "jurist"));  // its own trekker of the controls

    CHECK(samen({"export", ivp, "--format", "pdf", "-o", "x.pdf"}).exit_code == 2);  // no --as
    CHECK(samen({"export", ivp, "--as", "GM1896", "--format", "xlsx", "-o", "x"}).exit_code == 2);
    CHECK(samen({"export", "bestaat-niet", "--as", "GM1896", "--format", "odt", "-o",
                 (home / "x.odt").string()})
              .exit_code == 5);
}
