#include "storage/recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include <xxhash.h>

#include "protocol/byte_io.h"
#include "protocol/wire_format.h"
#include "storage/batch_scanner.h"
#include "storage/format.h"

namespace cairn::storage {

namespace pb = protocol::batch;
using protocol::load_le;
using protocol::store_le;

Result<RecoveryPoint> decode_recovery_point(Bytes bytes) {
  bool v1 = bytes.size() == format::kRecoveryPointVersion1Size;
  if (!v1 && bytes.size() != format::kRecoveryPointSize) {
    return Status::corruption("recovery point has " + std::to_string(bytes.size()) + " bytes");
  }
  const std::byte* p = bytes.data();
  size_t checksum_at = bytes.size() - format::kChecksumSize;
  uint32_t version = v1 ? format::kRecoveryPointVersion1 : format::kRecoveryPointVersion;
  int64_t offset = load_le<int64_t>(p + format::kRecoveryPointOffsetAt);
  if (load_le<uint32_t>(p + format::kRecoveryPointMagicAt) != format::kRecoveryPointMagic ||
      load_le<uint32_t>(p + format::kRecoveryPointVersionAt) != version ||
      load_le<uint64_t>(p + checksum_at) != XXH3_64bits(p, checksum_at) || offset < 0) {
    return Status::corruption("recovery point is damaged (magic, version or checksum)");
  }
  RecoveryPoint point{Offset(offset), std::nullopt};
  if (!v1) point.synced_bytes = load_le<uint64_t>(p + format::kRecoveryPointSyncedBytesAt);
  return point;
}

std::optional<RecoveryPoint> read_recovery_point(IoBackend& io, const std::filesystem::path& dir) {
  auto bytes = read_whole_file(io, dir / format::kRecoveryPointFile);
  if (!bytes) return std::nullopt;
  auto point = decode_recovery_point(*bytes);
  if (!point) {
    spdlog::warn("{}: {}; scanning every segment", dir.string(), point.error().message());
    return std::nullopt;
  }
  return *point;
}

Status write_recovery_point(IoBackend& io, const std::filesystem::path& dir, Offset offset,
                            uint64_t synced_bytes) {
  std::byte buf[format::kRecoveryPointSize];
  constexpr size_t kChecksumAt = format::kRecoveryPointSize - format::kChecksumSize;
  store_le<uint32_t>(buf + format::kRecoveryPointMagicAt, format::kRecoveryPointMagic);
  store_le<uint32_t>(buf + format::kRecoveryPointVersionAt, format::kRecoveryPointVersion);
  store_le<int64_t>(buf + format::kRecoveryPointOffsetAt, offset.value());
  store_le<uint64_t>(buf + format::kRecoveryPointSyncedBytesAt, synced_bytes);
  store_le<uint64_t>(buf + kChecksumAt, XXH3_64bits(buf, kChecksumAt));
  return write_file_atomically(io, dir / format::kRecoveryPointFile, buf);
}

bool left_by_clean_close(const std::optional<RecoveryPoint>& point, const Segment& active) {
  return point && point->synced_bytes && point->offset == active.next_offset() &&
         *point->synced_bytes == active.size_bytes() &&
         (active.empty() || point->offset > active.base_offset());
}

Result<FilePosition> search_start_after(const File& file, FilePosition at, uint64_t end) {
  std::byte header[pb::kHeaderSize];
  if (end - at.value() >= pb::kHeaderSize) {
    auto n = file.read_at(at, header);
    if (!n) return n.error();
    auto decoded = *n == pb::kHeaderSize ? protocol::decode_batch_header(header)
                                         : Result<protocol::BatchHeader>(Status::corruption(""));
    if (decoded && decoded->batch_length >= pb::kHeaderSize &&
        protocol::header_checksum(header) == decoded->header_checksum) {
      return at + decoded->batch_length;
    }
  }
  return at + 1;
}

Result<std::optional<FilePosition>> find_valid_batch(const File& file, FilePosition from,
                                                     uint64_t end, Offset min_base_offset) {
  constexpr uint64_t kChunk = 1 << 20;
  std::vector<std::byte> buf;
  uint64_t pos = from.value();
  while (pos + pb::kHeaderSize <= end) {
    uint64_t want = std::min(kChunk + pb::kHeaderSize, end - pos);
    buf.resize(want);
    auto n = file.read_at(FilePosition(pos), buf);
    if (!n) return n.error();
    if (*n < pb::kHeaderSize) break;
    // Candidate starts are the positions whose header fits in what was read.
    uint64_t candidates = *n - pb::kHeaderSize + 1;
    for (uint64_t i = 0; i < candidates; ++i) {
      if (static_cast<uint8_t>(buf[i + pb::kMagicAt]) != pb::kMagic) continue;
      Bytes header(buf.data() + i, pb::kHeaderSize);
      auto checked = check_stored_header(header, end - (pos + i));
      if (!checked || checked->base_offset < min_base_offset) continue;
      std::vector<std::byte> whole(checked->batch_length);
      auto got = file.read_at(FilePosition(pos + i), whole);
      if (!got) return got.error();
      if (*got == whole.size() &&
          protocol::RecordBatchView::parse(whole, protocol::Verify::kStored)) {
        return std::optional<FilePosition>(FilePosition(pos + i));
      }
    }
    pos += candidates;
  }
  return std::optional<FilePosition>();
}

namespace {

struct Listing {
  std::vector<Offset> bases;
};

Result<Listing> list_segments(IoBackend& io, const std::filesystem::path& dir) {
  auto names = io.list_directory(dir);
  if (!names) return names.error();
  Listing out;
  std::vector<Offset> with_index;
  for (const std::string& name : *names) {
    if (name.ends_with(format::kTempSuffix)) {
      // An interrupted atomic write; the file it was replacing is intact.
      io.remove_file(dir / name).ignore_error();
    } else if (auto base = parse_segment_file_name(name, format::kLogSuffix)) {
      out.bases.push_back(*base);
    } else if (auto ib = parse_segment_file_name(name, format::kOffsetIndexSuffix)) {
      with_index.push_back(*ib);
    } else if (auto tb = parse_segment_file_name(name, format::kTimeIndexSuffix)) {
      with_index.push_back(*tb);
    } else if (auto xb = parse_segment_file_name(name, format::kTxnIndexSuffix)) {
      with_index.push_back(*xb);
    }
  }
  std::sort(out.bases.begin(), out.bases.end());
  for (Offset b : with_index) {
    if (!std::binary_search(out.bases.begin(), out.bases.end(), b)) {
      spdlog::warn("{}: removing index files of missing segment {}", dir.string(), b.value());
      io.remove_file(dir / segment_file_name(b, format::kOffsetIndexSuffix)).ignore_error();
      io.remove_file(dir / segment_file_name(b, format::kTimeIndexSuffix)).ignore_error();
      io.remove_file(dir / segment_file_name(b, format::kTxnIndexSuffix)).ignore_error();
    }
  }
  return out;
}

}  // namespace

Result<RecoveredLog> recover_log(IoBackend& io, const std::filesystem::path& dir,
                                 uint32_t index_interval) {
  auto listing = list_segments(io, dir);
  if (!listing) return listing.error();
  const std::vector<Offset>& bases = listing->bases;
  std::optional<RecoveryPoint> recovery_point = read_recovery_point(io, dir);
  Offset point = recovery_point ? recovery_point->offset : Offset(0);

  RecoveredLog log;
  log.recovery_point = recovery_point;
  log.report.segments = bases.size();
  int32_t epoch = -1;
  for (size_t i = 0; i < bases.size(); ++i) {
    auto segment = Segment::open(io, dir, bases[i], index_interval);
    if (!segment) return segment.error();
    Segment& seg = **segment;
    bool last = i + 1 == bases.size();
    // Sealed: every offset of the segment lies below the recovery point.
    std::optional<Offset> sealed_end;
    if (!last && bases[i + 1] <= point) sealed_end = bases[i + 1];
    // The last segment is synced up to the recovery point when it lies inside it (a clean close
    // wrote it); anything after it was appended later and is checked like an unsealed tail.
    std::optional<Offset> synced_until;
    if (last && point > bases[i]) synced_until = point;

    bool loaded = false;
    if (sealed_end || synced_until) {
      Status s = seg.load_indexes(io, sealed_end ? *sealed_end : *synced_until);
      if (s.is_ok()) {
        loaded = true;
      } else if (!s.is_corruption()) {
        return s;
      } else if (sealed_end) {
        spdlog::warn("{}: rebuilding the indexes of segment {}: {}", dir.string(), bases[i].value(),
                     s.message());
        ++log.report.indexes_rebuilt;
      } else {
        spdlog::info("{}: scanning the last segment {} ({})", dir.string(), bases[i].value(),
                     s.message());
      }
    }
    if (!loaded) {
      auto scan = seg.rebuild(epoch);
      if (!scan) return scan.error();
      ++log.report.segments_scanned;
      auto file_size = seg.log()->size();
      if (!file_size) return file_size.error();
      log.report.bytes_scanned += *file_size;
      if (sealed_end && (!scan->stop_reason.is_ok() || seg.next_offset() != *sealed_end)) {
        // The segment was synced whole before the recovery point passed it: nothing in it is
        // a torn write, so a bad or missing batch is corruption, whatever follows.
        return Status::corruption(
            "partition " + dir.string() + ": sealed segment " + seg.log_path().filename().string() +
            " ends at offset " + seg.next_offset().to_string() + " instead of " +
            sealed_end->to_string() +
            (scan->stop_reason.is_ok() ? "" : " (" + scan->stop_reason.message() + ")") +
            "; the log is left untouched for inspection (cairn log dump " + dir.string() +
            " --verify; cairn log repair cuts it back to the valid prefix)");
      }
      if (synced_until && seg.next_offset() < *synced_until) {
        return Status::corruption(
            "partition " + dir.string() + ": segment " + seg.log_path().filename().string() +
            " ends at offset " + seg.next_offset().to_string() + ", before its recovery point " +
            synced_until->to_string() +
            (scan->stop_reason.is_ok() ? "" : " (" + scan->stop_reason.message() + ")") +
            "; the log is left untouched for inspection (cairn log dump " + dir.string() +
            " --verify; cairn log repair cuts it back to the valid prefix)");
      }
      if (synced_until && seg.next_offset() > *synced_until) {
        spdlog::warn(
            "{}: segment {} continues past its recovery point {} to offset {}; the "
            "offsets after it were verified",
            dir.string(), bases[i].value(), synced_until->value(), seg.next_offset().value());
      }
      if (scan->zero_tail_bytes > 0 && last && recovery_point && recovery_point->synced_bytes &&
          bases[i] <= point && scan->valid_bytes < *recovery_point->synced_bytes) {
        // Preallocated zeros start at the log end, never below what was synced: these replaced
        // acknowledged batches (as a torn tail there would, which is cut with a warning too).
        spdlog::warn(
            "{}: segment {} holds zeros from byte {}, below the {} bytes recorded as "
            "synced: the batches acknowledged there are lost",
            dir.string(), bases[i].value(), scan->valid_bytes, *recovery_point->synced_bytes);
      }
      if (scan->zero_tail_bytes > 0 && !last) {
        // Zeros preallocated for appends, left by a crash before the roll's cut was synced:
        // the active segment keeps its zeros, a sealed one does not.
        spdlog::info("{}: cutting {} preallocated bytes off segment {}", dir.string(),
                     scan->zero_tail_bytes, bases[i].value());
        CAIRN_RETURN_IF_ERROR(seg.drop_invalid_tail(io));
      }
      if (!scan->stop_reason.is_ok()) {
        // A bad batch. If anything valid follows it, this is not a torn tail.
        bool later_data = false;
        for (size_t j = i + 1; j < bases.size() && !later_data; ++j) {
          auto later = Segment::open(io, dir, bases[j], index_interval);
          if (!later) return later.error();
          auto later_size = (*later)->log()->size();
          if (!later_size) return later_size.error();
          later_data = *later_size > 0;
        }
        auto from = search_start_after(*seg.log(), FilePosition(scan->valid_bytes), *file_size);
        if (!from) return from.error();
        auto valid_after = find_valid_batch(*seg.log(), *from, *file_size, seg.next_offset());
        if (!valid_after) return valid_after.error();
        // Past the last position known to be synced nothing was acknowledged as durable, and a
        // power loss may keep a later page of a write and lose an earlier one: valid batches
        // there do not make the damage corruption. (A recovery point that says nothing of this
        // segment, or a version 1 one, gives no such position.)
        std::optional<uint64_t> synced;
        if (last && recovery_point && recovery_point->synced_bytes) {
          synced = bases[i] > point ? 0 : *recovery_point->synced_bytes;
        }
        bool unsynced = synced && scan->valid_bytes >= *synced;
        if (later_data || (valid_after->has_value() && !unsynced)) {
          return Status::corruption(
              "partition " + dir.string() + ": bad batch at byte " +
              std::to_string(scan->valid_bytes) + " of segment " +
              seg.log_path().filename().string() + " (where offset " +
              seg.next_offset().to_string() + " should start: " + scan->stop_reason.message() +
              ") with valid data after it; the log is left untouched for inspection "
              "(cairn log dump " +
              dir.string() + " --verify; cairn log repair cuts it back to the valid prefix)");
        }
        uint64_t dropped = *file_size - scan->valid_bytes;
        spdlog::warn("{}: dropping a torn tail of {} bytes at byte {} of {} ({}{})", dir.string(),
                     dropped, scan->valid_bytes, seg.log_path().filename().string(),
                     scan->stop_reason.message(),
                     valid_after->has_value()
                         ? "; whole batches after it were past the last synced byte " +
                               std::to_string(*synced) + ", never acknowledged as durable"
                         : "");
        CAIRN_RETURN_IF_ERROR(seg.drop_invalid_tail(io));
        log.report.bytes_truncated += dropped;
      }
    }
    if (!log.segments.empty()) {
      const Segment& prev = *log.segments.back();
      if (seg.base_offset() != prev.next_offset()) {
        if (seg.empty() && last) {
          // A segment rolled just before a crash that cut the previous one's unsynced tail.
          spdlog::warn("{}: removing empty segment {} after a tail cut at offset {}", dir.string(),
                       seg.base_offset().value(), prev.next_offset().value());
          CAIRN_RETURN_IF_ERROR(seg.remove_files(io));
          CAIRN_RETURN_IF_ERROR(io.sync_directory(dir));
          break;
        }
        return Status::corruption("partition " + dir.string() + ": segment " +
                                  seg.log_path().filename().string() + " starts at offset " +
                                  seg.base_offset().to_string() + " but the one before ends at " +
                                  prev.next_offset().to_string());
      }
    }
    if (!loaded && !last) {
      // A sealed segment from now on: the recovery point will say so, so make it true. Its
      // index files are only a shortcut (recovery checks them and rebuilds them when they are
      // missing), so failing to write them, say on a full disk, leaves the partition online.
      Status s = io.sync_file(*seg.log());
      if (!s.is_ok()) return s.with_context("sealing recovered segment " + seg.log_path().string());
      if (Status w = seg.write_indexes(io); !w.is_ok()) {
        spdlog::warn(
            "{}: could not write the indexes of segment {} (rebuilt at the next start): {}",
            dir.string(), bases[i].value(), w.to_string());
      }
    }
    if (!seg.empty()) epoch = seg.last_leader_epoch();
    log.segments.push_back(std::move(*segment));
  }
  return log;
}

}  // namespace cairn::storage
