// samen-bench-long-history: what a document with a long history costs to open and to read in the
// past. It builds a document of --changes changes (1,000,000 by default) in a real data file
// through the store functions the rooms use (rooms::append_edit, append_layer_change,
// append_tree_change, write_checkpoint, ...): mostly keystrokes into the ~20 sections of the demo
// plan and their overrides, some diverges and reverts, renamed and new sections, and named
// versions, with the checkpoints the server would write (every --checkpoint-edits edits of a layer;
// none at the end, as after a SIGTERM or a crash: the worst case for a load). Then, with the real
// samen-server started on that data directory:
//   open    `open` over a WebSocket, timed to its snapshot, each on a freshly started server (cold:
//           the document is loaded from disk; the file may be in the page cache);
//   load    rooms::load_for_room on a fresh read-only connection, in this process;
//   text_at, effective
//           `text.at` and `effective` with `rev` at --revs revisions spread over the history, each
//           just after a multiple of --snapshot-revs (the most changes to undo), timed over the
//           WebSocket;
//   effective_at
//           `effective` with `at`: the times of --revs changes spread over the history, the first
//           near its start, each resolved to the newest revision made by then. The history is
//           written in a minute or two; its changes are then given times 37 s apart from
//           2025-01-01, as a year of work would have them.
//   backfill (with --backfill)
//           the reads at --revs revisions in this process without any snapshot, the backfill
//           that gives them back one store job each (its total and its longest job), the reads
//           again.
// One JSON line on stdout (median and max per kind, in ms); progress on stderr. Figures and
// command: docs/performance/reading-the-past.md, "A long history".
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "model/document.hpp"
#include "model/layers.hpp"
#include "model/refused.hpp"
#include "model/tree.hpp"
#include "ot/json.hpp"
#include "ot/text.hpp"
#include "protocol_client.hpp"
#include "rooms/document_store.hpp"
#include "rooms/room.hpp"
#include "server_process.hpp"
#include "store/db.hpp"
#include "store/repo.hpp"
#include "store/time.hpp"
#include "text/utf8.hpp"
#include "tool_main.hpp"

namespace samen::bench {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using model::Rev;

struct Options {
    std::size_t changes = 1'000'000;
    std::size_t samples = 5;
    std::size_t revs = 10;
    std::size_t checkpoint_edits = 1000;
    std::size_t snapshot_revs = rooms::RoomLimits{}.snapshot_revs;
    std::uint64_t seed = 0x2026'1204;
    std::string keep;  // set: the data file is copied there after the history is written
    bool backfill = false;
};

const char* usage = R"(samen-bench-long-history: opening and reading the past of a long history

usage: samen-bench-long-history [options]

  --changes N           changes in the document's history (default 1000000)
  --samples N           cold opens, each on a freshly started server (default 5)
  --revs N              revisions, spread over the history, read with text.at and effective
                        (default 10)
  --checkpoint-edits N  the server's --checkpoint-edits, also used while building (default 1000)
  --snapshot-revs N     the server's --snapshot-revs, also used while building (default: the
                        server's default, 5000)
  --seed N              the random seed of the history (default 539365892; printed)
  --keep FILE           copies the data file there once the history is written, to look into
  --backfill            then deletes every snapshot (a file from before migration 10), and
                        times in this process rooms::document_at at the --revs revisions, the
                        backfill (rooms::backfill_snapshot, one transaction each, as the room's
                        store jobs) and the same reads again

It starts samen-server (this build's, demo data, a fresh data directory) on a loopback port,
stops it, writes the history into its data file, and starts it again.
)";

Options parse(const std::vector<std::string>& args) {
    Options o;
    for (test::Args arg(args); arg.next();) {
        const std::string& a = arg.flag();
        if (a == "--changes")
            o.changes = arg.number<std::size_t>(100, 100'000'000);
        else if (a == "--samples")
            o.samples = arg.number<std::size_t>(1, 1000);
        else if (a == "--revs")
            o.revs = arg.number<std::size_t>(1, 1000);
        else if (a == "--checkpoint-edits")
            o.checkpoint_edits = arg.number<std::size_t>(1, 100'000'000);
        else if (a == "--snapshot-revs")
            o.snapshot_revs = arg.number<std::size_t>(1, 100'000'000);
        else if (a == "--keep")
            o.keep = arg.value();
        else if (a == "--backfill")
            o.backfill = true;
        else if (a == "--seed")
            o.seed = arg.number<std::uint64_t>(0, UINT64_MAX);
        else
            throw std::invalid_argument("unknown option " + a);
    }
    return o;
}

const std::string kDoc = "ivp-2023-2026";

json ok(json reply, const std::string& what) {
    if (reply.value("type", "") == "error") throw std::runtime_error(what + ": " + reply.dump());
    return reply;
}

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

json summary(std::vector<double> v) {
    if (v.empty()) return {{"n", 0}};  // e.g. no block of changes completed in a short history
    std::sort(v.begin(), v.end());
    return {{"median_ms", v[v.size() / 2]}, {"max_ms", v.back()}, {"n", v.size()}};
}

/// Writes the history: --changes changes after the demo document's own, in transactions of
/// 50,000. Returns the section every read looks at (live from the start to the end).
/// What the writes a room adds at multiples took, in ms each, inside the writer's transaction.
struct AddedWrites {
    std::vector<double> snapshots;    // every --snapshot-revs and at named versions
    std::vector<double> checkpoints;  // every layer edited since, every --checkpoint-edits
    std::vector<double> time_blocks;  // the earliest time of a block of changes, when it is full
};

std::string build_history(const std::filesystem::path& file, const Options& o, AddedWrites& added) {
    store::Db db(file.string());
    model::Document d = rooms::load_document(db, kDoc);
    const auto editor = store::find_user_by_name(db, "kampen-editor");
    if (!editor) throw std::runtime_error("no demo user kampen-editor");
    const std::int64_t author = editor->id;
    std::mt19937_64 rng(o.seed);
    std::map<std::pair<std::string, std::string>, std::size_t> unsaved;
    const std::string watched = d.sections.front().id;
    const Rev start = d.rev;
    std::size_t keystrokes = 0, layer_changes = 0, tree_changes = 0, versions = 0;
    const auto t0 = Clock::now();
    auto tx = std::make_unique<store::Transaction>(db);
    while (d.rev < start + o.changes) {
        const Rev next = d.rev + 1;
        const std::uint64_t dice = rng() % 100'000;
        try {
            if (dice < 2) {
                const std::string label = "versie " + std::to_string(next);
                const model::Version& v = model::add_version(
                    d, label, std::nullopt, {author, "", "", {}}, store::now_string());
                rooms::append_change(db, kDoc, d.rev, "tag", std::nullopt, std::nullopt,
                                     {{"label", v.label}, {"rev", v.rev}}, author);
                rooms::insert_version(db, kDoc, v);
                const auto w0 = Clock::now();
                rooms::write_snapshot(db, d);  // as the room does at a named version
                added.snapshots.push_back(ms_since(w0));
                ++versions;
            } else if (dice < 8) {
                const model::Section& s = d.sections[rng() % d.sections.size()];
                model::TreeChange c =
                    dice < 6 ? model::rename_section(d, s.id,
                                                     s.title + " (" + std::to_string(next) + ")")
                             : model::create_section(d, "Nieuw " + std::to_string(next), s.parent,
                                                     0, std::nullopt);
                rooms::append_tree_change(db, kDoc, c.rev,
                                          dice < 6 ? "section.rename" : "section.create", c.section,
                                          c.data, author, c.rows, c.new_layers);
                ++tree_changes;
            } else if (dice < 60) {
                const model::Section& s = d.sections[rng() % d.sections.size()];
                const std::string& code = d.municipalities[rng() % d.municipalities.size()].code;
                const model::Layer* l = s.layer(code);
                const auto action = !l ? model::LayerAction::diverge : model::LayerAction::revert;
                model::LayerChange c = model::change_layer(d, action, s.id, code);
                rooms::append_layer_change(db, kDoc, c.rev, std::string(model::to_string(action)),
                                           s.id, code, c.data, author, c.stored);
                unsaved.erase({s.id, code});
                ++layer_changes;
            } else {
                model::Section& s = d.sections[rng() % d.sections.size()];
                std::vector<std::string> editable;
                for (const auto& [code, layer] : s.layers) {
                    if (layer.state != model::LayerState::omit) editable.push_back(code);
                }
                if (editable.empty()) continue;
                const std::string code = editable[rng() % editable.size()];
                model::Layer& layer = s.layers[code];
                const std::size_t len = utf8::count(layer.text);
                json keystroke = json::array();
                const std::size_t at = len == 0 ? 0 : rng() % len;
                if (at > 0) keystroke.push_back(at);
                // Slightly more typed than deleted: the texts grow slowly, as a plan does.
                if (len > 0 && rng() % 5 < 2) {
                    keystroke.push_back(json{{"d", 1}});
                } else {
                    keystroke.push_back("e");
                }
                ot::Op op = ot::make_invertible(ot::op_from_json(keystroke), layer.text);
                layer.text = ot::apply(layer.text, op);
                layer.changed_rev = next;
                d.rev = next;
                rooms::AppliedEdit e{next,  s.id, code, std::move(op), "b-" + std::to_string(next),
                                     author};
                rooms::append_edit(db, kDoc, e);
                if (++unsaved[{s.id, code}] >= o.checkpoint_edits) {
                    rooms::write_checkpoint(db, kDoc, s.id, code, layer.text, next, next);
                    unsaved.erase({s.id, code});
                }
                ++keystrokes;
            }
        } catch (const model::Refused&) {
            continue;  // e.g. a revert of an omitted layer: draw again
        }
        // What the room adds to the store job of the change that reaches a multiple
        // (rooms/room_snapshots.cpp).
        if (d.rev % o.checkpoint_edits == 0) {
            const auto w0 = Clock::now();
            for (const auto& [key, n] : unsaved) {
                const model::Layer& l = d.section(key.first)->layers.at(key.second);
                rooms::write_checkpoint(db, kDoc, key.first, key.second, l.text, d.rev,
                                        l.changed_rev);
            }
            unsaved.clear();
            added.checkpoints.push_back(ms_since(w0));
        }
        if (d.rev % o.snapshot_revs == 0) {
            const auto w0 = Clock::now();
            rooms::write_snapshot(db, d);
            added.snapshots.push_back(ms_since(w0));
        }
        if (static_cast<std::int64_t>(d.rev) % store::kChangeTimeBlock == 0) {
            const auto w0 = Clock::now();
            const auto r = static_cast<std::int64_t>(d.rev);
            store::write_change_time_blocks(db, kDoc, r, r);
            added.time_blocks.push_back(ms_since(w0));
        }
        if ((d.rev - start) % 50'000 == 0) {
            tx->commit();
            tx = std::make_unique<store::Transaction>(db);
            std::cerr << "  " << d.rev - start << " changes, " << ms_since(t0) / 1000 << " s\n";
        }
    }
    tx->commit();
    std::cerr << "history: " << keystrokes << " keystrokes, " << layer_changes << " layer changes, "
              << tree_changes << " tree changes, " << versions << " versions; rev " << d.rev << ", "
              << d.sections.size() << " sections, " << ms_since(t0) / 1000 << " s\n";
    return watched;
}

/// A file from before migration 10: the reads without snapshots, the backfill, the reads after.
json time_backfill(const std::filesystem::path& file, const Options& o, Rev rev) {
    {
        store::Db db(file.string());
        db.exec("DELETE FROM document_snapshot");
    }
    std::vector<Rev> revs;
    for (std::size_t k = 0; k < o.revs; ++k) {
        revs.push_back(rev * (2 * k + 1) / (2 * o.revs) / o.snapshot_revs * o.snapshot_revs + 1);
    }
    auto reads = [&](const char* what) {
        store::Db db(file.string(), 5000, store::Access::read_only);
        const model::Document now = rooms::load_document(db, kDoc);
        std::vector<double> ms;
        for (const Rev r : revs) {
            const auto t0 = Clock::now();
            store::Transaction tx(db, store::Access::read_only);
            const model::Document past = rooms::document_at(db, now, r);
            ms.push_back(ms_since(t0));
            std::cerr << what << ": document_at rev " << r << ": " << ms.back() << " ms\n";
        }
        return ms;
    };
    const auto before = reads("no snapshots");
    std::vector<double> jobs;
    const auto t0 = Clock::now();
    {
        store::Db db(file.string());
        for (;;) {
            const auto j0 = Clock::now();
            store::Transaction tx(db);
            const auto written = rooms::backfill_snapshot(db, kDoc, o.snapshot_revs);
            tx.commit();
            if (!written) break;
            jobs.push_back(ms_since(j0));
        }
    }
    const double total = ms_since(t0);
    std::cerr << "backfill: " << jobs.size() << " snapshots in " << total / 1000 << " s\n";
    const auto after = reads("after the backfill");
    return {{"document_at_without", summary(before)},
            {"document_at_after", summary(after)},
            {"snapshots_written", jobs.size()},
            {"backfill_s", total / 1000},
            {"backfill_job", summary(jobs)}};
}

int run(const Options& o) {
    std::cerr << "seed " << o.seed << "\n";
    std::vector<std::string> flags = {"--checkpoint-edits", std::to_string(o.checkpoint_edits)};
    flags.push_back("--snapshot-revs");
    flags.push_back(std::to_string(o.snapshot_revs));
    test::ServerOptions so;
    so.args = flags;
    so.stop_timeout = std::chrono::seconds(300);
    test::ServerProcess server(so);
    server.stop();
    const auto file = server.data_dir() / "samen.db";
    AddedWrites added;
    const std::string section = build_history(file, o, added);
    {
        // A year of work rather than a minute of it, so that a moment names one revision.
        store::Db db(file.string());
        const auto t0 = Clock::now();
        db.prepare(
              "UPDATE change SET at = strftime('%Y-%m-%dT%H:%M:%SZ', 1735689600 + rev * 37, "
              "'unixepoch') WHERE doc = ?1")
            .bind_all(kDoc)
            .run();
        auto last = db.prepare("SELECT MAX(rev) FROM change WHERE doc = ?1");
        last.bind_all(kDoc);
        const std::int64_t newest = last.step() ? last.get_int(0) : 0;
        last.reset();
        store::write_change_time_blocks(db, kDoc, 1, newest);  // again, with the new times
        std::cerr << "times spread over a year: " << ms_since(t0) / 1000 << " s\n";
    }
    // What they cost the writer per change, spread out.
    auto us_per_change = [&](const std::vector<double>& ms) {
        double sum = 0;
        for (double m : ms) sum += m;
        return sum * 1000 / static_cast<double>(o.changes);
    };
    const auto bytes = std::filesystem::file_size(file);
    if (!o.keep.empty()) {
        std::filesystem::copy_file(file, o.keep, std::filesystem::copy_options::overwrite_existing);
    }

    std::vector<double> loads;
    Rev rev = 0;
    for (std::size_t i = 0; i < o.samples; ++i) {
        store::Db db(file.string(), 5000, store::Access::read_only);
        const auto t0 = Clock::now();
        auto loaded = rooms::load_for_room(db, kDoc);
        loads.push_back(ms_since(t0));
        rev = loaded.doc.rev;
    }
    std::cerr << "load_for_room: " << summary(loads).dump() << "\n";

    // The moments read by time: the times of changes spread over the history, the first at its
    // start (the history is written in minutes, so many changes share each second).
    std::vector<std::string> moments;
    {
        store::Db db(file.string(), 5000, store::Access::read_only);
        for (std::size_t k = 0; k < o.revs; ++k) {
            // Just after a multiple of --snapshot-revs, as the reads by revision.
            const Rev r = rev * k / o.revs / o.snapshot_revs * o.snapshot_revs + 1;
            auto changes = store::list_changes(db, kDoc, static_cast<std::int64_t>(r) - 1, 1);
            if (changes.empty()) throw std::runtime_error("no change at rev " + std::to_string(r));
            moments.push_back(changes.front().at);
        }
    }

    std::vector<double> opens, hellos, text_at, effective, effective_at;
    for (std::size_t i = 0; i < o.samples; ++i) {
        server.restart();
        test::ProtocolClient c(server.port());
        const std::string token = server.sign_in("kampen-editor");
        auto t0 = Clock::now();
        ok(c.hello(token), "signing in");
        hellos.push_back(ms_since(t0));
        t0 = Clock::now();
        const json snapshot = ok(c.open(kDoc), "opening");
        opens.push_back(ms_since(t0));
        if (snapshot.at("rev").get<Rev>() != rev) throw std::runtime_error("unexpected rev");
        if (i + 1 < o.samples) continue;
        // One read of the past: how long it took, and its answer.
        auto timed = [&c](const json& request, const char* what) {
            const auto r0 = Clock::now();
            json reply = ok(c.request(request, std::chrono::minutes(5)), what);
            return std::pair<double, json>(ms_since(r0), std::move(reply));
        };
        // The reads, on the last server: revisions spread over the whole history.
        for (std::size_t k = 0; k < o.revs; ++k) {
            // Just after a multiple of --snapshot-revs, the farthest from the next snapshot:
            // the most changes to undo.
            const Rev at = rev * (2 * k + 1) / (2 * o.revs) / o.snapshot_revs * o.snapshot_revs + 1;
            text_at.push_back(timed({{"type", "text.at"},
                                     {"doc", kDoc},
                                     {"section", section},
                                     {"layer", "common"},
                                     {"rev", at}},
                                    "text.at")
                                  .first);
            effective.push_back(
                timed(
                    {{"type", "effective"}, {"doc", kDoc}, {"municipality", "GM0166"}, {"rev", at}},
                    "effective")
                    .first);
            std::cerr << "rev " << at << ": text.at " << text_at.back() << " ms, effective "
                      << effective.back() << " ms\n";
        }
        for (const std::string& moment : moments) {
            const auto [ms, reply] = timed(
                {{"type", "effective"}, {"doc", kDoc}, {"municipality", "GM0166"}, {"at", moment}},
                "effective at");
            effective_at.push_back(ms);
            std::cerr << "at " << moment << " (rev " << reply.value("rev", Rev{0})
                      << "): effective " << ms << " ms\n";
        }
    }
    server.stop();
    json backfill;
    if (o.backfill) backfill = time_backfill(file, o, rev);
    json out = {{"changes", o.changes},
                {"rev", rev},
                {"seed", o.seed},
                {"checkpoint_edits", o.checkpoint_edits},
                {"snapshot_revs", o.snapshot_revs},
                {"data_file_bytes", bytes},
                {"hello", summary(hellos)},
                {"open", summary(opens)},
                {"load_for_room", summary(loads)},
                {"text_at", summary(text_at)},
                {"effective", summary(effective)},
                {"effective_at", summary(effective_at)},
                {"snapshot_write", summary(added.snapshots)},
                {"snapshot_us_per_change", us_per_change(added.snapshots)},
                {"checkpoints_write", summary(added.checkpoints)},
                {"checkpoints_us_per_change", us_per_change(added.checkpoints)},
                {"time_block_write", summary(added.time_blocks)},
                {"time_block_us_per_change", us_per_change(added.time_blocks)}};
    if (o.backfill) out["backfill"] = backfill;
    std::cout << out.dump() << std::endl;
    return 0;
}

}  // namespace
}  // namespace samen::bench

int main(int argc, char** argv) {
    return samen::bench::tool_main("samen-bench-long-history", samen::bench::usage, argc, argv,
                                   samen::bench::parse, samen::bench::run);
}
