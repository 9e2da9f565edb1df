#include "export/export.hpp"

#include <stdlib.h>

#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <sstream>

#include "export/child_process.hpp"
#include "export/odt_layout.hpp"

namespace samen::exporting {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ExportFailed("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(text.data(), static_cast<std::streamsize>(text.size())) ||
        !out.flush()) {
        throw ExportFailed("cannot write " + path.string());
    }
}

/// A private folder for one render, removed with everything in it whatever happens.
class WorkDir {
  public:
    WorkDir() {
        std::string pattern = (fs::temp_directory_path() / "samen-export-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw ExportFailed("cannot make a temporary folder");
        path_ = pattern;
    }
    ~WorkDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

/// Runs the tool and returns the file it wrote at `out`.
std::string made_by(const std::vector<std::string>& argv, const WorkDir& dir, const fs::path& out,
                    const Options& o) {
    const ToolRun run = run_tool(argv, dir.path(), o.time_limit);
    if (run.exit_code != 0) {
        throw ExportFailed(argv[0] + " failed (exit " + std::to_string(run.exit_code) +
                           "): " + run.stderr_tail);
    }
    std::error_code ec;
    const auto size = fs::file_size(out, ec);
    if (ec) throw ExportFailed(argv[0] + " wrote no file: " + run.stderr_tail);
    if (size > o.max_output_bytes) {
        throw ExportFailed(argv[0] + " wrote " + std::to_string(size) + " bytes, more than the " +
                           std::to_string(o.max_output_bytes) + " a file may have");
    }
    return read_file(out);
}

}  // namespace

std::optional<Format> format_from_name(std::string_view name) {
    if (name == "odt") return Format::odt;
    if (name == "docx") return Format::docx;
    if (name == "pdf") return Format::pdf;
    if (name == "html") return Format::html;
    return std::nullopt;
}

std::optional<Format> format_from_accept(std::string_view accept) {
    for (Format f : {Format::odt, Format::docx, Format::pdf}) {
        if (accept.find(content_type(f)) != std::string_view::npos) return f;
    }
    if (accept.find("text/html") != std::string_view::npos) return Format::html;
    return std::nullopt;
}

std::string_view content_type(Format format) {
    switch (format) {
        case Format::odt:
            return "application/vnd.oasis.opendocument.text";
        case Format::docx:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        case Format::pdf:
            return "application/pdf";
        case Format::html:
            return "text/html; charset=utf-8";
    }
    return "application/octet-stream";
}

std::string_view file_extension(Format format) {
    switch (format) {
        case Format::odt:
            return "odt";
        case Format::docx:
            return "docx";
        case Format::pdf:
            return "pdf";
        case Format::html:
            return "html";
    }
    return "bin";
}

std::string render(const PrintPlan& plan, Format format, const Options& o) {
    if (format == Format::html) {
        return plan_html(plan, read_file(o.reference_dir / "print.css"));
    }
    WorkDir dir;
    const fs::path in = dir.path() / "plan.html";
    const fs::path out = dir.path() / ("plan." + std::string(file_extension(format)));
    if (format == Format::pdf) {
        write_file(in, plan_html(plan, read_file(o.reference_dir / "print.css")));
        return made_by({o.weasyprint.string(), "--base-url", dir.path().string(), "--encoding",
                        "utf-8", in.string(), out.string()},
                       dir, out, o);
    }
    write_file(in, plan_html(plan, {}, HtmlFor::pandoc));
    const std::string reference =
        (o.reference_dir / ("reference." + std::string(file_extension(format)))).string();
    std::vector<std::string> argv = {o.pandoc.string(),
                                     "--from=html",
                                     "--to=" + std::string(file_extension(format)),
                                     "--reference-doc=" + reference,
                                     "--metadata=lang:nl-NL",
                                     "--metadata=toc-title:Inhoud",
                                     "--metadata=title:" + plan.document_title,
                                     "--metadata=subtitle:" + plan.municipality,
                                     "--metadata=author:" + plan.status,
                                     "--metadata=date:" + plan.version,
                                     "--output=" + out.string()};
    if (format == Format::odt) {
        // pandoc's ODT contents are an empty index until an office suite updates it: this one has
        // its entries already (their page numbers come with that update).
        const fs::path contents = dir.path() / "contents.xml";
        write_file(contents, odt_contents(plan));
        argv.push_back("--include-before-body=" + contents.string());
        // The uitvoeringsplan on landscape pages, its cells with borders, as in the PDF.
        const fs::path filter = dir.path() / "layout.lua";
        const fs::path content = dir.path() / "content.opendocument";
        write_file(filter, std::string(odt_filter()));
        write_file(content, std::string(odt_content_template()));
        argv.push_back("--lua-filter=" + filter.string());
        argv.push_back("--template=" + content.string());
    } else {
        argv.insert(argv.end(), {"--toc", "--toc-depth=3"});  // a field Word fills in on opening
    }
    argv.push_back(in.string());
    return made_by(argv, dir, out, o);
}

// ---- Exporter ----------------------------------------------------------------------------------

struct Exporter::State {
    struct Job {
        PrintPlan plan;
        Format format;
        std::function<void(std::exception_ptr, std::string)> done;
    };
    Options options;
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Job> waiting;
    std::size_t running = 0;
    bool stopping = false;

    void work() {
        for (;;) {
            Job job;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return stopping || !waiting.empty(); });
                if (waiting.empty()) return;  // stopping, nothing left
                job = std::move(waiting.front());
                waiting.pop_front();
                ++running;
            }
            std::string file;
            std::exception_ptr error;
            try {
                file = render(job.plan, job.format, options);
            } catch (...) {
                error = std::current_exception();
            }
            {
                std::lock_guard lock(mutex);
                --running;
            }
            job.done(error, std::move(file));
        }
    }
};

Exporter::Exporter(Options options) : state_(std::make_shared<State>()) {
    state_->options = std::move(options);
    for (unsigned i = 0; i < std::max(1u, state_->options.max_parallel); ++i) {
        threads_.emplace_back([state = state_] { state->work(); });
    }
}

Exporter::~Exporter() {
    std::deque<State::Job> refused;
    {
        std::lock_guard lock(state_->mutex);
        state_->stopping = true;
        refused.swap(state_->waiting);
    }
    state_->wake.notify_all();
    for (auto& job : refused) {
        job.done(std::make_exception_ptr(Busy("the server is stopping")), {});
    }
    for (auto& t : threads_) t.join();
}

void Exporter::submit(PrintPlan plan, Format format,
                      std::function<void(std::exception_ptr, std::string)> done) {
    {
        std::lock_guard lock(state_->mutex);
        if (state_->stopping) throw Busy("the server is stopping");
        // A place is one of the threads or one of the waiting: counted the same whether a thread
        // has taken its job yet or not.
        const auto& o = state_->options;
        if (state_->running + state_->waiting.size() >=
            std::max(1u, o.max_parallel) + o.max_queued) {
            throw Busy("every place for making a file is taken (" + std::to_string(o.max_parallel) +
                       " at work, " + std::to_string(o.max_queued) + " waiting)");
        }
        state_->waiting.push_back({std::move(plan), format, std::move(done)});
    }
    state_->wake.notify_one();
}

}  // namespace samen::exporting
