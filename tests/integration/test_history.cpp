// History: the changes of a section, the text of a layer and the effective plan at any revision,
// diffs between revisions, and named versions. The past is read back by undoing changes, so the
// test records what the server said at each revision and asks for it again afterwards (and after
// a restart): every kind of change is in the scenario.
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";
const std::vector<std::string> codes = {"GM0166", "GM0180", "GM1708", "GM1896"};

json effective(ProtocolClient& c, const std::string& code, std::optional<std::uint64_t> rev = {}) {
    json msg = {{"type", "effective"}, {"doc", doc}, {"municipality", code}};
    if (rev) msg["rev"] = *rev;
    return c.request(msg);
}

json text_at(ProtocolClient& c, const std::string& section, const std::string& layer,
             std::uint64_t rev) {
    json reply = c.request(
        {{"type", "text.at"}, {"doc", doc}, {"section", section}, {"layer", layer}, {"rev", rev}});
    reply.erase("id");
    return reply;
}

/// The effective plans of all four, as the server says at the current revision.
std::map<std::string, json> plans(ProtocolClient& c) {
    std::map<std::string, json> out;
    for (const auto& code : codes) {
        json e = effective(c, code);
        e.erase("id");
        out[code] = e;
    }
    return out;
}

std::string joined(const json& parts, const std::string& skip) {
    std::string out;
    for (const auto& p : parts) {
        if (p["kind"] != skip) out += p["text"].get<std::string>();
    }
    return out;
}

}  // namespace

TEST_CASE("the effective plan and a layer's text at every past revision",
          "[integration][history]") {
    // Once read back by rewinding from now, once from a document snapshot at every other
    // revision (docs/decisions/0022-document-snapshots.md), with a checkpoint of every layer at
    // every third: the past reads the same, before and after a SIGKILL.
    const auto flags = GENERATE(values<std::vector<std::string>>(
        {{}, {"--snapshot-revs", "2", "--checkpoint-edits", "3"}}));
    INFO("flags: " << (flags.empty() ? std::string("none") : flags[0] + " " + flags[1]));
    ServerProcess server(flags);
    ProtocolClient coord(server.port()), staphorst(server.port()), reader(server.port());
    coord.hello(server.sign_in("kampen-coordinator"));
    staphorst.hello(server.sign_in("staphorst-coordinator"));
    reader.hello(server.sign_in("zwartewaterland-viewer"));
    coord.open(doc);
    staphorst.open(doc);
    reader.open(doc);

    std::map<std::uint64_t, std::map<std::string, json>> recorded;
    std::map<std::uint64_t, json> werkgroep_kampen;  // text.at of (werkgroep, GM0166)
    auto record = [&](const json& ack) {
        REQUIRE(ack["type"] == "ack");
        const auto rev = ack["rev"].get<std::uint64_t>();
        recorded[rev] = plans(reader);
        werkgroep_kampen[rev] = text_at(reader, "werkgroep", "GM0166", rev);
        return rev;
    };
    auto layer = [&](const std::string& kind, const std::string& section, const std::string& code,
                     ProtocolClient& who) {
        return record(
            who.request({{"type", kind}, {"doc", doc}, {"section", section}, {"layer", code}}));
    };
    auto rev = reader.open(doc)["rev"].get<std::uint64_t>();
    recorded[rev] = plans(reader);
    werkgroep_kampen[rev] = text_at(reader, "werkgroep", "GM0166", rev);

    rev = record(staphorst.request(
        edit_request(doc, "werkgroep", "common", rev, json::array({"Gezamenlijk: "}), "s1")));
    rev = layer("diverge", "werkgroep", "GM0166", coord);
    rev = record(coord.request(
        edit_request(doc, "werkgroep", "GM0166", rev, json::array({"Kampen: "}), "k1")));
    rev = record(staphorst.request(edit_request(doc, "werkgroep", "common", rev,
                                                json::array({3, json{{"d", 3}}, "XYZ"}), "s2")));
    rev = layer("acknowledge", "werkgroep", "GM0166", coord);
    rev = layer("omit", "jeugd-en-veiligheid", "GM0180", staphorst);
    rev = record(staphorst.request({{"type", "section.create"},
                                    {"doc", doc},
                                    {"parent", nullptr},
                                    {"position", 1},
                                    {"title", "Nieuw hoofdstuk"}}));
    rev = record(
        staphorst.request(edit_request(doc, "nieuw-hoofdstuk", "common", rev,
                                       json::array({"Tekst van het nieuwe hoofdstuk."}), "s3")));
    rev = record(staphorst.request({{"type", "section.rename"},
                                    {"doc", doc},
                                    {"section", "nieuw-hoofdstuk"},
                                    {"title", "Een beter hoofdstuk"}}));
    rev = record(staphorst.request({{"type", "section.move"},
                                    {"doc", doc},
                                    {"section", "nieuw-hoofdstuk"},
                                    {"parent", "werkgroep"},
                                    {"position", 0}}));
    rev = record(staphorst.request({{"type", "section.create"},
                                    {"doc", doc},
                                    {"parent", nullptr},
                                    {"position", 0},
                                    {"title", "Alleen Staphorst"},
                                    {"owner", "GM0180"}}));
    rev = record(
        staphorst.request({{"type", "section.delete"}, {"doc", doc}, {"section", "werkgroep"}}));
    rev = record(
        staphorst.request({{"type", "section.restore"}, {"doc", doc}, {"section", "werkgroep"}}));
    rev = layer("include", "jeugd-en-veiligheid", "GM0180", staphorst);
    rev = layer("omit", "werkgroep", "GM0166", coord);  // drops Kampen's override text
    rev = layer("include", "werkgroep", "GM0166", coord);
    rev = layer("diverge", "werkgroep", "GM0166", coord);
    rev = record(coord.request(
        edit_request(doc, "werkgroep", "GM0166", rev, json::array({"Weer Kampen: "}), "k2")));
    rev = layer("revert", "werkgroep", "GM0166", coord);
    REQUIRE(recorded.size() > 15);

    auto check_all = [&](ProtocolClient& c) {
        for (const auto& [at, expected] : recorded) {
            INFO("revision " << at);
            for (const auto& code : codes) {
                INFO(code);
                json past = effective(c, code, at);
                past.erase("id");
                CHECK(past == expected.at(code));
            }
            CHECK(text_at(c, "werkgroep", "GM0166", at) == werkgroep_kampen.at(at));
        }
    };
    check_all(reader);

    // The same over REST, for a named version's download: ?rev=N.
    const std::string token = server.sign_in("kampen-viewer");
    auto get = [&](const std::string& path, const std::string& accept) {
        return samen::transport::http_request(
            "127.0.0.1", server.port(), "GET", path, "",
            {{"Authorization", "Bearer " + token}, {"Accept", accept}});
    };
    for (const auto& [at, expected] : recorded) {
        INFO("revision " << at);
        auto r = get("/api/v1/documents/" + doc + "/effective/GM0166?rev=" + std::to_string(at),
                     "application/json");
        REQUIRE(r.status == 200);
        json want = expected.at("GM0166");
        want.erase("type");
        CHECK(json::parse(r.body) == want);
    }
    auto md = get("/api/v1/documents/" + doc + "/effective/GM0180?rev=0", "text/markdown");
    CHECK(md.status == 200);
    CHECK(md.body.find("Nieuw hoofdstuk") == std::string::npos);
    CHECK(get("/api/v1/documents/" + doc + "/effective/GM0180?rev=9999", "text/markdown").status ==
          400);
    CHECK(get("/api/v1/documents/" + doc + "/effective/GM0180?rev=abc", "text/markdown").status ==
          400);

    // The states of (werkgroep, GM0166) along the way.
    std::map<std::string, int> states;
    for (const auto& [at, t] : werkgroep_kampen) ++states[t["state"].get<std::string>()];
    CHECK(states["inherit"] > 0);
    CHECK(states["override"] > 0);
    CHECK(states["omit"] > 0);
    CHECK(text_at(reader, "nieuw-hoofdstuk", "common", 1)["state"] == "absent");

    server.kill();
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("steenwijkerland-viewer"));
    after.open(doc);
    check_all(after);
}

TEST_CASE("the changes of a section, diffs between revisions, and refusals",
          "[integration][history]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    c.hello(server.sign_in("staphorst-editor"));
    auto rev = c.open(doc)["rev"].get<std::uint64_t>();
    const auto start = rev;
    const std::string before = text_at(c, "werkgroep", "common", rev)["text"];
    auto a =
        c.request(edit_request(doc, "werkgroep", "common", rev, json::array({"Één twee "}), "e1"));
    REQUIRE(a["type"] == "ack");
    auto b = c.request(edit_request(doc, "werkgroep", "common", a["rev"],
                                    json::array({4, json{{"d", 5}}, "drie"}), "e2"));
    REQUIRE(b["type"] == "ack");

    auto h = c.request({{"type", "history"}, {"doc", doc}, {"section", "werkgroep"}});
    REQUIRE(h["type"] == "history");
    REQUIRE(h["changes"].size() == 2);
    CHECK(h["changes"][0]["rev"] == a["rev"]);
    CHECK(h["changes"][0]["kind"] == "edit");
    CHECK(h["changes"][0]["inserted"] == 9);  // code points, not bytes
    CHECK(h["changes"][0]["deleted"] == 0);
    CHECK(h["changes"][1]["inserted"] == 4);
    CHECK(h["changes"][1]["deleted"] == 5);
    CHECK(h["changes"][1]["author"]["name"] == "staphorst-editor");
    CHECK(h["changes"][1]["layer"] == "common");
    auto only_kampen = c.request(
        {{"type", "history"}, {"doc", doc}, {"section", "werkgroep"}, {"layer", "GM0166"}});
    CHECK(only_kampen["changes"].empty());

    auto d = c.request({{"type", "diff"},
                        {"doc", doc},
                        {"section", "werkgroep"},
                        {"layer", "common"},
                        {"from", start},
                        {"to", b["rev"]}});
    REQUIRE(d["type"] == "diff");
    const std::string now = text_at(c, "werkgroep", "common", b["rev"])["text"];
    CHECK(now == "Één drie" + before);
    CHECK(joined(d["parts"], "insert") == before);  // same + delete: the older text
    CHECK(joined(d["parts"], "delete") == now);     // same + insert: the newer text
    auto back = c.request({{"type", "diff"},
                           {"doc", doc},
                           {"section", "werkgroep"},
                           {"layer", "common"},
                           {"from", b["rev"]},
                           {"to", start}});
    CHECK(joined(back["parts"], "insert") == now);
    auto plan = c.request({{"type", "diff"},
                           {"doc", doc},
                           {"municipality", "GM0180"},
                           {"from", start},
                           {"to", b["rev"]}});
    REQUIRE(plan["type"] == "diff");
    CHECK(joined(plan["parts"], "delete").find("Één drie") != std::string::npos);

    const auto ahead = b["rev"].get<std::uint64_t>() + 5;
    CHECK(text_at(c, "werkgroep", "common", ahead)["code"] == "bad_request");
    CHECK(effective(c, "GM0180", ahead)["code"] == "bad_request");
    CHECK(effective(c, "GM0001", 1)["code"] == "not_found");
    CHECK(c.request({{"type", "history"}, {"doc", doc}, {"section", "bestaat-niet"}})["code"] ==
          "not_found");
    CHECK(c.request({{"type", "diff"}, {"doc", doc}, {"from", 0}, {"to", 1}})["code"] ==
          "bad_request");
    CHECK(c.request(
              {{"type", "text.at"}, {"doc", doc}, {"section", "werkgroep"}, {"rev", 1}})["code"] ==
          "bad_request");
    CHECK(c.request(
              {{"type", "history"}, {"doc", "ivp-2023-2026"}, {"section", "werkgroep"}})["code"] ==
          "bad_request");
}

TEST_CASE("the effective plan at a time is the plan at the newest revision made by then",
          "[integration][history]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    c.hello(server.sign_in("staphorst-editor"));
    const auto start = c.open(doc)["rev"].get<std::uint64_t>();
    const auto edit_at = [&](std::uint64_t rev, const std::string& text, const std::string& opid) {
        auto ack =
            c.request(edit_request(doc, "werkgroep", "common", rev, json::array({text}), opid));
        REQUIRE(ack["type"] == "ack");
        auto h = c.request({{"type", "history"}, {"doc", doc}, {"section", "werkgroep"}});
        REQUIRE(h["changes"].back()["rev"] == ack["rev"]);
        return std::pair{ack["rev"].get<std::uint64_t>(),
                         h["changes"].back()["at"].get<std::string>()};
    };
    const auto [first, first_at] = edit_at(start, "Eerst. ", "t1");
    // Times have whole seconds: the second edit waits (at most 1.5 s) for the next one on the
    // clock the server shares with this test.
    const auto utc_now = [] {
        const std::time_t t = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char out[32];
        std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return std::string(out);
    };
    for (int i = 0; i < 30 && utc_now() <= first_at; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(utc_now() > first_at);
    const auto [second, second_at] = edit_at(first, "Daarna. ", "t2");
    REQUIRE(second_at > first_at);

    const auto plan_at = [&](const std::string& at) {
        return c.request(
            {{"type", "effective"}, {"doc", doc}, {"municipality", "GM1708"}, {"at", at}});
    };
    const auto werkgroep = [](const json& plan) {
        for (const auto& s : plan["sections"])
            if (s["id"] == "werkgroep") return s["text"].get<std::string>();
        return std::string("(none)");
    };
    auto then = plan_at(first_at);
    REQUIRE(then["type"] == "effective");
    CHECK(then["rev"] == first);
    CHECK(werkgroep(then).starts_with("Eerst. "));
    CHECK(werkgroep(then).find("Daarna. ") == std::string::npos);
    auto by_rev = effective(c, "GM1708", first);
    by_rev.erase("id");
    then.erase("id");
    CHECK(then == by_rev);
    CHECK(plan_at(second_at)["rev"] == second);
    CHECK(werkgroep(plan_at("2999-12-31T23:59:59Z")).starts_with("Daarna. Eerst. "));
    CHECK(plan_at("2000-01-01T00:00:00Z")["rev"] == 0);

    CHECK(plan_at("2026-03-28 14:30")["code"] == "bad_request");
    CHECK(plan_at("2026-13-01T00:00:00Z")["code"] == "bad_request");
    CHECK(c.request({{"type", "effective"},
                     {"doc", doc},
                     {"municipality", "GM1708"},
                     {"rev", first},
                     {"at", first_at}})["code"] == "bad_request");
}

TEST_CASE("named versions pin a revision, listed with the document", "[integration][history]") {
    ServerProcess server;
    ProtocolClient coord(server.port()), editor(server.port()), viewer(server.port());
    coord.hello(server.sign_in("kampen-coordinator"));
    editor.hello(server.sign_in("kampen-editor"));
    viewer.hello(server.sign_in("kampen-viewer"));
    auto rev = coord.open(doc)["rev"].get<std::uint64_t>();
    viewer.open(doc);
    editor.open(doc);
    const std::string label = "Vastgesteld door de raad van Kampen, 2023-03-28";
    json tag = {{"type", "tag"}, {"doc", doc}, {"label", label}};
    CHECK(viewer.request(tag)["code"] == "forbidden");
    CHECK(editor.request(tag)["code"] == "forbidden");
    json ahead = tag;
    ahead["rev"] = rev + 10;
    CHECK(coord.request(ahead)["code"] == "bad_request");
    json empty = tag;
    empty["label"] = "";
    CHECK(coord.request(empty)["code"] == "bad_request");

    auto ack = coord.request(tag);
    REQUIRE(ack["type"] == "ack");
    CHECK(ack["rev"] == rev + 1);
    auto seen = viewer.next_of_type("tag");
    REQUIRE(seen);
    CHECK((*seen)["version"]["rev"] == rev);
    CHECK((*seen)["version"]["label"] == label);
    CHECK((*seen)["version"]["author"]["name"] == "kampen-coordinator");
    CHECK(coord.request(tag)["code"] == "conflict");
    json older = {{"type", "tag"}, {"doc", doc}, {"label", "Startnotitie"}, {"rev", 0}};
    REQUIRE(coord.request(older)["type"] == "ack");

    auto check_listed = [&](ProtocolClient& c) {
        auto list = c.request({{"type", "list"}});
        bool found = false;
        for (const auto& d : list["documents"]) {
            if (d["id"] != doc) continue;
            found = true;
            REQUIRE(d["versions"].size() == 2);
            CHECK(d["versions"][0]["rev"] == 0);
            CHECK(d["versions"][1]["label"] == label);
        }
        CHECK(found);
        CHECK(c.open(doc)["versions"].size() == 2);
    };
    check_listed(viewer);
    server.kill();
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("staphorst-viewer"));
    check_listed(after);
}

TEST_CASE("a history reply holds at most 500 changes, older ones come with before",
          "[integration][history][limits]") {
    ServerProcess server({"--edit-rate", "100000", "--edit-burst", "100000"});
    ProtocolClient c(server.port());
    c.hello(server.sign_in("staphorst-editor"));
    auto rev = c.open(doc)["rev"].get<std::uint64_t>();
    const int edits = 520;
    for (int i = 0; i < edits; ++i) {
        auto ack = c.request(edit_request(doc, "bestuurlijke-rollen", "common", rev,
                                          json::array({"x"}), "h" + std::to_string(i)));
        REQUIRE(ack["type"] == "ack");
        rev = ack["rev"].get<std::uint64_t>();
    }
    auto newest =
        c.request({{"type", "history"}, {"doc", doc}, {"section", "bestuurlijke-rollen"}});
    REQUIRE(newest["type"] == "history");
    REQUIRE(newest["changes"].size() == 500);
    CHECK(newest["more"] == true);
    CHECK(newest["changes"].back()["rev"] == rev);
    const auto first = newest["changes"].front()["rev"].get<std::uint64_t>();
    CHECK(first == rev - 499);

    auto older = c.request(
        {{"type", "history"}, {"doc", doc}, {"section", "bestuurlijke-rollen"}, {"before", first}});
    REQUIRE(older["changes"].size() == edits - 500);
    CHECK(older["more"] == false);
    CHECK(older["changes"].back()["rev"] == first - 1);
}

TEST_CASE("reads of the past beyond --max-reads-per-connection are refused at once, edits go on",
          "[integration][history][reads][limits]") {
    ServerProcess server(
        {"--max-reads-per-connection", "1", "--edit-rate", "100000", "--edit-burst", "100000"});
    ProtocolClient editor(server.port());
    editor.hello(server.sign_in("staphorst-editor"));
    auto rev = editor.open(doc)["rev"].get<std::uint64_t>();
    const std::uint64_t start = rev;
    // Every diff from `start` walks back all of these: each read takes the reader a while.
    for (int i = 0; i < 200; ++i) {
        auto ack = editor.request(edit_request(doc, "bestuurlijke-rollen", "common", rev,
                                               json::array({"x"}), "r" + std::to_string(i)));
        REQUIRE(ack["type"] == "ack");
        rev = ack["rev"].get<std::uint64_t>();
    }
    const json diff = {{"type", "diff"},    {"doc", doc},    {"section", "bestuurlijke-rollen"},
                       {"layer", "common"}, {"from", start}, {"to", rev}};

    ProtocolClient viewer(server.port());
    viewer.hello(server.sign_in("kampen-viewer"));
    viewer.open(doc);
    // A burst sent without waiting: the second arrives while the first is still being read.
    const int burst = 100;
    for (int i = 0; i < burst; ++i) {
        json request = diff;
        request["id"] = i;
        viewer.send(request);
    }
    // Meanwhile an edit is acknowledged.
    auto ack = editor.request(
        edit_request(doc, "bestuurlijke-rollen", "common", rev, json::array({"y"}), "during"));
    CHECK(ack["type"] == "ack");

    // Each request gets one answer: its diff, or rate_limited at once.
    std::set<int> answered;
    int diffs = 0;
    int refused = 0;
    for (int i = 0; i < 10 * burst && answered.size() < burst; ++i) {
        auto message = viewer.next();
        REQUIRE(message);
        if (!message->contains("id")) continue;
        INFO(message->dump());
        CHECK(answered.insert((*message)["id"].get<int>()).second);
        if ((*message)["type"] == "diff") {
            ++diffs;
        } else {
            CHECK((*message)["code"] == "rate_limited");
            ++refused;
        }
    }
    CHECK(answered.size() == burst);
    CHECK(diffs >= 1);
    CHECK(refused >= 1);
    // Its reads answered, the viewer reads again.
    CHECK(viewer.request(diff)["type"] == "diff");
}
