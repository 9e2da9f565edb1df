#include "model/plan_steps.hpp"

#include <array>

#include "model/refused.hpp"

namespace samen::model {

bool can_be_priority(const Section& section, std::string_view municipality) {
    return section.kind == SectionKind::text && (!section.owner || *section.owner == municipality);
}

nlohmann::json set_priorities(Document& doc, const std::string& municipality,
                              const std::vector<std::string>& sections) {
    if (!doc.takes_part(municipality)) {
        throw Refused(Refused::Why::not_found,
                      "'" + municipality + "' is not a municipality taking part");
    }
    for (const auto& id : sections) {
        const Section* s = doc.section(id);
        if (!s) throw Refused(Refused::Why::not_found, "no section '" + id + "'");
        if (!can_be_priority(*s, municipality)) {
            throw Refused(Refused::Why::invalid,
                          "'" + id + "' is not a theme of " + municipality + "'s plan");
        }
    }
    auto& now = doc.priorities[municipality];
    nlohmann::json data = {{"municipality", municipality}, {"sections", sections}, {"from", now}};
    now = sections;
    if (now.empty()) doc.priorities.erase(municipality);
    ++doc.rev;
    return data;
}

std::string dutch_date(const std::string& iso_date) {
    static constexpr std::array<const char*, 12> months = {
        "januari", "februari", "maart",     "april",   "mei",      "juni",
        "juli",    "augustus", "september", "oktober", "november", "december"};
    if (iso_date.size() != 10) return iso_date;
    const int month = std::atoi(iso_date.substr(5, 2).c_str());
    const int day = std::atoi(iso_date.substr(8, 2).c_str());
    if (month < 1 || month > 12 || day < 1) return iso_date;
    return std::to_string(day) + " " + months[static_cast<std::size_t>(month - 1)] + " " +
           iso_date.substr(0, 4);
}

std::string adoption_label(const std::string& state, const std::string& municipality_name,
                           const std::string& date) {
    const std::string by = state == "raad" ? "de gemeenteraad" : "het college van B&W";
    return "Vastgesteld door " + by + " van " + municipality_name + ", " + dutch_date(date);
}

AdoptionChange set_adoption(Document& doc, const std::string& municipality,
                            const std::string& state, const std::string& date,
                            const std::string& reference, const UserRef& author,
                            const std::string& created_at) {
    const Municipality* m = doc.municipality(municipality);
    if (!m) {
        throw Refused(Refused::Why::not_found,
                      "'" + municipality + "' is not a municipality taking part");
    }
    auto was = doc.adoption.find(municipality);
    AdoptionChange change;
    change.data = {
        {"municipality", municipality},
        {"state", state},
        {"from", was == doc.adoption.end() ? nlohmann::json(nullptr) : to_json(was->second)}};
    // The plan as it stands is what was decided on: named at this change's own revision, so that
    // reading the plan there shows both its text and the decision.
    const Rev adopted = doc.rev + 1;
    if (state == "concept") {
        doc.adoption.erase(municipality);
    } else {
        change.data["date"] = date;
        change.data["reference"] = reference;
        std::string label = adoption_label(state, m->name, date);
        // A decision taken again on the same day (a correction) gets a label of its own.
        const std::string first = label;
        for (int n = 2;; ++n) {
            bool taken = false;
            for (const auto& v : doc.versions) taken = taken || v.label == label;
            if (!taken) break;
            label = first + " (" + std::to_string(n) + ")";
        }
        change.version = Version{adopted, label, author, created_at};
        doc.versions.push_back(*change.version);
        doc.adoption[municipality] = Adoption{state, date, reference, adopted};
    }
    change.data["rev"] = adopted;
    ++doc.rev;
    return change;
}

}  // namespace samen::model
