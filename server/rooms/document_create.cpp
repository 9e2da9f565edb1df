// Creating a document: empty, from another document as a template, or from Markdown.
#include <map>

#include "model/markdown_import.hpp"
#include "model/measures.hpp"
#include "rooms/document_store.hpp"
#include "store/db.hpp"
#include "store/repo.hpp"
#include "store/time.hpp"

namespace samen::rooms {

using protocol::ErrorCode;
using protocol::ProtocolError;

std::size_t create_document(store::Db& db, const NewDocument& d) {
    if (store::get_document(db, d.id)) {
        throw ProtocolError(ErrorCode::conflict, "there is a document '" + d.id + "' already");
    }
    for (const auto& code : d.municipalities) {
        if (!store::find_municipality(db, code)) {
            throw ProtocolError(ErrorCode::not_found, "no municipality " + code);
        }
    }
    struct NewSection {
        store::SectionRecord row;
        std::string text;
    };
    std::vector<NewSection> sections;
    if (d.template_doc) {
        // The template's live section tree and common text; no overrides, no local sections.
        model::Document t = load_document(db, *d.template_doc);
        for (const auto& s : t.sections) {
            if (s.owner) continue;
            // {}: without it GCC 12 at -O2 wrongly warns that its optionals may be
            // used uninitialized.
            store::SectionRecord r{};
            r.id = s.id;
            if (!s.parent.empty()) r.parent = s.parent;
            r.position = s.position;
            r.title = s.title;
            r.kind = std::string(model::to_string(s.kind));
            const model::Layer* common = s.layer(model::common_layer);
            std::string text = common ? common->text.str() : std::string();
            // Next year's plan carries this year's measures over as running ones.
            if (s.kind == model::SectionKind::field && model::field_slug(s.title) == "planning") {
                if (!text.starts_with("Doorlopend")) {
                    text = text.empty() ? "Doorlopend" : "Doorlopend, was: " + text;
                }
            }
            sections.push_back({r, std::move(text)});
        }
    } else if (d.markdown) {
        model::ImportedDocument imported;
        try {
            imported = model::import_markdown(*d.markdown);
        } catch (const std::invalid_argument& e) {
            throw ProtocolError(ErrorCode::bad_request, std::string("the Markdown: ") + e.what());
        }
        std::map<std::string, std::int64_t> children;
        for (const auto& s : imported.sections) {
            // {}: without it GCC 12 at -O2 wrongly warns that its optionals may be
            // used uninitialized.
            store::SectionRecord r{};
            r.id = s.id;
            if (!s.parent_id.empty()) r.parent = s.parent_id;
            r.position = children[s.parent_id]++;
            r.title = s.title;
            sections.push_back({r, s.text});
        }
    }
    store::create_document(db, d.id, d.title, d.municipalities, store::now_string());
    for (const auto& s : sections) {
        store::insert_section(db, d.id, s.row);
        store::LayerRecord l;
        l.section = s.row.id;
        l.layer = std::string(model::common_layer);
        l.state = "common";
        l.text = s.text;
        store::put_layer(db, d.id, l);
    }
    return sections.size();
}

}  // namespace samen::rooms
