#include "measures.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "figures.hpp"
#include "ot/json.hpp"
#include "samen/layer_sync.hpp"
#include "text/utf8.hpp"

namespace samen::bench {

using client::Rev;

void connect_idle(Loop& loop, std::uint16_t port, const std::string& token, const Options& o,
                  std::vector<std::unique_ptr<Connection>>& idle) {
    // In batches: thousands of handshakes and hellos at once would measure the accept queue;
    // each batch is signed in before the next connects.
    while (idle.size() < o.idle_connections) {
        const std::size_t from = idle.size();
        const std::size_t to = std::min(o.idle_connections, from + o.connect_batch);
        for (std::size_t i = from; i < to; ++i) {
            idle.push_back(std::make_unique<Connection>(loop, port, token, nullptr));
        }
        auto all_in = [&] {
            return std::all_of(
                idle.begin() + static_cast<std::ptrdiff_t>(from), idle.end(),
                [](const auto& c) { return c->signed_in() || !c->failure().empty(); });
        };
        if (!loop.run_until(all_in, 60s)) {
            throw std::runtime_error("idle connections " + std::to_string(from) + " to " +
                                     std::to_string(to) + " did not sign in within 60 s");
        }
        for (std::size_t i = from; i < to; ++i) {
            if (!idle[i]->failure().empty()) {
                throw std::runtime_error("idle connection " + std::to_string(i) + ": " +
                                         idle[i]->failure());
            }
        }
    }
}

json measure_memory(Loop& loop, const Server& server, const Options& o, const std::string& token,
                    json& open, std::vector<std::unique_ptr<Connection>>& idle) {
    json memory;
    memory["start"] = optional_number(server.rss());
    Requester probe(loop, server.port, token);
    probe.wait_signed_in();
    auto before_doc = settled_rss(loop, server);
    memory["one_connection"] = optional_number(before_doc);
    auto reply = probe.request({{"type", "open"}, {"doc", o.doc}});
    require_ok(reply, "opening " + o.doc);
    open = {{"doc", o.doc}, {"cold_ms", round_to(reply.ms, 3)}, {"snapshot_bytes", reply.bytes}};
    progress("opened " + o.doc + " in " + std::to_string(reply.ms) + " ms (" +
             std::to_string(reply.bytes) + " bytes)");
    auto with_doc = settled_rss(loop, server);
    memory["with_document"] = optional_number(with_doc);
    auto per_doc = difference(with_doc, before_doc);
    memory["per_document"] = per_doc ? json(*per_doc) : json();

    memory["idle_connections"] = o.idle_connections;
    if (o.idle_connections > 0) {
        const auto started = Clock::now();
        connect_idle(loop, server.port, token, o, idle);
        memory["idle_connect_seconds"] =
            round_to(std::chrono::duration<double>(Clock::now() - started).count(), 2);
        progress(std::to_string(idle.size()) + " idle connections signed in");
        auto with_idle = settled_rss(loop, server);
        memory["with_idle_connections"] = optional_number(with_idle);
        auto grown = difference(with_idle, with_doc);
        memory["per_connection"] =
            grown ? json(round_to(
                        static_cast<double>(*grown) / static_cast<double>(o.idle_connections), 1))
                  : json();
    }
    probe.connection().close();
    loop.run_until([&] { return probe.connection().closed(); }, 5s);
    return memory;
}

/// Grows one section of `large_doc` to `large_kib` KiB (the kind of text a section holds, pasted
/// in 16 KiB edits), then times opening the document: warm (the room in memory) and, when the
/// benchmark started the server, cold after a restart (loaded from disk).
json measure_large_document(Loop& loop, Server& server, const Options& o,
                            const std::string& token) {
    json large;
    large["doc"] = o.large_doc;
    {
        Requester grower(loop, server.port, token);
        grower.wait_signed_in();
        auto snap = grower.request({{"type", "open"}, {"doc", o.large_doc}});
        require_ok(snap, "opening " + o.large_doc);
        std::string section;
        std::string text;
        std::string filler;
        for (const json& s : snap.msg.at("sections")) {
            auto common = s.at("layers").find("common");
            if (common == s.at("layers").end()) continue;
            if (section.empty()) {
                section = s.at("id").get<std::string>();
                text = common->at("text").get<std::string>();
            }
            filler += common->at("text").get<std::string>() + "\n\n";
        }
        if (section.empty()) throw std::runtime_error(o.large_doc + " has no common section");
        std::string chunk;
        while (chunk.size() < 16 * 1024)
            chunk += filler.size() > 2 ? filler : "Samen waar het kan. ";
        Rev rev = snap.msg.at("rev").get<Rev>();
        std::size_t cps = utf8::count(text);
        std::size_t bytes = text.size();
        const std::size_t target = o.large_kib * 1024;
        int edits = 0;
        for (; bytes < target && edits < 1000; ++edits) {
            json op = cps > 0 ? json::array({cps, chunk}) : json::array({chunk});
            auto ack = grower.request({{"type", "edit"},
                                       {"doc", o.large_doc},
                                       {"section", section},
                                       {"layer", "common"},
                                       {"base", rev},
                                       {"op", op},
                                       {"opid", "bench-large-" + std::to_string(edits)}});
            require_ok(ack, "growing " + section);
            rev = ack.msg.at("rev").get<Rev>();
            cps += utf8::count(chunk);
            bytes += chunk.size();
        }
        large["section"] = section;
        large["section_bytes"] = bytes;
        progress("grew " + o.large_doc + "/" + section + " to " + std::to_string(bytes) +
                 " bytes in " + std::to_string(edits) + " edits");

        std::vector<double> warm;
        for (int i = 0; i < 5; ++i) {
            require_ok(grower.request({{"type", "close"}, {"doc", o.large_doc}}), "closing");
            auto reply = grower.request({{"type", "open"}, {"doc", o.large_doc}});
            require_ok(reply, "opening " + o.large_doc);
            warm.push_back(reply.ms);
            large["snapshot_bytes"] = reply.bytes;
        }
        std::sort(warm.begin(), warm.end());
        large["open_warm_ms"] = round_to(warm[warm.size() / 2], 3);
        grower.connection().close();
        loop.run_until([&] { return grower.connection().closed(); }, 5s);
    }
    large["open_cold_ms"] = nullptr;
    large["rss_per_document"] = nullptr;
    if (server.child) {
        // One cold open per restart; a few of them, as a single one varies.
        std::vector<double> cold;
        std::vector<std::int64_t> grown;
        for (std::size_t i = 0; i < o.cold_opens; ++i) {
            progress("restarting the server to open " + o.large_doc + " from disk");
            server.child->restart();
            server.port = server.child->port();
            server.pid = server.child->pid();
            Requester reader(loop, server.port, token);
            reader.wait_signed_in();
            auto before = settled_rss(loop, server);
            auto reply = reader.request({{"type", "open"}, {"doc", o.large_doc}});
            require_ok(reply, "opening " + o.large_doc);
            cold.push_back(round_to(reply.ms, 3));
            if (auto g = difference(settled_rss(loop, server), before)) grown.push_back(*g);
            reader.connection().close();
            loop.run_until([&] { return reader.connection().closed(); }, 5s);
        }
        large["open_cold_ms_all"] = cold;
        std::sort(cold.begin(), cold.end());
        std::sort(grown.begin(), grown.end());
        if (!cold.empty()) large["open_cold_ms"] = cold[cold.size() / 2];
        if (!grown.empty()) large["rss_per_document"] = grown[grown.size() / 2];
    }
    progress("opening " + o.large_doc + ": " + large["open_warm_ms"].dump() + " ms warm, " +
             large["open_cold_ms"].dump() + " ms cold");
    return large;
}

/// The server's memory while one client makes large edits (each inserted, then deleted again:
/// the text stays small, the history grows) and after it left and the server was idle.
json measure_churn(Loop& loop, const Server& server, const Options& o, const std::string& token) {
    json churn = {{"edits", o.churn_edits * 2},
                  {"kib_per_edit", o.churn_kib},
                  {"wait_seconds", o.churn_wait}};
    churn["rss_before"] = optional_number(settled_rss(loop, server));
    {
        Requester editor(loop, server.port, token);
        editor.wait_signed_in();
        auto snap = editor.request({{"type", "open"}, {"doc", o.doc}});
        require_ok(snap, "opening " + o.doc);
        std::string section;
        for (const json& s : snap.msg.at("sections")) {
            if (s.at("layers").contains("common")) {
                section = s.at("id").get<std::string>();
                break;
            }
        }
        if (section.empty()) throw std::runtime_error(o.doc + " has no common section");
        const std::string text(o.churn_kib * 1024, 'x');
        Rev rev = snap.msg.at("rev").get<Rev>();
        for (std::size_t i = 0; i < o.churn_edits * 2; ++i) {
            // Inserted at the start, then deleted from there: the section ends as it began.
            const json op = i % 2 == 0 ? json::array({json(text)})
                                       : json::array({json::object({{"d", text.size()}})});
            auto ack = editor.request({{"type", "edit"},
                                       {"doc", o.doc},
                                       {"section", section},
                                       {"layer", "common"},
                                       {"base", rev},
                                       {"op", op},
                                       {"opid", "churn-" + std::to_string(i)}});
            require_ok(ack, "a large edit");
            rev = ack.msg.at("rev").get<Rev>();
        }
        churn["rss_after_edits"] = optional_number(settled_rss(loop, server));
        editor.connection().close();
        loop.run_until([&] { return editor.connection().closed(); }, 5s);
    }
    progress("made " + std::to_string(o.churn_edits * 2) + " edits of " +
             std::to_string(o.churn_kib) + " KiB; waiting " + std::to_string(o.churn_wait) + " s");
    loop.run_until(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.churn_wait)));
    churn["rss_after_wait"] = optional_number(server.rss());
    churn["open_documents_after_wait"] = json();
    if (auto m = scrape_metrics(server.port); m.count("samen_open_documents")) {
        churn["open_documents_after_wait"] = m["samen_open_documents"];
    }
    return churn;
}
void close_all(Loop& loop, std::vector<std::unique_ptr<Connection>>& connections) {
    for (auto& c : connections) c->close();
    loop.run_until(
        [&] {
            return std::all_of(connections.begin(), connections.end(),
                               [](const auto& c) { return c->closed(); });
        },
        10s);
    connections.clear();
}

std::vector<std::string> create_documents(Loop& loop, const Server& server, const Options& o,
                                          const std::string& admin_token, std::size_t count) {
    Requester admin(loop, server.port, admin_token);
    admin.wait_signed_in();
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < count; ++i) {
        ids.push_back("bench-" + std::to_string(i + 1));
        auto reply = admin.request({{"type", "document.create"},
                                    {"doc", ids.back()},
                                    {"title", "Samen-bench " + std::to_string(i + 1)},
                                    {"municipalities", {"GM1708", "GM1896", "GM0180", "GM0166"}},
                                    {"template", o.doc}});
        require_ok(reply, "creating " + ids.back());
    }
    admin.connection().close();
    loop.run_until([&] { return admin.connection().closed(); }, 5s);
    progress("created " + std::to_string(count) + " documents from " + o.doc);
    return ids;
}

}  // namespace samen::bench
