// The demo data in data/demo is what `samen-server --demo` loads: every file must parse, and every
// override and local section must point at a section and a municipality that exist.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "model/markdown_import.hpp"
#include "model/measures.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using samen::model::import_markdown;
using samen::model::ImportedDocument;

namespace {

const fs::path kDemoDir = SAMEN_DEMO_DIR;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

json read_json(const std::string& name) {
    return json::parse(read_text(kDemoDir / name));
}

std::string lowercase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::map<std::string, std::string> municipality_names() {
    std::map<std::string, std::string> names;
    for (const auto& m : read_json("municipalities.json")) {
        names[m.at("code").get<std::string>()] = m.at("name").get<std::string>();
    }
    return names;
}

// A section's own file (override or local section) is the text of one section: no headings.
void check_section_file(const fs::path& path) {
    INFO(path.string());
    REQUIRE(fs::is_regular_file(path));
    const ImportedDocument doc = import_markdown(read_text(path));
    REQUIRE(doc.sections.size() == 1);
    CHECK(doc.sections[0].title == samen::model::kPreambleTitle);
    CHECK_FALSE(doc.sections[0].text.empty());
}

// The demo text was cleaned from an OCR'd original: no leftover "*", "=" or "»" bullets, no
// runs of blank lines, no trailing spaces, and a final newline.
void check_clean_markdown(const fs::path& path) {
    INFO(path.string());
    const std::string text = read_text(path);
    CHECK_FALSE(text.empty());
    CHECK(text.back() == '\n');
    CHECK(text.find("\n\n\n") == std::string::npos);
    CHECK(text.find(" \n") == std::string::npos);
    CHECK(text.find('\r') == std::string::npos);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        INFO(line);
        const auto start = line.find_first_not_of(' ');
        if (start == std::string::npos) continue;
        const std::string_view rest = std::string_view(line).substr(start);
        CHECK_FALSE(rest.starts_with("* "));
        CHECK_FALSE(rest.starts_with("= "));
        CHECK_FALSE(rest.starts_with("» "));
    }
}

}  // namespace

TEST_CASE("demo municipalities are the four of IJsselland", "[model][demo]") {
    const auto names = municipality_names();
    CHECK(names == std::map<std::string, std::string>{{"GM1708", "Steenwijkerland"},
                                                      {"GM1896", "Zwartewaterland"},
                                                      {"GM0180", "Staphorst"},
                                                      {"GM0166", "Kampen"}});
    CHECK(read_json("municipalities.json").size() == names.size());
}

TEST_CASE("demo documents import and their overrides and local sections fit", "[model][demo]") {
    const auto known = municipality_names();
    const std::regex doc_id("[a-z0-9-]{1,64}");
    const std::regex section_id("[a-z0-9]+(-[a-z0-9]+)*");

    const json documents = read_json("documents.json");
    REQUIRE(documents.is_array());
    REQUIRE(documents.size() >= 2);

    std::set<std::string> doc_ids;
    std::set<fs::path> referenced;
    int override_count = 0;
    std::set<std::string> overriding_municipalities;
    std::set<std::string> local_owners;

    for (const auto& d : documents) {
        const auto id = d.at("id").get<std::string>();
        INFO("document " << id);
        CHECK(std::regex_match(id, doc_id));
        CHECK(doc_ids.insert(id).second);
        CHECK_FALSE(d.at("title").get<std::string>().empty());

        std::set<std::string> participants;
        for (const auto& code : d.at("municipalities")) {
            CHECK(known.contains(code.get<std::string>()));
            CHECK(participants.insert(code.get<std::string>()).second);
        }
        CHECK_FALSE(participants.empty());

        const fs::path file = kDemoDir / d.at("file").get<std::string>();
        referenced.insert(file);
        check_clean_markdown(file);
        const ImportedDocument doc = import_markdown(read_text(file));
        REQUIRE(doc.sections.size() >= 5);
        std::map<std::string, std::string> common;  // id -> text
        for (const auto& s : doc.sections) {
            CHECK(std::regex_match(s.id, section_id));
            CHECK_FALSE(s.text.empty());
            common[s.id] = s.text;
        }

        const fs::path overrides = kDemoDir / d.at("overrides").get<std::string>();
        REQUIRE(fs::is_directory(overrides));
        for (const auto& by_municipality : fs::directory_iterator(overrides)) {
            const std::string code = by_municipality.path().filename().string();
            INFO("overrides of " << code);
            REQUIRE(by_municipality.is_directory());
            CHECK(participants.contains(code));
            for (const auto& entry : fs::directory_iterator(by_municipality.path())) {
                const fs::path& path = entry.path();
                INFO(path.string());
                REQUIRE(path.extension() == ".md");
                const std::string section = path.stem().string();
                REQUIRE(common.contains(section));
                check_section_file(path);
                check_clean_markdown(path);
                // An override that says exactly what the common text says is no override.
                CHECK(import_markdown(read_text(path)).sections.at(0).text != common[section]);
                referenced.insert(path);
                ++override_count;
                overriding_municipalities.insert(code);
            }
        }

        std::set<std::string> ids;
        for (const auto& [section, text] : common) ids.insert(section);
        for (const auto& local : d.value("local_sections", json::array())) {
            const auto owner = local.at("owner").get<std::string>();
            const auto title = local.at("title").get<std::string>();
            INFO("local section " << title);
            CHECK(participants.contains(owner));
            if (local.contains("parent")) {
                CHECK(common.contains(local.at("parent").get<std::string>()));
            }
            const std::string local_id = local.value("id", samen::model::slugify(title));
            CHECK(std::regex_match(local_id, section_id));
            CHECK(local_id.size() <= samen::model::kMaxSlugLength);
            CHECK(ids.insert(local_id).second);
            const fs::path path = kDemoDir / local.at("file").get<std::string>();
            check_section_file(path);
            check_clean_markdown(path);
            referenced.insert(path);
            local_owners.insert(owner);
        }
    }

    // Enough local variety to show what Samen is for.
    CHECK(override_count >= 4);
    CHECK(overriding_municipalities.size() >= 3);
    CHECK(local_owners.contains("GM0180"));

    // A Markdown file nobody refers to is a misspelt override folder or section id.
    for (const auto& entry : fs::recursive_directory_iterator(kDemoDir)) {
        if (entry.path().extension() != ".md" || entry.path().filename() == "README.md") continue;
        INFO(entry.path().string());
        CHECK(referenced.contains(entry.path()));
    }
}

TEST_CASE("demo users: one per municipality and role, plus admin", "[model][demo]") {
    const auto known = municipality_names();
    const json users = read_json("users.json");
    REQUIRE(users.is_array());

    std::set<std::string> names;
    std::set<std::pair<std::string, std::string>> seats;  // (municipality, role)
    int admins = 0;
    for (const auto& u : users) {
        const auto name = u.at("name").get<std::string>();
        INFO("user " << name);
        CHECK(names.insert(name).second);
        CHECK(u.at("display_name").get<std::string>().find(' ') != std::string::npos);
        CHECK(u.at("password") == "samen-demo");
        const auto role = u.at("role").get<std::string>();
        if (role == "admin") {
            ++admins;
            CHECK(name == "admin");
            CHECK(u.at("municipality").is_null());
            continue;
        }
        CHECK((role == "coordinator" || role == "editor" || role == "viewer"));
        const auto code = u.at("municipality").get<std::string>();
        REQUIRE(known.contains(code));
        CHECK(name == lowercase(known.at(code)) + "-" + role);
        CHECK(seats.emplace(code, role).second);
    }
    CHECK(admins == 1);
    CHECK(seats.size() == known.size() * 3);
}

TEST_CASE("the demo uitvoeringsplan: every measure with its eight fields, amounts that add up",
          "[model][demo]") {
    const auto known = municipality_names();
    for (const auto& d : read_json("documents.json")) {
        if (!d.contains("uitvoeringsplan")) continue;
        const json plan = read_json(d["uitvoeringsplan"].get<std::string>());
        REQUIRE(plan.at("measures").size() >= 8);
        std::set<std::string> owners;
        for (const auto& m : plan["measures"]) {
            INFO(m.at("title").get<std::string>());
            for (const auto& f : samen::model::measure_fields) {
                CHECK_FALSE(m.at("fields").value(std::string(f.slug), std::string()).empty());
            }
            CHECK(m["fields"].size() == std::size(samen::model::measure_fields));
            const json overrides = m.value("overrides", json::object());
            for (const auto& [code, own] : overrides.items()) {
                CHECK(known.contains(code));
                for (const auto& [slug, text] : own.items()) {
                    CHECK(samen::model::field_slug(slug));
                }
            }
            if (m.contains("owner")) owners.insert(m["owner"].get<std::string>());
        }
        CHECK(owners.size() >= 2);  // rows only one municipality has
        // Priorities: at most four each; decisions: a state, a date and who took them.
        const json priorities = d.value("priorities", json::object());
        const json adoption = d.value("adoption", json::object());
        for (const auto& [code, ids] : priorities.items()) {
            CHECK(known.contains(code));
            CHECK(ids.size() <= 4);
        }
        for (const auto& [code, a] : adoption.items()) {
            CHECK(known.contains(code));
            CHECK((a.at("state") == "college" || a.at("state") == "raad"));
            CHECK(std::regex_match(a.at("date").get<std::string>(),
                                   std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}")));
        }
    }
}
