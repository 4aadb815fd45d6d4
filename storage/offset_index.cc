#include "storage/offset_index.h"

#include <algorithm>
#include <cassert>
#include <string>

#include "protocol/byte_io.h"
#include "storage/format.h"

namespace cairn::storage {

using protocol::load_le;
using protocol::store_le;

void OffsetIndex::append(Offset offset, FilePosition position) {
  assert(offset >= base_offset_ && offset - base_offset_ <= UINT32_MAX);
  assert(position.value() <= UINT32_MAX);
  Raw raw{static_cast<uint32_t>(offset - base_offset_), static_cast<uint32_t>(position.value())};
  assert(entries_.empty() ||
         (raw.relative_offset > entries_.back().relative_offset &&
          raw.position > entries_.back().position));
  entries_.push_back(raw);
}

OffsetIndex::Entry OffsetIndex::entry(size_t i) const {
  return Entry{base_offset_ + entries_[i].relative_offset, FilePosition(entries_[i].position)};
}

std::optional<OffsetIndex::Entry> OffsetIndex::floor(Offset target) const {
  if (target < base_offset_ || entries_.empty()) return std::nullopt;
  int64_t rel = target - base_offset_;
  // First entry with a relative offset above the target; the one before it is the floor.
  auto it = std::upper_bound(entries_.begin(), entries_.end(), rel,
                             [](int64_t r, const Raw& e) { return r < e.relative_offset; });
  if (it == entries_.begin()) return std::nullopt;
  return entry(static_cast<size_t>(it - entries_.begin() - 1));
}

std::optional<OffsetIndex::Entry> OffsetIndex::floor_position(FilePosition position) const {
  if (position.value() > UINT32_MAX) return last();
  auto pos = static_cast<uint32_t>(position.value());
  auto it = std::upper_bound(entries_.begin(), entries_.end(), pos,
                             [](uint32_t p, const Raw& e) { return p < e.position; });
  if (it == entries_.begin()) return std::nullopt;
  return entry(static_cast<size_t>(it - entries_.begin() - 1));
}

std::optional<OffsetIndex::Entry> OffsetIndex::last() const {
  if (entries_.empty()) return std::nullopt;
  return entry(entries_.size() - 1);
}

std::vector<std::byte> OffsetIndex::encode() const {
  std::vector<std::byte> out(entries_.size() * format::kOffsetIndexEntrySize);
  std::byte* p = out.data();
  for (const Raw& e : entries_) {
    store_le<uint32_t>(p + format::kOffsetIndexOffsetAt, e.relative_offset);
    store_le<uint32_t>(p + format::kOffsetIndexPositionAt, e.position);
    p += format::kOffsetIndexEntrySize;
  }
  return out;
}

Result<OffsetIndex> OffsetIndex::decode(Offset base_offset, Bytes bytes, uint64_t log_size,
                                        int64_t offset_count) {
  if (bytes.size() % format::kOffsetIndexEntrySize != 0) {
    return Status::corruption("offset index size " + std::to_string(bytes.size()) +
                              " is not a multiple of " +
                              std::to_string(format::kOffsetIndexEntrySize));
  }
  OffsetIndex index(base_offset);
  size_t n = bytes.size() / format::kOffsetIndexEntrySize;
  index.entries_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const std::byte* p = bytes.data() + i * format::kOffsetIndexEntrySize;
    Raw e{load_le<uint32_t>(p + format::kOffsetIndexOffsetAt),
          load_le<uint32_t>(p + format::kOffsetIndexPositionAt)};
    if (e.relative_offset >= offset_count || e.position >= log_size) {
      return Status::corruption("offset index entry " + std::to_string(i) + " out of bounds");
    }
    if (!index.entries_.empty() && (e.relative_offset <= index.entries_.back().relative_offset ||
                                    e.position <= index.entries_.back().position)) {
      return Status::corruption("offset index entry " + std::to_string(i) + " out of order");
    }
    index.entries_.push_back(e);
  }
  return index;
}

}  // namespace cairn::storage
