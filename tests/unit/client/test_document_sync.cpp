// DocumentSync against an in-process server that follows samen-server's rules (server/rooms):
// real protocol messages, random delivery, dropped connections, lost acks, snapshots where
// changes were asked for, changes the client does not know, and rate limiting.
#include <catch2/catch.hpp>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <random>

#include "ot/json.hpp"
#include "ot_random.hpp"
#include "samen/document_sync.hpp"

using namespace samen;
using client::DocumentSync;
using client::Outgoing;
using client::Rev;
using nlohmann::json;

namespace {

/// SAMEN_TRACE=1 prints every message of a simulation: with SEED=n, the story of one failure.
void trace(const std::string& line) {
    static const bool on = std::getenv("SAMEN_TRACE") != nullptr;
    if (on) std::cout << line << "\n";
}

const std::vector<std::pair<std::string, std::string>> kLayers = {
    {"s1", "common"}, {"s1", "GM0166"}, {"s2", "common"}, {"s3", "common"}};

class FakeServer {
  public:
    struct Entry {
        Rev rev = 0;
        bool is_edit = true;
        std::string section;
        std::string layer;
        ot::Op op;
        json msg;
    };

    FakeServer(std::mt19937_64& rng, bool echo) : rng_(rng), echo_(echo) {
        for (const auto& key : kLayers) texts_[key] = test::random_doc(rng, 15);
        initial_ = texts_;
    }

    std::function<void(int client, json msg)> send;
    double rate_limit_chance = 0;

    void handle(int c, const json& msg) {
        const std::string type = msg.at("type");
        if (type == "open") return open(c, msg);
        if (type == "edit") return edit(c, msg);
        if (type == "presence") {
            for (auto& [other, m] : members_) {
                if (other != c && m.open) {
                    send(other, {{"type", "presence"},
                                 {"doc", "d"},
                                 {"session", c + 1},
                                 {"user", user(c)},
                                 {"section", msg["section"]},
                                 {"layer", msg["layer"]},
                                 {"sel", msg["sel"]}});
                }
            }
            return;
        }
        FAIL("unexpected message " << msg.dump());
    }

    void leave(int c) {
        if (!members_[c].open) return;
        members_[c].open = false;
        for (auto& [other, m] : members_) {
            if (other != c && m.open) {
                send(other, {{"type", "presence_left"},
                             {"doc", "d"},
                             {"session", c + 1},
                             {"user_id", c + 1}});
            }
        }
    }

    /// A change of the section tree: it takes a revision and is sent to every member.
    void structural_change() {
        ++rev_;
        at_rev_[rev_] = texts_;
        json msg = {{"type", "section.rename"},
                    {"doc", "d"},
                    {"section", "s2"},
                    {"title", "Title " + std::to_string(rev_)},
                    {"rev", rev_}};
        log_.push_back({rev_, false, {}, {}, {}, msg});
        for (auto& [other, m] : members_) {
            if (m.open && m.from_rev < rev_) send(other, msg);
        }
    }

    /// Forgets what is held in memory: opens with an older `since` get a snapshot.
    void trim() {
        memory_from_ = rev_;
        trace("the server forgets the changes up to " + std::to_string(rev_));
    }

    Rev rev() const { return rev_; }
    /// The text of a layer as it was at revision `rev`.
    const std::string& text_at(Rev rev, const std::pair<std::string, std::string>& key) {
        return rev == 0 ? initial_.at(key) : at_rev_.at(rev).at(key);
    }
    const std::string& text(const std::pair<std::string, std::string>& key) { return texts_[key]; }
    std::size_t edits() const { return edits_; }

  private:
    struct Member {
        bool open = false;
        Rev from_rev = 0;
    };

    static json user(int c) {
        return {{"id", c + 1},
                {"name", "user" + std::to_string(c)},
                {"display_name", "User"},
                {"municipality", "GM0166"}};
    }

    void open(int c, const json& msg) {
        std::optional<Rev> since;
        if (msg.contains("since")) since = msg["since"].get<Rev>();
        REQUIRE((!since || *since <= rev_));
        json reply;
        if (since && *since >= memory_from_) {
            json changes = json::array();
            for (const auto& e : log_) {
                if (e.rev > *since) changes.push_back(e.msg);
            }
            reply = {{"type", "changes"}, {"id", msg["id"]}, {"doc", "d"},
                     {"from", *since},    {"rev", rev_},     {"changes", changes}};
        } else {
            json sections = json::array();
            for (const char* s : {"s1", "s2", "s3"}) {
                json layers = {{"common", {{"text", texts_[{s, "common"}]}, {"changed_rev", 0}}}};
                if (std::string(s) == "s1") {
                    layers["GM0166"] = {{"state", "override"},
                                        {"text", texts_[{s, "GM0166"}]},
                                        {"base", 0},
                                        {"changed_rev", 0},
                                        {"stale", false}};
                }
                if (std::string(s) == "s2") layers["GM1708"] = {{"state", "omit"}};
                sections.push_back({{"id", s},
                                    {"parent", nullptr},
                                    {"position", 1},
                                    {"title", s},
                                    {"owner", nullptr},
                                    {"layers", layers}});
            }
            reply = {{"type", "snapshot"},
                     {"id", msg["id"]},
                     {"doc", "d"},
                     {"title", "Doc"},
                     {"rev", rev_},
                     {"municipalities", {{{"code", "GM0166"}, {"name", "Kampen"}}}},
                     {"sections", sections},
                     {"presence", json::array()}};
        }
        members_[c] = {true, rev_};
        send(c, reply);
    }

    void edit(int c, const json& msg) {
        const json id = msg["id"];
        REQUIRE(members_[c].open);
        const std::string opid = msg.at("opid");
        if (auto seen = opids_.find({c, opid}); seen != opids_.end()) {
            send(c, {{"type", "ack"}, {"id", id}, {"rev", seen->second}});
            return;
        }
        if (std::uniform_real_distribution<double>(0, 1)(rng_) < rate_limit_chance) {
            send(c, {{"type", "error"},
                     {"id", id},
                     {"code", "rate_limited"},
                     {"message", "slow down"}});
            return;
        }
        const Rev base = msg.at("base");
        REQUIRE(base <= rev_);
        std::pair<std::string, std::string> key{msg.at("section"), msg.at("layer")};
        ot::Op op = ot::op_from_json(msg.at("op"));
        REQUIRE_FALSE(op.empty());
        for (const auto& e : log_) {
            if (e.is_edit && e.rev > base && e.section == key.first && e.layer == key.second) {
                op = ot::transform(op, e.op, ot::Side::left);
            }
        }
        texts_[key] = ot::apply(texts_[key], op);  // throws, failing the test, if it does not fit
        ++rev_;
        at_rev_[rev_] = texts_;
        ++edits_;
        json out = {{"type", "edit"},      {"doc", "d"},       {"section", key.first},
                    {"layer", key.second}, {"rev", rev_},      {"op", ot::to_json(op)},
                    {"opid", opid},        {"author", user(c)}};
        log_.push_back({rev_, true, key.first, key.second, op, out});
        opids_[{c, opid}] = rev_;
        send(c, {{"type", "ack"}, {"id", id}, {"rev", rev_}});
        for (auto& [other, m] : members_) {
            if ((other != c || echo_) && m.open && m.from_rev < rev_) send(other, out);
        }
    }

    std::mt19937_64& rng_;
    bool echo_;
    Rev rev_ = 0;
    Rev memory_from_ = 0;
    std::size_t edits_ = 0;
    std::map<std::pair<std::string, std::string>, std::string> texts_;
    std::map<std::pair<std::string, std::string>, std::string> initial_;
    std::map<Rev, std::map<std::pair<std::string, std::string>, std::string>> at_rev_;
    std::vector<Entry> log_;
    std::map<std::pair<int, std::string>, Rev> opids_;
    std::map<int, Member> members_;
};

/// A client as Client::Impl drives DocumentSync: request ids, routing of acks and errors.
struct SimClient {
    struct Request {
        Outgoing::Kind kind;
        std::string section;
        std::string layer;
        std::string opid;
    };

    SimClient(int index)
        : name("c" + std::to_string(index)),
          sync("d", [this] { return name + "-" + std::to_string(++counter); }) {}

    std::string name;
    int counter = 0;
    DocumentSync sync;
    bool connected = false;
    std::deque<json> up;
    std::deque<json> down;
    std::map<std::uint64_t, Request> requests;
    std::uint64_t next_id = 1;
    std::vector<client::ClientError> errors;
    std::size_t remote_edits = 0;

    void pump() {
        for (Outgoing& out : sync.take_outgoing()) {
            REQUIRE(connected);
            if (out.kind != Outgoing::Kind::presence) {
                out.msg["id"] = next_id;
                requests[next_id++] = {out.kind, out.section, out.layer, out.opid};
            }
            trace(name + " -> " + out.msg.dump());
            up.push_back(out.msg);
        }
        for (auto& e : sync.take_events()) {
            if (auto* err = std::get_if<client::ClientError>(&e)) errors.push_back(*err);
            if (std::holds_alternative<client::RemoteEdit>(e)) ++remote_edits;
        }
    }

    void receive(const json& msg) {
        trace(name + " <- " + msg.dump());
        const std::string type = msg.at("type");
        if (type == "ack" || type == "error") {
            auto it = requests.find(msg.at("id").get<std::uint64_t>());
            REQUIRE(it != requests.end());
            Request r = it->second;
            requests.erase(it);
            REQUIRE(r.kind == Outgoing::Kind::edit);
            if (type == "ack") {
                sync.acked(r.section, r.layer, r.opid, msg.at("rev"));
            } else {
                sync.refused(r.section, r.layer, r.opid, msg.at("code"), msg.at("message"));
            }
        } else {
            if (msg.contains("id")) requests.erase(msg["id"].get<std::uint64_t>());
            sync.receive(msg);
        }
        pump();
    }

    void check_invariants() {
        for (const auto& [section, layer] : kLayers) {
            const client::LayerSync* l = sync.layer(section, layer);
            if (!l) continue;
            std::string t = l->confirmed();
            if (l->in_flight()) t = ot::apply(t, l->in_flight()->op);
            if (l->buffer()) t = ot::apply(t, *l->buffer());
            REQUIRE(t == l->text());
            const model::Section* s = sync.document().section(section);
            REQUIRE(s != nullptr);
            REQUIRE(s->layer(layer)->text == l->text());
        }
    }
};

struct Simulation {
    Simulation(std::uint64_t seed, std::size_t n) : rng(seed), server(rng, seed % 2 == 0) {
        for (std::size_t i = 0; i < n; ++i)
            clients.push_back(std::make_unique<SimClient>(static_cast<int>(i)));
        server.send = [this](int c, json msg) {
            // A message to a connection that is gone is lost.
            if (clients[static_cast<std::size_t>(c)]->connected) {
                clients[static_cast<std::size_t>(c)]->down.push_back(std::move(msg));
            }
        };
    }

    void connect(std::size_t i) {
        auto& c = *clients[i];
        c.connected = true;
        c.sync.connected();
        c.pump();
    }

    void deliver_up(std::size_t i) {
        auto& c = *clients[i];
        json msg = std::move(c.up.front());
        c.up.pop_front();
        server.handle(static_cast<int>(i), msg);
    }

    void deliver_down(std::size_t i) {
        auto& c = *clients[i];
        json msg = std::move(c.down.front());
        c.down.pop_front();
        c.receive(msg);
        check_confirmed(c);
    }

    /// A live client's view of the server, without its own pending changes, is the server's text
    /// at the revision it reached.
    void check_confirmed(SimClient& c) {
        if (c.sync.phase() != DocumentSync::Phase::live) return;
        for (const auto& key : kLayers) {
            INFO(c.name << " " << key.first << "/" << key.second << " at " << c.sync.rev());
            REQUIRE(c.sync.layer(key.first, key.second)->confirmed() ==
                    server.text_at(c.sync.rev(), key));
        }
    }

    /// The connection breaks: what the server got so far is handled, the rest is lost, and
    /// nothing the server sends reaches the client any more.
    void drop(std::size_t i) {
        auto& c = *clients[i];
        trace(c.name + " loses its connection");
        c.connected = false;
        c.down.clear();
        const std::size_t through = c.up.empty() ? 0 : rng() % (c.up.size() + 1);
        for (std::size_t k = 0; k < through; ++k) deliver_up(i);
        c.up.clear();
        server.leave(static_cast<int>(i));
        c.requests.clear();
        c.sync.disconnected();
        c.pump();
    }

    void local_edit(std::size_t i) {
        auto& c = *clients[i];
        if (!c.sync.loaded()) return;
        const auto& [section, layer] = kLayers[rng() % kLayers.size()];
        const client::LayerSync* l = c.sync.layer(section, layer);
        REQUIRE(l != nullptr);
        ot::Op op = test::random_op(rng, l->text(), {0.3, 3, 4});
        c.sync.edit(section, layer, op);
        c.pump();
    }

    /// Delivers everything, reconnecting every client, until nothing moves.
    void settle() {
        for (std::size_t i = 0; i < clients.size(); ++i) {
            if (!clients[i]->connected) connect(i);
        }
        server.rate_limit_chance = 0;
        for (int round = 0; round < 100000; ++round) {
            bool moved = false;
            for (std::size_t i = 0; i < clients.size(); ++i) {
                auto& c = *clients[i];
                c.sync.resume();
                c.pump();
                while (!c.up.empty()) {
                    deliver_up(i);
                    moved = true;
                }
            }
            for (std::size_t i = 0; i < clients.size(); ++i) {
                while (!clients[i]->down.empty()) {
                    deliver_down(i);
                    moved = true;
                }
            }
            if (!moved) return;
        }
        FAIL("the simulation did not settle");
    }

    std::mt19937_64 rng;
    FakeServer server;
    std::vector<std::unique_ptr<SimClient>> clients;
};

void run_simulation(std::uint64_t seed, bool failures) {
    INFO("seed " << seed);
    Simulation sim(seed, 2 + seed % 3);
    if (failures) sim.server.rate_limit_chance = 0.05;
    for (std::size_t i = 0; i < sim.clients.size(); ++i) sim.connect(i);
    const int steps = 400;
    for (int step = 0; step < steps; ++step) {
        const std::size_t i = sim.rng() % sim.clients.size();
        auto& c = *sim.clients[i];
        const auto kind = sim.rng() % 100;
        if (kind < 25) {
            sim.local_edit(i);
        } else if (kind < 50) {
            if (!c.up.empty()) sim.deliver_up(i);
        } else if (kind < 80) {
            if (!c.down.empty()) sim.deliver_down(i);
        } else if (kind < 84) {
            if (c.sync.loaded()) {
                c.sync.set_presence("s1", "common", {0, 0});
                c.pump();
            }
        } else if (!failures) {
            continue;
        } else if (kind < 88) {
            if (c.connected) sim.drop(i);
        } else if (kind < 94) {
            if (!c.connected) sim.connect(i);
        } else if (kind < 96) {
            c.sync.resume();
            c.pump();
        } else if (kind < 98) {
            sim.server.trim();
        } else {
            sim.server.structural_change();
        }
        if (c.sync.loaded()) c.check_invariants();
    }
    sim.settle();
    for (auto& c : sim.clients) {
        INFO(c->name);
        for (const auto& e : c->errors) FAIL_CHECK(e.code << ": " << e.message);
        CHECK(c->sync.phase() == DocumentSync::Phase::live);
        CHECK(c->sync.pending_edits() == 0);
        CHECK(c->sync.rev() == sim.server.rev());
        for (const auto& key : kLayers) {
            INFO(key.first << "/" << key.second);
            REQUIRE(c->sync.layer(key.first, key.second) != nullptr);
            CHECK(c->sync.layer(key.first, key.second)->text() == sim.server.text(key));
        }
        CHECK(c->sync.layer("s2", "GM1708") == nullptr);  // omitted: no text
    }
}

}  // namespace

TEST_CASE("DocumentSync clients converge under random delivery",
          "[client][document_sync][random]") {
    for (std::uint64_t seed = 1; seed <= 100; ++seed) run_simulation(seed, false);
}

TEST_CASE("DocumentSync clients converge through drops, snapshots, unknown changes and rate limits",
          "[client][document_sync][random]") {
    // SEED=n runs that seed alone; SEEDS=n runs seeds 1 to n (for a longer search).
    std::uint64_t from = 1, to = 300;
    if (const char* only = std::getenv("SEED")) from = to = std::stoull(only);
    if (const char* upto = std::getenv("SEEDS")) to = std::stoull(upto);
    for (std::uint64_t seed = from; seed <= to; ++seed) run_simulation(seed, true);
}

// ---- Single scenarios ---------------------------------------------------------------------------

namespace {

struct OneClient {
    std::mt19937_64 rng{42};
    Simulation sim{42, 1};
    SimClient& c() { return *sim.clients[0]; }
    void deliver_all() {
        for (int i = 0; i < 1000 && (!c().up.empty() || !c().down.empty()); ++i) {
            while (!c().up.empty()) sim.deliver_up(0);
            while (!c().down.empty()) sim.deliver_down(0);
        }
    }
};

}  // namespace

TEST_CASE("DocumentSync resubmits an edit whose ack was lost, and it is applied once",
          "[client][document_sync]") {
    OneClient t;
    t.sim.connect(0);
    t.deliver_all();
    REQUIRE(t.c().sync.loaded());
    const std::string before = t.sim.server.text({"s3", "common"});
    t.c().sync.edit("s3", "common", ot::Op{ot::Insert{"new "}});
    t.c().pump();
    REQUIRE(t.c().up.size() == 1);
    // The edit reaches the server; the ack is lost with the connection.
    t.sim.deliver_up(0);
    t.c().connected = false;
    t.c().down.clear();
    t.sim.server.leave(0);
    t.c().requests.clear();
    t.c().sync.disconnected();
    CHECK(t.c().sync.pending_edits() == 1);

    t.sim.connect(0);
    REQUIRE(t.c().up.size() == 1);
    CHECK(t.c().up.front()["since"] == t.c().sync.rev());
    t.deliver_all();
    CHECK(t.c().sync.pending_edits() == 0);
    CHECK(t.sim.server.edits() == 1);
    CHECK(t.sim.server.text({"s3", "common"}) == "new " + before);
    CHECK(t.c().sync.layer("s3", "common")->text() == "new " + before);
}

TEST_CASE("DocumentSync resubmits with the original base when a snapshot comes back",
          "[client][document_sync]") {
    OneClient t;
    t.sim.connect(0);
    t.deliver_all();
    t.c().sync.edit("s1", "GM0166", ot::Op{ot::Insert{"lokaal "}});
    t.c().pump();
    t.sim.deliver_up(0);  // applied; the ack is lost
    t.c().connected = false;
    t.c().down.clear();
    t.sim.server.leave(0);
    t.c().requests.clear();
    t.c().sync.disconnected();
    // Typed while offline: buffered behind the edit in flight.
    t.c().sync.edit("s1", "GM0166", ot::Op{ot::Insert{">"}});
    t.sim.server.trim();  // the server no longer holds the changes in memory
    t.sim.connect(0);
    t.deliver_all();
    CHECK(t.c().errors.empty());
    CHECK(t.sim.server.edits() == 2);  // the first once, then the offline one
    CHECK(t.c().sync.pending_edits() == 0);
    CHECK(t.c().sync.layer("s1", "GM0166")->text() == t.sim.server.text({"s1", "GM0166"}));
    CHECK(t.sim.server.text({"s1", "GM0166"}).rfind(">lokaal ", 0) == 0);
}

TEST_CASE("DocumentSync reports a refused edit with its text and returns to the server's",
          "[client][document_sync]") {
    DocumentSync d("d", [n = 0]() mutable { return "x-" + std::to_string(++n); });
    d.connected();
    auto out = d.take_outgoing();
    REQUIRE(out.size() == 1);
    CHECK(out[0].msg == json({{"type", "open"}, {"doc", "d"}}));
    d.receive(json::parse(R"({"type":"snapshot","id":1,"doc":"d","title":"T","rev":5,
        "municipalities":[{"code":"GM0166","name":"Kampen"}],
        "sections":[{"id":"s","parent":null,"position":1,"title":"S","owner":null,
                     "layers":{"common":{"text":"abc","changed_rev":3}}}],
        "presence":[{"session":9,"user":{"id":2,"name":"ann","display_name":"Ann","municipality":"GM0166"},
                     "section":"s","layer":"common","sel":[1,2]}]})"));
    REQUIRE(d.loaded());
    CHECK(d.rev() == 5);
    CHECK(d.presence().at(9).sel == ot::Selection{1, 2});

    d.edit("s", "common", ot::Op{ot::Insert{"X"}});
    CHECK(d.presence().at(9).sel == ot::Selection{2, 3});  // shifted by the local insert
    out = d.take_outgoing();
    REQUIRE(out.size() == 1);
    CHECK(out[0].kind == Outgoing::Kind::edit);
    CHECK(out[0].msg["base"] == 5);
    CHECK(out[0].opid == "x-1");
    d.edit("s", "common", ot::Op{ot::Skip{4}, ot::Insert{"Y"}});
    CHECK(d.take_outgoing().empty());  // one in flight at a time

    d.refused("s", "common", "x-1", "forbidden", "you may not edit the layer 'common'");
    auto events = d.take_events();
    REQUIRE(events.size() == 1);
    const auto& e = std::get<client::ClientError>(events[0]);
    CHECK(e.code == "forbidden");
    CHECK(e.unsent_text == std::optional<std::string>("XabcY"));
    CHECK(d.layer("s", "common")->text() == "abc");
    CHECK(d.document().section("s")->layer("common")->text == "abc");
    CHECK(d.pending_edits() == 0);

    CHECK_THROWS_AS(d.edit("s", "GM0166", ot::Op{ot::Insert{"x"}}), std::invalid_argument);
    CHECK_THROWS_AS(d.edit("nope", "common", ot::Op{ot::Insert{"x"}}), std::invalid_argument);
    CHECK_THROWS_AS(d.edit("s", "common", ot::Op{ot::Skip{9}, ot::Insert{"x"}}), ot::OpError);
}

TEST_CASE("DocumentSync ignores its own edit echoed after the ack", "[client][document_sync]") {
    DocumentSync d("d", [] { return std::string("me-1"); });
    d.connected();
    d.take_outgoing();
    d.receive(json::parse(R"({"type":"snapshot","id":1,"doc":"d","title":"T","rev":1,
        "municipalities":[],"presence":[],
        "sections":[{"id":"s","parent":null,"position":1,"title":"S","owner":null,
                     "layers":{"common":{"text":"abc","changed_rev":1}}}]})"));
    d.edit("s", "common", ot::Op{ot::Insert{"X"}});
    d.take_outgoing();
    d.acked("s", "common", "me-1", 2);
    d.receive(json::parse(R"({"type":"edit","doc":"d","section":"s","layer":"common","rev":2,
        "op":["X"],"opid":"me-1","author":{"id":1,"name":"me","display_name":"","municipality":null}})"));
    CHECK(d.layer("s", "common")->text() == "Xabc");
    CHECK(d.rev() == 2);
    CHECK(d.take_events().empty());
}

TEST_CASE("DocumentSync reports messages it cannot read", "[client][document_sync]") {
    DocumentSync d("d", [] { return std::string("o"); });
    d.connected();
    d.receive(json::parse(R"({"type":"snapshot","id":1,"doc":"d","rev":"many"})"));
    auto events = d.take_events();
    REQUIRE(events.size() == 1);
    CHECK(std::get<client::ClientError>(events[0]).code == "bad_message");
    CHECK_FALSE(d.loaded());
}
