// samen-bench's QuickReader reads an edit or an ack as nlohmann::json and ot::op_from_json would,
// and leaves every other message, and every one it does not expect, to them.
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "ot/json.hpp"
#include "ot_catch.hpp"
#include "ot_random.hpp"
#include "protocol/protocol.hpp"
#include "samen_bench/quick_reader.hpp"

namespace ot = samen::ot;
using nlohmann::json;
using samen::bench::QuickMessage;
using samen::bench::QuickReader;

namespace {

json edit(const ot::Op& op, const std::string& opid = "bench3-17") {
    return {{"type", "edit"},
            {"doc", "ivp"},
            {"rev", 812},
            {"author", {{"id", 4}, {"name", "an"}, {"municipality", "kampen"}}},
            {"section", "s-1"},
            {"layer", "common"},
            {"op", ot::to_json(op)},
            {"opid", opid}};
}

/// `messages` as the server sends them: alone, or two or more in a batch.
std::string sent(const std::vector<json>& messages) {
    if (messages.size() == 1) return samen::protocol::serialize(messages[0]);
    std::vector<std::shared_ptr<const std::string>> texts;
    for (const json& m : messages) {
        texts.push_back(std::make_shared<const std::string>(samen::protocol::serialize(m)));
    }
    return *samen::protocol::batch(texts);
}

}  // namespace

TEST_CASE("QuickReader reads a batch of edits and acks in order") {
    const ot::Op op{ot::Skip{3}, ot::Insert{"ĳs 🇳🇱"}, ot::Delete{2, {}}, ot::Skip{1},
                    ot::Delete{2, "é’"}};
    QuickReader reader;
    std::vector<QuickMessage> out;
    REQUIRE(reader.read(
        sent(
            {edit(op), {{"type", "ack"}, {"id", 31}, {"rev", 813}}, {{"type", "ack"}, {"id", 32}}}),
        out));
    REQUIRE(out.size() == 3);
    REQUIRE(out[0].is_edit);
    CHECK(out[0].edit.section == "s-1");
    CHECK(out[0].edit.layer == "common");
    CHECK(out[0].edit.opid == "bench3-17");
    CHECK(out[0].edit.rev == 812);
    CHECK(out[0].edit.op == op);
    REQUIRE_FALSE(out[1].is_edit);
    CHECK(out[1].ack.id == 31);
    CHECK(out[1].ack.rev == 813);
    CHECK(out[2].ack.id == 32);
    CHECK(out[2].ack.rev == 0);  // an ack without a revision (of a close, say)

    REQUIRE(reader.read(sent({{{"type", "ack"}, {"id", 5}, {"rev", 43}}}), out));
    REQUIRE(out.size() == 1);
    CHECK(out[0].ack.rev == 43);
}

TEST_CASE("QuickReader reads every op as ot::op_from_json does") {
    const std::uint64_t seed = samen::test::test_seed(0x5a3eb001);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    QuickReader reader;
    std::vector<QuickMessage> out;
    for (int i = 0; i < 2000; ++i) {
        const std::string doc = samen::test::random_doc(rng);
        const ot::Op op = samen::test::random_op(rng, doc);
        const std::string text = sent({edit(op)});
        INFO(text);
        REQUIRE(reader.read(text, out));
        REQUIRE(out.size() == 1);
        CHECK(out[0].edit.op == ot::op_from_json(json::parse(text).at("op")));
    }
}

TEST_CASE("QuickReader leaves every other message to the JSON reader") {
    const json ack = {{"type", "ack"}, {"id", 1}, {"rev", 2}};
    const std::vector<std::string> others = {
        sent({{{"type", "welcome"}, {"session", 3}}}),
        sent({ack, {{"type", "presence"}, {"session", 3}}}),  // one of a batch is not for it
        sent({edit({ot::Insert{"a"}, ot::Insert{"b"}})}),     // not normalized
        sent({edit({ot::Skip{2}})}),                          // a skip alone is not normalized
        sent({json{{"type", "edit"}, {"rev", 3}, {"op", json::array({"a"})}}}),  // no section
        sent({json{{"type", "ack"}, {"id", "open"}}}),  // the id of another request
        sent({json{{"type", "ack"}, {"id", 1}, {"rev", -1}}}),
        R"({"type":"edit","op":[{"d":0}],"section":"s","layer":"l","opid":"o","rev":1})",
        R"({"type":"edit","op":[{"d":1,"x":2}],"section":"s","layer":"l","opid":"o","rev":1})",
        R"({"type":"batch","messages":{}})",
        R"({"type":"ack","id":1,"rev":2)",  // cut short
        "\"ack\"",
        "",
    };
    QuickReader reader;
    std::vector<QuickMessage> out{QuickMessage{}};
    for (const std::string& text : others) {
        INFO(text);
        CHECK_FALSE(reader.read(text, out));
        CHECK(out.empty());
    }
}
