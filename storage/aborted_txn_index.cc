#include "storage/aborted_txn_index.h"

#include <algorithm>
#include <cassert>
#include <string>

#include "protocol/byte_io.h"
#include "storage/format.h"

namespace cairn::storage {

using protocol::load_le;
using protocol::store_le;

void AbortedTxnIndex::append(const AbortedTxn& txn) {
  assert(txn.first_offset <= txn.last_offset && txn.last_offset >= base_offset_);
  assert(entries_.empty() || txn.last_offset > entries_.back().last_offset);
  entries_.push_back(txn);
}

std::vector<AbortedTxn> AbortedTxnIndex::overlapping(Offset from, Offset to) const {
  std::vector<AbortedTxn> out;
  // Entries with a marker before `from` cannot overlap: skip them at once.
  auto it = std::lower_bound(entries_.begin(), entries_.end(), from,
                             [](const AbortedTxn& e, Offset o) { return e.last_offset < o; });
  for (; it != entries_.end(); ++it) {
    if (it->first_offset < to) out.push_back(*it);
  }
  return out;
}

void AbortedTxnIndex::truncate_to(Offset offset) {
  std::erase_if(entries_, [&](const AbortedTxn& e) { return e.last_offset >= offset; });
}

std::vector<std::byte> AbortedTxnIndex::encode() const {
  std::vector<std::byte> out(entries_.size() * format::kTxnIndexEntrySize);
  std::byte* p = out.data();
  for (const AbortedTxn& e : entries_) {
    store_le<int64_t>(p + format::kTxnIndexProducerIdAt, e.producer_id);
    store_le<int64_t>(p + format::kTxnIndexFirstOffsetAt, e.first_offset.value());
    store_le<int64_t>(p + format::kTxnIndexLastOffsetAt, e.last_offset.value());
    store_le<int64_t>(p + format::kTxnIndexLastStableOffsetAt, e.last_stable_offset.value());
    p += format::kTxnIndexEntrySize;
  }
  return out;
}

Result<AbortedTxnIndex> AbortedTxnIndex::decode(Offset base_offset, protocol::Bytes bytes,
                                                Offset next_offset) {
  if (bytes.size() % format::kTxnIndexEntrySize != 0) {
    return Status::corruption("aborted transaction index size " + std::to_string(bytes.size()) +
                              " is not a multiple of " +
                              std::to_string(format::kTxnIndexEntrySize));
  }
  AbortedTxnIndex index(base_offset);
  size_t n = bytes.size() / format::kTxnIndexEntrySize;
  index.entries_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const std::byte* p = bytes.data() + i * format::kTxnIndexEntrySize;
    AbortedTxn e{load_le<int64_t>(p + format::kTxnIndexProducerIdAt),
                 Offset(load_le<int64_t>(p + format::kTxnIndexFirstOffsetAt)),
                 Offset(load_le<int64_t>(p + format::kTxnIndexLastOffsetAt)),
                 Offset(load_le<int64_t>(p + format::kTxnIndexLastStableOffsetAt))};
    std::string where = "aborted transaction index entry " + std::to_string(i);
    if (e.producer_id < 0 || e.first_offset.value() < 0 || e.last_stable_offset.value() < 0) {
      return Status::corruption(where + ": a negative producer id or offset");
    }
    if (e.first_offset > e.last_offset) {
      return Status::corruption(where + ": first offset after the marker");
    }
    if (e.last_offset < base_offset || e.last_offset >= next_offset) {
      return Status::corruption(where + ": marker outside the segment");
    }
    if (!index.entries_.empty() && e.last_offset <= index.entries_.back().last_offset) {
      return Status::corruption(where + ": markers out of order");
    }
    index.entries_.push_back(e);
  }
  return index;
}

}  // namespace cairn::storage
