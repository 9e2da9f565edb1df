// The open documents: one Room per document, loaded from the data file on first use and unloaded
// when it has been idle for RoomLimits::idle_unload.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rooms/room.hpp"

namespace samen::rooms {

class RoomRegistry : public std::enable_shared_from_this<RoomRegistry> {
  public:
    /// Gets the room, or the error that kept it from loading (room is null then). Called on a
    /// store thread or the caller's: post onward. The room comes as a handle: while any copy of
    /// it lives, the room stays in the registry (an open on its way, a session that has the
    /// document open), so that no two rooms of one document are ever loaded at once.
    using Callback = std::function<void(std::shared_ptr<Room>, std::exception_ptr)>;

    RoomRegistry(boost::asio::io_context& ioc, store::Store& store,
                 const auth::UserDirectory& users, RoomLimits limits,
                 std::shared_ptr<RoomMetrics> metrics);

    void get(const std::string& doc, Callback callback);
    /// The room if it is loaded, else null.
    std::shared_ptr<Room> find(const std::string& doc) const;
    std::size_t size() const;
    std::vector<std::shared_ptr<Room>> rooms() const;
    /// Blocks until every room has run what was posted to it before the call. Never call it from
    /// a thread of the io_context.
    void barrier();

  private:
    struct Entry {
        std::shared_ptr<Room> room;
        std::shared_ptr<std::atomic<std::size_t>> handles;  // live handles of get()
    };

    /// A handle of the entry's room; under mutex_, so that unload() sees every handle made.
    static std::shared_ptr<Room> handle(const Entry& entry);
    void forget(const std::string& doc);
    /// Drops `room` when no handle of it lives; on the room's strand.
    bool unload(const Room& room);

    boost::asio::io_context& ioc_;
    store::Store& store_;
    const auth::UserDirectory& users_;
    RoomLimits limits_;
    std::shared_ptr<RoomMetrics> metrics_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> rooms_;
    std::map<std::string, std::vector<Callback>> loading_;
};

}  // namespace samen::rooms
