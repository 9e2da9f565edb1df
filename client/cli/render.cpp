#include "render.hpp"

#include <map>
#include <set>

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
            out += '\n' + text->text;
            if (text->text.back() != '\n') out += '\n';
        }
    }
    return out;
}

namespace {

std::string shorten(const std::string& text) {
    constexpr std::size_t max_code_points = 60;
    std::string shown;
    const std::size_t cut = ot::byte_offset(text, max_code_points);
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
            pos += ot::length(ins->text);
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

}  // namespace samen::cli
