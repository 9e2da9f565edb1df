#include <catch2/catch.hpp>
#include <string>

#include "model/document.hpp"
#include "model/history.hpp"
#include "sample_document.hpp"

using namespace samen::model;
using namespace samen::test;

namespace {

const UserRef author{1, "admin", "Beheer", std::nullopt};

/// `d` is `before` at the next revision, once the caller has put back what the change was for.
void check_only_rev_changed(Document d, const Document& before) {
    CHECK(d.rev == before.rev + 1);
    d.rev = before.rev;
    CHECK(d == before);
}

}  // namespace

TEST_CASE("add_version names the current revision or an earlier one", "[model][document]") {
    Document d = sample_document();
    const Document before = d;

    const Version& now =
        add_version(d, "Vastgesteld", std::nullopt, author, "2026-03-01T10:00:00Z");
    CHECK(now.rev == before.rev);  // the revision before the tag's own
    CHECK(now.label == "Vastgesteld");
    CHECK(now.author == author);
    CHECK(now.created_at == "2026-03-01T10:00:00Z");
    REQUIRE(d.versions.size() == 2);
    CHECK(&d.versions.back() == &now);
    Document rest = d;
    rest.versions.pop_back();
    check_only_rev_changed(rest, before);
    // Versions are not rewound: the past is the same document at an earlier revision.
    Document undone = d;
    undo(undone, as_logged(d.rev, "tag", std::nullopt, std::nullopt,
                           {{"label", now.label}, {"rev", now.rev}}));
    CHECK(past_view(undone) == past_view(before));

    CHECK(add_version(d, "Eerder", 3, author, "t").rev == 3);
    const Rev current = d.rev;
    CHECK(add_version(d, "Nu", current, author, "t").rev == current);
    CHECK(d.rev == before.rev + 3);
}

TEST_CASE("add_version refusals", "[model][document]") {
    Document d = sample_document();
    const Rev ahead = d.rev + 1;
    CHECK(refusal_of(d, [&](Document& x) { add_version(x, "Later", ahead, author, "t"); }) ==
          "invalid");
    CHECK(refusal_of(d, [](Document& x) {
              add_version(x, "Concept", std::nullopt, author, "t");
          }) == "conflict");
    CHECK(refusal_of(d, [](Document& x) { add_version(x, "Concept", 2, author, "t"); }) ==
          "conflict");
}

TEST_CASE("rename_document changes the title and logs the old one", "[model][document]") {
    Document d = sample_document();
    const Document before = d;
    const nlohmann::json data = rename_document(d, "IVP 2027");
    CHECK(data == nlohmann::json{{"from", "IVP"}, {"title", "IVP 2027"}});
    CHECK(d.title == "IVP 2027");
    Document rest = d;
    rest.title = before.title;
    check_only_rev_changed(rest, before);
    undo(d, as_logged(d.rev, "document.rename", std::nullopt, std::nullopt, data));
    CHECK(past_view(d) == past_view(before));
}

TEST_CASE("set_archived archives a document and takes it back", "[model][document]") {
    Document d = sample_document();
    const Document before = d;
    const nlohmann::json archived = set_archived(d, true);
    CHECK(archived == nlohmann::json{{"from", false}, {"archived", true}});
    CHECK(d.archived);
    Document rest = d;
    rest.archived = false;
    check_only_rev_changed(rest, before);

    const Document archived_doc = d;
    CHECK(refusal_of(d, [](Document& x) { set_archived(x, true); }) == "conflict");
    const nlohmann::json back = set_archived(d, false);
    CHECK(back == nlohmann::json{{"from", true}, {"archived", false}});
    CHECK_FALSE(d.archived);
    CHECK(d.rev == before.rev + 2);
    CHECK(refusal_of(d, [](Document& x) { set_archived(x, false); }) == "conflict");

    undo(d, as_logged(d.rev, "document.archive", std::nullopt, std::nullopt, back));
    CHECK(past_view(d) == past_view(archived_doc));
    undo(d, as_logged(d.rev, "document.archive", std::nullopt, std::nullopt, archived));
    CHECK(past_view(d) == past_view(before));
}
