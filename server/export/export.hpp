// The plan as files for the college and the raad (docs/plan-steps.md): one HTML page of a
// municipality's plan, and from it ODT and DOCX by pandoc and PDF by weasyprint (Debian's
// packages), each run as a child process with a time limit and an output bound, never more at once
// than the cores. What goes into a plan is app/plan_print.hpp's; here it is only laid out.
#pragma once

#include <chrono>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace samen::exporting {

/// A table of the plan: the uitvoeringsplan's measures, or its budgets per thema.
struct PrintTable {
    std::string caption;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;    // plain text cells
    std::vector<std::vector<std::string>> totals;  // rows after the body: "Totaal", ...
};
struct PrintSection {
    int depth = 0;  // 0: a chapter
    std::string title;
    std::string markdown;            // the section's text, CommonMark with GitHub's tables
    std::vector<PrintTable> tables;  // after the text
};
struct PrintPlan {
    std::string document_title;  // "Integraal Veiligheidsplan 2023–2026"
    std::string municipality;    // "Gemeente Kampen"
    std::string status;          // "Vastgesteld door de gemeenteraad op 28 maart 2023" or "Concept"
    std::string version;         // "Stand van 4 december 2026 (revisie 412)"
    std::vector<PrintSection> sections;
};

enum class Format { odt, docx, pdf, html };
/// "odt", "docx", "pdf", "html".
std::optional<Format> format_from_name(std::string_view name);
/// The format an Accept header names by its media type; nullopt for anything else (*/* too).
std::optional<Format> format_from_accept(std::string_view accept);
std::string_view content_type(Format format);
std::string_view file_extension(Format format);

/// How the HTML is meant to be read: as it is (and by weasyprint), with the title page, table of
/// contents and totals in <tfoot>; or by pandoc, which makes its own title page and contents from
/// metadata and reads no <tfoot>.
enum class HtmlFor { reader, pandoc };
/// One standalone page: lang="nl", no script, nothing loaded from elsewhere, `stylesheet` inline.
std::string plan_html(const PrintPlan& plan, std::string_view stylesheet,
                      HtmlFor for_whom = HtmlFor::reader);

/// The ODT's table of contents with its entries (pandoc's own is an empty index until an office
/// suite updates it), for pandoc's --include-before-body.
std::string odt_contents(const PrintPlan& plan);

struct Options {
    std::filesystem::path reference_dir;  // reference.odt, reference.docx, print.css
    unsigned max_parallel = std::max(1u, std::thread::hardware_concurrency());
    std::size_t max_queued = 16;               // waiting beyond max_parallel; more: Busy
    std::chrono::seconds time_limit{60};       // a child running longer is killed
    std::size_t max_output_bytes = 64u << 20;  // a larger file is an error
    std::filesystem::path pandoc = "pandoc";   // the tools, found on PATH
    std::filesystem::path weasyprint = "weasyprint";
};

/// Every place is taken: try again later.
struct Busy : std::runtime_error {
    using runtime_error::runtime_error;
};
/// The tool failed, took too long or wrote too much; the message says which, with the tail of
/// what it wrote to stderr.
struct ExportFailed : std::runtime_error {
    using runtime_error::runtime_error;
};

/// Makes the file in the calling thread.
std::string render(const PrintPlan& plan, Format format, const Options& options);

/// At most options.max_parallel renders at once, each on a thread of its own, and at most
/// options.max_queued waiting. `done` runs on that thread with the file or the error. The
/// destructor lets what runs finish, answers what waits with Busy, and joins.
class Exporter {
  public:
    explicit Exporter(Options options);
    ~Exporter();
    Exporter(const Exporter&) = delete;
    Exporter& operator=(const Exporter&) = delete;

    /// Throws Busy when no place is free.
    void submit(PrintPlan plan, Format format,
                std::function<void(std::exception_ptr, std::string)> done);

  private:
    struct State;
    std::shared_ptr<State> state_;
    std::vector<std::thread> threads_;
};

}  // namespace samen::exporting
