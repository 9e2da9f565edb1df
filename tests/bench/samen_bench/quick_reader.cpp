#include "quick_reader.hpp"

#include <simdjson.h>

#include "text/utf8.hpp"

namespace samen::bench {

namespace dom = simdjson::dom;

struct QuickReader::Parser {
    dom::parser parser;
};

namespace {

bool read_count(dom::element e, std::size_t& n) {
    std::uint64_t v = 0;
    if (e.get(v) != simdjson::SUCCESS || v == 0 || v > ot::max_count) return false;
    n = static_cast<std::size_t>(v);
    return true;
}

bool read_text(dom::element e, std::string& text) {
    std::string_view v;
    if (e.get(v) != simdjson::SUCCESS || v.empty()) return false;
    text = v;  // simdjson has checked that the whole message is valid UTF-8
    return true;
}

bool read_component(dom::element e, ot::Op& op) {
    switch (e.type()) {
        case dom::element_type::UINT64:
        case dom::element_type::INT64: {
            ot::Skip skip;
            if (!read_count(e, skip.n)) return false;
            op.emplace_back(skip);
            return true;
        }
        case dom::element_type::STRING: {
            ot::Insert insert;
            if (!read_text(e, insert.text)) return false;
            op.emplace_back(std::move(insert));
            return true;
        }
        case dom::element_type::OBJECT: {
            dom::object o = e.get_object().value_unsafe();
            dom::element d;
            if (o.size() != 1 || o["d"].get(d) != simdjson::SUCCESS) return false;
            ot::Delete del;
            if (d.is_string()) {
                std::string text;
                if (!read_text(d, text)) return false;
                del.n = utf8::count(text);
                del.text = std::move(text);
            } else if (!read_count(d, del.n)) {
                return false;
            }
            op.emplace_back(std::move(del));
            return true;
        }
        default:
            return false;
    }
}

bool read_string(dom::object o, const char* key, std::string& out) {
    std::string_view v;
    if (o[key].get(v) != simdjson::SUCCESS) return false;
    out = v;
    return true;
}

bool read_edit(dom::object o, EditIn& edit) {
    dom::array op;
    if (!read_string(o, "section", edit.section) || !read_string(o, "layer", edit.layer) ||
        !read_string(o, "opid", edit.opid) || o["rev"].get(edit.rev) != simdjson::SUCCESS ||
        o["op"].get(op) != simdjson::SUCCESS) {
        return false;
    }
    edit.op.clear();
    edit.op.reserve(op.size());
    for (dom::element c : op) {
        if (!read_component(c, edit.op)) return false;
    }
    try {
        ot::check(edit.op);  // normalized, as the server sends it
    } catch (const ot::OpError&) {
        return false;
    }
    return true;
}

bool read_one(dom::element e, std::vector<QuickMessage>& out) {
    dom::object o;
    std::string_view type;
    if (e.get(o) != simdjson::SUCCESS || o["type"].get(type) != simdjson::SUCCESS) return false;
    QuickMessage& m = out.emplace_back();
    if (type == "edit") {
        m.is_edit = true;
        return read_edit(o, m.edit);
    }
    if (type == "ack") {
        if (o["id"].get(m.ack.id) != simdjson::SUCCESS) return false;
        dom::element rev;
        return o["rev"].get(rev) != simdjson::SUCCESS || rev.get(m.ack.rev) == simdjson::SUCCESS;
    }
    return false;
}

}  // namespace

QuickReader::QuickReader() : parser_(std::make_unique<Parser>()) {}
QuickReader::~QuickReader() = default;

bool QuickReader::read(std::string_view text, std::vector<QuickMessage>& out) {
    out.clear();
    dom::element root;
    if (parser_->parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
        return false;
    }
    bool ok = true;
    dom::object o;
    std::string_view type;
    if (root.get(o) == simdjson::SUCCESS && o["type"].get(type) == simdjson::SUCCESS &&
        type == "batch") {
        dom::array messages;
        ok = o["messages"].get(messages) == simdjson::SUCCESS;
        if (ok) {
            for (dom::element m : messages) {
                ok = read_one(m, out);
                if (!ok) break;
            }
        }
    } else {
        ok = read_one(root, out);
    }
    if (!ok) out.clear();
    return ok;
}

}  // namespace samen::bench
