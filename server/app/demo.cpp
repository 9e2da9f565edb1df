#include "app/demo.hpp"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "auth/password.hpp"
#include "model/document.hpp"
#include "model/markdown_import.hpp"
#include "model/measures.hpp"
#include "model/plan_steps.hpp"
#include "rooms/document_store.hpp"
#include "store/repo.hpp"
#include "store/time.hpp"

namespace samen::app {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("demo: cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

nlohmann::json read_json(const fs::path& path) {
    try {
        return nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error("demo: " + path.string() + ": " + e.what());
    }
}

/// Trailing newlines of a text file are not part of the section text.
std::string section_text(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

void put_text_layer(store::Db& db, const std::string& doc, const std::string& section,
                    const std::string& layer, const std::string& state, std::string text,
                    std::optional<std::int64_t> base) {
    store::LayerRecord l;
    l.section = section;
    l.layer = layer;
    l.state = state;
    l.text = std::move(text);
    l.base = base;
    store::put_layer(db, doc, l);
}

/// The uitvoeringsplan (see data/demo/README.md): a chapter at the end of the document with its
/// measures, each a section of kind maatregel with its fields (docs/decisions/0018).
void seed_measures(store::Db& db, const std::string& doc, const nlohmann::json& plan,
                   std::map<std::string, std::int64_t>& children) {
    store::SectionRecord chapter;
    chapter.title = plan.at("title").get<std::string>();
    chapter.id = model::slugify(chapter.title);
    chapter.position = children[""]++;
    store::insert_section(db, doc, chapter);
    put_text_layer(db, doc, chapter.id, "common", "common", plan.value("text", std::string()),
                   std::nullopt);
    std::int64_t position = 0;
    for (const auto& m : plan.at("measures")) {
        store::SectionRecord row;
        row.title = m.at("title").get<std::string>();
        row.id = model::slugify(row.title);
        row.parent = chapter.id;
        row.position = position++;
        row.kind = "maatregel";
        if (m.contains("owner")) row.owner = m["owner"].get<std::string>();
        store::insert_section(db, doc, row);
        const std::string text_layer = row.owner ? *row.owner : std::string("common");
        const std::string state = row.owner ? "override" : "common";
        put_text_layer(db, doc, row.id, text_layer, state, "", std::nullopt);
        const auto& fields = m.at("fields");
        std::int64_t at = 0;
        for (const auto& f : model::measure_fields) {
            store::SectionRecord field;
            field.id = row.id + "-" + std::string(f.slug);
            field.title = std::string(f.name);
            field.parent = row.id;
            field.position = at++;
            field.kind = "field";
            field.owner = row.owner;
            store::insert_section(db, doc, field);
            put_text_layer(db, doc, field.id, text_layer, state,
                           fields.value(std::string(f.slug), std::string()), std::nullopt);
        }
        const nlohmann::json overrides = m.value("overrides", nlohmann::json::object());
        for (const auto& [code, own] : overrides.items()) {
            for (const auto& [slug, text] : own.items()) {
                if (!model::field_slug(slug)) {
                    throw std::runtime_error("demo: measure '" + row.title + "' has no field '" +
                                             slug + "'");
                }
                put_text_layer(db, doc, row.id + "-" + slug, code, "override",
                               text.get<std::string>(), 0);
            }
        }
        for (const auto& code : m.value("omit", std::vector<std::string>{})) {
            put_text_layer(db, doc, row.id, code, "omit", "", std::nullopt);
        }
    }
}

/// Priorities and decisions as the demo's municipalities made them; a decision names the
/// document as seeded (revision 0) as a version.
void seed_plan_steps(store::Db& db, const std::string& doc, const nlohmann::json& d,
                     const std::string& now) {
    const nlohmann::json priorities = d.value("priorities", nlohmann::json::object());
    for (const auto& [code, sections] : priorities.items()) {
        const auto ids = sections.get<std::vector<std::string>>();
        for (const auto& id : ids) {
            if (!store::get_layer(db, doc, id, model::common_layer) &&
                !store::get_layer(db, doc, id, code)) {
                throw std::runtime_error("demo: a priority of " + code + " names no section '" +
                                         id + "'");
            }
        }
        store::set_priorities(db, doc, code, ids);
    }
    const nlohmann::json adoption = d.value("adoption", nlohmann::json::object());
    for (const auto& [code, a] : adoption.items()) {
        const auto m = store::find_municipality(db, code);
        const auto by = store::find_user_by_name(db, a.at("by").get<std::string>());
        if (!m || !by) throw std::runtime_error("demo: the decision of " + code + " is not known");
        const std::string state = a.at("state").get<std::string>();
        const std::string date = a.at("date").get<std::string>();
        store::set_adoption(
            db, doc, code,
            store::AdoptionRecord{code, state, date, a.value("reference", std::string()), 0});
        store::insert_version(db,
                              {doc, model::adoption_label(state, m->name, date), 0, by->id, now});
    }
}

void seed_document(store::Db& db, const fs::path& dir, const nlohmann::json& d) {
    const std::string doc = d.at("id").get<std::string>();
    const auto municipalities = d.at("municipalities").get<std::vector<std::string>>();
    rooms::create_document(db, {doc, d.at("title").get<std::string>(), municipalities, std::nullopt,
                                read_file(dir / d.at("file").get<std::string>())});
    std::map<std::string, std::int64_t> children;  // parent id -> sections placed under it
    for (const auto& s : store::list_sections(db, doc)) ++children[s.parent.value_or("")];

    if (d.contains("overrides")) {
        const fs::path overrides = dir / d["overrides"].get<std::string>();
        for (const auto& code : municipalities) {
            if (!fs::is_directory(overrides / code)) continue;
            for (const auto& entry : fs::directory_iterator(overrides / code)) {
                if (entry.path().extension() != ".md") continue;
                const std::string section = entry.path().stem().string();
                if (!store::get_layer(db, doc, section, model::common_layer)) {
                    throw std::runtime_error("demo: " + entry.path().string() +
                                             " overrides a section that does not exist");
                }
                put_text_layer(db, doc, section, code, "override",
                               section_text(read_file(entry.path())), 0);
            }
        }
    }

    for (const auto& local : d.value("local_sections", nlohmann::json::array())) {
        store::SectionRecord r;
        r.title = local.at("title").get<std::string>();
        r.id = local.contains("id") ? local["id"].get<std::string>() : model::slugify(r.title);
        std::string parent = local.value("parent", std::string());
        if (!parent.empty()) r.parent = parent;
        r.position = children[parent]++;
        r.owner = local.at("owner").get<std::string>();
        store::insert_section(db, doc, r);
        // A local-only section's text is its owner's layer.
        put_text_layer(db, doc, r.id, *r.owner, "override",
                       section_text(read_file(dir / local.at("file").get<std::string>())),
                       std::nullopt);
    }
    if (d.contains("uitvoeringsplan")) {
        seed_measures(db, doc, read_json(dir / d["uitvoeringsplan"].get<std::string>()), children);
    }
    seed_plan_steps(db, doc, d, store::now_string());
}

}  // namespace

bool seed_demo(store::Db& db, const fs::path& demo_dir) {
    if (!store::list_municipalities(db).empty()) return false;
    const std::string now = store::now_string();
    for (const auto& m : read_json(demo_dir / "municipalities.json")) {
        store::upsert_municipality(
            db, {m.at("code").get<std::string>(), m.at("name").get<std::string>()});
    }
    for (const auto& u : read_json(demo_dir / "users.json")) {
        store::NewUser user;
        user.name = u.at("name").get<std::string>();
        user.display_name = u.at("display_name").get<std::string>();
        if (u.contains("municipality") && u["municipality"].is_string()) {
            user.municipality = u["municipality"].get<std::string>();
        }
        user.role = u.at("role").get<std::string>();
        user.password_hash = auth::hash_password(u.at("password").get<std::string>());
        store::create_user(db, user, now);
    }
    for (const auto& d : read_json(demo_dir / "documents.json")) seed_document(db, demo_dir, d);
    return true;
}

}  // namespace samen::app
