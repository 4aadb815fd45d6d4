#include "tools/cairn/log_command.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "protocol/control_record.h"
#include "protocol/wire_format.h"
#include "storage/io/posix_backend.h"
#include "storage/log_inspector.h"
#include "storage/repair.h"
#include "tools/cairn/exit_codes.h"
#include "tools/cairn/text.h"

namespace cairn::tools {

namespace {

class DumpPrinter final : public storage::LogVisitor {
 public:
  DumpPrinter(bool quiet, bool records) : quiet_(quiet), records_(records) {}

  void on_segment(const std::filesystem::path& log, Offset base, uint64_t size) override {
    fmt::print("segment {} base offset {} size {} bytes\n", log.filename().string(), base.value(),
               size);
  }

  void on_batch(storage::FilePosition position, const protocol::BatchHeader& h,
                storage::Bytes bytes, const Status& status) override {
    if (quiet_ && status.is_ok()) return;
    auto view = protocol::RecordBatchView::parse(bytes, protocol::Verify::kStored);
    std::optional<protocol::BatchRecords> plain;
    if (view) {
      if (auto opened = protocol::BatchRecords::open(*view)) plain = std::move(*opened);
    }
    // Codec and sizes: "codec zstd 812/2951 bytes" (stored/decompressed records).
    std::string codec;
    if (h.compression() != protocol::Compression::kNone) {
      codec = fmt::format(" codec {} {}/{} bytes", protocol::compression_name(h.compression()),
                          h.batch_length - protocol::batch::kHeaderSize,
                          plain ? std::to_string(plain->bytes().size()) : "?");
    }
    // A compacted batch holds fewer records than its offset range.
    int64_t gaps = int64_t{h.last_offset_delta} + 1 - h.record_count;
    std::string gap_text =
        gaps > 0 ? fmt::format(" compacted ({} offsets without a record)", gaps) : "";
    // A control batch's marker: "control COMMIT coordinator epoch 3".
    std::string control;
    if (h.is_control()) {
      auto marker = view ? protocol::read_control_batch(*view)
                         : Result<protocol::ControlRecord>(view.error());
      control =
          marker ? fmt::format(" control {} coordinator epoch {}",
                               marker->result == protocol::TxnResult::kCommit ? "COMMIT" : "ABORT",
                               marker->coordinator_epoch)
                 : " control (marker does not decode: " + marker.error().message() + ")";
    }
    fmt::print(
        "  batch offsets {}..{} position {} length {} records {}{}{} epoch {} first {} max {} "
        "producer {}/{} seq {}{}{} checksum ok{}\n",
        h.base_offset.value(), h.last_offset().value(), position.value(), h.batch_length,
        h.record_count, gap_text, codec, h.leader_epoch, format_timestamp(h.first_timestamp),
        format_timestamp(h.max_timestamp), h.producer_id, h.producer_epoch, h.base_sequence,
        h.is_transactional() ? " transactional" : "", control,
        status.is_ok() ? "" : ", INVALID: " + status.message());
    if (!records_ || !status.is_ok() || !plain || h.is_control()) return;
    protocol::RecordReader reader = plain->reader();
    protocol::RecordView r;
    while (reader.next(r)) {
      fmt::print("    offset {} timestamp {} key {} value {}", r.offset.value(),
                 format_timestamp(to_millis(r.timestamp)), quote(r.key), quote(r.value));
      for (const auto& hv : r.headers()) {
        fmt::print(" header {}={}", quote(protocol::as_bytes(hv.key)), quote(hv.value));
      }
      fmt::print("\n");
    }
  }

  void on_corruption(storage::FilePosition at, const Status& why,
                     std::optional<storage::FilePosition> resumes_at) override {
    std::string why_text = why.message();
    std::string position = fmt::format("at byte {}: ", at.value());
    if (why_text.starts_with(position)) why_text.erase(0, position.size());  // said once is enough
    if (resumes_at) {
      fmt::print("  CORRUPT at byte {}: {}; next valid batch at byte {} ({} bytes skipped)\n",
                 at.value(), why_text, resumes_at->value(), resumes_at->value() - at.value());
    } else {
      fmt::print("  CORRUPT at byte {}: {}; no valid batch after it\n", at.value(), why_text);
    }
  }

  void on_index(const std::filesystem::path& file, size_t entries, const Status& status) override {
    if (quiet_ && status.is_ok()) return;
    fmt::print("  index {}: {} entries, {}\n", file.filename().string(), entries,
               status.is_ok() ? "ok" : status.message() + " (recovery rebuilds it)");
  }

  void on_unsealed_indexes(const std::filesystem::path&) override {
    if (quiet_) return;
    fmt::print(
        "  index files: not checked (this segment is not sealed yet; recovery rebuilds "
        "its indexes from the log)\n");
  }

  void on_recovery_point(const std::optional<storage::RecoveryPoint>& point,
                         const Status& status) override {
    if (quiet_ && status.is_ok()) return;
    std::string what = "none (the next start scans every segment)";
    if (point) {
      what = fmt::format("offset {}", point->offset.value());
      if (point->synced_bytes) what += fmt::format(", {} bytes synced", *point->synced_bytes);
    }
    fmt::print("recovery point: {}{}\n", status.is_ok() ? what : (point ? what + ": " : ""),
               status.is_ok() ? "" : "PROBLEM: " + status.message());
  }

  void on_cleaner(Offset checkpoint, size_t gapped, size_t empty, bool swap_pending) override {
    if (quiet_ && !swap_pending) return;
    if (checkpoint.value() == 0 && gapped == 0 && !swap_pending) return;  // never compacted
    fmt::print("compaction: cleaned below offset {}; {} batches with offset gaps ({} empty){}\n",
               checkpoint.value(), gapped, empty,
               swap_pending ? "; a swap was cut short (the next open finishes or undoes it)" : "");
  }

  void on_snapshot(const std::filesystem::path& file, Offset offset, size_t producers,
                   const Status& status) override {
    if (quiet_ && status.is_ok()) return;
    if (status.is_ok()) {
      fmt::print("producer snapshot {}: offset {}, {} producer{}\n", file.filename().string(),
                 offset.value(), producers, producers == 1 ? "" : "s");
    } else {
      fmt::print("producer snapshot {}: PROBLEM: {}\n", file.filename().string(), status.message());
    }
  }

 private:
  bool quiet_;
  bool records_;
};

struct DumpOptions {
  std::string path;
  bool verify = false;
  bool records = false;
};

int run_dump(const DumpOptions& opts) {
  boost::asio::io_context ctx;
  storage::PosixBackend io(ctx);
  DumpPrinter printer(opts.verify, opts.records);
  auto summary = storage::inspect_log(io, opts.path, printer);
  if (!summary) {
    fmt::print(stderr, "cairn: {}\n", summary.error().to_string());
    return summary.error().is_not_found() ? kExitNotFound : kExitError;
  }
  fmt::print(
      "{} segments, {} batches, {} records, offsets {}..{}, {} corrupt, {} index problems, "
      "{} other problems\n",
      summary->segments, summary->batches, summary->records,
      summary->first_offset ? std::to_string(summary->first_offset->value()) : "-",
      summary->next_offset ? std::to_string(summary->next_offset->value() - 1) : "-",
      summary->corruptions, summary->index_problems, summary->metadata_problems);
  if (opts.verify && summary->corruptions > 0) return kExitCorrupt;
  return kExitOk;
}

struct RepairOptions {
  std::string path;
  bool yes = false;
};

// A partition directory lives at DATA_DIR/topics/TOPIC/PARTITION; cairnd holds an exclusive
// flock on DATA_DIR/.lock while it runs. Repairing under a live broker would race its writes, so
// the repair takes that lock itself and holds it until done (a cairnd started meanwhile refuses
// to run). Returns the lock's descriptor, -1 when PATH is not inside a data directory.
Result<int> lock_data_dir(const std::filesystem::path& partition_dir) {
  auto data_dir = std::filesystem::absolute(partition_dir).lexically_normal();
  if (!data_dir.has_filename()) data_dir = data_dir.parent_path();
  data_dir = data_dir.parent_path().parent_path().parent_path();
  auto lock = data_dir / ".lock";
  int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;  // not inside a data directory: nothing to race with
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::unavailable(data_dir.string() +
                               " is in use by a running cairnd; stop it before repairing");
  }
  return fd;
}

int run_repair(const RepairOptions& opts) {
  auto lock = lock_data_dir(opts.path);
  if (!lock) {
    fmt::print(stderr, "cairn: {}\n", lock.error().message());
    return kExitError;
  }
  boost::asio::io_context ctx;
  storage::PosixBackend io(ctx);
  auto report = storage::repair_log(io, opts.path, opts.yes);
  if (*lock >= 0) ::close(*lock);  // releases the lock
  if (!report) {
    fmt::print(stderr, "cairn: {}\n", report.error().to_string());
    return report.error().is_not_found() ? kExitNotFound : kExitError;
  }
  if (!report->damaged && report->segments_removed == 0 && !report->drops_recovery_point) {
    fmt::print("no damage found; nothing to repair\n");
    return kExitOk;
  }
  if (report->damaged || report->segments_removed > 0) {
    fmt::print("damage in segment {}: {}\n", report->segment, report->reason);
    fmt::print("{} the log at offset {}: {} bytes and {} later segments {}\n",
               opts.yes ? "cut" : "would cut", report->kept_until.value(), report->bytes_removed,
               report->segments_removed, opts.yes ? "removed" : "to remove");
  } else {
    fmt::print(
        "every batch is whole, but the recovery point (offset {}) lies past the end of the "
        "log (offset {}), so the broker refuses the partition\n",
        report->recovery_point->value(), report->kept_until.value());
  }
  if (report->drops_recovery_point) {
    fmt::print("{} the recovery point: the next start verifies every segment\n",
               opts.yes ? "removed" : "would remove");
  }
  if (!opts.yes) {
    fmt::print(
        "nothing changed; run again with --yes to apply{}\n",
        report->damaged || report->segments_removed > 0 ? " (the removed records are lost)" : "");
    return kExitCorrupt;
  }
  return kExitOk;
}

}  // namespace

void add_log_command(CLI::App& app, int& exit_code) {
  auto* log = app.add_subcommand("log", "Look inside a partition's files");
  log->require_subcommand(1);
  auto opts = std::make_shared<DumpOptions>();
  auto* dump = log->add_subcommand(
      "dump", "Print the segments, indexes and batches of a partition directory or .log file");
  dump->add_option("path", opts->path, "Partition directory or segment .log file")->required();
  dump->add_flag("--verify", opts->verify,
                 "Print only problems and exit with code 5 if any batch is corrupt");
  dump->add_flag("--records", opts->records, "Print every record too");
  dump->callback([opts, &exit_code] { exit_code = run_dump(*opts); });

  auto repair_opts = std::make_shared<RepairOptions>();
  auto* repair = log->add_subcommand(
      "repair",
      "Bring back a partition left offline by corruption: keep the valid prefix, cut the rest "
      "(broker must be stopped)");
  repair->add_option("path", repair_opts->path, "Partition directory")->required();
  repair->add_flag("--yes", repair_opts->yes,
                   "Apply the cut; without it, only report what would be removed");
  repair->callback([repair_opts, &exit_code] { exit_code = run_repair(*repair_opts); });
}

}  // namespace cairn::tools
