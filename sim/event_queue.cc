#include "sim/event_queue.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace clawsim {
namespace {

struct Later {  // a type, not a function pointer, so the heap's comparisons inline
  template <typename Key>
  bool operator()(const Key& a, const Key& b) const {
    return a.t_ms != b.t_ms ? a.t_ms > b.t_ms : a.seq > b.seq;
  }
};

}  // namespace

EventQueue::EventQueue() {
  now_.head.fill(kNone);
  soon_.head.fill(kNone);
}

void EventQueue::reserve(std::size_t n) {
  events_.reserve(n);
  next_.reserve(n);
}

Event EventQueue::pop() {
  Event e;
  if (!pop_until(std::numeric_limits<TimeMs>::max(), &e)) throw std::logic_error("pop from an empty event queue");
  return e;
}

std::uint32_t EventQueue::grow() {
  if (events_.size() >= kNone) throw std::length_error("over 4 billion events pending in the simulation");
  events_.emplace_back();
  next_.push_back(kNone);
  return static_cast<std::uint32_t>(events_.size() - 1);
}

void EventQueue::push_far(const Event& event) {
  if (event.t_ms < floor_ || (event.t_ms >> kBlockBits) < block_) {
    throw std::logic_error("an event at " + std::to_string(event.t_ms) + " ms pushed into the event queue's past (" +
                           std::to_string(std::max(floor_, block_ << kBlockBits)) + " ms)");
  }
  const std::uint32_t slot = store(event);
  far_.push_back({event.t_ms, events_[slot].seq, slot});
  std::push_heap(far_.begin(), far_.end(), Later{});
}

bool EventQueue::next_block(TimeMs limit) {
  // Level 0 is empty. The nearest block in level 1: its buckets hold blocks block_+1 ..
  // block_+255, so look from block_+1's bucket round to block_'s.
  constexpr TimeMs kNoBlock = std::numeric_limits<TimeMs>::max();
  TimeMs next = kNoBlock;
  const auto from = static_cast<std::size_t>((block_ + 1) & kBucketMask);
  for (std::size_t i = 0; i <= soon_.bits.size(); ++i) {
    const std::size_t w = (from / 64 + i) % soon_.bits.size();
    std::uint64_t bits = soon_.bits[w];
    if (i == 0) bits &= ~std::uint64_t{0} << (from % 64);  // this word from `from` on ...
    if (i == soon_.bits.size()) bits &= ~(~std::uint64_t{0} << (from % 64));  // ... and before it
    if (bits != 0) {
      const auto bucket = static_cast<TimeMs>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
      next = block_ + ((bucket - block_) & kBucketMask);
      break;
    }
  }
  if (!far_.empty()) next = std::min(next, far_.front().t_ms >> kBlockBits);
  if (next == kNoBlock || next > (limit >> kBlockBits)) return false;

  // Deal the block's events into level 0, in their lists' order: those level 1 held ...
  block_ = next;
  const auto here = static_cast<std::size_t>(next & kBucketMask);
  for (std::uint32_t slot = soon_.head[here]; slot != kNone;) {
    const std::uint32_t after = next_[slot];
    append(now_, static_cast<std::size_t>(events_[slot].t_ms & kBucketMask), slot);
    slot = after;
  }
  soon_.head[here] = kNone;
  soon_.bits[here / 64] &= ~(std::uint64_t{1} << (here % 64));
  // ... or those the heap held; the heap's events now within level 1's reach go there.
  while (!far_.empty() && (far_.front().t_ms >> kBlockBits) - block_ < kBuckets) {
    std::pop_heap(far_.begin(), far_.end(), Later{});
    const FarKey key = far_.back();
    far_.pop_back();
    const TimeMs block = key.t_ms >> kBlockBits;
    append(block == block_ ? now_ : soon_, static_cast<std::size_t>((block == block_ ? key.t_ms : block) & kBucketMask),
           key.slot);
  }
  return true;
}

}  // namespace clawsim
