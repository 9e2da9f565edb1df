// Who may edit what (docs/protocol.md, "Who may do what"), checked by the server for every role and
// layer: a viewer edits nothing; an editor or coordinator edits the common text and the layers of
// its own municipality, no other's; an admin edits every layer.
#include <catch2/catch.hpp>

#include "protocol_client.hpp"
#include "server_process.hpp"

using namespace samen::test;
using nlohmann::json;

TEST_CASE(
    "viewers edit nothing, editors and coordinators the common text and their own layers, "
    "admins every layer",
    "[integration][roles]") {
    ServerProcess server;
    const std::string doc = "startnotitie-ivp-2023";
    // A section layer of each municipality's own text in the demo document.
    const std::vector<std::pair<std::string, std::string>> own = {
        {"GM0166", "inleiding"},                                   // Kampen's override
        {"GM1708", "inleiding"},                                   // Steenwijkerland's override
        {"GM1896", "stap-4-opstellen-van-het-ivp-november-2022"},  // Zwartewaterland's override
        {"GM0180", "keuzes-staphorst"},                            // Staphorst's local-only section
    };
    const std::vector<std::pair<std::string, std::string>> municipalities = {
        {"kampen", "GM0166"},
        {"steenwijkerland", "GM1708"},
        {"zwartewaterland", "GM1896"},
        {"staphorst", "GM0180"}};

    std::uint64_t rev = 0;
    int n = 0;
    auto try_edit = [&](ProtocolClient& c, const std::string& section, const std::string& layer) {
        json reply =
            c.request(edit_request(doc, section, layer, rev, {"x"}, "role-" + std::to_string(++n)));
        if (reply["type"] == "ack") rev = reply["rev"].get<std::uint64_t>();
        return reply;
    };

    for (const auto& [town, code] : municipalities) {
        for (const std::string role : {"viewer", "editor", "coordinator"}) {
            const std::string user = town + "-" + role;
            ProtocolClient c(server.port());
            c.hello(server.sign_in(user));
            rev = c.open(doc)["rev"].get<std::uint64_t>();
            const bool may_edit = role != "viewer";
            {
                INFO(user << " on common");
                auto r = try_edit(c, "werkgroep", "common");
                CHECK(r["type"] == (may_edit ? "ack" : "error"));
                if (!may_edit) CHECK(r["code"] == "forbidden");
            }
            for (const auto& [layer, section] : own) {
                INFO(user << " on " << layer << " of " << section);
                auto r = try_edit(c, section, layer);
                const bool allowed = may_edit && layer == code;
                CHECK(r["type"] == (allowed ? "ack" : "error"));
                if (!allowed) CHECK(r["code"] == "forbidden");
            }
        }
    }

    // The admin edits every layer.
    ProtocolClient admin(server.port());
    admin.hello(server.sign_in("admin"));
    rev = admin.open(doc)["rev"].get<std::uint64_t>();
    CHECK(try_edit(admin, "werkgroep", "common")["type"] == "ack");
    for (const auto& [layer, section] : own) {
        INFO("admin on " << layer);
        CHECK(try_edit(admin, section, layer)["type"] == "ack");
    }
}

TEST_CASE("every read of a document the user may not open is refused like the open",
          "[integration][roles][security]") {
    ServerProcess server;
    ProtocolClient admin(server.port()), kampen(server.port());
    REQUIRE(admin.hello(server.sign_in("admin"))["type"] == "welcome");
    REQUIRE(kampen.hello(server.sign_in("kampen-viewer"))["type"] == "welcome");
    REQUIRE(admin.request({{"type", "document.create"},
                           {"doc", "alleen-staphorst"},
                           {"title", "Alleen Staphorst"},
                           {"municipalities", {"GM0180"}},
                           {"markdown", "# Eigen\n\nVertrouwelijk voor Staphorst.\n"}})["type"] ==
            "document.created");
    const std::string doc = "alleen-staphorst";
    CHECK(kampen.request({{"type", "open"}, {"doc", doc}})["code"] == "forbidden");
    // On the same connection, after the refused open, nothing of it is answered.
    const std::vector<json> reads = {
        {{"type", "effective"}, {"doc", doc}, {"municipality", "GM0180"}},
        {{"type", "effective"}, {"doc", doc}, {"municipality", "GM0180"}, {"rev", 0}},
        {{"type", "divergence"}, {"doc", doc}},
        {{"type", "history"}, {"doc", doc}, {"section", "eigen"}},
        {{"type", "text.at"}, {"doc", doc}, {"section", "eigen"}, {"layer", "common"}, {"rev", 0}},
        {{"type", "diff"}, {"doc", doc}, {"municipality", "GM0180"}, {"from", 0}, {"to", 0}},
    };
    for (const auto& read : reads) {
        INFO(read.dump());
        json reply = kampen.request(read);
        CHECK(reply["type"] == "error");
        CHECK(reply.dump().find("Vertrouwelijk") == std::string::npos);
    }

    // Archived, it is refused to every non-admin of Staphorst too.
    ProtocolClient staphorst(server.port());
    REQUIRE(staphorst.hello(server.sign_in("staphorst-coordinator"))["type"] == "welcome");
    REQUIRE(staphorst.open(doc)["type"] == "snapshot");
    admin.open(doc);
    REQUIRE(admin.request(
                {{"type", "document.archive"}, {"doc", doc}, {"archived", true}})["type"] == "ack");
    ProtocolClient later(server.port());
    REQUIRE(later.hello(server.sign_in("staphorst-viewer"))["type"] == "welcome");
    CHECK(later.request({{"type", "open"}, {"doc", doc}})["code"] == "not_found");
    CHECK(later.request({{"type", "divergence"}, {"doc", doc}})["type"] == "error");
}
