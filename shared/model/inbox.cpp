#include "model/inbox.hpp"

#include "model/effective.hpp"

namespace samen::model {

MunicipalityInbox municipality_inbox(const Document& doc, std::string_view municipality) {
    MunicipalityInbox out;
    if (!doc.takes_part(municipality)) return out;
    const std::string code(municipality);
    // The matrix's states are the one definition of "stale" (model/layers.cpp).
    for (const auto& row : divergence(doc).rows) {
        auto cell = row.cells.find(code);
        if (cell != row.cells.end() && cell->second == CellState::stale) {
            out.stale.push_back({row.section, row.title});
        }
    }
    for (const Proposal& p : doc.proposals) {
        if (p.state != "open" || p.votes.count(code)) continue;
        const Section* s = doc.section(p.section);
        out.votes.push_back(
            {p.id, p.section, s ? s->title : p.section, p.layer, p.proposer, p.created_at});
    }
    for (const Thread& t : doc.threads) {
        if (t.resolved || t.municipality != code) continue;
        const Section* s = doc.section(t.section);
        if (!s) continue;  // its section deleted: nothing to open
        out.comments.push_back({t.id, t.section, s->title, t.layer, t.comments.front()});
    }
    return out;
}

}  // namespace samen::model
