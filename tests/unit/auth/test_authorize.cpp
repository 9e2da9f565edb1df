#include <catch2/catch.hpp>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/authorize.hpp"
#include "sample_document.hpp"

using namespace samen::auth;
using samen::test::kampen;
using samen::test::sample_document;
using samen::test::staphorst;
namespace p = samen::protocol;
namespace ot = samen::ot;

namespace {

const std::string other = "GM0999";  // a municipality that does not take part

User make(Role role, std::optional<std::string> municipality, bool disabled = false) {
    return User{7, "u", "U", std::move(municipality), role, disabled};
}

/// "allowed", or the code of the refusal (which must explain itself).
std::string outcome(const User& user, const samen::model::Document* doc,
                    const p::Request& request) {
    const std::optional<Refusal> no = refusal(user, doc, request);
    if (!no) return "allowed";
    CHECK_FALSE(no->message.empty());
    return std::string(p::to_string(no->code));
}

struct Row {
    const char* name;
    p::DocumentRequest request;
    /// Who may, in a document Kampen takes part in: V, E, C and A a viewer, editor, coordinator
    /// and admin of Kampen; O an admin of a municipality that does not take part; N an admin
    /// without a municipality.
    const char* who_may;
};

/// Every kind of request about the sample document (model: tests/support/sample_document.hpp),
/// with targets of Kampen's, of Staphorst's, common ones and ones the document does not have.
std::vector<Row> rows() {
    const std::string doc = "ivp";
    const ot::Op op = {ot::Skip{3}, ot::Insert{"x"}};
    auto target = [&](const char* section, const std::string& layer) {
        return p::LayerTarget{doc, section, layer};
    };
    return {
        // Reads: whoever reads the document.
        {"open", p::Open{doc, std::nullopt}, "VECAON"},
        {"close", p::Close{doc}, "VECAON"},
        {"presence", p::Presence{doc, "inleiding", "common", {0, 2}}, "VECAON"},
        {"effective", p::Effective{doc, staphorst, 3, {}}, "VECAON"},
        {"divergence", p::Divergence{doc}, "VECAON"},
        {"history", p::History{doc, "inleiding", std::nullopt, std::nullopt}, "VECAON"},
        {"text.at", p::TextAt{doc, "inleiding", staphorst, 3}, "VECAON"},
        {"diff", p::Diff{doc, std::nullopt, std::nullopt, staphorst, 1, 3}, "VECAON"},
        // Edits: the common text and one's own override.
        {"edit common", p::Edit{doc, "inleiding", "common", 20, op, "o-1"}, "ECAON"},
        {"edit Kampen", p::Edit{doc, "inleiding", kampen, 20, op, "o-1"}, "ECAON"},
        {"edit Staphorst", p::Edit{doc, "inleiding", staphorst, 20, op, "o-1"}, "AON"},
        {"edit another municipality", p::Edit{doc, "inleiding", other, 20, op, "o-1"}, "AON"},
        {"edit a missing section", p::Edit{doc, "nergens", "common", 20, op, "o-1"}, "ECAON"},
        // A municipality's state of a section.
        {"diverge Kampen", p::Diverge{target("slot", kampen)}, "ECAON"},
        {"diverge Staphorst", p::Diverge{target("slot", staphorst)}, "AON"},
        {"diverge another municipality", p::Diverge{target("slot", other)}, "VECAON"},
        {"diverge common", p::Diverge{target("slot", "common")}, "VECAON"},
        {"revert Kampen", p::Revert{target("inleiding", kampen)}, "ECAON"},
        {"revert Staphorst", p::Revert{target("inleiding", staphorst)}, "AON"},
        {"omit Kampen", p::Omit{target("slot", kampen)}, "CAON"},
        {"omit Staphorst", p::Omit{target("slot", staphorst)}, "AON"},
        {"include Kampen", p::Include{target("velden", kampen)}, "CAON"},
        {"include Staphorst", p::Include{target("velden", staphorst)}, "AON"},
        {"acknowledge Kampen", p::Acknowledge{target("jeugd", kampen)}, "CAON"},
        {"acknowledge Staphorst", p::Acknowledge{target("jeugd", staphorst)}, "AON"},
        {"rebase.preview Kampen", p::RebasePreview{target("jeugd", kampen)}, "CAON"},
        {"rebase.preview Staphorst", p::RebasePreview{target("jeugd", staphorst)}, "AON"},
        {"rebase.commit Kampen", p::RebaseCommit{target("jeugd", kampen), 20, "Nieuw."}, "CAON"},
        {"rebase.commit Staphorst", p::RebaseCommit{target("jeugd", staphorst), 20, "Nieuw."},
         "AON"},
        {"rebase.commit another municipality",
         p::RebaseCommit{target("jeugd", other), 20, "Nieuw."}, "VECAON"},
        // The section tree: common sections, and local-only ones of their owner.
        {"create a section", p::SectionCreate{doc, std::nullopt, 0, "Nieuw", std::nullopt}, "CAON"},
        {"create a section of Kampen", p::SectionCreate{doc, "slot", 0, "Nieuw", kampen}, "CAON"},
        {"create a section of Staphorst", p::SectionCreate{doc, "velden", 0, "Nieuw", staphorst},
         "AON"},
        {"create a section of another municipality",
         p::SectionCreate{doc, std::nullopt, 0, "Nieuw", other}, "VECAON"},
        {"rename a section", p::SectionRename{doc, "slot", "Tot slot"}, "CAON"},
        {"rename a section of Kampen", p::SectionRename{doc, "bijlage", "Kaarten"}, "CAON"},
        {"rename a section of Staphorst", p::SectionRename{doc, "eigen", "Eigen"}, "AON"},
        {"rename a missing section", p::SectionRename{doc, "nergens", "Niets"}, "VECAON"},
        {"move a section", p::SectionMove{doc, "slot", std::nullopt, 0}, "CAON"},
        {"move a section of Staphorst", p::SectionMove{doc, "eigen", std::nullopt, 0}, "AON"},
        {"move a missing section", p::SectionMove{doc, "nergens", std::nullopt, 0}, "VECAON"},
        {"delete a section", p::SectionDelete{doc, "jeugd"}, "CAON"},
        {"delete a chapter with a section of Kampen", p::SectionDelete{doc, "slot"}, "CAON"},
        {"delete a chapter with a section of Staphorst", p::SectionDelete{doc, "velden"}, "AON"},
        {"delete a section of Staphorst", p::SectionDelete{doc, "eigen"}, "AON"},
        {"delete a missing section", p::SectionDelete{doc, "nergens"}, "VECAON"},
        {"restore a section", p::SectionRestore{doc, "oud"}, "CAON"},
        {"restore a section of Staphorst", p::SectionRestore{doc, "weg"}, "AON"},
        {"restore a section that is not deleted", p::SectionRestore{doc, "eigen"}, "VECAON"},
        // Proposals and votes: a coordinator for their municipality.
        {"propose a common text", p::Propose{doc, "inleiding", "common", "Samen."}, "CA"},
        {"propose Kampen's text", p::Propose{doc, "inleiding", kampen, std::nullopt}, "CAON"},
        {"propose Staphorst's text", p::Propose{doc, "inleiding", staphorst, std::nullopt}, "AON"},
        {"propose another municipality's text", p::Propose{doc, "inleiding", other, std::nullopt},
         "VECAON"},
        {"propose a local-only section", p::Propose{doc, "eigen", staphorst, std::nullopt},
         "VECAON"},
        {"propose a missing section", p::Propose{doc, "nergens", "common", "Samen."}, "VECAON"},
        {"vote", p::Vote{doc, 1, p::Ballot::approve}, "CA"},
        {"vote on a missing proposal", p::Vote{doc, 99, p::Ballot::reject}, "VECAON"},
        // Comments: whoever reads the document.
        {"comment", p::Comment{doc, "inleiding", "common", 0, 3, "Klopt dit?", staphorst, {}},
         "VECAON"},
        {"comment.reply", p::CommentReply{doc, 1, "Ja."}, "VECAON"},
        {"comment.resolve", p::CommentResolve{doc, 1, true}, "VECAON"},
        // Priorities: a coordinator for their municipality, and admins. A decision: the
        // municipality's own coordinator or admin only.
        {"priorities.set Kampen", p::PrioritiesSet{doc, kampen, {"jeugd"}}, "CAON"},
        {"priorities.set Staphorst", p::PrioritiesSet{doc, staphorst, {"jeugd"}}, "AON"},
        {"adoption.set Kampen", p::AdoptionSet{doc, kampen, "raad", "2023-03-28", ""}, "CA"},
        {"adoption.set Staphorst", p::AdoptionSet{doc, staphorst, "raad", "2023-03-28", ""}, ""},
        // The document as a whole.
        {"tag", p::Tag{doc, "Vastgesteld", std::nullopt}, "CAON"},
        {"document.rename", p::DocumentRename{doc, "IVP 2027"}, "AON"},
        {"document.archive", p::DocumentArchive{doc, true}, "AON"},
    };
}

struct Who {
    char letter;
    const char* name;
    User user;
};

/// Puts every request of rows() to every user, on the document as it is and archived, and checks
/// the outcome `expected(who, row, archived)` names. Closing is always allowed.
template <class Expected>
void check_every_request(const std::vector<Who>& users, Expected expected) {
    for (const bool archived : {false, true}) {
        samen::model::Document d = sample_document();
        d.archived = archived;
        for (const Who& who : users) {
            for (const Row& row : rows()) {
                INFO(who.name << ": " << row.name << (archived ? " (archived)" : ""));
                const std::string e = std::holds_alternative<p::Close>(row.request)
                                          ? "allowed"
                                          : expected(who, row, archived);
                CHECK(outcome(who.user, &d, p::Request(row.request)) == e);
            }
        }
    }
}

}  // namespace

TEST_CASE("every request kind is in the table", "[auth][authorize]") {
    std::vector<bool> seen(std::variant_size_v<p::DocumentRequest>);
    for (const Row& row : rows()) seen[row.request.index()] = true;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        INFO("alternative " << i);
        CHECK(seen[i]);
    }
}

TEST_CASE("every role of a municipality taking part, and admins, against every request",
          "[auth][authorize]") {
    const std::vector<Who> readers = {
        {'V', "viewer of Kampen", make(Role::viewer, kampen)},
        {'E', "editor of Kampen", make(Role::editor, kampen)},
        {'C', "coordinator of Kampen", make(Role::coordinator, kampen)},
        {'A', "admin of Kampen", make(Role::admin, kampen)},
        {'O', "admin of a municipality not taking part", make(Role::admin, other)},
        {'N', "admin without a municipality", make(Role::admin, std::nullopt)},
    };
    const std::set<std::string> reads = {"open",    "presence", "effective", "divergence",
                                         "history", "text.at",  "diff"};
    check_every_request(readers, [&](const Who& who, const Row& row, bool archived) {
        // Only admins open and read an archived document; to the others it is not there. A
        // change goes on to the room, which answers that the document is read-only.
        if (archived && who.user.role != Role::admin && reads.count(row.name)) return "not_found";
        return std::strchr(row.who_may, who.letter) ? "allowed" : "forbidden";
    });
}

TEST_CASE("who does not read the document may only close it", "[auth][authorize]") {
    const std::vector<Who> outsiders = {
        {'-', "viewer of another municipality", make(Role::viewer, other)},
        {'-', "editor of another municipality", make(Role::editor, other)},
        {'-', "coordinator of another municipality", make(Role::coordinator, other)},
        {'-', "coordinator without a municipality", make(Role::coordinator, std::nullopt)},
        {'-', "disabled coordinator of Kampen", make(Role::coordinator, kampen, true)},
        {'-', "disabled admin", make(Role::admin, std::nullopt, true)},
    };
    check_every_request(outsiders, [](const Who& who, const Row&, bool) {
        return who.user.disabled ? "unauthorized" : "forbidden";
    });
}

TEST_CASE("requests about no document", "[auth][authorize]") {
    const p::DocumentCreate create{"ivp-2027", "IVP 2027", {kampen}, std::nullopt, std::nullopt};
    const Who everyone[] = {
        {'-', "viewer", make(Role::viewer, kampen)},
        {'-', "editor", make(Role::editor, kampen)},
        {'-', "coordinator", make(Role::coordinator, kampen)},
        {'A', "admin of Kampen", make(Role::admin, kampen)},
        {'A', "admin of another municipality", make(Role::admin, other)},
        {'A', "admin without a municipality", make(Role::admin, std::nullopt)},
        {'-', "disabled admin", make(Role::admin, std::nullopt, true)},
        {'-', "disabled viewer", make(Role::viewer, kampen, true)},
    };
    for (const Who& who : everyone) {
        INFO(who.name);
        CHECK(outcome(who.user, nullptr, p::Request(p::Hello{"token"})) == "allowed");
        // The list holds what the user may open (a disabled user: nothing).
        CHECK(outcome(who.user, nullptr, p::Request(p::List{})) == "allowed");
        CHECK(outcome(who.user, nullptr, p::Request(p::Inbox{})) == "allowed");
        CHECK(outcome(who.user, nullptr, p::Request(p::Ping{})) == "allowed");
        CHECK(outcome(who.user, nullptr, p::Request(create)) ==
              (who.letter == 'A' ? "allowed" : "forbidden"));
    }
    // A request about a document is judged with the document at hand.
    CHECK(outcome(make(Role::admin, std::nullopt), nullptr,
                  p::Request(p::DocumentRequest(p::Open{"ivp", std::nullopt}))) == "internal");
}

TEST_CASE("a chapter may be deleted only with every section under it", "[auth][authorize]") {
    samen::model::Document d = sample_document();
    const User kampen_coordinator = make(Role::coordinator, kampen);
    const User staphorst_coordinator = make(Role::coordinator, staphorst);
    const p::Request velden(p::DocumentRequest(p::SectionDelete{"ivp", "velden"}));
    const p::Request slot(p::DocumentRequest(p::SectionDelete{"ivp", "slot"}));
    CHECK(outcome(kampen_coordinator, &d, velden) == "forbidden");  // holds Staphorst's eigen
    CHECK(outcome(staphorst_coordinator, &d, velden) == "allowed");
    CHECK(outcome(kampen_coordinator, &d, slot) == "allowed");
    CHECK(outcome(staphorst_coordinator, &d, slot) == "forbidden");  // holds Kampen's bijlage

    // Deeper down too: Staphorst's section under a common one under velden.
    samen::model::Section deep = samen::test::make_section("diep", "jeugd", 0, "Diep.", staphorst);
    d.sections.insert(d.sections.begin() + 3, deep);
    CHECK(outcome(kampen_coordinator, &d,
                  p::Request(p::DocumentRequest(p::SectionDelete{"ivp", "jeugd"}))) == "forbidden");
    CHECK(outcome(staphorst_coordinator, &d,
                  p::Request(p::DocumentRequest(p::SectionDelete{"ivp", "jeugd"}))) == "allowed");
}

TEST_CASE("proposals and votes belong to a municipality's coordinators", "[auth][authorize]") {
    const samen::model::Document d = sample_document();
    const User staphorst_coordinator = make(Role::coordinator, staphorst);
    const User staphorst_admin = make(Role::admin, staphorst);
    auto propose = [](const std::string& layer, std::optional<std::string> text) {
        return p::Request(p::DocumentRequest(p::Propose{"ivp", "inleiding", layer, text}));
    };
    const p::Request vote(p::DocumentRequest(p::Vote{"ivp", 1, p::Ballot::reject}));
    CHECK(outcome(staphorst_coordinator, &d, propose(staphorst, std::nullopt)) == "allowed");
    CHECK(outcome(staphorst_coordinator, &d, propose(kampen, std::nullopt)) == "forbidden");
    CHECK(outcome(staphorst_coordinator, &d, propose("common", "Samen.")) == "allowed");
    CHECK(outcome(staphorst_coordinator, &d, vote) == "allowed");
    // An admin proposes any municipality's text, and votes for their own municipality only.
    CHECK(outcome(staphorst_admin, &d, propose(kampen, std::nullopt)) == "allowed");
    CHECK(outcome(staphorst_admin, &d, vote) == "allowed");
    // A common text is proposed, and a vote cast, for the proposer's own municipality.
    CHECK(outcome(make(Role::editor, staphorst), &d, propose("common", "Samen.")) == "forbidden");
    CHECK(outcome(make(Role::editor, staphorst), &d, vote) == "forbidden");
}

TEST_CASE("what is made under a local-only section is judged as its owner's", "[auth][authorize]") {
    const samen::model::Document d = sample_document();  // bijlage: local-only of Kampen
    // A field or section without an owner under Kampen's section would become Kampen's: not for
    // Staphorst's coordinator to make, as it is for Kampen's.
    const p::SectionCreate under{"ivp", "bijlage", 0, "Budget", std::nullopt, "field"};
    CHECK(outcome(make(Role::coordinator, staphorst), &d, p::Request(p::DocumentRequest(under))) ==
          "forbidden");
    CHECK(outcome(make(Role::coordinator, kampen), &d, p::Request(p::DocumentRequest(under))) ==
          "allowed");
}
