#include "app/inbox.hpp"

#include "auth/permissions.hpp"
#include "model/inbox.hpp"
#include "rooms/document_store.hpp"
#include "store/repo.hpp"

namespace samen::app {

nlohmann::json inbox_message(store::Db& db, const auth::User& user) {
    auto items = nlohmann::json::array();
    bool more = false;
    auto add = [&](nlohmann::json item) {
        if (items.size() < max_inbox_items)
            items.push_back(std::move(item));
        else
            more = true;
    };
    // Those who act for a municipality are asked to act; every reader is told what changed.
    const bool acts = user.municipality && user.role != auth::Role::viewer;
    for (const auto& summary : rooms::list_documents(db, std::nullopt)) {
        if (!auth::can_open(user, summary.municipalities, summary.archived)) continue;
        const model::Document doc = rooms::load_document(db, summary.id);
        auto item = [&](const char* kind) {
            return nlohmann::json{{"kind", kind}, {"doc", doc.id}, {"doc_title", doc.title}};
        };
        if (acts && !doc.archived) {
            const auto mine = model::municipality_inbox(doc, *user.municipality);
            for (const auto& s : mine.stale) {
                auto i = item("stale");
                i["section"] = s.section;
                i["title"] = s.title;
                i["municipality"] = *user.municipality;
                add(std::move(i));
            }
            for (const auto& c : mine.comments) {
                auto i = item("comment");
                i["thread"] = c.thread;
                i["section"] = c.section;
                i["title"] = c.title;
                i["layer"] = c.layer;
                i["text"] = c.first.text;
                i["author"] = model::to_json(c.first.author);
                i["created_at"] = c.first.created_at;
                i["municipality"] = *user.municipality;
                add(std::move(i));
            }
            for (const auto& v : mine.votes) {
                auto i = item("vote");
                i["proposal"] = v.proposal;
                i["section"] = v.section;
                i["title"] = v.title;
                i["layer"] = v.layer;
                i["proposer"] = model::to_json(v.proposer);
                i["created_at"] = v.created_at;
                i["municipality"] = *user.municipality;
                add(std::move(i));
            }
        }
        // Nothing to compare with before the first visit.
        const auto visit = store::find_visit(db, user.id, doc.id);
        if (!visit) continue;
        const auto changes =
            store::changes_by_others(db, doc.id, visit->rev, user.id, max_inbox_names);
        if (changes.count == 0) continue;
        auto i = item("changes");
        i["since"] = visit->at;
        i["from"] = visit->rev;
        i["rev"] = changes.last_rev;
        i["count"] = changes.count;
        auto sections = nlohmann::json::array();
        for (const auto& id : changes.sections) {
            const model::Section* s = doc.section(id);
            // A deleted section is named by its id: its title is in the history.
            sections.push_back({{"id", id}, {"title", s ? s->title : id}});
        }
        i["sections"] = std::move(sections);
        auto authors = nlohmann::json::array();
        for (const auto id : changes.authors)
            authors.push_back(model::to_json(rooms::user_ref(db, id)));
        i["authors"] = std::move(authors);
        add(std::move(i));
    }
    return {{"type", "inbox"}, {"items", std::move(items)}, {"more", more}};
}

}  // namespace samen::app
