#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "ot/text.hpp"
#include "protocol/limits.hpp"
#include "protocol/protocol.hpp"
#include "protocol/requests.hpp"

using nlohmann::json;
using namespace samen::protocol;
namespace ot = samen::ot;
namespace fs = std::filesystem;

namespace {

/// What parse_request makes of `msg`: "accepted", the code of the ProtocolError it throws, or
/// "op_error" for an ot::OpError.
std::string outcome(const json& msg) {
    try {
        parse_request(msg);
        return "accepted";
    } catch (const ProtocolError& e) {
        if (std::string(e.what()).empty()) return "an error without a message";
        return std::string(to_string(e.code()));
    } catch (const ot::OpError&) {
        return "op_error";
    }
}

template <class T>
constexpr bool about_no_document =
    std::is_same_v<T, Hello> || std::is_same_v<T, List> || std::is_same_v<T, Inbox> ||
    std::is_same_v<T, Ping> || std::is_same_v<T, DocumentCreate>;

/// The request `msg` parses into, which must be a T.
template <class T>
T parse_as(const json& msg) {
    INFO(msg.dump());
    Request r = parse_request(msg);
    if constexpr (about_no_document<T>) {
        REQUIRE(std::holds_alternative<T>(r));
        return std::get<T>(r);
    } else {
        REQUIRE(std::holds_alternative<DocumentRequest>(r));
        const DocumentRequest& d = std::get<DocumentRequest>(r);
        REQUIRE(std::holds_alternative<T>(d));
        CHECK(type_name(d) == T::type);
        CHECK(document_of(d) == msg.at("doc").get<std::string>());
        return std::get<T>(d);
    }
}

/// One valid message of every type with every field it may have (diff: the section form).
const std::map<std::string, json>& samples() {
    static const std::map<std::string, json> all = [] {
        std::map<std::string, json> m;
        auto add = [&](const std::string& type, json fields) {
            fields["type"] = type;
            m[type] = std::move(fields);
        };
        const json target = {{"doc", "ivp"}, {"section", "inleiding"}, {"layer", "GM0166"}};
        add("hello", {{"id", 1}, {"token", "abc"}, {"client", "samen-cli/0.1"}});
        add("list", {{"id", 2}});
        add("inbox", {{"id", 2}});
        add("ping", {{"id", 2}});
        add("document.create", {{"id", 3},
                                {"doc", "ivp-2027"},
                                {"title", "IVP 2027"},
                                {"municipalities", {"GM0166", "GM0180"}},
                                {"template", "ivp-2023"}});
        add("open", {{"id", 4}, {"doc", "ivp"}, {"since", 5}});
        add("close", {{"doc", "ivp"}});
        add("edit", {{"id", "e-1"},
                     {"doc", "ivp"},
                     {"section", "inleiding"},
                     {"layer", "common"},
                     {"base", 4},
                     {"op", {3, "x", {{"d", 2}}}},
                     {"opid", "o-1"}});
        add("presence",
            {{"doc", "ivp"}, {"section", "inleiding"}, {"layer", "GM0166"}, {"sel", {2, 5}}});
        add("effective", {{"doc", "ivp"}, {"municipality", "GM0166"}, {"rev", 7}});
        add("divergence", {{"doc", "ivp"}});
        add("comment", {{"doc", "ivp"},
                        {"section", "inleiding"},
                        {"layer", "common"},
                        {"from", 2},
                        {"to", 5},
                        {"text", "Klopt dit?"},
                        {"municipality", "GM0180"},
                        {"proposal", 4}});
        add("comment.reply", {{"doc", "ivp"}, {"thread", 3}, {"text", "Ja."}});
        add("comment.resolve", {{"doc", "ivp"}, {"thread", 3}, {"resolved", true}});
        for (const char* t :
             {"diverge", "revert", "omit", "include", "acknowledge", "rebase.preview"}) {
            add(t, target);
        }
        json commit = target;
        commit.update({{"rev", 9}, {"text", "Nieuw."}});
        add("rebase.commit", commit);
        add("section.create", {{"doc", "ivp"},
                               {"parent", "velden"},
                               {"position", 2},
                               {"title", "Sport"},
                               {"owner", "GM0180"}});
        add("section.rename", {{"doc", "ivp"}, {"section", "velden"}, {"title", "Sportvelden"}});
        add("section.move",
            {{"doc", "ivp"}, {"section", "jeugd"}, {"parent", "slot"}, {"position", 1}});
        add("section.delete", {{"doc", "ivp"}, {"section", "jeugd"}});
        add("section.restore", {{"doc", "ivp"}, {"section", "jeugd"}});
        add("propose",
            {{"doc", "ivp"}, {"section", "inleiding"}, {"layer", "common"}, {"text", "Samen."}});
        add("vote", {{"doc", "ivp"}, {"proposal", 3}, {"vote", "reject"}});
        add("tag", {{"doc", "ivp"}, {"label", "Vastgesteld"}, {"rev", 12}});
        add("document.rename", {{"doc", "ivp"}, {"title", "IVP 2024"}});
        add("priorities.set",
            {{"doc", "ivp"}, {"municipality", "GM0166"}, {"sections", {"jeugd", "velden"}}});
        add("adoption.set", {{"doc", "ivp"},
                             {"municipality", "GM0166"},
                             {"state", "raad"},
                             {"date", "2023-03-28"},
                             {"reference", "2023-017"}});
        add("document.archive", {{"doc", "ivp"}, {"archived", true}});
        add("history",
            {{"doc", "ivp"}, {"section", "inleiding"}, {"layer", "GM0166"}, {"before", 120}});
        add("text.at",
            {{"doc", "ivp"}, {"section", "inleiding"}, {"layer", "common"}, {"rev", 12}});
        add("diff", {{"doc", "ivp"},
                     {"section", "inleiding"},
                     {"layer", "common"},
                     {"from", 1},
                     {"to", 3}});
        return m;
    }();
    return all;
}

json sample(const std::string& type) {
    return samples().at(type);
}

json with(json msg, const std::string& field, json value) {
    msg[field] = std::move(value);
    return msg;
}

json without(json msg, const std::string& field) {
    msg.erase(field);
    return msg;
}

/// The fields the message type's schema (schemas/protocol/c2s) requires.
std::set<std::string> schema_required(const std::string& type) {
    std::ifstream in(fs::path(SAMEN_PROTOCOL_SCHEMAS) / "c2s" / (type + ".json"));
    REQUIRE(in);
    const json schema = json::parse(in);
    return schema.at("required").get<std::set<std::string>>();
}

/// The lines of a JSONL file of messages: {"dir": "c2s" | "s2c", "msg": {...}, "why": "..."}.
std::vector<json> read_jsonl(const fs::path& path) {
    std::ifstream in(path);
    REQUIRE(in);
    std::vector<json> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        lines.push_back(json::parse(line));
    }
    return lines;
}

std::string bytes(std::size_t n, char c = 'x') {
    return std::string(n, c);
}

}  // namespace

TEST_CASE("requests about no document parse with their fields", "[protocol][requests]") {
    const Hello hello = parse_as<Hello>(sample("hello"));
    CHECK(hello.token == "abc");
    CHECK(parse_as<Hello>(without(sample("hello"), "client")).token == "abc");
    CHECK_FALSE(hello.batches);
    CHECK(parse_as<Hello>(with(sample("hello"), "batches", true)).batches);
    CHECK(outcome(with(sample("hello"), "batches", "yes")) == "bad_request");
    parse_as<List>(sample("list"));
    parse_as<Inbox>(sample("inbox"));
    parse_as<Ping>(sample("ping"));

    const DocumentCreate create = parse_as<DocumentCreate>(sample("document.create"));
    CHECK(create.doc == "ivp-2027");
    CHECK(create.title == "IVP 2027");
    CHECK(create.municipalities == std::vector<std::string>{"GM0166", "GM0180"});
    CHECK(create.template_doc == "ivp-2023");
    CHECK_FALSE(create.markdown);

    const DocumentCreate from_markdown = parse_as<DocumentCreate>(
        with(without(sample("document.create"), "template"), "markdown", "# Inleiding\n"));
    CHECK_FALSE(from_markdown.template_doc);
    CHECK(from_markdown.markdown == "# Inleiding\n");
    const DocumentCreate empty =
        parse_as<DocumentCreate>(without(sample("document.create"), "template"));
    CHECK_FALSE(empty.template_doc);
    CHECK_FALSE(empty.markdown);
}

TEST_CASE("reads parse with their fields", "[protocol][requests]") {
    CHECK(parse_as<Open>(sample("open")).since == 5u);
    CHECK_FALSE(parse_as<Open>(without(sample("open"), "since")).since);
    CHECK_FALSE(parse_as<Open>(with(sample("open"), "since", nullptr)).since);
    parse_as<Close>(sample("close"));
    parse_as<Divergence>(sample("divergence"));

    const Presence presence = parse_as<Presence>(sample("presence"));
    CHECK(presence.section == "inleiding");
    CHECK(presence.layer == "GM0166");
    CHECK(presence.sel == ot::Selection{2, 5});

    const Effective effective = parse_as<Effective>(sample("effective"));
    CHECK(effective.municipality == "GM0166");
    CHECK(effective.rev == 7u);
    CHECK_FALSE(parse_as<Effective>(without(sample("effective"), "rev")).rev);
    const json at = with(without(sample("effective"), "rev"), "at", "2026-03-28T14:30:00Z");
    CHECK(parse_as<Effective>(at).at == "2026-03-28T14:30:00Z");
    CHECK_FALSE(parse_as<Effective>(at).rev);
    CHECK(outcome(with(sample("effective"), "at", "2026-03-28T14:30:00Z")) == "bad_request");
    for (const char* t : {"2026-03-28 14:30:00Z", "2026-03-28T14:30:00", "2026-03-28T14:30Z",
                          "2026-00-28T14:30:00Z", "2026-03-28T24:00:00Z",
                          "2026-03-28T14:30:00+01:00", "gisteren", ""}) {
        INFO(t);
        CHECK(outcome(with(at, "at", t)) == "bad_request");
    }

    const Comment comment = parse_as<Comment>(sample("comment"));
    CHECK(comment.section == "inleiding");
    CHECK(comment.from == 2u);
    CHECK(comment.to == 5u);
    CHECK(comment.text == "Klopt dit?");
    CHECK(comment.municipality == "GM0180");
    CHECK(comment.proposal == 4);
    CHECK_FALSE(parse_as<Comment>(without(without(sample("comment"), "municipality"), "proposal"))
                    .municipality);
    CHECK(outcome(with(sample("comment"), "to", 1)) == "bad_request");
    CHECK(outcome(with(sample("comment"), "text", "")) == "bad_request");
    CHECK(outcome(with(sample("comment"), "text", std::string(10001, 'a'))) == "bad_request");
    CHECK(parse_as<CommentReply>(sample("comment.reply")).thread == 3);
    CHECK(parse_as<CommentResolve>(sample("comment.resolve")).resolved);

    // Priorities: at most four, each once; adoption: a state and, for a decision, its date.
    CHECK(parse_as<PrioritiesSet>(sample("priorities.set")).sections ==
          std::vector<std::string>{"jeugd", "velden"});
    CHECK(outcome(with(sample("priorities.set"), "sections", json::array())) == "accepted");
    CHECK(outcome(with(sample("priorities.set"), "sections", {"a", "b", "c", "d", "e"})) ==
          "bad_request");
    CHECK(outcome(with(sample("priorities.set"), "sections", {"a", "a"})) == "bad_request");
    CHECK(outcome(with(sample("priorities.set"), "sections", {""})) == "bad_request");
    CHECK(outcome(with(sample("priorities.set"), "sections", "jeugd")) == "bad_request");
    CHECK(parse_as<AdoptionSet>(sample("adoption.set")).date == "2023-03-28");
    for (const char* date : {"2023-3-28", "2023-13-01", "28-03-2023", "2023-03-32", "",
                             "2023-02-31", "2023-02-29", "2023-04-31"}) {
        INFO(date);
        CHECK(outcome(with(sample("adoption.set"), "date", date)) == "bad_request");
    }
    CHECK(outcome(with(sample("adoption.set"), "state", "gemeenteraad")) == "bad_request");
    CHECK(outcome(with(sample("adoption.set"), "reference", "a\nb")) == "bad_request");
    CHECK(outcome(with(sample("adoption.set"), "reference", "a\rb")) == "bad_request");
    CHECK(outcome(with(sample("adoption.set"), "date", "2024-02-29")) == "accepted");  // a leap day
    json back = sample("adoption.set");
    back.erase("date");
    CHECK(outcome(back) == "bad_request");
    back["state"] = "concept";
    CHECK(outcome(back) == "accepted");
    CHECK(outcome(with(sample("section.create"), "kind", "maatregel")) == "accepted");
    CHECK(outcome(with(sample("section.create"), "kind", "tabel")) == "bad_request");
    CHECK(outcome(with(sample("comment.resolve"), "resolved", "ja")) == "bad_request");

    const History history = parse_as<History>(sample("history"));
    CHECK(history.section == "inleiding");
    CHECK(history.layer == "GM0166");
    CHECK(history.before == 120u);
    const History all_layers =
        parse_as<History>(without(without(sample("history"), "layer"), "before"));
    CHECK_FALSE(all_layers.layer);
    CHECK_FALSE(all_layers.before);

    const TextAt text_at = parse_as<TextAt>(sample("text.at"));
    CHECK(text_at.section == "inleiding");
    CHECK(text_at.layer == "common");
    CHECK(text_at.rev == 12u);

    const Diff of_layer = parse_as<Diff>(sample("diff"));
    CHECK(of_layer.section == "inleiding");
    CHECK(of_layer.layer == "common");
    CHECK_FALSE(of_layer.municipality);
    CHECK(of_layer.from == 1u);
    CHECK(of_layer.to == 3u);
    const Diff of_plan = parse_as<Diff>(
        with(without(without(sample("diff"), "section"), "layer"), "municipality", "GM0180"));
    CHECK_FALSE(of_plan.section);
    CHECK_FALSE(of_plan.layer);
    CHECK(of_plan.municipality == "GM0180");
}

TEST_CASE("edits and the changes of a municipality's state parse with their fields",
          "[protocol][requests]") {
    const Edit edit = parse_as<Edit>(sample("edit"));
    CHECK(edit.section == "inleiding");
    CHECK(edit.layer == "common");
    CHECK(edit.base == 4u);
    CHECK(edit.opid == "o-1");
    CHECK(edit.op == ot::Op{ot::Skip{3}, ot::Insert{"x"}, ot::Delete{2, std::nullopt}});

    auto check_target = [](const LayerTarget& t) {
        CHECK(t.doc == "ivp");
        CHECK(t.section == "inleiding");
        CHECK(t.layer == "GM0166");
    };
    check_target(parse_as<Diverge>(sample("diverge")));
    check_target(parse_as<Revert>(sample("revert")));
    check_target(parse_as<Omit>(sample("omit")));
    check_target(parse_as<Include>(sample("include")));
    check_target(parse_as<Acknowledge>(sample("acknowledge")));
    check_target(parse_as<RebasePreview>(sample("rebase.preview")));
    const RebaseCommit commit = parse_as<RebaseCommit>(sample("rebase.commit"));
    check_target(commit);
    CHECK(commit.rev == 9u);
    CHECK(commit.text == "Nieuw.");
}

TEST_CASE("changes of the section tree parse with their fields", "[protocol][requests]") {
    const SectionCreate create = parse_as<SectionCreate>(sample("section.create"));
    CHECK(create.parent == "velden");
    CHECK(create.position == 2);
    CHECK(create.title == "Sport");
    CHECK(create.owner == "GM0180");
    const SectionCreate top = parse_as<SectionCreate>(
        with(without(sample("section.create"), "owner"), "parent", nullptr));
    CHECK_FALSE(top.parent);
    CHECK_FALSE(top.owner);
    CHECK_FALSE(parse_as<SectionCreate>(with(sample("section.create"), "owner", nullptr)).owner);

    const SectionRename rename = parse_as<SectionRename>(sample("section.rename"));
    CHECK(rename.section == "velden");
    CHECK(rename.title == "Sportvelden");

    const SectionMove move = parse_as<SectionMove>(sample("section.move"));
    CHECK(move.section == "jeugd");
    CHECK(move.parent == "slot");
    CHECK(move.position == 1);
    CHECK_FALSE(parse_as<SectionMove>(with(sample("section.move"), "parent", nullptr)).parent);

    CHECK(parse_as<SectionDelete>(sample("section.delete")).section == "jeugd");
    CHECK(parse_as<SectionRestore>(sample("section.restore")).section == "jeugd");
}

TEST_CASE("proposals, votes, versions and the document's own changes parse with their fields",
          "[protocol][requests]") {
    const Propose common = parse_as<Propose>(sample("propose"));
    CHECK(common.section == "inleiding");
    CHECK(common.layer == "common");
    CHECK(common.text == "Samen.");
    const Propose local =
        parse_as<Propose>(with(without(sample("propose"), "text"), "layer", "GM0166"));
    CHECK(local.layer == "GM0166");
    CHECK_FALSE(local.text);

    const Vote reject = parse_as<Vote>(sample("vote"));
    CHECK(reject.proposal == 3);
    CHECK(reject.vote == Ballot::reject);
    CHECK(parse_as<Vote>(with(sample("vote"), "vote", "approve")).vote == Ballot::approve);

    const Tag tag = parse_as<Tag>(sample("tag"));
    CHECK(tag.label == "Vastgesteld");
    CHECK(tag.rev == 12u);
    CHECK_FALSE(parse_as<Tag>(without(sample("tag"), "rev")).rev);

    CHECK(parse_as<DocumentRename>(sample("document.rename")).title == "IVP 2024");
    CHECK(parse_as<DocumentArchive>(sample("document.archive")).archived);
    CHECK_FALSE(
        parse_as<DocumentArchive>(with(sample("document.archive"), "archived", false)).archived);
}

TEST_CASE("every client message of the protocol's examples parses as its type",
          "[protocol][requests]") {
    std::set<std::string> types;
    std::size_t messages = 0;
    for (const auto& entry : fs::directory_iterator(SAMEN_PROTOCOL_EXAMPLES)) {
        if (entry.path().extension() != ".jsonl") continue;
        for (const json& line : read_jsonl(entry.path())) {
            if (line.at("dir") != "c2s") continue;
            const json& msg = line.at("msg");
            const std::string type = msg.at("type").get<std::string>();
            INFO(entry.path().filename().string() << ": " << msg.dump());
            ++messages;
            Request r = parse_request(msg);
            if (const auto* d = std::get_if<DocumentRequest>(&r)) {
                CHECK(type_name(*d) == type);
                CHECK(document_of(*d) == msg.at("doc").get<std::string>());
            } else {
                const bool right =
                    (type == Hello::type && std::holds_alternative<Hello>(r)) ||
                    (type == List::type && std::holds_alternative<List>(r)) ||
                    (type == Inbox::type && std::holds_alternative<Inbox>(r)) ||
                    (type == Ping::type && std::holds_alternative<Ping>(r)) ||
                    (type == DocumentCreate::type && std::holds_alternative<DocumentCreate>(r));
                CHECK(right);
            }
            types.insert(type);
        }
    }
    // Every message type has an example (tests/schemas/validate.mjs insists on it too).
    CHECK(types.size() == samples().size());
    CHECK(messages >= types.size());
}

TEST_CASE("every sample is valid, and a field its schema requires is missed",
          "[protocol][requests]") {
    for (const auto& [type, msg] : samples()) {
        INFO(msg.dump());
        CHECK(outcome(msg) == "accepted");
        const std::set<std::string> required = schema_required(type);
        for (const auto& [field, value] : msg.items()) {
            if (field == "type") continue;
            INFO("without " << field);
            if (required.count(field)) {
                CHECK(outcome(without(msg, field)) == "bad_request");
            } else if (type != "diff" && type != "adoption.set") {
                // A diff needs section and layer, or municipality; a decision needs its date.
                CHECK(outcome(without(msg, field)) == "accepted");
            }
        }
    }
}

TEST_CASE("the reads are the requests an archived document serves", "[protocol][requests]") {
    const std::set<std::string> reads = {"open",       "close",   "presence", "effective",
                                         "divergence", "history", "text.at",  "diff"};
    for (const auto& [type, msg] : samples()) {
        const Request r = parse_request(msg);
        if (const auto* d = std::get_if<DocumentRequest>(&r)) {
            INFO(type);
            CHECK(is_read(*d) == (reads.count(type) == 1));
        }
    }
}

TEST_CASE("a field of the wrong JSON type is a bad request", "[protocol][requests]") {
    for (const auto& [type, msg] : samples()) {
        for (const auto& [field, value] : msg.items()) {
            if (field == "type" || field == "id") continue;  // the request id is echoed or dropped
            std::vector<json> wrong;
            if (value.is_string() || value.is_null()) wrong = {7, true, json::array({"x"})};
            if (value.is_number()) wrong = {"7", -1, 1.5, json::object()};
            if (value.is_boolean()) wrong = {"true", 1, nullptr};
            if (value.is_array()) wrong = {"x", 7, json::object()};
            for (const json& w : wrong) {
                INFO(type << " with \"" << field << "\": " << w.dump());
                CHECK(outcome(with(msg, field, w)) == (field == "op" ? "op_error" : "bad_request"));
            }
        }
    }
    CHECK(outcome(with(sample("edit"), "id", json::object())) == "accepted");
}

TEST_CASE("names hold 1 to limits::max_name_bytes bytes", "[protocol][requests]") {
    const std::set<std::string> name_fields = {"section", "layer",        "opid",   "parent",
                                               "owner",   "municipality", "client", "template"};
    std::size_t checked = 0;
    for (const auto& [type, msg] : samples()) {
        for (const auto& [field, value] : msg.items()) {
            const bool name = name_fields.count(field) || (type == "open" && field == "doc");
            if (!name || !value.is_string()) continue;
            INFO(type << " \"" << field << "\"");
            ++checked;
            CHECK(outcome(with(msg, field, bytes(limits::max_name_bytes))) == "accepted");
            CHECK(outcome(with(msg, field, bytes(limits::max_name_bytes + 1))) == "bad_request");
            CHECK(outcome(with(msg, field, "")) == "bad_request");
        }
    }
    CHECK(checked >= 30);
}

TEST_CASE("a title is one line of 1 to 200 bytes of UTF-8", "[protocol][requests]") {
    CHECK(limits::max_title_bytes == 200);
    const std::string e_acute = "\xC3\xA9";
    std::string two_hundred;
    for (int i = 0; i < 100; ++i) two_hundred += e_acute;
    CHECK(valid_title("Inleiding"));
    CHECK(valid_title(two_hundred));
    CHECK(valid_title(bytes(200)));
    CHECK_FALSE(valid_title(two_hundred + "x"));
    CHECK_FALSE(valid_title(bytes(201)));
    CHECK_FALSE(valid_title(""));
    CHECK_FALSE(valid_title("Twee\nregels"));
    CHECK_FALSE(valid_title("\n"));
    CHECK_FALSE(valid_title("Kapot \xC3"));

    for (const char* type :
         {"section.create", "section.rename", "document.rename", "document.create"}) {
        INFO(type);
        const json msg = sample(type);
        CHECK(outcome(with(msg, "title", bytes(200))) == "accepted");
        CHECK(outcome(with(msg, "title", two_hundred)) == "accepted");
        CHECK(outcome(with(msg, "title", bytes(201))) == "bad_request");
        CHECK(outcome(with(msg, "title", "")) == "bad_request");
        CHECK(outcome(with(msg, "title", "Twee\nregels")) == "bad_request");
        CHECK(outcome(with(msg, "title", "Kapot \xC3")) == "bad_request");
    }
}

TEST_CASE("a label holds 1 to limits::max_label_bytes bytes", "[protocol][requests]") {
    CHECK(parse_as<Tag>(with(sample("tag"), "label", bytes(limits::max_label_bytes))).label ==
          bytes(limits::max_label_bytes));
    CHECK(outcome(with(sample("tag"), "label", bytes(limits::max_label_bytes + 1))) ==
          "bad_request");
    CHECK(outcome(with(sample("tag"), "label", "")) == "bad_request");
}

TEST_CASE("positions and proposal ids beyond their bounds are clamped", "[protocol][requests]") {
    const std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();
    const auto max_position = static_cast<std::int64_t>(limits::max_position);
    for (std::uint64_t position :
         {limits::max_position, limits::max_position + 1, std::uint64_t{1} << 62, max_u64}) {
        INFO("position " << position);
        CHECK(parse_as<SectionCreate>(with(sample("section.create"), "position", position))
                  .position == max_position);
        CHECK(parse_as<SectionMove>(with(sample("section.move"), "position", position)).position ==
              max_position);
    }
    CHECK(parse_as<SectionMove>(with(sample("section.move"), "position", 0)).position == 0);

    const auto max_proposal = static_cast<std::int64_t>(limits::max_proposal_id);
    for (std::uint64_t id :
         {limits::max_proposal_id, limits::max_proposal_id + 1, std::uint64_t{1} << 62, max_u64}) {
        INFO("proposal " << id);
        CHECK(parse_as<Vote>(with(sample("vote"), "proposal", id)).proposal == max_proposal);
    }
    // Proposal 0 never exists: the room answers not_found, as for any other unknown id.
    CHECK(parse_as<Vote>(with(sample("vote"), "proposal", 0)).proposal == 0);
}

TEST_CASE("a vote approves or rejects", "[protocol][requests]") {
    for (const char* ballot : {"maybe", "Approve", "", "approve "}) {
        INFO(ballot);
        CHECK(outcome(with(sample("vote"), "vote", ballot)) == "bad_request");
    }
}

TEST_CASE("a diff is of a section layer or of a municipality's plan", "[protocol][requests]") {
    const json bare = without(without(sample("diff"), "section"), "layer");
    CHECK(outcome(bare) == "bad_request");
    CHECK(outcome(with(bare, "section", "inleiding")) == "bad_request");
    CHECK(outcome(with(bare, "layer", "common")) == "bad_request");
    CHECK(outcome(with(bare, "municipality", "GM0166")) == "accepted");
    CHECK(outcome(with(bare, "municipality", "")) == "bad_request");
}

TEST_CASE("document.create checks its id, municipalities and source", "[protocol][requests]") {
    const json msg = sample("document.create");
    for (const std::string& id :
         {std::string(), std::string("-ivp"), std::string("IVP"), std::string("ivp 2027"),
          std::string("ivp_2027"), std::string("ivp.2027"), std::string("ivp\xC3\xA9"),
          bytes(limits::max_doc_id_bytes + 1, 'a')}) {
        INFO("doc id \"" << id << "\"");
        CHECK(outcome(with(msg, "doc", id)) == "bad_request");
    }
    for (const std::string& id : {std::string("a"), std::string("ivp-2027-"), std::string("2027"),
                                  bytes(limits::max_doc_id_bytes, 'a')}) {
        INFO("doc id \"" << id << "\"");
        CHECK(parse_as<DocumentCreate>(with(msg, "doc", id)).doc == id);
    }

    for (const json& codes :
         {json::array(), json::array({"GM0166", "GM0166"}), json::array({"gm0166"}),
          json::array({"GM016"}), json::array({"GM01666"}), json::array({"XX0166"}),
          json::array({"GM0166", 180}), json("GM0166"), json::object()}) {
        INFO("municipalities " << codes.dump());
        CHECK(outcome(with(msg, "municipalities", codes)) == "bad_request");
    }
    json many = json::array();
    for (std::size_t i = 0; i <= limits::max_municipalities; ++i) {
        std::string n = std::to_string(1000 + i);
        many.push_back("GM" + n.substr(n.size() - 4));
    }
    CHECK(outcome(with(msg, "municipalities", many)) == "bad_request");
    many.erase(many.size() - 1);
    CHECK(parse_as<DocumentCreate>(with(msg, "municipalities", many)).municipalities.size() ==
          limits::max_municipalities);

    CHECK(outcome(with(msg, "markdown", "# Inleiding\n")) == "bad_request");  // and a template
    CHECK(outcome(with(msg, "template", nullptr)) == "bad_request");
    CHECK(outcome(with(without(msg, "template"), "markdown", 7)) == "bad_request");
}

TEST_CASE("an edit's op is valid and changes something", "[protocol][requests]") {
    for (const json& op :
         {json::array({0, "x"}), json::array({-2, "x"}), json::array({1.5, "x"}),
          json::array({3, ""}), json::array({{{"d", 0}}}), json::array({{{"d", ""}}}),
          json::array({{{"d", 3}, {"i", "x"}}}), json::array({{{"i", "x"}}}),
          json::array({3, nullptr}), json::array({3}), json::array({3, 4, "x"}),
          json::array({"a", "b"}), json("x"), json::object()}) {
        INFO("op " << op.dump());
        CHECK(outcome(with(sample("edit"), "op", op)) == "op_error");
    }
    CHECK(outcome(with(sample("edit"), "op", json::array())) == "bad_request");
}

TEST_CASE("a selection is [anchor, head] of whole numbers", "[protocol][requests]") {
    for (const json& sel : {json::array({1, 2, 3}), json::array({-1, 2}), json::array({4}),
                            json::array(), json::array({1.5, 2}), json::array({"1", 2}),
                            json::object({{"anchor", 1}, {"head", 2}})}) {
        INFO("sel " << sel.dump());
        CHECK(outcome(with(sample("presence"), "sel", sel)) == "bad_request");
    }
    CHECK(parse_as<Presence>(with(sample("presence"), "sel", {0, 0})).sel == ot::Selection{0, 0});
}

TEST_CASE("a message is an object of a known type", "[protocol][requests]") {
    CHECK(outcome(json{{"type", "sectie.maak"}, {"doc", "ivp"}}) == "bad_request");
    CHECK(outcome(json{{"type", "Open"}, {"doc", "ivp"}}) == "bad_request");
    CHECK(outcome(json{{"type", ""}}) == "bad_request");
    CHECK(outcome(json{{"doc", "ivp"}}) == "bad_request");
    CHECK(outcome(json{{"type", 7}}) == "bad_request");
    CHECK(outcome(json{{"type", nullptr}}) == "bad_request");
    CHECK(outcome(json::object()) == "bad_request");
    for (const json& not_object :
         {json::array({sample("list")}), json("list"), json(7), json(nullptr), json(true)}) {
        INFO(not_object.dump());
        CHECK(outcome(not_object) == "bad_request");
    }
}

TEST_CASE("the client messages the schemas reject are refused by the parser",
          "[protocol][requests][schemas]") {
    // Checked after parsing instead, by the server's later steps:
    // the request id is echoed when it is a string or an integer and dropped otherwise
    // (protocol::request_id); a token is checked at sign-in; the forms of section, layer and
    // document ids are not checked, as an id the document does not have is not_found; proposal
    // 0 does not exist; unknown fields are ignored.
    const std::set<std::string> accepted_by_the_parser = {
        "an empty token",
        "a layer is common or a CBS code",
        "CBS codes are upper case",
        "section ids are lower case",
        "a section id does not end in a dash",
        "a request id is a string or an integer",
        "a request id string has at most 128 characters",
        "no unknown fields",
        "document ids are lower case",
        "document ids have at most 64 characters",
        "list takes no doc",
        "only a municipality diverges",
        "proposal ids start at 1",
    };
    std::set<std::string> accepted;
    std::size_t client_messages = 0;
    for (const json& line : read_jsonl(SAMEN_BAD_MESSAGES)) {
        if (line.at("dir") != "c2s") continue;
        ++client_messages;
        const std::string why = line.at("why").get<std::string>();
        const std::string got = outcome(line.at("msg"));
        INFO(why << ": " << line.at("msg").dump());
        CHECK((got == "bad_request" || got == "op_error" || got == "accepted"));
        if (got == "accepted") accepted.insert(why);
    }
    CHECK(client_messages >= 40);
    CHECK(accepted == accepted_by_the_parser);
}
