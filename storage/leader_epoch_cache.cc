#include "storage/leader_epoch_cache.h"

#include <xxhash.h>

#include <algorithm>
#include <string>

#include "protocol/byte_io.h"
#include "storage/format.h"

namespace cairn::storage {

namespace {

using protocol::load_le;
using protocol::store_le;

}  // namespace

Result<bool> LeaderEpochCache::assign(int32_t epoch, Offset start_offset) {
  if (epoch < 0) return Status::invalid_argument("a leader epoch is never negative");
  if (!entries_.empty()) {
    const EpochEntry& latest = entries_.back();
    if (epoch == latest.epoch) return false;
    if (epoch < latest.epoch) {
      return Status::invalid_argument("leader epoch " + std::to_string(epoch) +
                                      " is older than the latest, " + std::to_string(latest.epoch));
    }
  }
  truncate_from(start_offset);
  entries_.push_back(EpochEntry{epoch, start_offset});
  return true;
}

bool LeaderEpochCache::truncate_from(Offset end_offset) {
  size_t before = entries_.size();
  while (!entries_.empty() && entries_.back().start_offset >= end_offset) entries_.pop_back();
  return entries_.size() != before;
}

bool LeaderEpochCache::drop_past(Offset log_end) {
  size_t before = entries_.size();
  while (!entries_.empty() && entries_.back().start_offset > log_end) entries_.pop_back();
  return entries_.size() != before;
}

std::optional<int32_t> LeaderEpochCache::latest_epoch() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back().epoch;
}

EpochEnd LeaderEpochCache::end_offset_for(int32_t epoch, Offset log_end) const {
  if (entries_.empty() || epoch < 0) return EpochEnd{};
  if (epoch >= entries_.back().epoch) {
    // The latest epoch is still being written; a newer one this log never saw has no answer.
    if (epoch > entries_.back().epoch) return EpochEnd{};
    return EpochEnd{epoch, log_end};
  }
  auto higher =
      std::upper_bound(entries_.begin(), entries_.end(), epoch,
                       [](int32_t e, const EpochEntry& entry) { return e < entry.epoch; });
  // An epoch older than the first this log knows ended where the first one starts.
  if (higher == entries_.begin()) return EpochEnd{epoch, higher->start_offset};
  return EpochEnd{std::prev(higher)->epoch, higher->start_offset};
}

std::vector<std::byte> LeaderEpochCache::encode() const {
  std::vector<std::byte> out(format::kLeaderEpochEntriesAt +
                             entries_.size() * format::kLeaderEpochEntrySize +
                             format::kChecksumSize);
  std::byte* p = out.data();
  store_le<uint32_t>(p + format::kLeaderEpochMagicAt, format::kLeaderEpochMagic);
  store_le<uint32_t>(p + format::kLeaderEpochVersionAt, format::kLeaderEpochVersion);
  store_le<uint32_t>(p + format::kLeaderEpochCountAt, static_cast<uint32_t>(entries_.size()));
  std::byte* entry = p + format::kLeaderEpochEntriesAt;
  for (const EpochEntry& e : entries_) {
    store_le<int32_t>(entry + format::kLeaderEpochEntryEpochAt, e.epoch);
    store_le<int64_t>(entry + format::kLeaderEpochEntryOffsetAt, e.start_offset.value());
    entry += format::kLeaderEpochEntrySize;
  }
  size_t body = out.size() - format::kChecksumSize;
  store_le<uint64_t>(p + body, XXH3_64bits(p, body));
  return out;
}

Result<LeaderEpochCache> LeaderEpochCache::decode(std::span<const std::byte> bytes) {
  constexpr size_t kEmptySize = format::kLeaderEpochEntriesAt + format::kChecksumSize;
  if (bytes.size() < kEmptySize) {
    return Status::corruption("leader epoch checkpoint of " + std::to_string(bytes.size()) +
                              " bytes is shorter than its header");
  }
  const std::byte* p = bytes.data();
  if (load_le<uint32_t>(p + format::kLeaderEpochMagicAt) != format::kLeaderEpochMagic) {
    return Status::corruption("leader epoch checkpoint has a bad magic");
  }
  uint32_t version = load_le<uint32_t>(p + format::kLeaderEpochVersionAt);
  if (version != format::kLeaderEpochVersion) {
    return Status::corruption("leader epoch checkpoint version " + std::to_string(version) +
                              " is not known");
  }
  uint32_t count = load_le<uint32_t>(p + format::kLeaderEpochCountAt);
  if (count > format::kLeaderEpochMaxEntries ||
      bytes.size() != kEmptySize + uint64_t{count} * format::kLeaderEpochEntrySize) {
    return Status::corruption("leader epoch checkpoint length does not match its count " +
                              std::to_string(count));
  }
  size_t body = bytes.size() - format::kChecksumSize;
  if (load_le<uint64_t>(p + body) != XXH3_64bits(p, body)) {
    return Status::corruption("leader epoch checkpoint checksum mismatch");
  }
  LeaderEpochCache cache;
  cache.entries_.reserve(count);
  const std::byte* entry = p + format::kLeaderEpochEntriesAt;
  for (uint32_t i = 0; i < count; ++i, entry += format::kLeaderEpochEntrySize) {
    EpochEntry e{load_le<int32_t>(entry + format::kLeaderEpochEntryEpochAt),
                 Offset(load_le<int64_t>(entry + format::kLeaderEpochEntryOffsetAt))};
    bool in_order = cache.entries_.empty() || (e.epoch > cache.entries_.back().epoch &&
                                               e.start_offset > cache.entries_.back().start_offset);
    if (e.epoch < 0 || e.start_offset.value() < 0 || !in_order) {
      return Status::corruption("leader epoch checkpoint entry " + std::to_string(i) +
                                " is out of order");
    }
    cache.entries_.push_back(e);
  }
  return cache;
}

Result<LeaderEpochCache> read_leader_epoch_checkpoint(IoBackend& io,
                                                      const std::filesystem::path& dir) {
  auto bytes = read_whole_file(io, dir / format::kLeaderEpochFile);
  if (!bytes) return bytes.error();
  return LeaderEpochCache::decode(*bytes);
}

Status write_leader_epoch_checkpoint(IoBackend& io, const std::filesystem::path& dir,
                                     const LeaderEpochCache& cache) {
  return write_file_atomically(io, dir / format::kLeaderEpochFile, cache.encode());
}

}  // namespace cairn::storage
