#include "render.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "text/utf8.hpp"

namespace samen::cli {

std::string render_markdown(const model::Document& doc, std::string_view layer) {
    const bool common = layer == model::common_layer;
    std::map<std::string, std::size_t> depth;
    std::set<std::string> left_out;  // sections not in this plan; their subsections follow them
    std::string out;
    for (const model::Section& s : doc.sections) {
        if (s.deleted) continue;
        const std::size_t d = s.parent.empty() || !depth.count(s.parent) ? 0 : depth[s.parent] + 1;
        depth[s.id] = d;
        if (!s.parent.empty() && left_out.count(s.parent)) {
            left_out.insert(s.id);
            continue;
        }
        const model::Layer* text = nullptr;
        if (s.owner) {
            // A local section belongs to its owner's plan alone.
            if (!common && *s.owner == layer) text = s.layer(*s.owner);
        } else if (const model::Layer* own = common ? nullptr : s.layer(layer)) {
            if (own->state != model::LayerState::omit) text = own;
        } else {
            text = s.layer(model::common_layer);
        }
        if (!text) {
            left_out.insert(s.id);
            continue;
        }
        if (!out.empty()) out += '\n';
        out += std::string(std::min<std::size_t>(d + 1, 6), '#') + ' ' + s.title + "\n";
        if (!text->text.empty()) {
            out += '\n' + text->text.str();
            if (text->text.str().back() != '\n') out += '\n';
        }
    }
    return out;
}

namespace {

std::string shorten(const std::string& text) {
    constexpr std::size_t max_code_points = 60;
    std::string shown;
    const std::size_t cut = utf8::byte_offset(text, max_code_points);
    for (std::size_t i = 0; i < cut; ++i) {
        if (text[i] == '\n') {
            shown += "\\n";
        } else if (text[i] == '\t') {
            shown += "\\t";
        } else if (text[i] == '"') {
            shown += "\\\"";
        } else if (static_cast<unsigned char>(text[i]) < 0x20) {
            shown += '?';  // other control characters would act on the terminal
        } else {
            shown += text[i];
        }
    }
    if (cut < text.size()) shown += "...";
    return '"' + shown + '"';
}

}  // namespace

std::string describe_op(const ot::Op& op) {
    std::string out;
    std::size_t pos = 0;  // in the text after the components so far
    for (const ot::Component& c : op) {
        if (const auto* skip = std::get_if<ot::Skip>(&c)) {
            pos += skip->n;
            continue;
        }
        if (!out.empty()) out += ", ";
        if (const auto* ins = std::get_if<ot::Insert>(&c)) {
            out += "inserted " + shorten(ins->text) + " at " + std::to_string(pos);
            pos += utf8::count(ins->text);
        } else if (const auto* del = std::get_if<ot::Delete>(&c)) {
            out += "deleted " + std::to_string(del->n) + " at " + std::to_string(pos);
        }
    }
    return out.empty() ? "no change" : out;
}

std::string describe_user(const client::UserRef& u) {
    std::string name = u.display_name.empty() ? u.name : u.display_name;
    if (u.municipality) name += " (" + *u.municipality + ")";
    return name;
}

std::string describe_edit(const client::RemoteEdit& e) {
    return "edit      rev " + std::to_string(e.rev) + "  " + describe_user(e.author) + "  " +
           e.section + " [" + e.layer + "]: " + describe_op(e.op);
}

std::string describe_presence(const client::PresenceEvent& p) {
    const auto& pr = p.presence;
    if (p.left) return "left      " + describe_user(pr.user);
    std::string where = pr.section + " [" + pr.layer + "] at " + std::to_string(pr.sel.head);
    if (pr.sel.anchor != pr.sel.head) {
        where += " (selected " + std::to_string(std::min(pr.sel.anchor, pr.sel.head)) + "-" +
                 std::to_string(std::max(pr.sel.anchor, pr.sel.head)) + ")";
    }
    return "presence  " + describe_user(pr.user) + "  " + where;
}

// ---- Reading a plan -----------------------------------------------------------------------------

std::string render_effective(const nlohmann::json& effective) {
    std::string out;
    for (const auto& s : effective.at("sections")) {
        const auto depth = s.at("depth").get<std::size_t>();
        const auto& text = s.at("text").get_ref<const std::string&>();
        if (!out.empty()) out += '\n';
        out += std::string(std::min<std::size_t>(depth + 1, 6), '#') + ' ' +
               s.at("title").get<std::string>() + "\n";
        if (!text.empty()) {
            out += '\n' + text;
            if (text.back() != '\n') out += '\n';
        }
    }
    return out;
}

namespace {

constexpr const char* reset = "\x1b[0m";

/// Pads (or cuts, with "…") to `width` code points; the padding goes after the colour.
std::string cell(const std::string& text, std::size_t width, const char* colour = nullptr) {
    std::string shown = text;
    std::size_t len = utf8::count(shown);
    if (len > width) {
        shown = shown.substr(0, utf8::byte_offset(shown, width - 1)) + "…";
        len = width;
    }
    if (colour) shown = colour + shown + reset;
    return shown + std::string(width - len, ' ');
}

const char* state_colour(const std::string& state) {
    if (state == "override") return "\x1b[33m";  // yellow
    if (state == "stale") return "\x1b[1;31m";   // bold red
    if (state == "omit") return "\x1b[2m";       // dim
    if (state == "local") return "\x1b[36m";     // cyan
    if (state == "absent") return "\x1b[2m";
    return nullptr;
}

/// "Steenwijkerland" is too wide for a column of states: "Steenwijk.".
std::string short_name(const std::string& name) {
    constexpr std::size_t max = 10;
    if (utf8::count(name) <= max) return name;
    return name.substr(0, utf8::byte_offset(name, max - 1)) + ".";
}

std::string trim_right(std::string s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

}  // namespace

std::string render_status(const nlohmann::json& divergence,
                          const std::vector<model::Municipality>& municipalities, bool color) {
    struct Column {
        std::string code;
        std::string name;
        std::size_t width;
    };
    std::vector<Column> columns;
    for (const auto& m : municipalities) {
        const std::string name = short_name(m.name.empty() ? m.code : m.name);
        columns.push_back(
            {m.code, name, std::max<std::size_t>({8, utf8::count(name), m.code.size()})});
    }
    const auto& rows = divergence.at("rows");
    constexpr std::size_t max_title = 48;
    std::size_t title_width = std::string("Common text").size();
    for (const auto& r : rows) {
        const std::size_t w = 2 * r.at("depth").get<std::size_t>() +
                              utf8::count(r.at("title").get_ref<const std::string&>());
        title_width = std::max(title_width, std::min(w, max_title));
    }
    const std::string gap = "  ";
    std::string out = "Divergence of " + divergence.at("doc").get<std::string>() + " at revision " +
                      std::to_string(divergence.at("rev").get<std::uint64_t>()) + "\n\n";
    std::string names = cell("Section", title_width);
    std::string codes = cell("", title_width);
    for (const auto& c : columns) {
        names += gap + cell(c.name, c.width);
        codes += gap + cell(c.code, c.width);
    }
    out += trim_right(names) + "\n" + trim_right(codes) + "\n";
    for (const auto& r : rows) {
        const std::string title = std::string(2 * r.at("depth").get<std::size_t>(), ' ') +
                                  r.at("title").get<std::string>();
        std::string line = cell(title, title_width);
        const auto& cells = r.at("cells");
        for (const auto& c : columns) {
            auto it = cells.find(c.code);
            const std::string state = it != cells.end() && it->is_string() ? it->get<std::string>()
                                                                           : std::string("absent");
            const std::string word = state == "absent" ? "—" : state;
            line += gap + cell(word, c.width, color ? state_colour(state) : nullptr);
        }
        out += trim_right(line) + "\n";
    }
    std::string share = cell("Common text", title_width);
    const auto& shares = divergence.at("common_share");
    for (const auto& c : columns) {
        std::string pct = "—";
        if (auto it = shares.find(c.code); it != shares.end() && it->is_number()) {
            pct = std::to_string(static_cast<int>(std::lround(it->get<double>() * 100))) + "%";
        }
        share += gap + cell(pct, c.width);
    }
    out += trim_right(share) + "\n";
    return out;
}

std::string short_time(const std::string& t) {
    if (t.size() < 19 || t[10] != 'T') return t;
    return t.substr(0, 10) + ' ' + t.substr(11, 8);
}

std::string render_log(const nlohmann::json& history) {
    struct Line {
        std::string rev, time, author, layer, kind, change;
    };
    std::vector<Line> lines;
    for (const auto& c : history.at("changes")) {
        Line l;
        l.rev = std::to_string(c.at("rev").get<std::uint64_t>());
        l.time = short_time(c.value("at", std::string()));
        const auto& author = c.at("author");
        l.author = author.is_object() ? describe_user(client::user_from_json(author)) : "(server)";
        const auto& layer = c.at("layer");
        l.layer = layer.is_string() ? layer.get<std::string>() : "";
        l.kind = c.at("kind").get<std::string>();
        const auto ins = c.value("inserted", std::uint64_t{0});
        const auto del = c.value("deleted", std::uint64_t{0});
        if (l.kind == "edit" || ins > 0 || del > 0) {
            l.change = "+" + std::to_string(ins) + " -" + std::to_string(del);
        }
        lines.push_back(std::move(l));
    }
    std::string out;
    if (lines.empty()) {
        out = "No changes.\n";
    } else {
        Line head{"REV", "TIME (UTC)", "AUTHOR", "LAYER", "KIND", "CHANGE"};
        std::size_t w[5] = {};
        auto widen = [&](const Line& x) {
            w[0] = std::max(w[0], utf8::count(x.rev));
            w[1] = std::max(w[1], utf8::count(x.time));
            w[2] = std::max(w[2], utf8::count(x.author));
            w[3] = std::max(w[3], utf8::count(x.layer));
            w[4] = std::max(w[4], utf8::count(x.kind));
        };
        widen(head);
        for (const auto& x : lines) widen(x);
        auto row = [&](const Line& l) {
            std::string rev(w[0] - utf8::count(l.rev), ' ');
            return trim_right(rev + l.rev + "  " + cell(l.time, w[1]) + "  " +
                              cell(l.author, w[2]) + "  " + cell(l.layer, w[3]) + "  " +
                              cell(l.kind, w[4]) + "  " + l.change) +
                   "\n";
        };
        out = row(head);
        for (const auto& l : lines) out += row(l);
    }
    std::vector<client::Version> versions;
    if (auto v = history.find("versions"); v != history.end() && v->is_array()) {
        for (const auto& entry : *v) versions.push_back(client::version_from_json(entry));
    }
    if (!versions.empty()) out += "\nNamed versions of the document:\n" + render_versions(versions);
    return out;
}

std::string render_versions(const std::vector<client::Version>& versions) {
    if (versions.empty()) return "No named versions.\n";
    std::size_t rev_width = 3;
    std::size_t author_width = 6;
    for (const auto& v : versions) {
        rev_width = std::max(rev_width, std::to_string(v.rev).size());
        author_width = std::max(author_width, utf8::count(describe_user(v.author)));
    }
    std::string out = "REV" + std::string(rev_width - 3, ' ') + "  " + cell("NAMED AT (UTC)", 19) +
                      "  " + cell("BY", author_width) + "  LABEL\n";
    for (const auto& v : versions) {
        const std::string rev = std::to_string(v.rev);
        out += std::string(rev_width - rev.size(), ' ') + rev + "  " +
               cell(short_time(v.created_at), 19) + "  " +
               cell(describe_user(v.author), author_width) + "  " + v.label + "\n";
    }
    return out;
}

std::string render_threads(const model::Document& doc, const std::optional<std::string>& section) {
    std::string out;
    for (const model::Thread& t : doc.threads) {
        if (section && t.section != *section) continue;
        out += "#" + std::to_string(t.id) + "  " + t.section + " / " + t.layer;
        if (t.proposal) {
            out += "  on proposal " + std::to_string(*t.proposal);
        } else {
            const model::Section* s = doc.section(t.section);
            const model::Layer* l = s ? s->layer(t.layer) : nullptr;
            if (l) {
                const std::string& text = l->text;
                const std::size_t n = utf8::count(text);
                const std::size_t from = utf8::byte_offset(text, std::min(t.from, n));
                const std::size_t to = utf8::byte_offset(text, std::min(t.to, n));
                out += "  about \"" + text.substr(from, to - from) + "\"";
            }
        }
        if (t.municipality) out += "  to " + *t.municipality;
        out += t.resolved ? "  (resolved)\n" : "  (open)\n";
        for (const model::ThreadComment& c : t.comments) {
            client::UserRef u{
                c.author.id, c.author.name, c.author.display_name, c.author.municipality, {}};
            out +=
                "    " + short_time(c.created_at) + "  " + describe_user(u) + ": " + c.text + "\n";
        }
    }
    return out.empty() ? "No comments.\n" : out;
}

// ---- Diff ---------------------------------------------------------------------------------------

namespace {

struct Segment {
    std::string kind;         // same, insert, delete
    std::string text;         // without line breaks
    bool line_break = false;  // a changed line break: the segment shows it
};

struct DiffLine {
    std::vector<Segment> segments;
    bool changed = false;
};

std::string show_segment(const Segment& s, bool color) {
    if (s.kind == "same") return s.text;
    const std::string text = s.line_break ? s.text + "↵" : s.text;
    const bool del = s.kind == "delete";
    std::string marked = del ? "[-" + text + "-]" : "{+" + text + "+}";
    if (color) marked = std::string(del ? "\x1b[31m" : "\x1b[32m") + marked + reset;
    return marked;
}

}  // namespace

std::string render_diff(const nlohmann::json& parts, bool color, std::size_t context) {
    std::vector<DiffLine> lines(1);
    bool any = false;
    for (const auto& p : parts) {
        const std::string kind = p.at("kind").get<std::string>();
        const std::string& text = p.at("text").get_ref<const std::string&>();
        if (kind != "same" && !text.empty()) any = true;
        std::size_t start = 0;
        for (;;) {
            const auto nl = text.find('\n', start);
            const std::string piece = text.substr(start, nl == std::string::npos ? nl : nl - start);
            if (nl == std::string::npos) {
                if (!piece.empty()) {
                    lines.back().segments.push_back({kind, piece, false});
                    lines.back().changed = lines.back().changed || kind != "same";
                }
                break;
            }
            if (kind == "same") {
                if (!piece.empty()) lines.back().segments.push_back({kind, piece, false});
            } else {
                lines.back().segments.push_back({kind, piece, true});
                lines.back().changed = true;
            }
            lines.emplace_back();
            start = nl + 1;
        }
    }
    if (!any) return {};
    if (lines.size() > 1 && lines.back().segments.empty() && !lines.back().changed)
        lines.pop_back();

    std::vector<bool> shown(lines.size(), false);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!lines[i].changed) continue;
        const std::size_t from = i >= context ? i - context : 0;
        const std::size_t to = std::min(lines.size() - 1, i + context);
        for (std::size_t j = from; j <= to; ++j) shown[j] = true;
    }
    std::string out;
    bool skipped = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!shown[i]) {
            skipped = true;
            continue;
        }
        if (skipped) out += color ? std::string("\x1b[2m...") + reset + "\n" : "...\n";
        skipped = false;
        for (const auto& s : lines[i].segments) out += show_segment(s, color);
        out += "\n";
    }
    if (skipped) out += color ? std::string("\x1b[2m...") + reset + "\n" : "...\n";
    return out;
}

}  // namespace samen::cli
