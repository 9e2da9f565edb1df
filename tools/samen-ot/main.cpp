// samen-ot: Samen's text OT core behind a line protocol, so that another implementation (the
// reference ot-text-unicode, see tests/agreement) can be held against it input for input.
//
// One JSON request per stdin line, exactly one JSON answer per line on stdout, flushed at once:
// a peer that writes a line and waits for its answer must never hang, and nothing it sends may
// end the process.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ot/json.hpp"
#include "ot/text.hpp"

namespace {

using nlohmann::json;
namespace ot = samen::ot;

constexpr std::string_view usage = R"(usage: samen-ot [--help]

Reads one JSON request per line on stdin and writes one JSON line per request on stdout:
{"result": ...} or {"error": "why"}. Empty lines are skipped. Ops use the JSON form of
ot-text-unicode ([3, "hi", {"d": 2}, {"d": "xy"}]); positions count code points.

  {"fn":"apply","doc":S,"op":O}
  {"fn":"transform","op":O,"other":O2,"side":"left"|"right"}
  {"fn":"compose","a":O,"b":O2}
  {"fn":"transformPosition","pos":N,"op":O}
  {"fn":"transformSelection","sel":N|[anchor,head],"op":O}
  {"fn":"normalize","op":O}          O may be unnormalized here
  {"fn":"invert","op":O}
  {"fn":"makeInvertible","op":O,"doc":S}
)";

/// A request that is not shaped as the protocol says (as opposed to an op the OT core refuses).
class RequestError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

const json& field(const json& request, const char* name) {
    const auto it = request.find(name);
    if (it == request.end()) throw RequestError(std::string("missing field \"") + name + "\"");
    return *it;
}

const std::string& string_field(const json& request, const char* name) {
    const json& j = field(request, name);
    if (!j.is_string()) throw RequestError(std::string("\"") + name + "\" must be a string");
    return j.get_ref<const std::string&>();
}

ot::Op op_field(const json& request, const char* name) {
    try {
        return ot::op_from_json(field(request, name));
    } catch (const ot::OpError& e) {
        throw ot::OpError(std::string("\"") + name + "\": " + e.what());
    }
}

/// Positions are code point counts: only a non-negative integer is one. A float such as 2.0 is
/// refused too, because a client that sends one has a bug worth hearing about.
std::size_t position(const json& j, std::string_view what) {
    if (j.is_number_unsigned()) return j.get<std::size_t>();
    if (j.is_number_integer() && j.get<std::int64_t>() >= 0) return j.get<std::size_t>();
    throw RequestError(std::string(what) + " must be a non-negative integer");
}

ot::Side side_field(const json& request) {
    const std::string& side = string_field(request, "side");
    if (side == "left") return ot::Side::left;
    if (side == "right") return ot::Side::right;
    throw RequestError(R"("side" must be "left" or "right")");
}

json transform_selection(const json& request) {
    const json& sel = field(request, "sel");
    const ot::Op op = op_field(request, "op");
    if (sel.is_array()) {
        if (sel.size() != 2) throw RequestError(R"("sel" must be a number or [anchor, head])");
        const ot::Selection moved = ot::transform_selection(
            {position(sel[0], "\"sel\"[0]"), position(sel[1], "\"sel\"[1]")}, op);
        return json::array({moved.anchor, moved.head});
    }
    return ot::transform_position(position(sel, "\"sel\""), op);
}

json answer(const json& request) {
    if (!request.is_object()) throw RequestError("a request must be a JSON object");
    const std::string& fn = string_field(request, "fn");
    if (fn == "apply") {
        return ot::apply(string_field(request, "doc"), op_field(request, "op"));
    }
    if (fn == "transform") {
        return ot::to_json(ot::transform(op_field(request, "op"), op_field(request, "other"),
                                         side_field(request)));
    }
    if (fn == "compose") {
        return ot::to_json(ot::compose(op_field(request, "a"), op_field(request, "b")));
    }
    if (fn == "transformPosition") {
        const std::size_t pos = position(field(request, "pos"), "\"pos\"");
        return ot::transform_position(pos, op_field(request, "op"));
    }
    if (fn == "transformSelection") return transform_selection(request);
    if (fn == "normalize") {
        try {
            return ot::to_json(ot::op_from_json_lax(field(request, "op")));
        } catch (const ot::OpError& e) {
            throw ot::OpError(std::string("\"op\": ") + e.what());
        }
    }
    if (fn == "invert") return ot::to_json(ot::invert(op_field(request, "op")));
    if (fn == "makeInvertible") {
        return ot::to_json(
            ot::make_invertible(op_field(request, "op"), string_field(request, "doc")));
    }
    // `fn` came through the JSON parser, so it is valid UTF-8; only its length needs a bound.
    constexpr std::size_t shown = 40;
    throw RequestError("unknown fn \"" + fn.substr(0, shown) +
                       (fn.size() > shown ? "...\"" : "\""));
}

json error(std::string_view why) {
    return json{{"error", std::string(why)}};
}

json handle(const std::string& line) {
    json request;
    try {
        request = json::parse(line);
    } catch (const json::parse_error& e) {
        // The parser's message quotes what it read last: a bounded piece of it is enough, and
        // any invalid UTF-8 in it is replaced when the answer is written (see to_line).
        constexpr std::size_t shown = 160;
        const std::string_view why = e.what();
        return error("not JSON: " + std::string(why.substr(0, shown)) +
                     (why.size() > shown ? "..." : ""));
    }
    try {
        return json{{"result", answer(request)}};
    } catch (const ot::OpError& e) {
        return error(std::string("invalid op: ") + e.what());
    } catch (const RequestError& e) {
        return error(std::string("bad request: ") + e.what());
    } catch (const std::exception& e) {
        return error(std::string("internal error: ") + e.what());
    }
}

/// Never throws: any text the answer echoes that is not valid UTF-8 is replaced by U+FFFD.
std::string to_line(const json& j) {
    try {
        return j.dump(-1, ' ', false, json::error_handler_t::replace);
    } catch (const std::exception&) {
        return R"({"error":"internal error: the answer could not be written as JSON"})";
    }
}

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << usage;
            return 0;
        }
        std::cerr << "samen-ot: unknown argument '" << arg << "'\n" << usage;
        return 2;
    }
    std::ios::sync_with_stdio(false);
    std::string line;
    while (std::getline(std::cin, line)) {
        if (blank(line)) continue;
        if (line.back() == '\r') line.pop_back();
        std::string out;
        try {
            out = to_line(handle(line));
        } catch (...) {
            // Out of memory on an absurd request: answer it and keep serving.
            out = R"({"error":"internal error"})";
        }
        std::cout << out << '\n' << std::flush;
    }
    return 0;
}
