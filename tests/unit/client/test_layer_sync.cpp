#include <catch2/catch.hpp>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "ot/json.hpp"
#include "ot_random.hpp"
#include "samen/layer_sync.hpp"

using namespace samen;
using client::LayerSync;
using State = LayerSync::State;

namespace {

ot::Op op(const char* json) {
    return ot::op_from_json(nlohmann::json::parse(json));
}

}  // namespace

TEST_CASE("LayerSync moves through the ot.js client states", "[client][layer_sync]") {
    LayerSync s("abc");
    CHECK(s.state() == State::synchronized);
    CHECK_FALSE(s.can_submit());

    s.local(op(R"([3, "d"])"));
    CHECK(s.text() == "abcd");
    CHECK(s.confirmed() == "abc");
    CHECK(s.state() == State::buffered);
    REQUIRE(s.can_submit());

    const auto& sent = s.submit(7, "c-1");
    CHECK(sent.base == 7);
    CHECK(sent.opid == "c-1");
    CHECK(ot::to_json(sent.op) == nlohmann::json::parse(R"([3, "d"])"));
    CHECK(s.state() == State::awaiting_confirm);
    CHECK(s.is_in_flight("c-1"));
    CHECK_FALSE(s.is_in_flight("c-2"));

    s.local(op(R"(["x"])"));
    s.local(op(R"([1, "y"])"));
    CHECK(s.text() == "xyabcd");
    CHECK(s.state() == State::awaiting_with_buffer);
    CHECK_FALSE(s.can_submit());  // one edit in flight at a time
    CHECK(ot::to_json(*s.buffer()) == nlohmann::json::parse(R"(["xy"])"));

    s.ack();
    CHECK(s.confirmed() == "abcd");
    CHECK(s.state() == State::buffered);
    s.submit(8, "c-2");
    s.ack();
    CHECK(s.state() == State::synchronized);
    CHECK(s.confirmed() == "xyabcd");
    CHECK(s.text() == "xyabcd");
}

TEST_CASE("LayerSync puts its in-flight insert first, as the server does", "[client][layer_sync]") {
    // The server applied the remote insert first and transformed ours with side left against it.
    LayerSync s("ab");
    s.local(op(R"([1, "X"])"));
    s.submit(1, "me-1");
    ot::Op applied = s.remote(op(R"([1, "Y"])"));
    CHECK(ot::to_json(applied) == nlohmann::json::parse(R"([2, "Y"])"));
    CHECK(s.text() == "aXYb");
    CHECK(s.confirmed() == "aYb");
    CHECK(ot::to_json(s.in_flight()->op) == nlohmann::json::parse(R"([1, "X"])"));
    // What the server computes for our edit after the remote one:
    CHECK(ot::apply("aYb", ot::transform(op(R"([1, "X"])"), op(R"([1, "Y"])"), ot::Side::left)) ==
          "aXYb");
    s.ack();
    CHECK(s.confirmed() == "aXYb");
}

TEST_CASE("LayerSync transforms remote ops past the in-flight edit and the buffer",
          "[client][layer_sync]") {
    LayerSync s("hello world");
    s.local(op(R"([{"d": 5}, "howdy"])"));
    s.submit(3, "a-1");
    s.local(op(R"([11, "!"])"));
    CHECK(s.text() == "howdy world!");
    // Someone else replaced "world" with "there" on the server's text.
    ot::Op applied = s.remote(op(R"([6, "there", {"d": 5}])"));
    CHECK(s.text() == "howdy there!");
    CHECK(s.confirmed() == "hello there");
    CHECK(ot::apply(s.confirmed(), s.in_flight()->op) == "howdy there");
    CHECK(ot::apply(ot::apply(s.confirmed(), s.in_flight()->op), *s.buffer()) == s.text());
    CHECK(ot::to_json(s.in_flight()->original) ==
          nlohmann::json::parse(R"([{"d": 5}, "howdy"])"));  // kept for resubmission at base 3
    CHECK_FALSE(applied.empty());
}

TEST_CASE("LayerSync lets go of a buffer that remote deletes emptied", "[client][layer_sync]") {
    LayerSync s("abcdef");
    s.local(op(R"([{"d": 1}])"));
    s.submit(1, "a-1");
    s.local(op(R"([2, {"d": 1}])"));   // deletes "d"
    s.remote(op(R"([2, {"d": 2}])"));  // someone deleted "cd"
    CHECK(s.text() == "bef");
    CHECK(s.state() == State::awaiting_confirm);
    // The in-flight op may become empty too; it stays in flight until the server answers.
    s.remote(op(R"([{"d": 1}])"));
    CHECK(s.in_flight()->op.empty());
    CHECK(s.text() == "bef");
    s.ack();
    CHECK(s.state() == State::synchronized);
}

TEST_CASE("LayerSync keeps its state when an op does not fit", "[client][layer_sync]") {
    LayerSync s("abc");
    s.local(op(R"([1, "x"])"));
    s.submit(1, "a-1");
    CHECK_THROWS_AS(s.local(op(R"([9, "x"])")), ot::OpError);
    CHECK_THROWS_AS(s.remote(op(R"([4, "x"])")), ot::OpError);
    CHECK_THROWS_AS(s.remote(op(R"([{"d": "zz"}])")), ot::OpError);  // not the text there
    ot::Op unnormalized{ot::Skip{1}, ot::Skip{1}, ot::Insert{"q"}};
    CHECK_THROWS_AS(s.local(unnormalized), ot::OpError);
    CHECK(s.text() == "axbc");
    CHECK(s.confirmed() == "abc");
    CHECK(s.state() == State::awaiting_confirm);
    CHECK_THROWS_AS(s.submit(2, "a-2"), std::logic_error);
}

TEST_CASE("LayerSync drops changes that cancel out and invertible delete text",
          "[client][layer_sync]") {
    LayerSync s("abc");
    s.local(op(R"([1, "xy"])"));
    s.local(op(R"([1, {"d": 2}])"));
    CHECK(s.text() == "abc");
    CHECK(s.state() == State::synchronized);

    s.local(op(R"([{"d": "ab"}])"));
    CHECK(s.text() == "c");
    CHECK(ot::to_json(*s.buffer()) == nlohmann::json::parse(R"([{"d": 2}])"));
    CHECK_THROWS_AS(s.ack(), std::logic_error);
}

TEST_CASE("LayerSync counts code points, not bytes", "[client][layer_sync]") {
    LayerSync s("ĳs 😀 é");
    s.local(op(R"([5, "!"])"));  // after the emoji and its space... position 5 is before "é"
    CHECK(s.text() == "ĳs 😀 !é");
    s.submit(1, "u-1");
    s.remote(op(R"([1, {"d": 1}])"));  // someone deletes the "s"
    CHECK(s.text() == "ĳ 😀 !é");
}

TEST_CASE("LayerSync discard_pending returns the lost text and restores the server's",
          "[client][layer_sync]") {
    LayerSync s("base");
    s.local(op(R"([4, " one"])"));
    s.submit(2, "x-1");
    s.local(op(R"([8, " two"])"));
    std::string lost = s.discard_pending();
    CHECK(lost == "base one two");
    CHECK(s.text() == "base");
    CHECK(s.state() == State::synchronized);
}

// ---- A server and several clients with random delivery --------------------------------------

namespace {

/// What samen-server does for one layer: every accepted edit gets the next revision; an edit is
/// transformed with side left against every later one; a repeated opid is acked again.
struct SimServer {
    std::string text;
    client::Rev rev = 0;
    std::vector<std::pair<client::Rev, ot::Op>> history;
    std::map<std::string, client::Rev> opids;
};

struct Message {
    enum class Kind { ack, edit } kind;
    client::Rev rev = 0;
    ot::Op op;
    std::string opid;
};

struct Upstream {
    client::Rev base = 0;
    ot::Op op;
    std::string opid;
};

struct SimClient {
    LayerSync sync;
    client::Rev rev = 0;
    std::deque<Upstream> up;
    std::deque<Message> down;
    int counter = 0;
    std::string name;
};

void receive(SimClient& c, const Message& m) {
    if (m.kind == Message::Kind::ack) {
        if (c.sync.is_in_flight(m.opid)) c.sync.ack();
        c.rev = std::max(c.rev, m.rev);
        return;
    }
    if (m.rev <= c.rev) return;  // our own edit after its ack
    if (c.sync.is_in_flight(m.opid)) {
        c.sync.ack();
    } else {
        c.sync.remote(m.op);
    }
    c.rev = m.rev;
}

void serve(SimServer& server, std::vector<SimClient>& clients, std::size_t from, bool echo) {
    Upstream u = clients[from].up.front();
    clients[from].up.pop_front();
    if (auto seen = server.opids.find(u.opid); seen != server.opids.end()) {
        clients[from].down.push_back({Message::Kind::ack, seen->second, {}, u.opid});
        return;
    }
    REQUIRE(u.base <= server.rev);
    ot::Op op = u.op;
    for (const auto& [rev, h] : server.history) {
        if (rev > u.base) op = ot::transform(op, h, ot::Side::left);
    }
    server.text = ot::apply(server.text, op);
    server.rev++;
    server.history.emplace_back(server.rev, op);
    server.opids[u.opid] = server.rev;
    clients[from].down.push_back({Message::Kind::ack, server.rev, {}, u.opid});
    for (std::size_t i = 0; i < clients.size(); ++i) {
        if (i != from || echo)
            clients[i].down.push_back({Message::Kind::edit, server.rev, op, u.opid});
    }
}

void check_invariant(const SimClient& c) {
    std::string t = c.sync.confirmed();
    if (c.sync.in_flight()) t = ot::apply(t, c.sync.in_flight()->op);
    if (c.sync.buffer()) t = ot::apply(t, *c.sync.buffer());
    REQUIRE(t == c.sync.text());
}

}  // namespace

TEST_CASE("LayerSync clients converge with a transforming server under random delivery",
          "[client][layer_sync][random]") {
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        INFO("seed " << seed);
        std::mt19937_64 rng(seed);
        const bool echo = seed % 2 == 0;  // the author also receives its own edit after the ack
        SimServer server;
        server.text = test::random_doc(rng, 20);
        std::vector<SimClient> clients(2 + seed % 3);
        for (std::size_t i = 0; i < clients.size(); ++i) {
            clients[i].sync = LayerSync(server.text);
            clients[i].name = "c" + std::to_string(i);
        }
        const int steps = 200;
        for (int step = 0; step < steps; ++step) {
            auto& c = clients[rng() % clients.size()];
            const auto kind = rng() % 10;
            if (kind < 3) {
                c.sync.local(test::random_op(rng, c.sync.text(), {0.3, 3, 4}));
            } else if (kind < 5) {
                if (c.sync.can_submit()) {
                    const auto& s =
                        c.sync.submit(c.rev, c.name + "-" + std::to_string(++c.counter));
                    c.up.push_back({s.base, s.op, s.opid});
                }
            } else if (kind < 7) {
                if (!c.up.empty())
                    serve(server, clients, static_cast<std::size_t>(&c - clients.data()), echo);
            } else if (!c.down.empty()) {
                receive(c, c.down.front());
                c.down.pop_front();
            }
            check_invariant(c);
        }
        // Let everything through.
        for (int round = 0; round < 10000; ++round) {
            bool moved = false;
            for (std::size_t i = 0; i < clients.size(); ++i) {
                auto& c = clients[i];
                if (c.sync.can_submit()) {
                    const auto& s =
                        c.sync.submit(c.rev, c.name + "-" + std::to_string(++c.counter));
                    c.up.push_back({s.base, s.op, s.opid});
                }
                while (!c.up.empty()) {
                    serve(server, clients, i, echo);
                    moved = true;
                }
            }
            for (auto& c : clients) {
                while (!c.down.empty()) {
                    receive(c, c.down.front());
                    c.down.pop_front();
                    moved = true;
                }
            }
            if (!moved) break;
        }
        for (const auto& c : clients) {
            INFO(c.name);
            CHECK(c.sync.state() == State::synchronized);
            CHECK(c.sync.text() == server.text);
            CHECK(c.rev == server.rev);
        }
    }
}
