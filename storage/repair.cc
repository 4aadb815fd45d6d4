#include "storage/repair.h"

#include "storage/format.h"
#include "storage/recovery.h"
#include "storage/segment.h"

namespace cairn::storage {

// Scanning a segment builds an in-memory index as it goes; repair never writes it (it deletes
// the index files of the segment it cuts and the next open rebuilds them at the topic's interval).
constexpr uint32_t kScanIndexInterval = 4096;

Result<RepairReport> repair_log(IoBackend& io, const std::filesystem::path& dir, bool apply) {
  auto listed = list_offset_files(io, dir, format::kLogSuffix);
  if (!listed) return listed.error();
  const std::vector<Offset>& bases = *listed;
  RepairReport report;
  int32_t epoch = -1;
  std::optional<Offset> expected;
  size_t cut_from = bases.size();  // segments from here on are removed
  for (size_t i = 0; i < bases.size() && cut_from == bases.size(); ++i) {
    auto segment = Segment::open(io, dir, bases[i], kScanIndexInterval);
    if (!segment) return segment.error();
    Segment& seg = **segment;
    auto size = seg.log()->size();
    if (!size) return size.error();
    if (expected && seg.base_offset() != *expected) {
      report = {true,
                seg.log_path().filename().string(),
                0,
                *expected,
                0,
                0,
                "segment starts at offset " + seg.base_offset().to_string() + ", expected " +
                    expected->to_string()};
      cut_from = i;
      break;
    }
    auto scan = seg.rebuild(epoch);
    if (!scan) return scan.error();
    report.kept_until = seg.next_offset();
    if (!scan->stop_reason.is_ok()) {
      report.damaged = true;
      report.segment = seg.log_path().filename().string();
      report.position = scan->valid_bytes;
      report.reason = scan->stop_reason.message();
      report.bytes_removed += *size - scan->valid_bytes;
      cut_from = i + 1;
      if (apply) {
        CAIRN_RETURN_IF_ERROR(seg.drop_invalid_tail(io));
        // Its index files described bytes that are gone; recovery rebuilds them.
        io.remove_file(seg.offset_index_path()).ignore_error();
        io.remove_file(seg.time_index_path()).ignore_error();
        io.remove_file(seg.txn_index_path()).ignore_error();
      }
      break;
    }
    if (!seg.empty()) epoch = seg.last_leader_epoch();
    expected = seg.next_offset();
  }
  for (size_t i = cut_from; i < bases.size(); ++i) {
    auto later = Segment::open(io, dir, bases[i], kScanIndexInterval);
    if (!later) return later.error();
    auto size = (*later)->log()->size();
    if (size) report.bytes_removed += *size;
    ++report.segments_removed;
    if (apply) CAIRN_RETURN_IF_ERROR((*later)->remove_files(io));
  }
  // Recovery trusts everything below the recovery point: after a cut, or when the point lies
  // past the end of the log, it would refuse the partition, so the point goes.
  if (auto point = read_recovery_point(io, dir)) report.recovery_point = point->offset;
  report.drops_recovery_point =
      report.recovery_point && (report.damaged || *report.recovery_point > report.kept_until);
  if (apply && report.drops_recovery_point) {
    CAIRN_RETURN_IF_ERROR(remove_file_if_exists(io, dir / format::kRecoveryPointFile));
    CAIRN_RETURN_IF_ERROR(io.sync_directory(dir));
  }
  return report;
}

}  // namespace cairn::storage
