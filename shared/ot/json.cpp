#include "ot/json.hpp"

#include <nlohmann/json.hpp>

#include "text/utf8.hpp"

namespace samen::ot {
namespace {

enum class Strictness { normalized, lax };

std::size_t count_from_json(const nlohmann::json& v, const std::string& where, const char* what,
                            Strictness strictness) {
    if (!v.is_number_integer()) throw OpError(where + what + " must be a whole number");
    if (v.is_number_unsigned()) {
        auto n = v.get<std::uint64_t>();
        if (n > max_count) throw OpError(where + what + " is too large");
        if (n == 0 && strictness == Strictness::normalized) {
            throw OpError(where + what + " must be positive");
        }
        return static_cast<std::size_t>(n);
    }
    auto n = v.get<std::int64_t>();
    if (static_cast<std::uint64_t>(n) > max_count && n > 0)
        throw OpError(where + what + " is too large");
    if (n < 0 || (n == 0 && strictness == Strictness::normalized)) {
        throw OpError(where + what + " must be positive");
    }
    return static_cast<std::size_t>(n);
}

std::string text_from_json(const nlohmann::json& v, const std::string& where, const char* what,
                           Strictness strictness) {
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty() && strictness == Strictness::normalized) {
        throw OpError(where + what + " must not be empty");
    }
    if (!utf8::valid(s)) throw OpError(where + what + " is not valid UTF-8");
    return s;
}

Component component_from_json(const nlohmann::json& c, std::size_t i, Strictness strictness) {
    const std::string where = "component " + std::to_string(i) + ": ";
    if (c.is_number()) return Skip{count_from_json(c, where, "a skip", strictness)};
    if (c.is_string()) return Insert{text_from_json(c, where, "an insert", strictness)};
    if (c.is_object()) {
        auto d = c.find("d");
        if (c.size() != 1 || d == c.end()) {
            throw OpError(where + "an object component must be {\"d\": N} or {\"d\": \"text\"}");
        }
        if (d->is_number()) return Delete{count_from_json(*d, where, "a delete", strictness), {}};
        if (d->is_string()) {
            std::string text = text_from_json(*d, where, "a delete", strictness);
            return Delete{utf8::count(text), std::move(text)};
        }
        throw OpError(where + "a delete must be a number or a string");
    }
    throw OpError(where + "must be a number (skip), a string (insert) or {\"d\": ...} (delete)");
}

Op parse(const nlohmann::json& j, Strictness strictness) {
    if (!j.is_array()) throw OpError("an op must be an array of components");
    Op op;
    op.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
        op.push_back(component_from_json(j[i], i, strictness));
    }
    return op;
}

}  // namespace

Op op_from_json(const nlohmann::json& j) {
    Op op = parse(j, Strictness::normalized);
    check(op);
    return op;
}

Op op_from_json_lax(const nlohmann::json& j) {
    return normalize(parse(j, Strictness::lax));
}

nlohmann::json to_json(const Op& op) {
    auto out = nlohmann::json::array();
    for (const Component& c : op) {
        if (const auto* s = std::get_if<Skip>(&c)) {
            out.push_back(s->n);
        } else if (const auto* i = std::get_if<Insert>(&c)) {
            out.push_back(i->text);
        } else {
            const auto& d = std::get<Delete>(c);
            out.push_back(d.text ? nlohmann::json{{"d", *d.text}} : nlohmann::json{{"d", d.n}});
        }
    }
    return out;
}

}  // namespace samen::ot
