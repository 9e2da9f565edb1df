// The workgroup at work: eight people of four municipalities type into the same sections at once,
// through the real client library, and everyone ends with the same text as the server — before
// and after the server is killed and restarted. Edits whose ack is lost, and edits made offline,
// arrive once.
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

namespace {

const std::string doc = "startnotitie-ivp-2023";
const std::vector<std::string> words = {"veiligheid ", "samen ",     "ĳsselland ", "één ",  "café ",
                                        "😅 ",          "e\xCC\x81 ", "’t ",        "wijk ", "👻👻 "};

// GCC 12's false "may be used uninitialized" for a moved ot::Insert (see model::diff_op).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
/// A random edit of `text`: mostly an insert at a random place, sometimes a delete.
ot::Op random_op(std::mt19937_64& rng, const std::string& text) {
    const std::size_t len = utf8::count(text);
    ot::Op op;
    std::size_t at = len == 0 ? 0 : rng() % (len + 1);
    if (at > 0) op.push_back(ot::Skip{at});
    if (len > 0 && at < len && rng() % 4 == 0) {
        op.push_back(ot::Delete{1 + rng() % std::min<std::size_t>(len - at, 5), std::nullopt});
    } else {
        op.push_back(ot::Insert{words[rng() % words.size()]});
    }
    return op;
}
#pragma GCC diagnostic pop

nlohmann::json fresh_snapshot(const ServerProcess& server) {
    ProtocolClient c(server.port());
    c.hello(server.sign_in("admin"));
    return c.open(doc);
}

std::unique_ptr<BlockingClient> connect(const ServerProcess& server, const std::string& user,
                                        std::uint64_t seed) {
    client::ClientOptions options;
    options.seed = seed;
    options.client_name = "samen-tests";
    auto c = std::make_unique<BlockingClient>(options);
    c->connect("127.0.0.1", server.port(), server.sign_in(user));
    c->open(doc);
    return c;
}

}  // namespace

TEST_CASE("eight clients of four municipalities typing at once converge, also after SIGKILL",
          "[integration][convergence]") {
    // More network threads than the default one: the strands must keep every room, session and
    // connection to one handler at a time (docs/decisions/0026-one-network-thread.md).
    ServerProcess server({"--threads", "4"});
    const std::uint64_t seed = 0x5a3e2026;
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);

    struct Person {
        std::string user;
        std::string own_layer;  // the layer of their municipality's override in "inleiding", if any
    };
    const std::vector<Person> people = {{"kampen-editor", "GM0166"},
                                        {"kampen-coordinator", "GM0166"},
                                        {"steenwijkerland-editor", "GM1708"},
                                        {"steenwijkerland-coordinator", "GM1708"},
                                        {"staphorst-editor", ""},
                                        {"staphorst-coordinator", ""},
                                        {"zwartewaterland-editor", ""},
                                        {"zwartewaterland-coordinator", ""}};
    const std::vector<std::string> sections = {"inleiding", "werkgroep", "randvoorwaarden",
                                               "uitgangspunten"};

    std::vector<std::unique_ptr<BlockingClient>> clients;
    for (std::size_t i = 0; i < people.size(); ++i) {
        clients.push_back(connect(server, people[i].user, seed + i));
    }

    // 8 clients x 60 edits, interleaved; nobody waits for acks, so edits cross on the wire.
    const int rounds = 60;
    for (int round = 0; round < rounds; ++round) {
        for (std::size_t i = 0; i < clients.size(); ++i) {
            std::string section = sections[rng() % sections.size()];
            std::string layer = "common";
            if (!people[i].own_layer.empty() && section == "inleiding" && rng() % 2 == 0) {
                layer = people[i].own_layer;
            }
            const std::uint64_t op_seed = rng();
            clients[i]->edit_with(doc, section, layer, [op_seed](const std::string& text) {
                std::mt19937_64 local(op_seed);
                return random_op(local, text);
            });
        }
    }
    for (auto& c : clients) REQUIRE(c->wait_synced(std::chrono::seconds(120)));

    const auto snap = fresh_snapshot(server);
    const auto final_rev = snap["rev"].get<client::Rev>();
    // Edits made while one is in flight are composed into one: fewer revisions than edits.
    CHECK(final_rev > 0);
    CHECK(final_rev <= static_cast<client::Rev>(rounds) * clients.size());
    const auto expected = texts_of(snap);
    for (std::size_t i = 0; i < clients.size(); ++i) {
        INFO("client " << people[i].user);
        REQUIRE(clients[i]->wait_until([&] { return clients[i]->rev(doc) == final_rev; },
                                       std::chrono::seconds(60)));
        for (const auto& [key, text] : expected) {
            INFO("section " << key.first << " layer " << key.second);
            CHECK(clients[i]->text(doc, key.first, key.second) == text);
        }
    }
    clients.clear();

    server.kill();
    server.restart();
    const auto after = fresh_snapshot(server);
    CHECK(after["rev"] == final_rev);
    CHECK(texts_of(after) == expected);
}

TEST_CASE("an edit whose ack was lost is resubmitted once, not twice",
          "[integration][convergence][reconnect]") {
    ServerProcess server;
    auto c = connect(server, "kampen-editor", 7);
    const std::string before = c->text(doc, "werkgroep", "common");
    const auto rev = c->rev(doc);
    c->drop_after_next_edit();
    c->edit(doc, "werkgroep", "common", ot::Op{ot::Insert{"Eén keer. "}});
    REQUIRE(c->wait_synced(std::chrono::seconds(60)));
    CHECK(c->text(doc, "werkgroep", "common") == "Eén keer. " + before);
    CHECK(c->connections() >= 2);  // it did reconnect

    const auto snap = fresh_snapshot(server);
    CHECK(snap["rev"] == rev + 1);
    CHECK(texts_of(snap)[{"werkgroep", "common"}] == "Eén keer. " + before);
}

TEST_CASE("edits made while disconnected arrive after the reconnect, each once",
          "[integration][convergence][reconnect]") {
    ServerProcess server;
    auto writer = connect(server, "staphorst-editor", 11);
    auto reader = connect(server, "kampen-viewer", 12);
    const std::string before = writer->text(doc, "randvoorwaarden", "common");

    writer->disconnect();
    for (int i = 0; i < 5; ++i) {
        writer->edit_with(doc, "randvoorwaarden", "common", [](const std::string& text) {
            return ot::Op{ot::Skip{utf8::count(text)}, ot::Insert{"!"}};
        });
    }
    REQUIRE(writer->wait_synced(std::chrono::seconds(60)));
    const std::string expected = before + "!!!!!";
    CHECK(writer->text(doc, "randvoorwaarden", "common") == expected);
    CHECK(reader->wait_until(
        [&] { return reader->text(doc, "randvoorwaarden", "common") == expected; },
        std::chrono::seconds(30)));
    CHECK(texts_of(fresh_snapshot(server))[{"randvoorwaarden", "common"}] == expected);
}
