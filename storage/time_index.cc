#include "storage/time_index.h"

#include <algorithm>
#include <cassert>
#include <string>

#include "protocol/byte_io.h"
#include "storage/format.h"

namespace cairn::storage {

using protocol::load_le;
using protocol::store_le;

void TimeIndex::maybe_append(Timestamp timestamp, Offset offset) {
  assert(offset > base_offset_ && offset - base_offset_ <= UINT32_MAX);
  auto rel = static_cast<uint32_t>(offset - base_offset_);
  if (!entries_.empty() &&
      (timestamp < entries_.back().timestamp || rel <= entries_.back().relative_offset)) {
    return;
  }
  entries_.push_back(Raw{timestamp, rel});
}

std::optional<Offset> TimeIndex::scan_start(Timestamp timestamp) const {
  // First entry whose timestamp is >= the target; the one before it is the last below it.
  auto it = std::lower_bound(entries_.begin(), entries_.end(), timestamp,
                             [](const Raw& e, Timestamp t) { return e.timestamp < t; });
  if (it == entries_.begin()) return std::nullopt;
  return base_offset_ + std::prev(it)->relative_offset;
}

std::optional<TimeIndex::Entry> TimeIndex::last() const {
  if (entries_.empty()) return std::nullopt;
  return entry(entries_.size() - 1);
}

TimeIndex::Entry TimeIndex::entry(size_t i) const {
  assert(i < entries_.size());
  return Entry{entries_[i].timestamp, base_offset_ + entries_[i].relative_offset};
}

std::vector<std::byte> TimeIndex::encode() const {
  std::vector<std::byte> out(entries_.size() * format::kTimeIndexEntrySize);
  std::byte* p = out.data();
  for (const Raw& e : entries_) {
    store_le<int64_t>(p + format::kTimeIndexTimestampAt, to_millis(e.timestamp));
    store_le<uint32_t>(p + format::kTimeIndexOffsetAt, e.relative_offset);
    p += format::kTimeIndexEntrySize;
  }
  return out;
}

Result<TimeIndex> TimeIndex::decode(Offset base_offset, Bytes bytes, int64_t offset_count) {
  if (bytes.size() % format::kTimeIndexEntrySize != 0) {
    return Status::corruption("time index size " + std::to_string(bytes.size()) +
                              " is not a multiple of " +
                              std::to_string(format::kTimeIndexEntrySize));
  }
  TimeIndex index(base_offset);
  size_t n = bytes.size() / format::kTimeIndexEntrySize;
  index.entries_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const std::byte* p = bytes.data() + i * format::kTimeIndexEntrySize;
    Raw e{timestamp_from_millis(load_le<int64_t>(p + format::kTimeIndexTimestampAt)),
          load_le<uint32_t>(p + format::kTimeIndexOffsetAt)};
    if (e.relative_offset == 0 || e.relative_offset > offset_count) {
      return Status::corruption("time index entry " + std::to_string(i) + " out of bounds");
    }
    if (!index.entries_.empty() && (e.timestamp < index.entries_.back().timestamp ||
                                    e.relative_offset <= index.entries_.back().relative_offset)) {
      return Status::corruption("time index entry " + std::to_string(i) + " out of order");
    }
    index.entries_.push_back(e);
  }
  return index;
}

}  // namespace cairn::storage
