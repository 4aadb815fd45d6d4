#include "storage/producer_snapshots.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "storage/batch_scanner.h"
#include "storage/format.h"
#include "storage/txn_markers.h"

namespace cairn::storage {

Status write_producer_snapshot_file(IoBackend& io, const std::filesystem::path& dir, Offset at,
                                    const std::vector<std::byte>& bytes) {
  CAIRN_RETURN_IF_ERROR(
      write_file_atomically(io, dir / segment_file_name(at, format::kSnapshotSuffix), bytes));
  auto snapshots = list_offset_files(io, dir, format::kSnapshotSuffix);
  if (!snapshots) return Status::ok();  // pruning is best effort
  for (size_t i = 0; i + format::kSnapshotsKept < snapshots->size(); ++i) {
    io.remove_file(dir / segment_file_name((*snapshots)[i], format::kSnapshotSuffix))
        .ignore_error();
  }
  return Status::ok();
}

Result<ProducerState> recover_producer_state(IoBackend& io, const std::filesystem::path& dir,
                                             const std::vector<std::shared_ptr<Segment>>& segments,
                                             size_t max_producers, Timestamp now) {
  Offset log_start = segments.front()->base_offset();
  Offset log_end = segments.back()->next_offset();
  auto snapshots = list_offset_files(io, dir, format::kSnapshotSuffix);
  if (!snapshots) return snapshots.error();
  ProducerState state(max_producers);
  Offset start = log_start;
  for (auto it = snapshots->rbegin(); it != snapshots->rend(); ++it) {  // newest first
    Offset at = *it;
    auto path = dir / segment_file_name(at, format::kSnapshotSuffix);
    if (at > log_end) {
      // Taken before a crash cut the log back: it describes batches the log no longer has.
      io.remove_file(path).ignore_error();
      continue;
    }
    auto bytes = read_whole_file(io, path);
    auto decoded = bytes ? ProducerState::decode(*bytes, max_producers, now)
                         : Result<std::pair<Offset, ProducerState>>(bytes.error());
    if (!decoded || decoded->first != at) {
      spdlog::warn("{}: ignoring producer snapshot {}: {}", dir.string(), path.filename().string(),
                   decoded ? "offset does not match its name" : decoded.error().message());
      continue;
    }
    state = std::move(decoded->second);
    start = std::max(at, log_start);
    break;
  }
  // Segments before the replay start whose aborted transactions index must be rebuilt need the
  // producer state as of their start: a replay of their own.
  CAIRN_RETURN_IF_ERROR(rebuild_early_txn_indexes(segments, start, max_producers, now));
  // Replay the batch headers after the snapshot, rebuilding the aborted transactions indexes
  // of the segments there that need it.
  std::vector<std::byte> buffer;
  for (const auto& segment : segments) {
    bool rebuild = segment->txn_index_stale() && segment->base_offset() >= start;
    if (rebuild) segment->clear_txn_index();
    if (segment->next_offset() <= start || segment->empty()) continue;
    FilePosition from(0);
    if (segment->base_offset() < start) {
      auto loc = segment->find_batch(start);
      if (!loc) return loc.error();
      from = loc->position;
    }
    BatchScanner scanner(*segment->log(), from, segment->size_bytes(),
                         BatchScanner::Mode::kHeaders);
    while (auto item = scanner.next()) {
      const auto& h = item->header;
      if (h.producer_id < 0 || h.base_offset < start) continue;
      Bytes bytes;
      if (rebuild && h.is_control()) {
        auto read = read_stored_batch(*segment, item->position, h, buffer);
        if (!read) return read.error();
        bytes = *read;
      }
      CAIRN_RETURN_IF_ERROR(
          record_stored_batch(state, rebuild ? segment.get() : nullptr, h, bytes, now));
    }
    CAIRN_RETURN_IF_ERROR(scanner.status());
  }
  return state;
}

}  // namespace cairn::storage
