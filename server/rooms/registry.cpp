#include "rooms/registry.hpp"

#include <future>

#include "rooms/snapshot_backfill.hpp"
#include "store/store.hpp"

namespace samen::rooms {

RoomRegistry::RoomRegistry(boost::asio::io_context& ioc, store::Store& store,
                           const auth::UserDirectory& users, RoomLimits limits,
                           std::shared_ptr<RoomMetrics> metrics)
    : ioc_(ioc), store_(store), users_(users), limits_(limits), metrics_(std::move(metrics)) {}

std::shared_ptr<Room> RoomRegistry::handle(const Entry& entry) {
    ++*entry.handles;
    return std::shared_ptr<Room>(entry.room.get(),
                                 [room = entry.room, handles = entry.handles](Room*) mutable {
                                     --*handles;
                                     room.reset();
                                 });
}

void RoomRegistry::get(const std::string& doc, Callback callback) {
    std::shared_ptr<Room> existing;
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        if (auto it = rooms_.find(doc); it != rooms_.end()) {
            existing = handle(it->second);
        } else {
            auto& waiting = loading_[doc];
            first = waiting.empty();
            waiting.push_back(std::move(callback));
        }
    }
    if (existing) {
        callback(existing, nullptr);
        return;
    }
    if (!first) return;  // a load is on its way; the callback waits for it

    std::weak_ptr<RoomRegistry> weak = weak_from_this();
    auto finish = [weak, doc](std::exception_ptr error, LoadedDocument loaded) {
        auto self = weak.lock();
        if (!self) return;
        std::shared_ptr<Room> room;
        std::vector<Callback> waiting;
        if (!error) {
            room = std::make_shared<Room>(
                self->ioc_, self->store_, self->users_, std::move(loaded.doc), self->limits_,
                self->metrics_,
                [weak](const std::string& failed) {
                    if (auto s = weak.lock()) s->forget(failed);
                },
                [weak](const Room& idle) {
                    auto s = weak.lock();
                    return s && s->unload(idle);
                });
            // Not shared yet: no strand needed.
            room->mark_unsaved(loaded.replayed);
        }
        std::vector<std::shared_ptr<Room>> handles;
        {
            std::lock_guard lock(self->mutex_);
            waiting = std::move(self->loading_[doc]);
            self->loading_.erase(doc);
            if (room) {
                Entry& entry = self->rooms_[doc] =
                    Entry{room, std::make_shared<std::atomic<std::size_t>>(0)};
                for (std::size_t i = 0; i < waiting.size(); ++i) handles.push_back(handle(entry));
            }
        }
        if (room) {
            room->watch_idle();
            // A history from before migration 10 gets its snapshots now that it is in use.
            backfill_snapshots(self->ioc_, self->store_, doc, self->limits_.snapshot_revs,
                               "the load of its room");
        }
        for (std::size_t i = 0; i < waiting.size(); ++i) {
            waiting[i](room ? std::move(handles[i]) : nullptr, error);
        }
    };
    try {
        // On a reader, but after every write queued before: a room that failed may have left
        // changes queued, and the new room must start from a state that holds them.
        store_.query([doc](store::Db& db) { return load_for_room(db, doc); }, std::move(finish),
                     store::Queue::readers_after_writes);
    } catch (...) {
        std::vector<Callback> waiting;
        {
            std::lock_guard lock(mutex_);
            waiting = std::move(loading_[doc]);
            loading_.erase(doc);
        }
        for (auto& cb : waiting) cb(nullptr, std::current_exception());
    }
}

std::shared_ptr<Room> RoomRegistry::find(const std::string& doc) const {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(doc);
    return it == rooms_.end() ? nullptr : it->second.room;
}

std::size_t RoomRegistry::size() const {
    std::lock_guard lock(mutex_);
    return rooms_.size();
}

std::vector<std::shared_ptr<Room>> RoomRegistry::rooms() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Room>> out;
    for (const auto& [id, entry] : rooms_) out.push_back(entry.room);
    return out;
}

void RoomRegistry::barrier() {
    std::vector<std::future<void>> done;
    for (const auto& room : rooms()) {
        auto promise = std::make_shared<std::promise<void>>();
        done.push_back(promise->get_future());
        room->barrier([promise] { promise->set_value(); });
    }
    for (auto& f : done) f.wait();
}

void RoomRegistry::forget(const std::string& doc) {
    std::lock_guard lock(mutex_);
    rooms_.erase(doc);
}

bool RoomRegistry::unload(const Room& room) {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(room.id());
    if (it == rooms_.end() || it->second.room.get() != &room) return false;
    // get() makes handles under this mutex: none now means none until the erase below, and a
    // get() after it loads the document anew, after every change this room committed.
    if (it->second.handles->load() > 0) return false;
    rooms_.erase(it);
    return true;
}

}  // namespace samen::rooms
