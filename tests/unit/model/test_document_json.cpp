#include <catch2/catch.hpp>

#include "model/document_json.hpp"
#include "sample_document.hpp"

using namespace samen::model;
using namespace samen::test;

TEST_CASE("a document snapshot gives back every field of the document", "[model][document_json]") {
    Document d = sample_document();
    // Every field away from its default, so that one left out of the JSON shows.
    d.archived = true;
    d.deleted[0].deleted_rev = 17;
    d.sections[1].kind = SectionKind::maatregel;
    d.sections[0].layers[kampen].life = 3;
    d.proposals[0].closed_rev = 19;
    d.proposals[0].state = "accepted";
    d.threads.push_back(
        {3,
         "inleiding",
         "common",
         2,
         5,
         kampen,
         1,
         true,
         {{1, d.proposals[0].proposer, "Klopt dit?", "2026-01-06T08:00:00Z"},
          {2, {12, "admin", "Beheer", std::nullopt}, "Ja.", "2026-01-06T09:00:00Z"}}});
    d.priorities[kampen] = {"jeugd", "inleiding"};
    d.adoption[kampen] = {"raad", "2026-03-01", "RB-2026/12", 18};
    d.adoption[staphorst] = {"concept", "", "", 0};

    const nlohmann::json j = document_to_json(d);
    const Document back = document_from_json(nlohmann::json::parse(j.dump()));
    CHECK(back == d);
    CHECK(document_to_json(back) == j);
}

TEST_CASE("a snapshot that is not one is refused with an error", "[model][document_json]") {
    nlohmann::json j = document_to_json(sample_document());
    j["sections"][0]["layers"]["common"]["state"] = "half";
    CHECK_THROWS(document_from_json(j));
    j.erase("sections");
    CHECK_THROWS(document_from_json(j));
}
