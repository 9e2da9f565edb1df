// The commands of `samen` that only read: docs, cat, export, status, log, diff, tags, comments.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "command_helpers.hpp"
#include "render.hpp"
#include "transport/http_client.hpp"

namespace samen::cli::detail {

using client::BlockingClient;

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

// ---- status, log, diff --------------------------------------------------------------------------

int do_status(const Options& o, Io& io) {
    Target t = resolve(o, io, true);
    BlockingClient c(client_options());
    connect(c, t);
    open_document(c, o.doc);
    const model::Document doc = c.document(o.doc);
    io.out << render_status(c.divergence(o.doc, request_timeout), doc.municipalities, io.color);
    return exit_ok;
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

// ---- tags, comments -----------------------------------------------------------------------------

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

}  // namespace samen::cli::detail
