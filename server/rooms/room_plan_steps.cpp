// The steps of the plan that are not text (docs/plan-steps.md): each municipality's priorities and
// its decision. The changes are model/plan_steps.hpp's; here they are numbered, stored and told to
// every member.
#include "model/plan_steps.hpp"
#include "rooms/room.hpp"
#include "store/repo.hpp"
#include "store/store.hpp"
#include "store/time.hpp"

namespace samen::rooms {

namespace p = protocol;

void Room::handle(const Caller& c, const auth::User& u, const p::PrioritiesSet& r) {
    nlohmann::json data = model::set_priorities(doc_, r.municipality, r.sections);
    const Rev rev = doc_.rev;
    nlohmann::json msg = change_message(r.type, rev, u.id);
    msg["municipality"] = r.municipality;
    msg["sections"] = r.sections;
    commit_change(rev, std::move(msg), c,
                  [doc = id_, rev, data = std::move(data), author = u.id, code = r.municipality,
                   sections = r.sections](store::Db& db) {
                      append_change(db, doc, rev, "priorities.set", std::nullopt, code, data,
                                    author);
                      store::set_priorities(db, doc, code, sections);
                  });
}

void Room::handle(const Caller& c, const auth::User& u, const p::AdoptionSet& r) {
    auto change = model::set_adoption(doc_, r.municipality, r.state, r.date, r.reference,
                                      auth::ref(u), store::now_string());
    const Rev rev = doc_.rev;
    nlohmann::json msg = change_message(r.type, rev, u.id);
    msg["municipality"] = r.municipality;
    auto now = doc_.adoption.find(r.municipality);
    msg["adoption"] = now == doc_.adoption.end() ? model::to_json(model::Adoption{})
                                                 : model::to_json(now->second);
    if (change.version) msg["version"] = model::to_json(*change.version);
    std::optional<store::AdoptionRecord> record;
    if (now != doc_.adoption.end()) {
        const auto& a = now->second;
        record = store::AdoptionRecord{r.municipality, a.state, a.date, a.reference,
                                       static_cast<std::int64_t>(a.rev)};
    }
    commit_change(rev, std::move(msg), c,
                  [doc = id_, rev, data = std::move(change.data), version = change.version,
                   author = u.id, code = r.municipality, record](store::Db& db) {
                      append_change(db, doc, rev, "adoption.set", std::nullopt, code, data, author);
                      store::set_adoption(db, doc, code, record);
                      if (version) insert_version(db, doc, *version);
                  });
}

}  // namespace samen::rooms
