// Compaction: which records a pass keeps, the crash-safe swap of cleaned segments, and readers
// during a pass (FORMAT.md, "Compaction").
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "protocol/record_batch_builder.h"
#include "protocol/wire_format.h"
#include "storage/compaction.h"
#include "storage/compaction_job.h"
#include "storage/format.h"
#include "storage/log_cleaner.h"
#include "storage/log_inspector.h"
#include "storage/partition_log.h"
#include "tests/support/fault_backend.h"
#include "tests/support/test_util.h"

namespace cairn::storage {
namespace {

using testing::FaultBackend;
using testing::run_until;

constexpr int64_t kStartMs = 1'700'000'000'000;

struct KeyedRecord {
  std::string key;
  std::optional<std::string> value;  // nullopt: a tombstone
};

std::vector<std::byte> keyed_batch(const std::vector<KeyedRecord>& records, int64_t ts_ms,
                                   protocol::Compression codec = protocol::Compression::kNone) {
  protocol::RecordBatchBuilder builder({.compression = codec});
  for (const auto& r : records) {
    std::optional<Bytes> value;
    if (r.value) value = protocol::as_bytes(*r.value);
    builder.append(timestamp_from_millis(ts_ms), protocol::as_bytes(r.key), value);
  }
  return builder.seal();
}

struct Read {
  Offset offset;
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const Read&, const Read&) = default;
  friend void PrintTo(const Read& r, std::ostream* os) {
    *os << r.offset.value() << ":" << r.key << "=" << r.value.value_or("<null>");
  }
};

// A manual clock the partition reads through its config.
struct ManualClock {
  std::shared_ptr<Timestamp> now = std::make_shared<Timestamp>(timestamp_from_millis(kStartMs));
  Clock clock() const {
    return [now = now] { return *now; };
  }
  void advance(std::chrono::milliseconds d) { *now += d; }
};

// An IoBackend that passes everything to a FaultBackend until its `crash_at`-th changing
// operation, where it crashes the FaultBackend (a power loss) and fails from then on.
class CrashingBackend final : public IoBackend {
 public:
  explicit CrashingBackend(FaultBackend& inner) : inner_(inner) {}
  void arm(int crash_at) { crash_at_ = crash_at, ops_ = 0; }
  bool crashed() const { return crashed_; }
  int ops() const { return ops_; }

  std::string_view name() const override { return "crashing"; }
  boost::asio::io_context& context() override { return inner_.context(); }
  Result<std::shared_ptr<File>> open_file(const std::filesystem::path& path,
                                          bool create) override {
    if (create) CAIRN_RETURN_IF_ERROR(tick());
    if (crashed_) return gone();
    return inner_.open_file(path, create);
  }
  Status write_at(File& f, FilePosition pos, Bytes data) override {
    CAIRN_RETURN_IF_ERROR(tick());
    return inner_.write_at(f, pos, data);
  }
  Status truncate(File& f, uint64_t size) override {
    CAIRN_RETURN_IF_ERROR(tick());
    return inner_.truncate(f, size);
  }
  Status sync_file(File& f) override {
    CAIRN_RETURN_IF_ERROR(tick());
    return inner_.sync_file(f);
  }
  Status create_directory(const std::filesystem::path& p) override {
    CAIRN_RETURN_IF_ERROR(tick());
    return inner_.create_directory(p);
  }
  Status sync_directory(const std::filesystem::path& p) override {
    CAIRN_RETURN_IF_ERROR(tick());
    return inner_.sync_directory(p);
  }
  Status remove_file(const std::filesystem::path& p) override {
    CAIRN_RETURN_IF_ERROR(tick());
    return inner_.remove_file(p);
  }
  Status rename_file(const std::filesystem::path& from, const std::filesystem::path& to) override {
    CAIRN_RETURN_IF_ERROR(tick());
    return inner_.rename_file(from, to);
  }
  Status remove_directory(const std::filesystem::path& p) override {
    CAIRN_RETURN_IF_ERROR(tick());
    return inner_.remove_directory(p);
  }
  Result<std::vector<std::string>> list_directory(const std::filesystem::path& p) override {
    if (crashed_) return gone();
    return inner_.list_directory(p);
  }
  void async_write(File& f, FilePosition pos, std::vector<Bytes> buffers, bool datasync,
                   WriteCompletion done) override {
    if (Status s = tick(); !s.is_ok()) {
      return done(WriteOutcome{s, Status::ok()});
    }
    inner_.async_write(f, pos, std::move(buffers), datasync, std::move(done));
  }
  void async_sync(File& f, SyncCompletion done) override {
    if (Status s = tick(); !s.is_ok()) return done(s);
    inner_.async_sync(f, std::move(done));
  }
  void async_run(std::function<Status()> work, SyncCompletion done) override {
    inner_.async_run(std::move(work), std::move(done));
  }

 private:
  static Status gone() { return Status::io_error("the machine crashed"); }
  Status tick() {
    if (crashed_) return gone();
    if (crash_at_ > 0 && ++ops_ == crash_at_) {
      inner_.crash();
      crashed_ = true;
      return gone();
    }
    return Status::ok();
  }

  FaultBackend& inner_;
  int crash_at_ = 0;
  int ops_ = 0;
  bool crashed_ = false;
};

class CompactionTest : public ::testing::Test {
 protected:
  CompactionTest() {
    EXPECT_TRUE(fault_.create_directory("/data").is_ok());
    EXPECT_TRUE(fault_.sync_directory("/").is_ok());
  }

  PartitionConfig config(uint64_t segment_bytes = 16 * 1024) {
    PartitionConfig c;
    c.segment_bytes = segment_bytes;
    c.index_interval_bytes = 1024;
    c.cleanup = CleanupPolicy{true, false};
    c.compaction.delete_retention = std::chrono::hours(1);
    c.clock = clock_.clock();
    return c;
  }

  std::unique_ptr<PartitionLog> open(IoBackend& io, const PartitionConfig& c) {
    auto log = PartitionLog::open(io, dir_, c);
    EXPECT_TRUE(log) << log.error().to_string();
    return log ? std::move(*log) : nullptr;
  }

  void append(PartitionLog& log, std::vector<std::byte> batch) {
    auto owned = std::make_shared<std::vector<std::byte>>(std::move(batch));
    std::optional<Result<AppendResult>> result;
    log.append(*owned, [&result, owned](Result<AppendResult> r) { result = std::move(r); });
    ASSERT_TRUE(run_until(ctx_, [&] { return result.has_value(); }));
    ASSERT_TRUE(*result) << result->error().to_string();
  }

  Status flush(PartitionLog& log) {
    std::optional<Status> status;
    log.flush([&status](Status s) { status = s; });
    EXPECT_TRUE(run_until(ctx_, [&] { return status.has_value(); }));
    return status.value_or(Status::timed_out("flush"));
  }

  // Runs slices until the pass finishes; the error of the first failed slice otherwise.
  Result<CompactionStats> compact(PartitionLog& log, uint64_t budget = 8 * 1024,
                                  const std::function<void()>& between = {}) {
    for (int i = 0; i < 100000; ++i) {
      std::optional<Result<PartitionLog::CompactionProgress>> progress;
      log.compact_slice(budget, [&progress](auto r) { progress = std::move(r); });
      if (!run_until(ctx_, [&] { return progress.has_value(); })) {
        return Status::timed_out("slice");
      }
      if (!*progress) return progress->error();
      if ((*progress)->pass_finished) return (*progress)->stats;
      if (between) between();
    }
    return Status::timed_out("pass");
  }

  static std::vector<Read> read_batches(Bytes bytes, Offset from, std::vector<Read>& out) {
    protocol::BatchIterator batches(bytes, protocol::Verify::kStored);
    while (auto view = batches.next()) {
      EXPECT_TRUE(view->validate_records().is_ok());
      auto records = protocol::BatchRecords::open(*view);
      EXPECT_TRUE(records);
      if (!records) break;
      auto reader = records->reader();
      protocol::RecordView rec;
      while (reader.next(rec)) {
        if (rec.offset < from) continue;
        Read r{rec.offset, std::string(protocol::as_string_view(*rec.key)), std::nullopt};
        if (rec.value) r.value = std::string(protocol::as_string_view(*rec.value));
        out.push_back(std::move(r));
      }
      EXPECT_TRUE(reader.status().is_ok()) << reader.status().to_string();
    }
    EXPECT_TRUE(batches.status().is_ok()) << batches.status().to_string();
    return out;
  }

  static std::vector<std::byte> bytes_of(const LogSlice& slice) {
    std::vector<std::byte> out(slice.size_bytes);
    auto n = slice.file->read_at(slice.position, out);
    EXPECT_TRUE(n && *n == out.size());
    return out;
  }

  std::vector<Read> read_all(const PartitionLog& log) {
    std::vector<Read> out;
    Offset next = log.log_start_offset();
    while (next < log.high_watermark()) {
      auto slice = log.read(next, 16 * 1024);
      EXPECT_TRUE(slice) << slice.error().to_string();
      if (!slice) break;
      read_batches(bytes_of(*slice), next, out);
      next = slice->next_offset;
    }
    return out;
  }

  // The newest value of every key in `records`, in the order of their offsets, tombstones
  // included.
  static std::vector<Read> latest(const std::vector<Read>& records) {
    std::map<std::string, Read> by_key;
    for (const auto& r : records) by_key[r.key] = r;
    std::map<Offset, Read> by_offset;
    for (auto& [k, r] : by_key) by_offset.emplace(r.offset, r);
    std::vector<Read> out;
    for (auto& [o, r] : by_offset) out.push_back(r);
    return out;
  }

  // Appends `versions` rounds over `keys` keys, 100 records a batch, then tombstones for the
  // first `tombstones` keys, then filler records (key "filler") until the segment holding the
  // tombstones is sealed.
  void fill(PartitionLog& log, int keys, int versions, int tombstones,
            protocol::Compression codec = protocol::Compression::kNone) {
    std::vector<KeyedRecord> batch;
    auto flush_batch = [&] {
      if (batch.empty()) return;
      append(log, keyed_batch(batch, kStartMs - 10'000, codec));
      batch.clear();
    };
    for (int v = 0; v < versions; ++v) {
      for (int k = 0; k < keys; ++k) {
        batch.push_back({"key-" + std::to_string(k),
                         "value-" + std::to_string(k) + "-v" + std::to_string(v)});
        if (batch.size() == 100) flush_batch();
      }
    }
    for (int k = 0; k < tombstones; ++k) {
      batch.push_back({"key-" + std::to_string(k), std::nullopt});
      if (batch.size() == 100) flush_batch();
    }
    flush_batch();
    // Every append so far lies below the segment the next roll starts.
    size_t segments = log.segment_count();
    while (log.segment_count() == segments) {
      append(log, keyed_batch({{"filler", std::string(200, 'f')}}, kStartMs - 5'000, codec));
    }
    ASSERT_TRUE(flush(log).is_ok());
    ASSERT_TRUE(run_until(ctx_, [&] { return log.idle(); }));
  }

  static std::vector<Read> without_filler(std::vector<Read> records) {
    std::erase_if(records, [](const Read& r) { return r.key == "filler"; });
    return records;
  }

  boost::asio::io_context ctx_;
  FaultBackend fault_{ctx_};
  std::filesystem::path dir_ = "/data/t-0";
  ManualClock clock_;
};

TEST_F(CompactionTest, AFullReadAfterCompactionReturnsTheLatestValueOfEveryLiveKeyInOffsetOrder) {
  auto log = open(fault_, config(64 * 1024));
  fill(*log, 1000, 100, 100);
  auto before = without_filler(read_all(*log));
  ASSERT_EQ(before.size(), 100'100u);
  double dirty_before = log->dirty_ratio();
  EXPECT_EQ(dirty_before, 1.0);
  EXPECT_TRUE(log->wants_compaction());

  auto stats = compact(*log, 64 * 1024);
  ASSERT_TRUE(stats) << stats.error().to_string();
  EXPECT_GT(stats->records_dropped, 98'000u);
  EXPECT_LT(stats->bytes_after * 10, stats->bytes_before);
  EXPECT_EQ(log->dirty_ratio(), 0.0);
  EXPECT_FALSE(log->wants_compaction());

  // Within delete.retention.ms the tombstones stay, so consumers see the deletions.
  auto after = without_filler(read_all(*log));
  EXPECT_EQ(after, latest(before));
  EXPECT_EQ(after.size(), 1000u);

  // Past it, they go too: exactly the 900 live keys, each with its last value.
  clock_.advance(std::chrono::hours(2));
  ASSERT_TRUE(compact(*log, 64 * 1024));
  auto final_read = without_filler(read_all(*log));
  ASSERT_EQ(final_read.size(), 900u);
  for (size_t i = 0; i < final_read.size(); ++i) {
    int k = static_cast<int>(i) + 100;
    EXPECT_EQ(final_read[i].key, "key-" + std::to_string(k));
    EXPECT_EQ(final_read[i].value, "value-" + std::to_string(k) + "-v99");
    if (i > 0) EXPECT_LT(final_read[i - 1].offset, final_read[i].offset);
  }
  // The offsets and the log end are those of before: compaction leaves gaps, never renumbers.
  EXPECT_EQ(final_read.back().offset, before.back().offset - 100);

  // And all of it survives a restart.
  ASSERT_TRUE(flush(*log).is_ok());
  log->begin_close();
  ASSERT_TRUE(run_until(ctx_, [&] { return log->idle(); }));
  ASSERT_TRUE(log->close().is_ok());
  log.reset();
  auto reopened = open(fault_, config(64 * 1024));
  EXPECT_EQ(without_filler(read_all(*reopened)), final_read);
  EXPECT_GT(reopened->cleaner_checkpoint(), final_read.back().offset);
}

// A power loss at every step of a pass (each write, sync, rename and delete, the swap's included)
// leaves, after the next open, either the log as it was or the log as compacted: never a mix, and
// never a record lost.
TEST_F(CompactionTest, ACrashAtAnyStepOfAPassLeavesTheOldLogOrTheCompactedOneWhole) {
  bool finished = false;
  int saw_old = 0, saw_compacted = 0;
  for (int crash_at = 1; !finished && crash_at < 3000; ++crash_at) {
    SCOPED_TRACE("crash at operation " + std::to_string(crash_at));
    dir_ = "/data/crash-" + std::to_string(crash_at);
    CrashingBackend crashing(fault_);
    auto log = open(crashing, config(2048));
    fill(*log, 40, 10, 5);
    auto before = without_filler(read_all(*log));
    auto compacted = latest(before);

    crashing.arm(crash_at);
    auto stats = compact(*log, 1024);
    if (!crashing.crashed()) {
      ASSERT_TRUE(stats) << stats.error().to_string();
      finished = true;
      EXPECT_EQ(without_filler(read_all(*log)), compacted);
      continue;
    }
    // Past its commit point a pass may report success though the machine went down under its
    // last steps (index files, which recovery rebuilds).
    log.reset();
    ctx_.poll();

    auto reopened = open(fault_, config(2048));
    ASSERT_TRUE(reopened);
    auto after = without_filler(read_all(*reopened));
    EXPECT_TRUE(after == before || after == compacted)
        << "neither the old log nor the compacted one: " << after.size() << " records";
    (after == before ? saw_old : saw_compacted) += 1;
    auto names = fault_.list_directory(dir_);
    ASSERT_TRUE(names);
    for (const auto& name : *names) {
      EXPECT_FALSE(name.ends_with(format::kCleanedSuffix)) << name;
      EXPECT_NE(name, format::kSwapFile);
    }
    // And the next pass completes.
    ASSERT_TRUE(compact(*reopened, 1024));
    EXPECT_EQ(without_filler(read_all(*reopened)), compacted);
  }
  EXPECT_TRUE(finished);
  EXPECT_GT(saw_old, 0);
  EXPECT_GT(saw_compacted, 0) << "no crash fell after the commit point";
}

// A consumer that reads slice by slice while a pass runs (and swaps segments under it) reads
// each offset at most once, in order, only records that were written, and ends with the newest
// value of every key.
TEST_F(CompactionTest, AConsumerReadingWhileThePassRunsSeesAConsistentLog) {
  auto log = open(fault_, config(4096));
  fill(*log, 200, 10, 0);
  auto before = without_filler(read_all(*log));
  std::map<Offset, Read> written;
  for (const auto& r : before) written.emplace(r.offset, r);

  // A slice taken before the pass still reads as it was after the swap.
  auto early = log->read(log->log_start_offset(), 2048);
  ASSERT_TRUE(early);
  auto early_bytes = bytes_of(*early);

  std::vector<Read> seen;
  Offset next = log->log_start_offset();
  auto read_one_slice = [&] {
    if (next >= log->high_watermark()) return;
    auto slice = log->read(next, 512);
    ASSERT_TRUE(slice) << slice.error().to_string();
    read_batches(bytes_of(*slice), next, seen);
    next = slice->next_offset;
  };
  ASSERT_TRUE(compact(*log, 512, read_one_slice));
  while (next < log->high_watermark()) read_one_slice();

  for (size_t i = 0; i < seen.size(); ++i) {
    if (i > 0) ASSERT_LT(seen[i - 1].offset, seen[i].offset);
    if (seen[i].key == "filler") continue;
    auto it = written.find(seen[i].offset);
    ASSERT_NE(it, written.end());
    EXPECT_EQ(it->second, seen[i]);
  }
  std::map<std::string, std::optional<std::string>> last;
  for (const auto& r : without_filler(seen)) last[r.key] = r.value;
  ASSERT_EQ(last.size(), 200u);
  for (int k = 0; k < 200; ++k) {
    EXPECT_EQ(last["key-" + std::to_string(k)], "value-" + std::to_string(k) + "-v9");
  }
  EXPECT_EQ(bytes_of(*early), early_bytes);
  std::vector<Read> old_records;
  read_batches(early_bytes, Offset(0), old_records);
  EXPECT_FALSE(old_records.empty());
}

TEST_F(CompactionTest, CompressedBatchesStayCompressedWithTheirCodec) {
  auto log = open(fault_, config(8192));
  fill(*log, 300, 5, 0, protocol::Compression::kZstd);
  auto before = without_filler(read_all(*log));
  ASSERT_TRUE(compact(*log));
  EXPECT_EQ(without_filler(read_all(*log)), latest(before));
  auto slice = log->read(log->log_start_offset(), 1 << 20);
  ASSERT_TRUE(slice);
  auto bytes = bytes_of(*slice);
  protocol::BatchIterator batches(bytes, protocol::Verify::kStored);
  int compressed = 0, empty = 0;
  while (auto view = batches.next()) {
    if (view->header().record_count == 0) {
      ++empty;
      EXPECT_EQ(view->header().compression(), protocol::Compression::kNone);
    } else {
      ++compressed;
      EXPECT_EQ(view->header().compression(), protocol::Compression::kZstd);
    }
  }
  EXPECT_GT(compressed, 0);
  EXPECT_GT(empty, 0) << "batches whose records are all superseded keep their header";
}

TEST_F(CompactionTest, ADeletePolicyTopicIsNotCompactedAndACompactOnlyOneKeepsItsSegments) {
  auto c = config(2048);
  c.cleanup = CleanupPolicy{false, true};
  auto log = open(fault_, c);
  fill(*log, 40, 10, 0);
  EXPECT_FALSE(log->wants_compaction());
  log.reset();
  ctx_.poll();

  dir_ = "/data/compact-only";
  c.cleanup = CleanupPolicy{true, false};
  c.retention_bytes = 1;
  log = open(fault_, c);
  fill(*log, 40, 10, 0);
  size_t segments = log->segment_count();
  auto deleted = log->enforce_retention();
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 0u);
  EXPECT_EQ(log->segment_count(), segments);
}

TEST_F(CompactionTest, TheCleanerCompactsTheDirtiestPartitionsAndReadsNoFasterThanItsRate) {
  auto first = open(fault_, config(4096));
  fill(*first, 100, 10, 0);
  dir_ = "/data/t-1";
  auto second = open(fault_, config(4096));
  fill(*second, 100, 5, 0);
  dir_ = "/data/t-2";
  auto clean = open(fault_, config(4096));  // nothing sealed: nothing to do

  LogCleaner cleaner(ctx_, {.bytes_per_sec = 2u << 20, .slice_bytes = 16 * 1024},
                     [&] { return std::vector<PartitionLog*>{first.get(), second.get(),
                                                             clean.get()}; });
  auto started = std::chrono::steady_clock::now();
  cleaner.start();
  ASSERT_TRUE(run_until(ctx_, [&] {
    return cleaner.passes_finished() == 2 && !first->wants_compaction() &&
           !second->wants_compaction();
  }));
  auto elapsed = std::chrono::steady_clock::now() - started;
  cleaner.stop();
  EXPECT_EQ(first->dirty_ratio(), 0.0);
  EXPECT_EQ(second->dirty_ratio(), 0.0);
  // Each slice waits for what it read at 2 MiB/s before the next: all but the last wait.
  EXPECT_GE(elapsed, std::chrono::nanoseconds((cleaner.bytes_read() - 2 * 16 * 1024) * 1'000'000'000ull /
                                              (2u << 20)));
  EXPECT_EQ(without_filler(read_all(*first)).size(), 100u);
}

class CleanerVisitor final : public LogVisitor {
 public:
  void on_segment(const std::filesystem::path&, Offset, uint64_t) override {}
  void on_batch(FilePosition, const protocol::BatchHeader&, Bytes, const Status& s) override {
    if (!s.is_ok()) bad.push_back(s.to_string());
  }
  void on_corruption(FilePosition, const Status& why, std::optional<FilePosition>) override {
    bad.push_back(why.to_string());
  }
  void on_index(const std::filesystem::path&, size_t, const Status&) override {}
  void on_cleaner(Offset c, size_t g, size_t e, bool pending) override {
    checkpoint = c, gapped = g, empty = e, swap_pending = pending;
  }
  std::vector<std::string> bad;
  Offset checkpoint;
  size_t gapped = 0, empty = 0;
  bool swap_pending = true;
};

TEST_F(CompactionTest, ACompactedLogVerifiesCleanAndItsDumpShowsGapsAndTheCheckpoint) {
  auto log = open(fault_, config(4096));
  fill(*log, 100, 10, 0);
  ASSERT_TRUE(compact(*log));
  CleanerVisitor visitor;
  auto summary = inspect_log(fault_, dir_, visitor);
  ASSERT_TRUE(summary) << summary.error().to_string();
  EXPECT_EQ(summary->corruptions, 0u);
  EXPECT_TRUE(visitor.bad.empty()) << visitor.bad.front();
  EXPECT_EQ(visitor.checkpoint, log->cleaner_checkpoint());
  EXPECT_GT(visitor.gapped, 0u);
  EXPECT_GT(visitor.empty, 0u);
  EXPECT_FALSE(visitor.swap_pending);
}

TEST(CompactionJobTest, AnInterruptedPassBeforeItsCommitPointIsRolledBack) {
  boost::asio::io_context ctx;
  FaultBackend io(ctx);
  ASSERT_TRUE(io.create_directory("/p").is_ok());
  auto f = io.open_file("/p/00000000000000000000.log.cleaned", true);
  ASSERT_TRUE(f);
  ASSERT_TRUE(finish_interrupted_swap(io, "/p").is_ok());
  EXPECT_FALSE(io.exists("/p/00000000000000000000.log.cleaned"));
}

TEST(CompactionJobTest, ACleanerCheckpointRoundTripsAndADamagedOneReadsAsZero) {
  boost::asio::io_context ctx;
  FaultBackend io(ctx);
  ASSERT_TRUE(io.create_directory("/p").is_ok());
  EXPECT_EQ(read_cleaner_checkpoint(io, "/p"), Offset(0));
  ASSERT_TRUE(write_cleaner_checkpoint(io, "/p", Offset(4242)).is_ok());
  EXPECT_EQ(read_cleaner_checkpoint(io, "/p"), Offset(4242));
  (*io.contents("/p/cleaner-checkpoint"))[9] ^= std::byte{1};
  EXPECT_EQ(read_cleaner_checkpoint(io, "/p"), Offset(0));
}

}  // namespace
}  // namespace cairn::storage
