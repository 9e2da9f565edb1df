// What the rooms store: a change only as the next revision of its document, so that a job that
// failed before it can never leave a gap in the change log (docs/decisions/0002).
#include <catch2/catch.hpp>

#include "rooms/document_store.hpp"
#include "server_world.hpp"
#include "store/repo.hpp"

using namespace samen;

TEST_CASE("an edit, or any change, is stored only as the next revision of its document",
          "[rooms][store]") {
    test::World w;
    const std::int64_t author = w.user("kampen-editor").id;
    w.run([&](store::Db& db) {
        const auto rev = static_cast<std::int64_t>(rooms::load_document(db, "ivp").rev);
        auto edit = [&](std::int64_t at) {
            return rooms::AppliedEdit{
                static_cast<rooms::Rev>(at), "inleiding", "common", ot::Op{ot::Insert{"x"}},
                "o" + std::to_string(at),    author};
        };
        auto stored = [&] { return store::list_changes(db, "ivp", rev, 10).size(); };

        CHECK_THROWS_AS(rooms::append_edit(db, "ivp", edit(rev + 2)), store::StoreError);
        CHECK_THROWS_AS(rooms::append_edit(db, "ivp", edit(rev)), store::StoreError);
        CHECK(stored() == 0);
        CHECK(store::get_document(db, "ivp")->rev == rev);

        rooms::append_edit(db, "ivp", edit(rev + 1));
        CHECK(stored() == 1);
        CHECK(store::get_document(db, "ivp")->rev == rev + 1);
        CHECK_THROWS_AS(rooms::append_edit(db, "ivp", edit(rev + 1)), store::StoreError);
        CHECK(stored() == 1);

        // Every other kind of change the same way.
        const nlohmann::json data = {{"label", "v1"}};
        CHECK_THROWS_AS(rooms::append_change(db, "ivp", static_cast<rooms::Rev>(rev + 3), "tag",
                                             std::nullopt, std::nullopt, data, author),
                        store::StoreError);
        rooms::append_change(db, "ivp", static_cast<rooms::Rev>(rev + 2), "tag", std::nullopt,
                             std::nullopt, data, author);
        CHECK(stored() == 2);
        CHECK(store::get_document(db, "ivp")->rev == rev + 2);
    });
}
