// The plan as files, made by the real pandoc and weasyprint and read back: the ODT's and the
// DOCX's XML (unzip), the PDF's text (pdftotext), the ODT and the DOCX as LibreOffice lays them
// out; and the bounds on the child processes.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>
#include <utility>
#include <vector>

#include "command_output.hpp"
#include "export/export.hpp"
#include "office.hpp"
#include "temp_dir.hpp"

using namespace samen::exporting;
using samen::test::as_office_prints_it;
using samen::test::as_office_reads_it;
using samen::test::output_of;
using samen::test::TempDir;
namespace fs = std::filesystem;

namespace {

Options house_style() {
    Options o;
    o.reference_dir = SAMEN_EXPORT_DIR;
    return o;
}

PrintPlan sample_plan() {
    PrintPlan plan;
    plan.document_title = "Integraal Veiligheidsplan 2023–2026";
    plan.municipality = "Gemeente Kampen";
    plan.status = "Vastgesteld door de gemeenteraad op 28 maart 2023 (Raadsbesluit 2023/14)";
    plan.version = "Stand van 4 december 2026 (revisie 412)";
    plan.sections.push_back(
        {0, "Prioriteiten van Kampen", "1. Jeugdoverlast\n2. Ondermijning\n", {}});
    plan.sections.push_back({0,
                             "Veilige woon- en leefomgeving",
                             "Kampen pakt **woninginbraak** aan met:\n\n- buurtpreventie\n- "
                             "voorlichting in de wijken\n\n![kaart](http://example.invalid/k.png)",
                             {}});
    plan.sections.push_back({1, "Objectieve veiligheid", "Minder inbraken in Brunnepe.", {}});
    PrintTable measures;
    measures.caption = "Maatregelen";
    measures.columns = {"Thema", "Maatregel", "Trekker", "Budget"};
    measures.rows = {
        {"Jeugd en veiligheid", "Straathoekwerk", "Jongerenwerk", "€ 40.000"},
        {"Veilige woon- en leefomgeving", "Buurtpreventie", "Wijkagent", "€ 5.000"},
        {"Integriteit en veiligheid", "Integrale controles", "Team handhaving", "€ 30.000"}};
    measures.totals = {{"Totaal", "", "", "€ 75.000"}};
    plan.sections.push_back({0, "Uitvoeringsplan 2023", "De maatregelen van 2023.", {measures}});
    return plan;
}

fs::path written(const TempDir& dir, const std::string& name, const std::string& bytes) {
    const fs::path path = dir.path() / name;
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

/// Every row of the sample plan's table, and its total.
void every_row(const std::string& text) {
    for (const char* cell : {"Straathoekwerk", "Buurtpreventie", "Integrale controles",
                             "Team handhaving", "€ 75.000"}) {
        INFO(cell);
        CHECK(has(text, cell));
    }
}

/// A plan whose text is long Dutch compounds, so that lines end inside words.
PrintPlan compounds_plan() {
    PrintPlan plan = sample_plan();
    std::string text;
    for (int i = 0; i < 12; ++i) {
        text +=
            "De veiligheidsregio en de ondermijningsaanpak vragen woninginbraakpreventie en "
            "jeugdoverlastbestrijding. ";
    }
    plan.sections.insert(plan.sections.begin(), {0, "Samenwerking", text, {}});
    return plan;
}

/// Some line of the text ends in a word broken by a hyphen (`-`, or weasyprint's U+2010).
bool breaks_a_word(const std::string& text) {
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        for (const std::string hyphen : {"-", "\u2010"}) {
            if (line.size() > hyphen.size() && line.ends_with(hyphen) &&
                std::islower(static_cast<unsigned char>(line[line.size() - hyphen.size() - 1]))) {
                return true;
            }
        }
        start = end + 1;
    }
    return false;
}

/// Where LibreOffice prints a file of this test (its ODT or DOCX in a folder of its own).
fs::path office_dir(const TempDir& dir, const fs::path& file) {
    return dir.path() / ("office-" + file.extension().string().substr(1));
}

/// A page's width and height in points, rounded.
using PageSize = std::pair<long, long>;
const PageSize portrait = {595, 842};   // A4
const PageSize landscape = {842, 595};  // A4 on its side

/// The size of every page of a PDF, as pdfinfo reads them.
std::vector<PageSize> page_sizes(const fs::path& pdf) {
    std::vector<PageSize> sizes;
    std::istringstream info(output_of("pdfinfo -f 1 -l 99 " + pdf.string()));
    for (std::string line; std::getline(info, line);) {
        double width = 0, height = 0;
        if (std::sscanf(line.c_str(), "Page %*d size: %lf x %lf", &width, &height) == 2) {
            sizes.emplace_back(std::lround(width), std::lround(height));
        }
    }
    return sizes;
}

/// The text of every page of a PDF.
std::vector<std::string> page_texts(const fs::path& pdf) {
    std::vector<std::string> pages;
    std::istringstream text(output_of("pdftotext -layout " + pdf.string() + " -"));
    for (std::string page; std::getline(text, page, '\f');) pages.push_back(page);
    return pages;
}

/// The sample plan with a chapter after the uitvoeringsplan, and a cell with XML's own characters.
PrintPlan plan_with_a_chapter_after() {
    PrintPlan plan = sample_plan();
    plan.sections.back().tables.front().rows.push_back(
        {"Ondermijning", "Controles <horeca> & \"coffeeshops\"", "Politie", "€ 0"});
    plan.sections.push_back({0, "Evaluatie", "Het plan wordt in 2026 geëvalueerd.", {}});
    return plan;
}

/// A tool that does nothing for a minute: what a hung pandoc looks like.
fs::path sleeping_tool(const TempDir& dir) {
    const fs::path path = dir.path() / "slow-tool";
    std::ofstream(path) << "#!/bin/sh\nexec sleep 60\n";
    fs::permissions(path, fs::perms::owner_all);
    return path;
}

std::size_t leftovers(const fs::path& tmp) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(tmp)) {
        n += e.path().filename().string().starts_with("samen-export-");
    }
    return n;
}

}  // namespace

TEST_CASE("ODT: the title page, contents, headings, a list and every table row, page numbers",
          "[export]") {
    TempDir dir("samen-export-test");
    const auto odt = written(dir, "plan.odt", render(sample_plan(), Format::odt, house_style()));
    const std::string content = output_of("unzip -p " + odt.string() + " content.xml");
    const std::string styles = output_of("unzip -p " + odt.string() + " styles.xml");
    CHECK(output_of("unzip -p " + odt.string() + " mimetype") ==
          "application/vnd.oasis.opendocument.text");
    CHECK(has(content, "<text:p text:style-name=\"Title\">Integraal Veiligheidsplan 2023–2026"));
    CHECK(has(content, ">Gemeente Kampen<"));
    CHECK(has(content, "Vastgesteld door de gemeenteraad op 28 maart 2023"));
    CHECK(has(content, "Stand van 4 december 2026 (revisie 412)"));
    CHECK(has(content, "<text:table-of-content"));
    // The contents hold their entries, not an index an office suite must fill in first.
    const auto toc = content.substr(content.find("<text:index-body>"));
    CHECK(has(toc.substr(0, toc.find("</text:index-body>")), "Objectieve veiligheid"));
    CHECK(has(content, "text:outline-level=\"1\""));
    CHECK(has(content, "text:outline-level=\"2\""));
    CHECK(has(content, "Veilige woon- en leefomgeving"));
    CHECK(has(content, "<text:list"));
    CHECK(has(content, "voorlichting in de wijken"));
    CHECK(has(content, "<table:table "));
    every_row(content);
    CHECK_FALSE(has(content, "example.invalid"));  // nothing fetched, nothing linked
    CHECK(has(styles, "<text:page-number"));
    CHECK(has(styles, "fo:page-width=\"21cm\""));  // A4
}

TEST_CASE(
    "ODT: the uitvoeringsplan on landscape pages between portrait ones, its cells with borders and "
    "a shaded header row, as LibreOffice prints it",
    "[export]") {
    TempDir dir("samen-export-test");
    const auto odt =
        written(dir, "plan.odt", render(plan_with_a_chapter_after(), Format::odt, house_style()));
    const std::string content = output_of("unzip -p " + odt.string() + " content.xml");
    const std::string styles = output_of("unzip -p " + odt.string() + " styles.xml");
    // The cells name styles with borders, the header's shaded, its row repeated on every page.
    CHECK(has(content,
              "<style:style style:name=\"Samen_Cell\" style:family=\"table-cell\">\n"
              "      <style:table-cell-properties fo:border=\"0.5pt solid #555555\""));
    CHECK(has(content,
              "<style:style style:name=\"Samen_HeaderCell\" style:family=\"table-cell\">\n"
              "      <style:table-cell-properties fo:border=\"0.5pt solid #555555\" "
              "fo:padding=\"0.06cm\" fo:background-color=\"#e8e8e8\""));
    CHECK(has(content,
              "<table:table-header-rows>\n<table:table-row "
              "table:style-name=\"Samen_Row\"><table:table-cell "
              "table:style-name=\"Samen_HeaderCell\" office:value-type=\"string\"><text:p "
              "text:style-name=\"Table_20_Heading\">Thema</text:p>"));
    CHECK(has(content,
              "<table:table-cell table:style-name=\"Samen_Cell\" "
              "office:value-type=\"string\"><text:p "
              "text:style-name=\"Table_20_Contents\">Straathoekwerk</text:p>"));
    CHECK_FALSE(has(content, "table:style-name=\"TableRowCell\""));
    CHECK(has(content, "<text:p text:style-name=\"TableCaption\">Maatregelen</text:p>"));
    CHECK(has(content, "<text:span text:style-name=\"Strong_20_Emphasis\">€ 75.000</text:span>"));
    CHECK(has(content, "Controles &lt;horeca&gt; &amp; &quot;coffeeshops&quot;"));
    every_row(content);
    CHECK(has(styles, "<style:master-page style:name=\"Landscape\""));
    CHECK(has(styles, "fo:page-width=\"29.7cm\""));

    const fs::path pdf = as_office_prints_it(odt, office_dir(dir, odt));
    const auto sizes = page_sizes(pdf);
    const auto pages = page_texts(pdf);
    REQUIRE(sizes.size() >= 3);
    CHECK(sizes.front() == portrait);
    std::size_t table_page = 0;
    while (table_page < pages.size() && !has(pages[table_page], "Straathoekwerk")) ++table_page;
    REQUIRE(table_page + 1 < sizes.size());
    CHECK(has(pages[table_page], "Uitvoeringsplan 2023"));  // the section starts on that page
    CHECK(sizes[table_page - 1] == portrait);
    CHECK(sizes[table_page] == landscape);
    CHECK(has(pages[table_page + 1], "Evaluatie"));
    CHECK(sizes[table_page + 1] == portrait);
    std::string text;
    for (const auto& page : pages) text += page;
    every_row(text);
    CHECK(has(text, "Controles <horeca> & \"coffeeshops\""));
}

TEST_CASE("ODT: the last chapter on landscape pages leaves no empty page after it", "[export]") {
    TempDir dir("samen-export-test");
    const auto odt = written(dir, "plan.odt", render(sample_plan(), Format::odt, house_style()));
    const fs::path pdf = as_office_prints_it(odt, office_dir(dir, odt));
    const auto sizes = page_sizes(pdf);
    const auto pages = page_texts(pdf);
    REQUIRE(!sizes.empty());
    CHECK(sizes.front() == portrait);
    CHECK(sizes.back() == landscape);
    CHECK(has(pages.back(), "Straathoekwerk"));
}

TEST_CASE("ODT: a reference document without the landscape page still makes the file", "[export]") {
    TempDir dir("samen-export-test");
    // pandoc's own reference.odt: Letter, none of Samen's styles.
    Options o = house_style();
    o.reference_dir = dir.path() / "plain";
    fs::create_directory(o.reference_dir);
    output_of("pandoc --print-default-data-file reference.odt > " +
              (o.reference_dir / "reference.odt").string());
    const auto odt = written(dir, "plan.odt", render(plan_with_a_chapter_after(), Format::odt, o));
    CHECK(has(output_of("unzip -p " + odt.string() + " styles.xml"), "fo:page-width=\"8.5in\""));
    every_row(output_of("unzip -p " + odt.string() + " content.xml"));
    const std::string text = as_office_reads_it(odt, office_dir(dir, odt));
    CHECK(has(text, "Straathoekwerk"));
    CHECK(has(text, "Evaluatie"));
}

TEST_CASE("DOCX: the title page, contents, headings, a list and every table row, page numbers",
          "[export]") {
    TempDir dir("samen-export-test");
    const auto docx = written(dir, "plan.docx", render(sample_plan(), Format::docx, house_style()));
    const std::string document = output_of("unzip -p " + docx.string() + " word/document.xml");
    const std::string footer = output_of("unzip -p " + docx.string() + " word/footer1.xml");
    CHECK(has(document, "<w:pStyle w:val=\"Title\" />"));
    CHECK(has(document, "Integraal Veiligheidsplan 2023–2026"));
    CHECK(has(document, "Gemeente Kampen"));
    CHECK(has(document, "Vastgesteld door de gemeenteraad op 28 maart 2023"));
    CHECK(has(document, "TOC \\o"));
    CHECK(has(document, "<w:pStyle w:val=\"Heading1\" />"));
    CHECK(has(document, "<w:pStyle w:val=\"Heading2\" />"));
    CHECK(has(document, "<w:numPr>"));
    CHECK(has(document, "<w:tbl>"));
    every_row(document);
    CHECK(has(footer, "PAGE"));
    CHECK(has(document, "w:footerReference"));
}

TEST_CASE("PDF: the title page, contents with page numbers, the text and the table", "[export]") {
    TempDir dir("samen-export-test");
    const auto pdf = written(dir, "plan.pdf", render(sample_plan(), Format::pdf, house_style()));
    const std::string text = output_of("pdftotext -layout " + pdf.string() + " -");
    const std::string info = output_of("pdfinfo " + pdf.string());
    CHECK(has(text, "Integraal Veiligheidsplan 2023–2026"));
    CHECK(has(text, "Gemeente Kampen"));
    CHECK(has(text, "Vastgesteld door de gemeenteraad op 28 maart 2023"));
    CHECK(has(text, "Inhoud"));
    CHECK(has(text, "Objectieve veiligheid"));
    every_row(text);
    // Title page, contents, text: three pages at least, each but the first numbered.
    std::size_t pages = 0;
    for (char c : text) pages += c == '\f';
    CHECK(pages >= 3);
    CHECK(has(info, "Page size:      841.89 x 595.28") == false);  // the first page is portrait
}

TEST_CASE("long Dutch compounds break at their syllables in the PDF, the ODT and the DOCX",
          "[export]") {
    TempDir dir("samen-export-test");
    const PrintPlan plan = compounds_plan();
    const auto pdf = written(dir, "plan.pdf", render(plan, Format::pdf, house_style()));
    CHECK(breaks_a_word(output_of("pdftotext -layout " + pdf.string() + " -")));
    // The office suite hyphenates what the file asks for, in the text's language.
    const auto odt = written(dir, "plan.odt", render(plan, Format::odt, house_style()));
    const std::string styles = output_of("unzip -p " + odt.string() + " styles.xml");
    CHECK(has(styles, "fo:language=\"nl\""));
    CHECK(has(styles, "fo:country=\"NL\""));
    CHECK(has(styles, "fo:hyphenate=\"true\""));
    CHECK(breaks_a_word(as_office_reads_it(odt, office_dir(dir, odt))));
    const auto docx = written(dir, "plan.docx", render(plan, Format::docx, house_style()));
    CHECK(has(output_of("unzip -p " + docx.string() + " word/settings.xml"), "<w:autoHyphenation"));
    CHECK(has(output_of("unzip -p " + docx.string() + " word/styles.xml"), "w:val=\"nl-NL\""));
    CHECK(breaks_a_word(as_office_reads_it(docx, office_dir(dir, docx))));
}

TEST_CASE("HTML: one page, its text escaped, nothing loaded from elsewhere", "[export]") {
    PrintPlan plan = sample_plan();
    plan.document_title = "IVP <script>alert(1)</script>";
    const std::string html = render(plan, Format::html, house_style());
    CHECK(has(html, "<html lang=\"nl\">"));
    CHECK(has(html, "IVP &lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK_FALSE(has(html, "<script"));
    CHECK_FALSE(has(html, "<img src="));
    CHECK_FALSE(has(html, "<link"));
    CHECK(has(html, "<tfoot>"));
    CHECK(has(html, "<caption>Maatregelen</caption>"));
    CHECK(has(html, "@page"));  // the print style sheet, inline
    CHECK(format_from_accept("application/pdf") == Format::pdf);
    CHECK(format_from_accept("*/*") == std::nullopt);
    CHECK(format_from_accept("application/json") == std::nullopt);
    CHECK(format_from_name("xlsx") == std::nullopt);
}

TEST_CASE(
    "a tool that hangs is killed at the time limit, one that fails or writes too much is "
    "an error, and nothing is left behind",
    "[export][limits]") {
    TempDir tmp("samen-export-tmp");
    setenv("TMPDIR", tmp.path().c_str(), 1);
    Options o = house_style();
    o.time_limit = std::chrono::seconds(1);
    o.pandoc = sleeping_tool(tmp);
    CHECK_THROWS_WITH(render(sample_plan(), Format::odt, o),
                      Catch::Contains("took longer than 1 s"));
    o.pandoc = "/bin/false";
    CHECK_THROWS_AS(render(sample_plan(), Format::docx, o), ExportFailed);
    o.pandoc = "no-such-pandoc-here";
    CHECK_THROWS_WITH(render(sample_plan(), Format::docx, o), Catch::Contains("cannot start"));
    o = house_style();
    o.max_output_bytes = 1000;
    CHECK_THROWS_WITH(render(sample_plan(), Format::pdf, o), Catch::Contains("more than the 1000"));
    CHECK(leftovers(tmp.path()) == 0);
    unsetenv("TMPDIR");
}

TEST_CASE("the exporter makes at most max_parallel files at once and queues at most max_queued",
          "[export][limits]") {
    TempDir tmp("samen-export-tmp");
    Options o = house_style();
    o.max_parallel = 1;
    o.max_queued = 1;
    o.time_limit = std::chrono::seconds(2);
    o.pandoc = sleeping_tool(tmp);
    std::promise<std::string> first, second;
    Exporter exporter(o);
    auto answer = [](std::promise<std::string>& p) {
        return [&p](std::exception_ptr e, std::string) {
            try {
                if (e) std::rethrow_exception(e);
                p.set_value("made");
            } catch (const std::exception& x) {
                p.set_value(x.what());
            }
        };
    };
    exporter.submit(sample_plan(), Format::odt, answer(first));   // at work
    exporter.submit(sample_plan(), Format::odt, answer(second));  // waiting
    CHECK_THROWS_AS(
        exporter.submit(sample_plan(), Format::html, [](std::exception_ptr, std::string) {}), Busy);
    CHECK_THAT(first.get_future().get(), Catch::Contains("took longer"));
    CHECK_THAT(second.get_future().get(), Catch::Contains("took longer"));
    // With the places free again, a file is made.
    std::promise<std::string> third;
    exporter.submit(sample_plan(), Format::html, answer(third));
    CHECK(third.get_future().get() == "made");
}
