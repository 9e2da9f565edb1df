// The reads of the past one connection may have waiting or running at once
// (--max-reads-per-connection). Past the bound a read is refused at once with `rate_limited` and
// nothing of it is queued, so that one reader cannot fill the store's readers for everyone.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

#include "protocol/protocol.hpp"

namespace samen::rooms {

class ReadSlots : public std::enable_shared_from_this<ReadSlots> {
  public:
    /// A slot taken: given back when the last copy of it is gone (the read answered or failed).
    class Slot {
      public:
        explicit Slot(std::shared_ptr<ReadSlots> of) : of_(std::move(of)) {}
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        ~Slot() { --of_->used_; }

      private:
        std::shared_ptr<ReadSlots> of_;
    };

    static std::shared_ptr<ReadSlots> create(std::size_t max) {
        return std::shared_ptr<ReadSlots>(new ReadSlots(max));
    }

    /// Takes a slot; throws ProtocolError(rate_limited) when all of them are taken.
    std::shared_ptr<const Slot> take() {
        std::size_t used = used_.load();
        do {
            if (used >= max_) {
                throw protocol::ProtocolError(protocol::ErrorCode::rate_limited,
                                              "a connection may wait for " + std::to_string(max_) +
                                                  " reads at once: send more after their answers");
            }
        } while (!used_.compare_exchange_weak(used, used + 1));
        return std::make_shared<const Slot>(shared_from_this());
    }

    std::size_t in_use() const { return used_.load(); }

  private:
    explicit ReadSlots(std::size_t max) : max_(max) {}

    const std::size_t max_;
    std::atomic<std::size_t> used_{0};
};

}  // namespace samen::rooms
