#include "storage/log_inspector.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>

#include "storage/aborted_txn_index.h"
#include "storage/batch_scanner.h"
#include "storage/compaction_job.h"
#include "storage/format.h"
#include "storage/offset_index.h"
#include "storage/producer_state.h"
#include "storage/recovery.h"
#include "storage/segment.h"
#include "storage/time_index.h"

namespace cairn::storage {

namespace {

// What the walk of one .log found, for checking its index files.
struct SegmentFacts {
  Offset base;
  uint64_t size = 0;
  Offset next;
  std::map<uint64_t, Offset> batch_at;     // position -> base offset
  std::map<Offset, Timestamp> max_before;  // batch base offset -> running max timestamp before it
};

Status check_offset_index(const OffsetIndex& index, const SegmentFacts& facts) {
  for (size_t i = 0; i < index.size(); ++i) {
    auto e = index.entry(i);
    auto it = facts.batch_at.find(e.position.value());
    if (it == facts.batch_at.end() || it->second != e.offset) {
      return Status::corruption("entry " + std::to_string(i) + " (offset " + e.offset.to_string() +
                                ", position " + std::to_string(e.position.value()) +
                                ") does not point at that batch");
    }
  }
  if (!facts.batch_at.empty() && index.size() == 0) return Status::corruption("no entries");
  if (index.size() > 0 && index.entry(0).position != FilePosition(0)) {
    return Status::corruption("the first entry is not the segment's first batch");
  }
  return Status::ok();
}

Status check_time_index(const TimeIndex& index, const SegmentFacts& facts) {
  if (!facts.batch_at.empty()) {
    // A sealed segment's time index ends with (its max timestamp, its end offset).
    if (!index.last() || index.last()->offset != facts.next) {
      return Status::corruption("it lacks the final entry for offset " + facts.next.to_string() +
                                (index.size() == 0 ? " (it is empty)" : ""));
    }
  }
  for (size_t i = 0; i < index.size(); ++i) {
    auto e = index.entry(i);
    if (e.offset == facts.next) continue;  // the final entry: the segment's max timestamp
    auto it = facts.max_before.find(e.offset);
    if (it == facts.max_before.end() || it->second != e.timestamp) {
      return Status::corruption("entry " + std::to_string(i) + " (offset " + e.offset.to_string() +
                                ") disagrees with the log");
    }
  }
  return Status::ok();
}

// Reads, decodes and checks one index file, and reports it. `decode` gives a Result<Index>.
template <typename Index, typename Decode>
void inspect_index(IoBackend& io, const std::filesystem::path& file, LogVisitor& visitor,
                   InspectionSummary& summary, size_t entry_size, Decode decode,
                   const std::function<Status(const Index&)>& check) {
  auto bytes = read_whole_file(io, file);
  if (!bytes) {
    visitor.on_index(file, 0, bytes.error());
    ++summary.index_problems;
    return;
  }
  auto index = decode(*bytes);
  Status s = index ? check(*index) : index.error();
  if (!s.is_ok()) ++summary.index_problems;
  visitor.on_index(file, bytes->size() / entry_size, s);
}

Result<SegmentFacts> inspect_segment(IoBackend& io, const std::filesystem::path& log_path,
                                     Offset base, LogVisitor& visitor, InspectionSummary& summary) {
  auto file = io.open_file(log_path, /*create=*/false);
  if (!file) return file.error();
  auto size = (*file)->size();
  if (!size) return size.error();
  visitor.on_segment(log_path, base, *size);
  ++summary.segments;

  SegmentFacts facts{base, *size, base, {}, {}};
  Timestamp running_max = Timestamp::min();
  FilePosition pos(0);
  bool resync = false;  // after skipping bad bytes, take the next batch's offset as it is
  while (pos.value() < *size) {
    BatchScanner scanner(**file, pos, *size, BatchScanner::Mode::kVerify);
    while (auto item = scanner.next()) {
      const auto& h = item->header;
      Status status;
      if (resync) {
        facts.next = h.base_offset;
        resync = false;
      }
      if (h.base_offset != facts.next) {
        status = Status::corruption("expected base offset " + facts.next.to_string());
        ++summary.corruptions;
      } else if (auto view =
                     protocol::RecordBatchView::parse(item->bytes, protocol::Verify::kStored)) {
        status = view->validate_records();
        if (!status.is_ok()) ++summary.corruptions;
      }
      visitor.on_batch(item->position, h, item->bytes, status);
      facts.batch_at[item->position.value()] = h.base_offset;
      facts.max_before[h.base_offset] = running_max;
      running_max = std::max(running_max, timestamp_from_millis(h.max_timestamp));
      facts.next = h.next_offset();
      ++summary.batches;
      summary.records += h.record_count;
      if (h.record_count < h.last_offset_delta + 1) ++summary.gapped_batches;
      if (h.record_count == 0) ++summary.empty_batches;
      if (!summary.first_offset) summary.first_offset = h.base_offset;
      summary.next_offset = h.next_offset();
    }
    if (scanner.status().is_ok()) break;  // the end of the file
    if (!scanner.status().is_corruption()) return scanner.status();
    FilePosition at = scanner.position();
    auto resume = find_valid_batch(**file, at + 1, *size, Offset(0));
    if (!resume) return resume.error();
    visitor.on_corruption(at, scanner.status(), *resume);
    ++summary.corruptions;
    pos = resume->value_or(FilePosition(*size));
    resync = true;
  }

  return facts;
}

void inspect_indexes(IoBackend& io, const std::filesystem::path& dir, const SegmentFacts& facts,
                     LogVisitor& visitor, InspectionSummary& summary) {
  Offset base = facts.base;
  int64_t offset_count = facts.next - base;
  inspect_index<OffsetIndex>(
      io, dir / segment_file_name(base, format::kOffsetIndexSuffix), visitor, summary,
      format::kOffsetIndexEntrySize,
      [&](const std::vector<std::byte>& b) {
        return OffsetIndex::decode(base, b, facts.size, offset_count);
      },
      [&](const OffsetIndex& index) { return check_offset_index(index, facts); });
  inspect_index<TimeIndex>(
      io, dir / segment_file_name(base, format::kTimeIndexSuffix), visitor, summary,
      format::kTimeIndexEntrySize,
      [&](const std::vector<std::byte>& b) { return TimeIndex::decode(base, b, offset_count); },
      [&](const TimeIndex& index) { return check_time_index(index, facts); });
  inspect_index<AbortedTxnIndex>(
      io, dir / segment_file_name(base, format::kTxnIndexSuffix), visitor, summary,
      format::kTxnIndexEntrySize,
      [&](const std::vector<std::byte>& b) { return AbortedTxnIndex::decode(base, b, facts.next); },
      [](const AbortedTxnIndex&) { return Status::ok(); });
}

// What recovery would make of the recovery point: OK, or why it cannot use it or refuses it.
void inspect_recovery_point(IoBackend& io, const std::filesystem::path& dir,
                            const std::vector<SegmentFacts>& segments, LogVisitor& visitor,
                            InspectionSummary& summary) {
  auto bytes = read_whole_file(io, dir / format::kRecoveryPointFile);
  if (!bytes) {
    if (bytes.error().is_not_found()) {
      visitor.on_recovery_point(std::nullopt, Status::ok());  // the next open scans everything
    } else {
      ++summary.metadata_problems;
      visitor.on_recovery_point(std::nullopt, bytes.error());
    }
    return;
  }
  auto point = decode_recovery_point(*bytes);
  if (!point) {
    ++summary.metadata_problems;
    visitor.on_recovery_point(std::nullopt,
                              point.error().with_context("the next start scans every segment"));
    return;
  }
  Offset end = segments.empty() ? Offset(0) : segments.back().next;
  if (point->offset > end) {
    ++summary.corruptions;
    visitor.on_recovery_point(
        *point, Status::corruption("it lies past the end of the log (offset " + end.to_string() +
                                   "), so recovery refuses the partition; cairn log repair "
                                   "removes it"));
    return;
  }
  const SegmentFacts* holding = nullptr;
  for (const auto& f : segments) {
    if (f.base <= point->offset) holding = &f;
  }
  if (holding && point->synced_bytes && *point->synced_bytes > holding->size) {
    ++summary.metadata_problems;
    visitor.on_recovery_point(
        *point, Status::corruption("it records " + std::to_string(*point->synced_bytes) +
                                   " synced bytes of segment " + holding->base.to_string() +
                                   ", which has " + std::to_string(holding->size)));
    return;
  }
  visitor.on_recovery_point(*point, Status::ok());
}

void inspect_snapshots(IoBackend& io, const std::filesystem::path& dir, LogVisitor& visitor,
                       InspectionSummary& summary) {
  auto snapshots = list_offset_files(io, dir, format::kSnapshotSuffix);
  if (!snapshots) return;
  for (Offset at : *snapshots) {
    auto path = dir / segment_file_name(at, format::kSnapshotSuffix);
    auto bytes = read_whole_file(io, path);
    auto decoded = bytes ? ProducerState::decode(*bytes, SIZE_MAX, Timestamp())
                         : Result<std::pair<Offset, ProducerState>>(bytes.error());
    Status status;
    size_t producers = 0;
    if (!decoded) {
      status = decoded.error().with_context("ignored; the state is rebuilt from the log");
    } else if (decoded->first != at) {
      status = Status::corruption("it holds offset " + decoded->first.to_string() +
                                  ", not the one its name says; ignored");
    } else {
      producers = decoded->second.size();
    }
    if (!status.is_ok()) ++summary.metadata_problems;
    visitor.on_snapshot(path, at, producers, status);
  }
}

}  // namespace

Result<InspectionSummary> inspect_log(IoBackend& io, const std::filesystem::path& path,
                                      LogVisitor& visitor) {
  InspectionSummary summary;
  std::filesystem::path dir = path;
  std::optional<Offset> only;  // a single segment file
  auto names = io.list_directory(path);
  if (!names) {
    auto file = io.open_file(path, /*create=*/false);
    if (!file && file.error().is_not_found()) {
      return Status::not_found(path.string() + ": no such file or directory");
    }
    auto base = parse_segment_file_name(path.filename().string(), format::kLogSuffix);
    if (!base) {
      return Status::invalid_argument(path.string() +
                                      " is neither a partition directory nor a segment .log file");
    }
    only = base;
    dir = path.parent_path();
    names = io.list_directory(dir);
    if (!names) return names.error();
  }
  std::vector<Offset> bases;
  for (const std::string& name : *names) {
    if (auto base = parse_segment_file_name(name, format::kLogSuffix)) bases.push_back(*base);
  }
  std::sort(bases.begin(), bases.end());
  // Which segments recovery trusts the index files of: the sealed ones (FORMAT.md, "Recovery").
  auto point = read_whole_file(io, dir / format::kRecoveryPointFile);
  auto decoded = point ? decode_recovery_point(*point) : Result<RecoveryPoint>(point.error());
  Offset recovery_point = decoded ? decoded->offset : Offset(0);

  std::vector<SegmentFacts> segments;
  std::optional<Offset> expected;
  for (size_t i = 0; i < bases.size(); ++i) {
    Offset base = bases[i];
    if (only && base != *only) continue;
    auto name = segment_file_name(base, format::kLogSuffix);
    if (expected && base != *expected) {
      visitor.on_corruption(
          FilePosition(0),
          Status::corruption("segment " + name + " starts at offset " + base.to_string() +
                             ", the one before ends at " + expected->to_string()),
          FilePosition(0));
      ++summary.corruptions;
    }
    auto facts = inspect_segment(io, dir / name, base, visitor, summary);
    if (!facts) return facts.error();
    bool last = i + 1 == bases.size();
    bool sealed = last ? recovery_point > base && facts->next == recovery_point
                       : bases[i + 1] <= recovery_point;
    if (sealed) {
      inspect_indexes(io, dir, *facts, visitor, summary);
    } else {
      visitor.on_unsealed_indexes(dir / name);
    }
    expected = summary.next_offset.value_or(base);
    segments.push_back(std::move(*facts));
  }
  if (only) {
    if (segments.empty()) return Status::not_found(path.string() + ": no such file or directory");
    return summary;
  }
  if (summary.segments == 0) {
    return Status::not_found("no segment files in " + path.string());
  }
  inspect_recovery_point(io, dir, segments, visitor, summary);
  inspect_snapshots(io, dir, visitor, summary);
  bool swap_pending = std::any_of(names->begin(), names->end(), [](const std::string& name) {
    return name == format::kSwapFile || name.ends_with(format::kCleanedSuffix);
  });
  visitor.on_cleaner(read_cleaner_checkpoint(io, dir), summary.gapped_batches,
                     summary.empty_batches, swap_pending);
  return summary;
}

}  // namespace cairn::storage
