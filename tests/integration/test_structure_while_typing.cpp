// Structural changes while others type in the same section: a coordinator renames, moves,
// diverges, omits, acknowledges, reverts and names versions while four people of four
// municipalities type into the section's common text through the client library. Every client
// ends with the server's text, and every word typed is in it exactly once.
#include <catch2/catch.hpp>
#include <random>

#include "ot/text.hpp"
#include "protocol_client.hpp"
#include "samen/blocking_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"
#include "text/utf8.hpp"

using namespace samen;
using namespace samen::test;
using client::BlockingClient;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";
const std::string section = "werkgroep";

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1))
        ++n;
    return n;
}

/// An insert of `word` at the start, at the end, or right after a word typed before (never
/// inside one), chosen by `pick`.
ot::Op insert_between_words(const std::string& text, const std::string& word, std::uint64_t pick) {
    std::vector<std::size_t> places = {0, utf8::count(text)};
    std::size_t cp = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++cp;
        if (text[i] == ']') places.push_back(cp);
    }
    const std::size_t at = places[pick % places.size()];
    ot::Op op;
    if (at > 0) op.push_back(ot::Skip{at});
    op.push_back(ot::Insert{word});
    return op;
}

}  // namespace

TEST_CASE("structural changes while others type in the same section",
          "[integration][convergence][tree]") {
    ServerProcess server;
    const std::uint64_t seed = 0x7e1d2026;
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);

    const std::vector<std::string> typists = {"kampen-editor", "staphorst-editor",
                                              "steenwijkerland-editor", "zwartewaterland-editor"};
    std::vector<std::unique_ptr<BlockingClient>> clients;
    for (std::size_t i = 0; i < typists.size(); ++i) {
        client::ClientOptions options;
        options.seed = seed + i;
        auto c = std::make_unique<BlockingClient>(options);
        c->connect("127.0.0.1", server.port(), server.sign_in(typists[i]));
        c->open(doc);
        clients.push_back(std::move(c));
    }
    ProtocolClient kampen(server.port()), staphorst(server.port());
    kampen.hello(server.sign_in("kampen-coordinator"));
    staphorst.hello(server.sign_in("staphorst-coordinator"));
    kampen.open(doc);
    staphorst.open(doc);
    auto layer = [&](ProtocolClient& who, const std::string& kind, const std::string& code) {
        return who.request({{"type", kind}, {"doc", doc}, {"section", section}, {"layer", code}});
    };

    // Each step is one structural or workflow change, made while the typists' edits are in flight.
    std::vector<std::function<json()>> steps = {
        [&] {
            return staphorst.request({{"type", "section.rename"},
                                      {"doc", doc},
                                      {"section", section},
                                      {"title", "De werkgroep"}});
        },
        [&] { return layer(kampen, "diverge", "GM0166"); },
        [&] {
            return staphorst.request({{"type", "section.create"},
                                      {"doc", doc},
                                      {"parent", section},
                                      {"position", 0},
                                      {"title", "Leden"}});
        },
        [&] {
            return staphorst.request({{"type", "section.move"},
                                      {"doc", doc},
                                      {"section", section},
                                      {"parent", nullptr},
                                      {"position", 0}});
        },
        [&] { return layer(staphorst, "omit", "GM0180"); },
        [&] {
            return kampen.request({{"type", "tag"}, {"doc", doc}, {"label", "Tussenstand"}});
        },
        [&] { return layer(kampen, "acknowledge", "GM0166"); },
        [&] { return layer(staphorst, "include", "GM0180"); },
        [&] { return layer(kampen, "revert", "GM0166"); },
        [&] {
            return staphorst.request({{"type", "section.move"},
                                      {"doc", doc},
                                      {"section", section},
                                      {"parent", nullptr},
                                      {"position", 3}});
        },
    };

    std::vector<std::string> typed;
    const int rounds = 12;
    for (int round = 0; round < rounds; ++round) {
        for (std::size_t i = 0; i < clients.size(); ++i) {
            const std::string word = "[" + std::to_string(i) + "-" + std::to_string(round) + "]";
            typed.push_back(word);
            const std::uint64_t pick = rng();
            clients[i]->edit_with(doc, section, "common", [word, pick](const std::string& text) {
                return insert_between_words(text, word, pick);
            });
        }
        if (static_cast<std::size_t>(round) < steps.size()) {
            INFO("step " << round);
            CHECK(steps[round]()["type"] == "ack");
        }
    }
    for (auto& c : clients) REQUIRE(c->wait_synced(std::chrono::seconds(120)));

    ProtocolClient fresh(server.port());
    fresh.hello(server.sign_in("admin"));
    const json snap = fresh.open(doc);
    const auto final_rev = snap["rev"].get<client::Rev>();
    const std::string common = common_text(snap, section);
    for (const auto& word : typed) {
        INFO(word);
        CHECK(count(common, word) == 1);
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
        INFO(typists[i]);
        REQUIRE(clients[i]->wait_until([&] { return clients[i]->rev(doc) == final_rev; },
                                       std::chrono::seconds(60)));
        CHECK(clients[i]->text(doc, section, "common") == common);
        CHECK(clients[i]->document(doc).section(section)->title == "De werkgroep");
        CHECK(clients[i]->take_errors().empty());
    }
}
