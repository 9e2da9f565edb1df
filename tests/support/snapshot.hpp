// Reading what the server sends about a document: a snapshot (`open`) or an effective plan
// (`effective`), both of which list their sections under "sections", each with its "id".
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace samen::test {

/// The section `id`; null when there is none.
inline nlohmann::json section_of(const nlohmann::json& snapshot, const std::string& id) {
    for (const auto& s : snapshot.at("sections")) {
        if (s.at("id") == id) return s;
    }
    return nullptr;
}

inline bool has_section(const nlohmann::json& snapshot, const std::string& id) {
    return !section_of(snapshot, id).is_null();
}

/// The layers of section `id`, by name; null when there is no such section.
inline nlohmann::json layers_of(const nlohmann::json& snapshot, const std::string& id) {
    const nlohmann::json s = section_of(snapshot, id);
    return s.is_null() ? nullptr : s.at("layers");
}

/// The text of one layer of a section. A missing section or layer gives a text that says so,
/// which no real text equals: a check against an expected text fails instead of passing on "".
inline std::string layer_text(const nlohmann::json& snapshot, const std::string& section,
                              const std::string& layer) {
    const nlohmann::json layers = layers_of(snapshot, section);
    if (layers.is_null()) return "<no section " + section + ">";
    if (!layers.contains(layer) || !layers[layer].contains("text")) {
        return "<no text of layer " + layer + " in section " + section + ">";
    }
    return layers[layer]["text"].get<std::string>();
}

inline std::string common_text(const nlohmann::json& snapshot, const std::string& section) {
    return layer_text(snapshot, section, "common");
}

/// The ids of the sections, in the snapshot's order.
inline std::vector<std::string> section_ids(const nlohmann::json& snapshot) {
    std::vector<std::string> out;
    for (const auto& s : snapshot.at("sections")) out.push_back(s.at("id"));
    return out;
}

/// The text of every layer that has one, by (section, layer).
inline std::map<std::pair<std::string, std::string>, std::string> texts_of(
    const nlohmann::json& snapshot) {
    std::map<std::pair<std::string, std::string>, std::string> out;
    for (const auto& s : snapshot.at("sections")) {
        for (const auto& [layer, l] : s.at("layers").items()) {
            if (l.contains("text")) out[{s.at("id"), layer}] = l.at("text");
        }
    }
    return out;
}

}  // namespace samen::test
