#include "model/comments.hpp"

#include <algorithm>

#include "model/refused.hpp"
#include "text/utf8.hpp"

namespace samen::model {
namespace {

[[noreturn]] void refuse(Refused::Why why, const std::string& message) {
    throw Refused(why, message);
}

Thread& find_thread(Document& doc, std::int64_t id) {
    for (Thread& t : doc.threads)
        if (t.id == id) return t;
    refuse(Refused::Why::not_found, "no comment thread " + std::to_string(id));
}

void check_room(const Document& doc, std::size_t max_comments) {
    if (comment_count(doc) >= max_comments) {
        refuse(Refused::Why::too_large,
               "a document may hold at most " + std::to_string(max_comments) + " comments");
    }
}

}  // namespace

std::size_t comment_count(const Document& doc) {
    std::size_t n = 0;
    for (const Thread& t : doc.threads) n += t.comments.size();
    return n;
}

const Thread& start_thread(Document& doc, const NewThread& t, const UserRef& author,
                           const std::string& at, std::size_t max_comments) {
    const Section* s = doc.section(t.section);
    if (!s) refuse(Refused::Why::not_found, "no section '" + t.section + "'");
    const Layer* layer = s->layer(t.layer);
    if (!layer)
        refuse(Refused::Why::not_found,
               "section '" + t.section + "' has no layer '" + t.layer + "'");
    if (t.to < t.from || t.to > utf8::count(layer->text)) {
        refuse(Refused::Why::invalid, "the range [" + std::to_string(t.from) + ", " +
                                          std::to_string(t.to) + ") is not in the layer's text");
    }
    if (t.municipality && !doc.takes_part(*t.municipality)) {
        refuse(Refused::Why::not_found, *t.municipality + " does not take part");
    }
    if (t.proposal && std::none_of(doc.proposals.begin(), doc.proposals.end(),
                                   [&](const Proposal& p) { return p.id == *t.proposal; })) {
        refuse(Refused::Why::not_found, "no open proposal " + std::to_string(*t.proposal));
    }
    check_room(doc, max_comments);
    Thread thread;
    thread.id = doc.threads.empty() ? 1 : doc.threads.back().id + 1;
    thread.section = t.section;
    thread.layer = t.layer;
    thread.from = t.from;
    thread.to = t.to;
    thread.municipality = t.municipality;
    thread.proposal = t.proposal;
    thread.comments.push_back({1, author, t.text, at});
    doc.threads.push_back(std::move(thread));
    ++doc.rev;
    return doc.threads.back();
}

const Thread& reply_to_thread(Document& doc, std::int64_t id, const std::string& text,
                              const UserRef& author, const std::string& at,
                              std::size_t max_comments) {
    Thread& t = find_thread(doc, id);
    check_room(doc, max_comments);
    t.comments.push_back({t.comments.back().id + 1, author, text, at});
    ++doc.rev;
    return t;
}

const Thread& resolve_thread(Document& doc, std::int64_t id, bool resolved) {
    Thread& t = find_thread(doc, id);
    if (t.resolved == resolved) {
        refuse(Refused::Why::conflict,
               "the thread is " + std::string(resolved ? "resolved" : "open") + " already");
    }
    t.resolved = resolved;
    ++doc.rev;
    return t;
}

std::vector<const Thread*> move_threads(Document& doc, const std::string& section,
                                        const std::string& layer, const ot::Op& op) {
    std::vector<const Thread*> moved;
    for (Thread& t : doc.threads) {
        if (t.section != section || t.layer != layer || t.proposal) continue;
        const std::size_t from = ot::transform_position(t.from, op);
        const std::size_t to = std::max(from, ot::transform_position(t.to, op));
        if (from == t.from && to == t.to) continue;
        t.from = from;
        t.to = to;
        moved.push_back(&t);
    }
    return moved;
}

}  // namespace samen::model
