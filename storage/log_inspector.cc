#include "storage/log_inspector.h"

#include <functional>
#include <map>

#include "protocol/byte_io.h"
#include "storage/batch_scanner.h"
#include "storage/format.h"
#include "storage/offset_index.h"
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
  std::map<uint64_t, Offset> batch_at;          // position -> base offset
  std::map<Offset, int64_t> max_before;          // batch base offset -> running max timestamp before it
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
  return Status::ok();
}

Status check_time_index(const SegmentFacts& facts, size_t entries,
                        const std::vector<std::byte>& raw) {
  for (size_t i = 0; i < entries; ++i) {
    const std::byte* p = raw.data() + i * format::kTimeIndexEntrySize;
    int64_t ts = protocol::load_le<int64_t>(p);
    Offset offset = facts.base + protocol::load_le<uint32_t>(p + 8);
    if (offset == facts.next) continue;  // the final entry: the segment's max timestamp
    auto it = facts.max_before.find(offset);
    if (it == facts.max_before.end() || it->second != ts) {
      return Status::corruption("entry " + std::to_string(i) + " (offset " + offset.to_string() +
                                ") disagrees with the log");
    }
  }
  return Status::ok();
}

template <typename Index, typename Decode>
void inspect_index(IoBackend& io, const std::filesystem::path& file, LogVisitor& visitor,
                   InspectionSummary& summary, size_t entry_size, Decode decode,
                   const std::function<Status(const Index&, const std::vector<std::byte>&)>& check) {
  auto bytes = read_whole_file(io, file);
  if (!bytes) {
    visitor.on_index(file, 0, bytes.error());
    ++summary.index_problems;
    return;
  }
  auto index = decode(*bytes);
  Status s = index ? check(*index, *bytes) : index.error();
  if (!s.is_ok()) ++summary.index_problems;
  visitor.on_index(file, bytes->size() / entry_size, s);
}

Status inspect_segment(IoBackend& io, const std::filesystem::path& log_path, Offset base,
                       LogVisitor& visitor, InspectionSummary& summary) {
  auto file = io.open_file(log_path, /*create=*/false);
  if (!file) return file.error();
  auto size = (*file)->size();
  if (!size) return size.error();
  visitor.on_segment(log_path, base, *size);
  ++summary.segments;

  SegmentFacts facts{base, *size, base, {}, {}};
  int64_t running_max = INT64_MIN;
  FilePosition pos(0);
  bool resync = false;  // after skipping bad bytes, take the next batch's offset as it is
  while (pos.value() < *size) {
    BatchScanner scanner(**file, pos, *size, BatchScanner::Mode::kVerify);
    for (;;) {
      FilePosition at = scanner.position();
      auto item = scanner.next();
      if (!item) {
        if (item.error().code() != Status::Code::kCorruption) return item.error();
        auto resume = find_valid_batch(**file, at + 1, *size, Offset(0));
        if (!resume) return resume.error();
        visitor.on_corruption(at, item.error(), *resume);
        ++summary.corruptions;
        pos = resume->value_or(FilePosition(*size));
        resync = true;
        break;
      }
      if (!*item) {
        pos = FilePosition(*size);
        break;
      }
      const auto& h = (*item)->header;
      Status status;
      if (resync) {
        facts.next = h.base_offset;
        resync = false;
      }
      if (h.base_offset != facts.next) {
        status = Status::corruption("expected base offset " + facts.next.to_string());
        ++summary.corruptions;
      } else if (auto view = protocol::RecordBatchView::parse((*item)->bytes,
                                                              protocol::Verify::kStored)) {
        status = view->validate_records();
        if (!status.is_ok()) ++summary.corruptions;
      }
      visitor.on_batch((*item)->position, h, (*item)->bytes, status);
      facts.batch_at[(*item)->position.value()] = h.base_offset;
      facts.max_before[h.base_offset] = running_max;
      running_max = std::max(running_max, h.max_timestamp);
      facts.next = h.next_offset();
      ++summary.batches;
      summary.records += h.record_count;
      if (!summary.first_offset) summary.first_offset = h.base_offset;
      summary.next_offset = h.next_offset();
    }
  }

  auto dir = log_path.parent_path();
  int64_t offset_count = facts.next - base;
  inspect_index<OffsetIndex>(
      io, dir / segment_file_name(base, format::kOffsetIndexSuffix), visitor, summary,
      format::kOffsetIndexEntrySize,
      [&](const std::vector<std::byte>& b) {
        return OffsetIndex::decode(base, b, *size, offset_count);
      },
      [&](const OffsetIndex& index, const std::vector<std::byte>&) {
        return check_offset_index(index, facts);
      });
  inspect_index<TimeIndex>(
      io, dir / segment_file_name(base, format::kTimeIndexSuffix), visitor, summary,
      format::kTimeIndexEntrySize,
      [&](const std::vector<std::byte>& b) { return TimeIndex::decode(base, b, offset_count); },
      [&](const TimeIndex& index, const std::vector<std::byte>& raw) {
        return check_time_index(facts, index.size(), raw);
      });
  return Status::ok();
}

}  // namespace

Result<InspectionSummary> inspect_log(IoBackend& io, const std::filesystem::path& path,
                                      LogVisitor& visitor) {
  InspectionSummary summary;
  auto names = io.list_directory(path);
  if (!names) {
    // Not a directory: a single segment file.
    auto base = parse_segment_file_name(path.filename().string(), format::kLogSuffix);
    if (!base) {
      return Status::invalid_argument(path.string() +
                                      " is neither a partition directory nor a segment .log file");
    }
    CAIRN_RETURN_IF_ERROR(inspect_segment(io, path, *base, visitor, summary));
    return summary;
  }
  std::optional<Offset> expected;
  for (const std::string& name : *names) {
    auto base = parse_segment_file_name(name, format::kLogSuffix);
    if (!base) continue;
    if (expected && *base != *expected) {
      visitor.on_corruption(FilePosition(0),
                            Status::corruption("segment " + name + " starts at offset " +
                                               base->to_string() + ", the one before ends at " +
                                               expected->to_string()),
                            FilePosition(0));
      ++summary.corruptions;
    }
    CAIRN_RETURN_IF_ERROR(inspect_segment(io, path / name, *base, visitor, summary));
    expected = summary.next_offset.value_or(*base);
  }
  if (summary.segments == 0) {
    return Status::not_found("no segment files in " + path.string());
  }
  return summary;
}

}  // namespace cairn::storage
