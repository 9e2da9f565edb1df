// The broadcast of an edit, written as text, is exactly the text of the same message built as a
// JSON tree and serialized: whatever its strings hold, its op and its stale overrides.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "model/document.hpp"
#include "ot_random.hpp"
#include "protocol/protocol.hpp"
#include "rooms/edit_message.hpp"
#include "text_samples.hpp"

using namespace samen;
using nlohmann::json;

namespace {

std::string pick(std::mt19937_64& rng) {
    const auto& all = test::text_samples::json_awkward();
    return all[rng() % all.size()];
}

}  // namespace

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
