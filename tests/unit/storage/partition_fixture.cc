#include "tests/unit/storage/partition_fixture.h"

#include "storage/format.h"

namespace cairn::testing {

PartitionFixture::PartitionFixture(const std::string& backend)
    : backend_(backend), io_(make_test_backend(backend, ctx_)) {
  if (is_fault()) {
    EXPECT_TRUE(io_->create_directory("/data").is_ok());
    EXPECT_TRUE(io_->sync_directory("/").is_ok());
    dir_ = "/data/topic-0";
  } else {
    dir_ = tmp_.path() / "topic-0";
  }
}

Result<std::unique_ptr<storage::PartitionLog>> PartitionFixture::open(
    storage::PartitionConfig config) {
  return storage::PartitionLog::open(*io_, dir_, std::move(config));
}

std::unique_ptr<storage::PartitionLog> PartitionFixture::open_ok(storage::PartitionConfig config) {
  auto log = open(std::move(config));
  EXPECT_TRUE(log) << log.error().to_string();
  return log ? std::move(*log) : nullptr;
}

Result<storage::AppendResult> PartitionFixture::append(storage::PartitionLog& log,
                                                       std::vector<std::byte> batch) {
  std::vector<std::vector<std::byte>> one;
  one.push_back(std::move(batch));
  return append_all(log, std::move(one)).front();
}

Result<storage::AppendResult> PartitionFixture::append_replica(storage::PartitionLog& log,
                                                               std::vector<std::byte> batch) {
  auto bytes = std::make_shared<std::vector<std::byte>>(std::move(batch));
  std::optional<Result<storage::AppendResult>> result;
  log.append_replica(*bytes,
                     [&result, bytes](const Result<storage::AppendResult>& r) { result = r; });
  EXPECT_TRUE(testing::run_until(ctx(), [&] { return result.has_value(); }));
  return result.value_or(Status::timed_out("no answer"));
}

std::vector<Result<storage::AppendResult>> PartitionFixture::append_all(
    storage::PartitionLog& log, std::vector<std::vector<std::byte>> batches) {
  auto owned = std::make_shared<std::vector<std::vector<std::byte>>>(std::move(batches));
  std::vector<std::optional<Result<storage::AppendResult>>> results(owned->size());
  size_t done = 0;
  for (size_t i = 0; i < owned->size(); ++i) {
    log.append((*owned)[i], [&results, &done, i, owned](Result<storage::AppendResult> r) {
      results[i] = std::move(r);
      ++done;
    });
  }
  EXPECT_TRUE(run_until(ctx_, [&] { return done == owned->size(); })) << "appends timed out";
  std::vector<Result<storage::AppendResult>> out;
  out.reserve(results.size());
  for (auto& r : results) {
    out.push_back(r ? std::move(*r) : Result<storage::AppendResult>(Status::timed_out("append")));
  }
  return out;
}

Status PartitionFixture::flush(storage::PartitionLog& log) {
  std::optional<Status> result;
  log.flush([&result](Status s) { result = std::move(s); });
  EXPECT_TRUE(run_until(ctx_, [&] { return result.has_value(); })) << "flush timed out";
  return result.value_or(Status::timed_out("flush"));
}

void PartitionFixture::flush_and_close(storage::PartitionLog& log) {
  ASSERT_TRUE(flush(log).is_ok());
  ASSERT_TRUE(log.idle());
  Status s = log.close();
  ASSERT_TRUE(s.is_ok()) << s.to_string();
}

std::vector<std::byte> PartitionFixture::slice_bytes(const storage::LogSlice& slice) {
  std::vector<std::byte> bytes(slice.size_bytes);
  if (slice.size_bytes == 0) return bytes;
  auto n = slice.file->read_at(slice.position, bytes);
  EXPECT_TRUE(n && *n == bytes.size());
  return bytes;
}

std::vector<ReadRecord> PartitionFixture::read_all(const storage::PartitionLog& log, Offset from,
                                                   uint32_t max_bytes) {
  std::vector<ReadRecord> out;
  Offset next = from;
  while (next < log.high_watermark()) {
    auto slice = log.read(next, max_bytes);
    EXPECT_TRUE(slice) << slice.error().to_string();
    if (!slice) break;
    EXPECT_GT(slice->size_bytes, 0u);
    EXPECT_LE(slice->first_offset, next);
    auto bytes = slice_bytes(*slice);
    Offset expected_base = slice->first_offset;
    protocol::BatchIterator batches(bytes, protocol::Verify::kStored);
    while (auto view = batches.next()) {
      EXPECT_EQ(view->header().base_offset, expected_base);
      protocol::RecordReader reader(*view);
      protocol::RecordView rec;
      while (reader.next(rec)) {
        if (rec.offset < next) continue;  // before the requested offset, in the first batch
        out.push_back(ReadRecord{
            rec.offset, to_millis(rec.timestamp),
            rec.value ? std::string(protocol::as_string_view(*rec.value)) : std::string()});
      }
      EXPECT_TRUE(reader.status().is_ok());
      expected_base = view->header().next_offset();
    }
    EXPECT_TRUE(batches.status().is_ok()) << batches.status().to_string();
    if (!batches.status().is_ok()) return out;
    EXPECT_EQ(expected_base, slice->next_offset);
    next = slice->next_offset;
  }
  return out;
}

std::filesystem::path PartitionFixture::segment_path(Offset base, std::string_view suffix) const {
  return dir_ / storage::segment_file_name(base, suffix);
}

}  // namespace cairn::testing
