#include "model/document_json.hpp"

namespace samen::model {

namespace {

using json = nlohmann::json;

template <class T>
json optional_json(const std::optional<T>& v) {
    return v ? json(*v) : json();
}

template <class T>
std::optional<T> optional_from(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return it->get<T>();
}

json section_json(const Section& s) {
    json layers = json::object();
    for (const auto& [name, l] : s.layers) {
        layers[name] = {{"state", to_string(l.state)},
                        {"text", l.text},
                        {"base", optional_json(l.base)},
                        {"life", l.life},
                        {"changed_rev", l.changed_rev}};
    }
    return {{"id", s.id},
            {"parent", s.parent},
            {"position", s.position},
            {"title", s.title},
            {"owner", optional_json(s.owner)},
            {"deleted", s.deleted},
            {"deleted_rev", optional_json(s.deleted_rev)},
            {"kind", to_string(s.kind)},
            {"layers", std::move(layers)}};
}

Section section_from(const json& j) {
    Section s;
    s.id = j.at("id").get<std::string>();
    s.parent = j.at("parent").get<std::string>();
    s.position = j.at("position").get<std::int64_t>();
    s.title = j.at("title").get<std::string>();
    s.owner = optional_from<std::string>(j, "owner");
    s.deleted = j.at("deleted").get<bool>();
    s.deleted_rev = optional_from<Rev>(j, "deleted_rev");
    const auto kind = parse_section_kind(j.at("kind").get<std::string>());
    if (!kind) throw std::invalid_argument("a section of an unknown kind");
    s.kind = *kind;
    for (const auto& [name, l] : j.at("layers").items()) {
        Layer layer;
        const auto state = parse_layer_state(l.at("state").get<std::string>());
        if (!state) throw std::invalid_argument("a layer in an unknown state");
        layer.state = *state;
        layer.text = l.at("text").get<std::string>();
        layer.base = optional_from<Rev>(l, "base");
        layer.life = l.at("life").get<Rev>();
        layer.changed_rev = l.at("changed_rev").get<Rev>();
        s.layers.emplace(name, std::move(layer));
    }
    return s;
}

json sections_json(const std::vector<Section>& sections) {
    json out = json::array();
    for (const Section& s : sections) out.push_back(section_json(s));
    return out;
}

std::vector<Section> sections_from(const json& j) {
    std::vector<Section> out;
    for (const json& s : j) out.push_back(section_from(s));
    return out;
}

}  // namespace

json document_to_json(const Document& d) {
    json municipalities = json::array();
    for (const Municipality& m : d.municipalities) municipalities.push_back({m.code, m.name});
    json proposals = json::array();
    for (const Proposal& p : d.proposals) {
        proposals.push_back({{"id", p.id},
                             {"section", p.section},
                             {"layer", p.layer},
                             {"text", p.text},
                             {"common_text", p.common_text},
                             {"base", p.base},
                             {"proposer", to_json(p.proposer)},
                             {"created_at", p.created_at},
                             {"votes", p.votes},
                             {"state", p.state},
                             {"closed_rev", optional_json(p.closed_rev)}});
    }
    // Versions, threads and adoption decisions as the protocol writes them (document.hpp).
    json versions = json::array();
    for (const Version& v : d.versions) versions.push_back(to_json(v));
    json threads = json::array();
    for (const Thread& t : d.threads) threads.push_back(to_json(t));
    json adoption = json::object();
    for (const auto& [code, a] : d.adoption) adoption[code] = to_json(a);
    return {{"id", d.id},
            {"title", d.title},
            {"rev", d.rev},
            {"archived", d.archived},
            {"municipalities", std::move(municipalities)},
            {"sections", sections_json(d.sections)},
            {"deleted", sections_json(d.deleted)},
            {"proposals", std::move(proposals)},
            {"next_proposal", d.next_proposal},
            {"versions", std::move(versions)},
            {"threads", std::move(threads)},
            {"priorities", d.priorities},
            {"adoption", std::move(adoption)}};
}

Document document_from_json(const json& j) {
    Document d;
    d.id = j.at("id").get<std::string>();
    d.title = j.at("title").get<std::string>();
    d.rev = j.at("rev").get<Rev>();
    d.archived = j.at("archived").get<bool>();
    for (const json& m : j.at("municipalities")) {
        d.municipalities.push_back({m.at(0).get<std::string>(), m.at(1).get<std::string>()});
    }
    d.sections = sections_from(j.at("sections"));
    d.deleted = sections_from(j.at("deleted"));
    for (const json& p : j.at("proposals")) {
        Proposal out;
        out.id = p.at("id").get<std::int64_t>();
        out.section = p.at("section").get<std::string>();
        out.layer = p.at("layer").get<std::string>();
        out.text = p.at("text").get<std::string>();
        out.common_text = p.at("common_text").get<std::string>();
        out.base = p.at("base").get<Rev>();
        out.proposer = user_ref_from_json(p.at("proposer"));
        out.created_at = p.at("created_at").get<std::string>();
        out.votes = p.at("votes").get<std::map<std::string, std::string>>();
        out.state = p.at("state").get<std::string>();
        out.closed_rev = optional_from<Rev>(p, "closed_rev");
        d.proposals.push_back(std::move(out));
    }
    d.next_proposal = j.at("next_proposal").get<std::int64_t>();
    for (const json& v : j.at("versions")) {
        d.versions.push_back({v.at("rev").get<Rev>(), v.at("label").get<std::string>(),
                              user_ref_from_json(v.at("author")),
                              v.at("created_at").get<std::string>()});
    }
    for (const json& t : j.at("threads")) d.threads.push_back(thread_from_json(t));
    d.priorities = j.at("priorities").get<std::map<std::string, std::vector<std::string>>>();
    for (const auto& [code, a] : j.at("adoption").items()) d.adoption[code] = adoption_from_json(a);
    return d;
}

}  // namespace samen::model
