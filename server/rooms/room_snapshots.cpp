// What keeps a long history fast to open and to read (docs/decisions/0022-document-snapshots.md),
// added to the store job of the change that crosses a multiple: the document as a whole every
// snapshot_revs revisions and at every named version and adoption decision, and the text of
// every layer edited since its checkpoint every checkpoint_edits revisions, and the earliest time
// of every block of changes it completes (docs/decisions/0028-change-time-blocks.md). All are
// copies of what the change log says; the job writes them in the same transaction as the change
// itself.
#include <string>
#include <tuple>
#include <vector>

#include "model/tree.hpp"
#include "rooms/room.hpp"
#include "store/repo.hpp"

namespace samen::rooms {

namespace {

/// True when a multiple of `every` lies in first..last.
bool crosses(Rev first, Rev last, std::size_t every) {
    return every > 0 && last / every > (first - 1) / every;
}

}  // namespace

std::vector<std::tuple<std::string, std::string, std::string, Rev>> Room::take_unsaved_texts() {
    std::vector<std::tuple<std::string, std::string, std::string, Rev>> texts;
    for (auto& [key, memory] : layers_) {
        if (!memory.unsaved) continue;
        memory.unsaved = false;
        const model::Section* s = doc_.section(key.section);
        if (!s) s = model::deleted_section(doc_, key.section);
        const model::Layer* l = s ? s->layer(key.layer) : nullptr;
        if (l) texts.emplace_back(key.section, key.layer, l->text, l->changed_rev);
    }
    return texts;
}

store::Store::Work Room::with_snapshots(Rev first, Rev last, std::string_view type,
                                        store::Store::Work write, bool& quick) {
    // A named version and an adoption decision are read back more than other revisions.
    const bool snapshot =
        crosses(first, last, limits_.snapshot_revs) || type == "tag" || type == "adoption.set";
    // Every layer edited since its checkpoint, so that loading replays fewer than
    // checkpoint_edits edits in all, not up to that many per layer.
    std::vector<std::tuple<std::string, std::string, std::string, Rev>> texts;
    if (crosses(first, last, limits_.checkpoint_edits)) texts = take_unsaved_texts();
    // What reads by time skip whole blocks by: one small row per block, not one per change.
    const bool times = crosses(first, last, static_cast<std::size_t>(store::kChangeTimeBlock));
    quick = !snapshot && texts.empty();
    if (!snapshot && texts.empty() && !times) return write;
    // doc_ stands at `last` now: copied here, written as it is after the changes.
    std::optional<model::Document> copy;
    if (snapshot) copy = doc_;
    return [write = std::move(write), copy = std::move(copy), texts = std::move(texts), doc = id_,
            first, last, times](store::Db& db) {
        write(db);
        for (const auto& [section, layer, text, changed] : texts) {
            write_checkpoint(db, doc, section, layer, text, last, changed);
        }
        if (copy) write_snapshot(db, *copy);
        if (times) {
            store::write_change_time_blocks(db, doc, static_cast<std::int64_t>(first),
                                            static_cast<std::int64_t>(last));
        }
    };
}

}  // namespace samen::rooms
