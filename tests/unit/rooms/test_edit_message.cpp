// The broadcast of an edit, written as text, is exactly the text of the same message built as a
// JSON tree and serialized: whatever its strings hold, its op and its stale overrides.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "model/document.hpp"
#include "ot_random.hpp"
#include "protocol/json_text.hpp"
#include "protocol/protocol.hpp"
#include "rooms/edit_message.hpp"

using namespace samen;
using nlohmann::json;

namespace {

/// Strings as a user may write them: quotes, backslashes, every control character, Dutch and
/// emoji; and one that is not UTF-8 (which serialize replaces).
const std::vector<std::string>& awkward() {
    static const std::vector<std::string> strings = {
        "",
        "ivp-2023",
        "\"quoted\"",
        "back\\slash",
        "tab\there",
        "line\nbreak\r\n",
        std::string("nul\0byte", 8),
        "\x01\x02\x1f\x7f",
        "\b\f",
        "ĳsselmeer 🇳🇱 café’s",
        "\xff\xfe",
        "</script>",
    };
    return strings;
}

std::string pick(std::mt19937_64& rng) {
    const auto& all = awkward();
    return all[rng() % all.size()];
}

}  // namespace

TEST_CASE("append_json_string writes what serialize writes", "[edit_message]") {
    for (int c = 0; c < 256; ++c) {
        const std::string s(1, static_cast<char>(c));
        std::string out;
        protocol::append_json_string(out, s);
        CHECK(out == protocol::serialize(json(s)));
    }
    for (const std::string& s : awkward()) {
        std::string out = "x";
        protocol::append_json_string(out, s);
        CHECK(out == "x" + protocol::serialize(json(s)));
    }
}

TEST_CASE("An edit's broadcast text is its JSON message serialized", "[edit_message]") {
    const std::uint64_t seed = test::test_seed(0x5a3ee001);
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 2000; ++i) {
        const std::string text = test::random_doc(rng);
        rooms::AppliedEdit e{rng() % 10'000'000, pick(rng),
                             pick(rng),          test::random_op(rng, text),
                             pick(rng),          static_cast<std::int64_t>(rng() % 100)};
        model::UserRef author{e.author, pick(rng), pick(rng), std::nullopt};
        if (rng() % 2 == 0) author.municipality = pick(rng);
        std::vector<std::string> stale;
        for (std::size_t k = rng() % 4; k > 0; --k) stale.push_back(pick(rng));
        const auto* with_stale = rng() % 2 == 0 ? &stale : nullptr;
        const std::string doc = pick(rng);

        const json author_json = model::to_json(author);
        const std::string expected =
            protocol::serialize(rooms::edit_message(doc, e, author_json, with_stale));
        CHECK(rooms::edit_message_text(doc, e, protocol::serialize(author_json), with_stale) ==
              expected);
    }
}
