#include "client/src/buffered_records.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "client/src/fetched_records.h"

namespace cairn::client {

void BufferedRecords::clear() {
  chunks_.clear();
  front_taken_ = 0;
}

void BufferedRecords::append(std::vector<ConsumerRecord> records) {
  if (!records.empty()) chunks_.push_back(std::move(records));
}

BufferedRecords::Taken BufferedRecords::take(size_t max, std::vector<ConsumerRecord>& out) {
  Taken taken;
  while (taken.count < max && !chunks_.empty()) {
    std::vector<ConsumerRecord>& chunk = chunks_.front();
    size_t chunk_size = chunk.size();
    size_t n = std::min(chunk_size - front_taken_, max - taken.count);
    auto first = chunk.begin() + static_cast<std::ptrdiff_t>(front_taken_);
    auto last = first + static_cast<std::ptrdiff_t>(n);
    for (auto it = first; it != last; ++it) taken.bytes += buffered_size(*it);
    taken.count += n;
    taken.next_offset = std::prev(last)->offset + 1;
    if (out.empty() && front_taken_ == 0 && n == chunk_size) {
      out = std::move(chunk);  // the whole answer, as it was decoded
    } else {
      out.insert(out.end(), std::make_move_iterator(first), std::make_move_iterator(last));
    }
    front_taken_ += n;
    if (front_taken_ == chunk_size) {
      chunks_.pop_front();
      front_taken_ = 0;
    }
  }
  return taken;
}

}  // namespace cairn::client
