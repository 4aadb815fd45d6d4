#include "storage/compaction_job.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>

#include "storage/batch_scanner.h"
#include "storage/format.h"
#include "storage/offset_checkpoint.h"

namespace cairn::storage {

namespace {

using protocol::load_le;
using protocol::store_le;

std::filesystem::path cleaned_path(const std::filesystem::path& dir, Offset base) {
  return dir / (segment_file_name(base, "") + std::string(format::kCleanedSuffix));
}

std::vector<std::byte> encode_swap(const std::vector<Offset>& bases) {
  std::vector<std::byte> out(format::kSwapBasesAt + 8 * bases.size() + format::kChecksumSize);
  store_le<uint32_t>(out.data() + format::kSwapMagicAt, format::kSwapMagic);
  store_le<uint32_t>(out.data() + format::kSwapVersionAt, format::kSwapVersion);
  store_le<uint32_t>(out.data() + format::kSwapCountAt, static_cast<uint32_t>(bases.size()));
  for (size_t i = 0; i < bases.size(); ++i) {
    store_le<int64_t>(out.data() + format::kSwapBasesAt + 8 * i, bases[i].value());
  }
  size_t covered = out.size() - format::kChecksumSize;
  store_le<uint64_t>(out.data() + covered, XXH3_64bits(out.data(), covered));
  return out;
}

Result<std::vector<Offset>> decode_swap(Bytes bytes) {
  if (bytes.size() < format::kSwapBasesAt + format::kChecksumSize) {
    return Status::corruption("cleaner-swap is too short");
  }
  size_t covered = bytes.size() - format::kChecksumSize;
  if (load_le<uint64_t>(bytes.data() + covered) != XXH3_64bits(bytes.data(), covered)) {
    return Status::corruption("cleaner-swap checksum mismatch");
  }
  uint32_t count = load_le<uint32_t>(bytes.data() + format::kSwapCountAt);
  if (load_le<uint32_t>(bytes.data() + format::kSwapMagicAt) != format::kSwapMagic ||
      load_le<uint32_t>(bytes.data() + format::kSwapVersionAt) != format::kSwapVersion ||
      covered != format::kSwapBasesAt + 8 * uint64_t{count}) {
    return Status::corruption("cleaner-swap has a bad magic, version or count");
  }
  std::vector<Offset> bases;
  for (uint32_t i = 0; i < count; ++i) {
    bases.emplace_back(load_le<int64_t>(bytes.data() + format::kSwapBasesAt + 8 * i));
  }
  return bases;
}

// Replaces the segment's .log by its .cleaned file, dropping its stale index files first.
Status replace_log(IoBackend& io, const std::filesystem::path& dir, Offset base) {
  CAIRN_RETURN_IF_ERROR(
      remove_file_if_exists(io, dir / segment_file_name(base, format::kOffsetIndexSuffix)));
  CAIRN_RETURN_IF_ERROR(
      remove_file_if_exists(io, dir / segment_file_name(base, format::kTimeIndexSuffix)));
  CAIRN_RETURN_IF_ERROR(
      remove_file_if_exists(io, dir / segment_file_name(base, format::kTxnIndexSuffix)));
  return io.rename_file(cleaned_path(dir, base), dir / segment_file_name(base, format::kLogSuffix));
}

}  // namespace

CompactionJob::CompactionJob(Options options) : options_(std::move(options)) {
  if (options_.segments.empty()) phase_ = Phase::kDone;
}

Offset CompactionJob::clean_until() const {
  return options_.segments.empty() ? Offset(0) : options_.segments.back()->next_offset();
}

Result<bool> CompactionJob::step(IoBackend& io, uint64_t budget_bytes) {
  switch (phase_) {
    case Phase::kMap: CAIRN_RETURN_IF_ERROR(map_step(budget_bytes)); break;
    case Phase::kWrite: CAIRN_RETURN_IF_ERROR(write_step(io, budget_bytes)); break;
    case Phase::kSwap: CAIRN_RETURN_IF_ERROR(swap(io)); break;
    case Phase::kOpen: CAIRN_RETURN_IF_ERROR(open_new(io)); break;
    case Phase::kDone: break;
  }
  return phase_ == Phase::kDone;
}

Status CompactionJob::map_step(uint64_t budget_bytes) {
  const Segment& seg = *options_.segments[segment_];
  BatchScanner scanner(*seg.log(), FilePosition(position_), seg.size_bytes(),
                       BatchScanner::Mode::kVerify);
  uint64_t read = 0;
  while (read < budget_bytes) {
    auto item = scanner.next();
    if (!item) break;
    auto view = protocol::RecordBatchView::parse(item->bytes, protocol::Verify::kStored);
    if (!view) return view.error();
    CAIRN_RETURN_IF_ERROR(add_to_key_map(*view, options_.rules.max_decompressed_bytes, map_));
    read += item->bytes.size();
  }
  CAIRN_RETURN_IF_ERROR(scanner.status());
  stats_.bytes_read += read;
  position_ = scanner.position().value();
  if (position_ == seg.size_bytes()) {
    position_ = 0;
    if (++segment_ == options_.segments.size()) {
      segment_ = 0;
      phase_ = Phase::kWrite;
    }
  }
  return Status::ok();
}

Status CompactionJob::write_step(IoBackend& io, uint64_t budget_bytes) {
  const Segment& seg = *options_.segments[segment_];
  if (!out_) {
    auto out = io.open_file(cleaned_path(options_.dir, seg.base_offset()), /*create=*/true);
    if (!out) return out.error();
    out_ = std::move(*out);
    CAIRN_RETURN_IF_ERROR(io.truncate(*out_, 0));
    out_size_ = 0;
    dropped_here_ = 0;
  }
  BatchScanner scanner(*seg.log(), FilePosition(position_), seg.size_bytes(),
                       BatchScanner::Mode::kVerify);
  uint64_t read = 0;
  while (read < budget_bytes) {
    auto item = scanner.next();
    if (!item) break;
    auto view = protocol::RecordBatchView::parse(item->bytes, protocol::Verify::kStored);
    if (!view) return view.error();
    auto compacted = compact_batch(*view, map_, options_.rules);
    if (!compacted) return compacted.error();
    Bytes bytes = compacted->bytes.empty() ? item->bytes : Bytes(compacted->bytes);
    CAIRN_RETURN_IF_ERROR(io.write_at(*out_, FilePosition(out_size_), bytes));
    out_size_ += bytes.size();
    dropped_here_ += compacted->records_dropped;
    read += item->bytes.size();
  }
  CAIRN_RETURN_IF_ERROR(scanner.status());
  stats_.bytes_read += read;
  position_ = scanner.position().value();
  if (position_ < seg.size_bytes()) return Status::ok();

  // The segment is done: keep its .cleaned file only when it dropped something.
  if (dropped_here_ > 0) {
    CAIRN_RETURN_IF_ERROR(io.sync_file(*out_));
    cleaned_.push_back(seg.base_offset());
    stats_.bytes_before += seg.size_bytes();
    stats_.bytes_after += out_size_;
    stats_.records_dropped += static_cast<uint64_t>(dropped_here_);
  } else {
    out_.reset();
    CAIRN_RETURN_IF_ERROR(io.remove_file(cleaned_path(options_.dir, seg.base_offset())));
  }
  out_.reset();
  position_ = 0;
  if (++segment_ == options_.segments.size()) phase_ = Phase::kSwap;
  return Status::ok();
}

Status CompactionJob::swap(IoBackend& io) {
  const auto& dir = options_.dir;
  if (!cleaned_.empty()) {
    // The commit point: from here on, recovery completes the swap instead of undoing it.
    auto manifest = encode_swap(cleaned_);
    CAIRN_RETURN_IF_ERROR(write_file_atomically(io, dir / format::kSwapFile, manifest));
    for (Offset base : cleaned_) CAIRN_RETURN_IF_ERROR(replace_log(io, dir, base));
    CAIRN_RETURN_IF_ERROR(io.sync_directory(dir));
  }
  CAIRN_RETURN_IF_ERROR(write_cleaner_checkpoint(io, dir, clean_until()));
  if (!cleaned_.empty()) {
    CAIRN_RETURN_IF_ERROR(io.remove_file(dir / format::kSwapFile));
    CAIRN_RETURN_IF_ERROR(io.sync_directory(dir));
  }
  stats_.segments_rewritten = cleaned_.size();
  phase_ = Phase::kOpen;
  return Status::ok();
}

Status CompactionJob::open_new(IoBackend& io) {
  for (Offset base : cleaned_) {
    auto seg = Segment::open(io, options_.dir, base, options_.index_interval);
    if (!seg) return seg.error();
    auto scan = (*seg)->rebuild(/*min_leader_epoch=*/-1);
    if (!scan) return scan.error();
    if (!scan->stop_reason.is_ok()) return scan->stop_reason;
    // The aborted transactions whose markers the cleaned segment covers keep their entries.
    (*seg)->clear_txn_index();
    for (const auto& old : options_.segments) {
      for (const AbortedTxn& txn : old->txn_index().entries()) {
        if (txn.last_offset >= base && txn.last_offset < (*seg)->next_offset()) {
          (*seg)->add_aborted_txn(txn);
        }
      }
    }
    // Missing index files are rebuilt by recovery; a failure here costs nothing else.
    (*seg)->write_indexes(io).ignore_error();
    replacements_.push_back(std::move(*seg));
  }
  phase_ = Phase::kDone;
  return Status::ok();
}

Status finish_interrupted_swap(IoBackend& io, const std::filesystem::path& dir) {
  auto bytes = read_whole_file(io, dir / format::kSwapFile);
  if (bytes) {
    auto bases = decode_swap(*bytes);
    if (!bases) {
      // Written atomically, so only damage after the fact gets here: the .cleaned files may be
      // complete or not, and the old segments are the ones to trust.
      spdlog::error("{}: ignoring a damaged {}: {}", dir.string(), format::kSwapFile,
                    bases.error().to_string());
    } else {
      for (Offset base : *bases) {
        if (!io.open_file(cleaned_path(dir, base), /*create=*/false)) continue;  // done already
        spdlog::warn("{}: completing the compaction of segment {} cut short by a crash",
                     dir.string(), base.value());
        CAIRN_RETURN_IF_ERROR(replace_log(io, dir, base));
      }
      CAIRN_RETURN_IF_ERROR(io.sync_directory(dir));
    }
    CAIRN_RETURN_IF_ERROR(io.remove_file(dir / format::kSwapFile));
    CAIRN_RETURN_IF_ERROR(io.sync_directory(dir));
  } else if (!bytes.error().is_not_found()) {
    return bytes.error();
  }
  auto names = io.list_directory(dir);
  if (!names) return names.error();
  bool removed = false;
  for (const std::string& name : *names) {
    if (!name.ends_with(format::kCleanedSuffix)) continue;
    CAIRN_RETURN_IF_ERROR(io.remove_file(dir / name));
    removed = true;
  }
  return removed ? io.sync_directory(dir) : Status::ok();
}

Offset read_cleaner_checkpoint(IoBackend& io, const std::filesystem::path& dir) {
  return read_offset_checkpoint(io, dir, kCleanerCheckpoint).value_or(Offset(0));
}

Status write_cleaner_checkpoint(IoBackend& io, const std::filesystem::path& dir, Offset offset) {
  return write_offset_checkpoint(io, dir, kCleanerCheckpoint, offset);
}

}  // namespace cairn::storage
