#include "storage/segment.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdio>

#include "storage/batch_scanner.h"
#include "storage/format.h"

namespace cairn::storage {

std::string segment_file_name(Offset base_offset, std::string_view suffix) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%0*lld", format::kFileNameDigits,
                static_cast<long long>(base_offset.value()));
  std::string name(digits);
  name += suffix;
  return name;
}

Result<std::vector<Offset>> list_offset_files(IoBackend& io, const std::filesystem::path& dir,
                                              std::string_view suffix) {
  auto names = io.list_directory(dir);
  if (!names) return names.error();
  std::vector<Offset> offsets;
  for (const auto& name : *names) {
    if (auto o = parse_segment_file_name(name, suffix)) offsets.push_back(*o);
  }
  std::sort(offsets.begin(), offsets.end());
  return offsets;
}

std::optional<Offset> parse_segment_file_name(std::string_view name, std::string_view suffix) {
  if (name.size() != format::kFileNameDigits + suffix.size() || !name.ends_with(suffix)) {
    return std::nullopt;
  }
  std::string_view digits = name.substr(0, format::kFileNameDigits);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value < 0) return std::nullopt;
  return Offset(value);
}

Segment::Segment(std::shared_ptr<File> log, Offset base_offset, uint32_t index_interval)
    : log_(std::move(log)),
      base_offset_(base_offset),
      index_interval_(index_interval),
      next_offset_(base_offset),
      offset_index_(base_offset),
      time_index_(base_offset),
      txn_index_(base_offset) {}

Result<std::shared_ptr<Segment>> Segment::create(IoBackend& io, const std::filesystem::path& dir,
                                                 Offset base_offset, uint32_t index_interval) {
  auto path = dir / segment_file_name(base_offset, format::kLogSuffix);
  auto file = io.open_file(path, /*create=*/true);
  if (!file) return file.error();
  auto size = (*file)->size();
  if (!size) return size.error();
  if (*size != 0) {
    // A leftover file at the offset a new segment starts at holds no acknowledged data.
    CAIRN_RETURN_IF_ERROR(io.truncate(**file, 0));
  }
  return std::shared_ptr<Segment>(new Segment(std::move(*file), base_offset, index_interval));
}

Result<std::shared_ptr<Segment>> Segment::open(IoBackend& io, const std::filesystem::path& dir,
                                               Offset base_offset, uint32_t index_interval) {
  auto file = io.open_file(dir / segment_file_name(base_offset, format::kLogSuffix), false);
  if (!file) return file.error();
  return std::shared_ptr<Segment>(new Segment(std::move(*file), base_offset, index_interval));
}

std::filesystem::path Segment::offset_index_path() const {
  return log_path().parent_path() / segment_file_name(base_offset_, format::kOffsetIndexSuffix);
}

std::filesystem::path Segment::time_index_path() const {
  return log_path().parent_path() / segment_file_name(base_offset_, format::kTimeIndexSuffix);
}

std::filesystem::path Segment::txn_index_path() const {
  return log_path().parent_path() / segment_file_name(base_offset_, format::kTxnIndexSuffix);
}

std::optional<Timestamp> Segment::max_timestamp() const {
  if (empty()) return std::nullopt;
  return max_timestamp_;
}

void Segment::reset_state() {
  next_offset_ = base_offset_;
  size_bytes_ = 0;
  allocated_bytes_ = 0;
  max_timestamp_ = Timestamp::min();
  last_leader_epoch_ = -1;
  first_append_time_.reset();
  last_indexed_position_.reset();
  offset_index_.clear();
  time_index_.clear();
  txn_index_ = AbortedTxnIndex(base_offset_);
  txn_index_stale_ = true;
}

void Segment::on_append(const protocol::BatchHeader& header, FilePosition position, Timestamp now) {
  assert(position.value() == size_bytes_);
  assert(header.base_offset == next_offset_);
  bool first = empty();
  if (!last_indexed_position_ || position - *last_indexed_position_ >= index_interval_) {
    offset_index_.append(header.base_offset, position);
    if (!first) time_index_.maybe_append(max_timestamp_, header.base_offset);
    last_indexed_position_ = position;
  }
  if (first) first_append_time_ = now;
  max_timestamp_ = std::max(max_timestamp_, timestamp_from_millis(header.max_timestamp));
  last_leader_epoch_ = header.leader_epoch;
  size_bytes_ += header.batch_length;
  next_offset_ = header.next_offset();
}

Result<Segment::ScanResult> Segment::rebuild(int32_t min_leader_epoch) {
  reset_state();
  auto size = log_->size();
  if (!size) return size.error();
  ScanResult result;
  result.last_leader_epoch = min_leader_epoch;
  BatchScanner scanner(*log_, FilePosition(0), *size, BatchScanner::Mode::kVerify);
  while (auto item = scanner.next()) {
    const protocol::BatchHeader& h = item->header;
    if (h.base_offset != next_offset_) {
      result.stop_reason = Status::corruption(
          "batch at byte " + std::to_string(item->position.value()) + " has base offset " +
          h.base_offset.to_string() + ", expected " + next_offset_.to_string());
      break;
    }
    if (h.leader_epoch < result.last_leader_epoch) {
      result.stop_reason = Status::corruption(
          "batch at offset " + h.base_offset.to_string() + " has leader epoch " +
          std::to_string(h.leader_epoch) + " below " + std::to_string(result.last_leader_epoch));
      break;
    }
    result.last_leader_epoch = h.leader_epoch;
    on_append(h, item->position, timestamp_from_millis(h.first_timestamp));
  }
  if (!scanner.status().is_ok()) {
    if (!scanner.status().is_corruption()) return scanner.status();
    result.stop_reason = scanner.status();
  }
  result.valid_bytes = size_bytes_;
  result.zero_tail_bytes = scanner.zero_tail_bytes();
  allocated_bytes_ = size_bytes_ + result.zero_tail_bytes;
  return result;
}

Status Segment::load_indexes(IoBackend& io, Offset next_offset) {
  reset_state();
  auto size = log_->size();
  if (!size) return size.error();
  int64_t offset_count = next_offset - base_offset_;
  if (*size == 0) {
    if (offset_count != 0) return Status::corruption("empty log for a non-empty segment");
    return Status::ok();
  }
  if (offset_count <= 0 || offset_count > UINT32_MAX) {
    return Status::corruption("segment offset range out of bounds");
  }
  auto index_bytes = read_whole_file(io, offset_index_path());
  if (!index_bytes) return Status::corruption("offset index: " + index_bytes.error().message());
  auto time_bytes = read_whole_file(io, time_index_path());
  if (!time_bytes) return Status::corruption("time index: " + time_bytes.error().message());
  auto index = OffsetIndex::decode(base_offset_, *index_bytes, *size, offset_count);
  if (!index) return index.error();
  auto times = TimeIndex::decode(base_offset_, *time_bytes, offset_count);
  if (!times) return times.error();
  if (index->size() == 0 || index->entry(0).offset != base_offset_ ||
      index->entry(0).position != FilePosition(0)) {
    return Status::corruption("offset index does not start at the segment's first batch");
  }
  if (!times->last() || times->last()->offset != next_offset) {
    return Status::corruption("time index lacks its final entry");
  }

  // The batches after the last index entry must continue the offsets to the end of the log,
  // and none of them may be one that should have had an entry (a short index).
  OffsetIndex::Entry last = *index->last();
  BatchScanner scanner(*log_, last.position, *size, BatchScanner::Mode::kHeaders);
  Offset expected = last.offset;
  int32_t last_epoch = -1;
  while (auto item = scanner.next()) {
    const auto& h = item->header;
    if (h.base_offset != expected) {
      return Status::corruption("offset index entry for offset " + expected.to_string() +
                                " does not match the log");
    }
    if (item->position != last.position && item->position - last.position >= index_interval_) {
      return Status::corruption("offset index is shorter than the log");
    }
    expected = h.next_offset();
    last_epoch = h.leader_epoch;
  }
  CAIRN_RETURN_IF_ERROR(scanner.status());
  if (expected != next_offset) {
    return Status::corruption("log ends at offset " + expected.to_string() + ", expected " +
                              next_offset.to_string());
  }

  // The first batch's timestamp stands in for the time the segment was started.
  BatchScanner first(*log_, FilePosition(0), *size, BatchScanner::Mode::kHeaders);
  auto head = first.next();
  if (!head) return first.status().is_ok() ? Status::corruption("no first batch") : first.status();
  first_append_time_ = timestamp_from_millis(head->header.first_timestamp);

  offset_index_ = std::move(*index);
  time_index_ = std::move(*times);
  size_bytes_ = *size;
  next_offset_ = next_offset;
  max_timestamp_ = time_index_.last()->timestamp;
  last_indexed_position_ = last.position;
  last_leader_epoch_ = last_epoch;
  auto txn_bytes = read_whole_file(io, txn_index_path());
  auto txns = txn_bytes ? AbortedTxnIndex::decode(base_offset_, *txn_bytes, next_offset)
                        : Result<AbortedTxnIndex>(txn_bytes.error());
  if (txns) {
    txn_index_ = std::move(*txns);
    txn_index_stale_ = false;
  } else if (!txns.error().is_not_found()) {
    spdlog::warn("{}: rebuilding the aborted transactions index: {}", log_path().string(),
                 txns.error().message());
  }
  return Status::ok();
}

Result<BatchLocation> Segment::scan_to(Offset target, FilePosition from) const {
  BatchScanner scanner(*log_, from, size_bytes_, BatchScanner::Mode::kHeaders);
  while (auto item = scanner.next()) {
    const auto& h = item->header;
    if (h.base_offset > target) {
      return Status::corruption("offset index points past offset " + target.to_string() + " in " +
                                log_path().string());
    }
    if (h.last_offset() >= target) return BatchLocation{item->position, h};
  }
  CAIRN_RETURN_IF_ERROR(scanner.status());
  return Status::out_of_range("offset " + target.to_string() + " is not in segment " +
                              log_path().string());
}

Result<BatchLocation> Segment::find_batch(Offset target) const {
  if (target < base_offset_ || target >= next_offset_) {
    return Status::out_of_range("offset " + target.to_string() + " is not in segment " +
                                log_path().string());
  }
  auto entry = offset_index_.floor(target);
  FilePosition start = entry ? entry->position : FilePosition(0);
  auto found = scan_to(target, start);
  if (found || start == FilePosition(0) || !found.error().is_corruption()) {
    return found;
  }
  // A damaged index entry: find the batch the slow way rather than fail the read.
  spdlog::warn("{}: {}; scanning from the segment start", log_path().string(),
               found.error().message());
  return scan_to(target, FilePosition(0));
}

Result<LogSlice> Segment::read(Offset from, uint32_t max_bytes) const {
  auto loc = find_batch(from);
  if (!loc) return loc.error();
  uint64_t first_end = loc->position.value() + loc->header.batch_length;
  uint64_t limit = loc->position.value() + max_bytes;
  uint64_t end = first_end;
  if (size_bytes_ <= limit) {
    end = std::max(first_end, size_bytes_);
  } else if (auto entry = offset_index_.floor_position(FilePosition(limit));
             entry && entry->position.value() > first_end) {
    end = entry->position.value();  // index entries sit at batch boundaries
  }
  // The next offset after the slice is the offset of the batch starting at `end`.
  Offset next = loc->header.next_offset();
  if (end == size_bytes_) {
    next = next_offset_;
  } else if (end != first_end) {
    next = offset_index_.floor_position(FilePosition(end))->offset;
  }
  return LogSlice{log_, loc->position, static_cast<uint32_t>(end - loc->position.value()),
                  loc->header.base_offset, next};
}

Result<std::optional<Offset>> Segment::find_offset_for_timestamp(Timestamp timestamp) const {
  if (empty() || max_timestamp_ < timestamp) return std::optional<Offset>();
  Offset start = time_index_.scan_start(timestamp).value_or(base_offset_);
  auto loc = find_batch(start);
  if (!loc) return loc.error();
  BatchScanner scanner(*log_, loc->position, size_bytes_, BatchScanner::Mode::kVerify);
  while (auto item = scanner.next()) {
    if (timestamp_from_millis(item->header.max_timestamp) < timestamp) continue;
    auto view = protocol::RecordBatchView::parse(item->bytes, protocol::Verify::kStored);
    if (!view) return view.error();
    auto records = protocol::BatchRecords::open(*view);
    if (!records) return records.error();
    protocol::RecordReader reader = records->reader();
    protocol::RecordView record;
    while (reader.next(record)) {
      if (record.timestamp >= timestamp) return std::optional<Offset>(record.offset);
    }
    CAIRN_RETURN_IF_ERROR(reader.status());
  }
  CAIRN_RETURN_IF_ERROR(scanner.status());
  return std::optional<Offset>();
}

Segment::IndexFiles Segment::seal_indexes() {
  if (!empty()) time_index_.maybe_append(max_timestamp_, next_offset_);
  return IndexFiles{offset_index_path(),  offset_index_.encode(), time_index_path(),
                    time_index_.encode(), txn_index_path(),       txn_index_.encode()};
}

Status Segment::write_index_files(IoBackend& io, const IndexFiles& files) {
  auto write = [&io](const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
    auto file = io.open_file(path, /*create=*/true);
    if (!file) return file.error();
    CAIRN_RETURN_IF_ERROR(io.truncate(**file, 0));
    CAIRN_RETURN_IF_ERROR(io.write_at(**file, FilePosition(0), bytes));
    return io.sync_file(**file);
  };
  CAIRN_RETURN_IF_ERROR(write(files.offset_index, files.offset_index_bytes));
  CAIRN_RETURN_IF_ERROR(write(files.time_index, files.time_index_bytes));
  CAIRN_RETURN_IF_ERROR(write(files.txn_index, files.txn_index_bytes));
  return io.sync_directory(files.offset_index.parent_path());
}

Status Segment::write_txn_index(IoBackend& io) {
  auto file = io.open_file(txn_index_path(), /*create=*/true);
  if (!file) return file.error();
  CAIRN_RETURN_IF_ERROR(io.truncate(**file, 0));
  CAIRN_RETURN_IF_ERROR(io.write_at(**file, FilePosition(0), txn_index_.encode()));
  CAIRN_RETURN_IF_ERROR(io.sync_file(**file));
  return io.sync_directory(log_path().parent_path());
}

Status Segment::drop_invalid_tail(IoBackend& io) {
  CAIRN_RETURN_IF_ERROR(io.truncate(*log_, size_bytes_));
  allocated_bytes_ = size_bytes_;
  return io.sync_file(*log_);
}

Status Segment::release_preallocated(IoBackend& io) {
  if (allocated_bytes_ <= size_bytes_) return Status::ok();
  CAIRN_RETURN_IF_ERROR(io.truncate(*log_, size_bytes_));
  allocated_bytes_ = size_bytes_;
  return Status::ok();
}

Status Segment::remove_files(IoBackend& io) {
  CAIRN_RETURN_IF_ERROR(remove_file_if_exists(io, offset_index_path()));
  CAIRN_RETURN_IF_ERROR(remove_file_if_exists(io, time_index_path()));
  CAIRN_RETURN_IF_ERROR(remove_file_if_exists(io, txn_index_path()));
  return io.remove_file(log_path());
}

}  // namespace cairn::storage
