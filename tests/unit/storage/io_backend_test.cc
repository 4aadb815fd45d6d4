// The real I/O backends' asynchronous writes: a write with its fdatasync completes once with the
// bytes on disk, also many in flight at once, and a write the kernel refuses completes once with
// the write's error and no sync. They guard a change of how io_uring completes a write linked to
// its sync (skipping the write's completion when it succeeds): a pair must still complete
// exactly once either way.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "storage/io/io_backend.h"
#include "tests/support/test_util.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

class IoBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  IoBackendTest() : io_(testing::make_test_backend(GetParam(), ctx_)) {
    auto file = io_->open_file(dir_.path() / "f", /*create=*/true);
    EXPECT_TRUE(file) << file.error().to_string();
    if (file) file_ = std::move(*file);
  }

  std::vector<std::byte> bytes_of(size_t n, char fill) {
    return std::vector<std::byte>(n, static_cast<std::byte>(fill));
  }

  testing::TempDir dir_;
  boost::asio::io_context ctx_;
  std::unique_ptr<IoBackend> io_;
  std::shared_ptr<File> file_;
};

TEST_P(IoBackendTest, AWriteAndItsSyncCompleteOnceWithTheBytesOnDisk) {
  auto a = bytes_of(3000, 'a');
  auto b = bytes_of(5000, 'b');
  int completions = 0;
  WriteOutcome outcome;
  io_->async_write(*file_, FilePosition(0), {Bytes(a), Bytes(b)}, /*datasync=*/true,
                   [&](WriteOutcome o) {
                     ++completions;
                     outcome = std::move(o);
                   });
  ASSERT_TRUE(testing::run_until(ctx_, [&] { return completions > 0; }));
  ctx_.poll();  // a second completion would run here
  EXPECT_EQ(completions, 1);
  EXPECT_TRUE(outcome.ok()) << outcome.write.to_string() << " / " << outcome.sync.to_string();
  std::vector<std::byte> back(8000);
  auto n = file_->read_at(FilePosition(0), back);
  ASSERT_TRUE(n);
  ASSERT_EQ(*n, 8000u);
  EXPECT_EQ(back[0], std::byte{'a'});
  EXPECT_EQ(back[2999], std::byte{'a'});
  EXPECT_EQ(back[3000], std::byte{'b'});
  EXPECT_EQ(back[7999], std::byte{'b'});
}

TEST_P(IoBackendTest, ManySyncedWritesInFlightEachCompleteOnce) {
  constexpr int kWrites = 64;
  constexpr size_t kSize = 512;
  std::vector<std::vector<std::byte>> data;
  data.reserve(kWrites);
  for (int i = 0; i < kWrites; ++i) {
    data.push_back(bytes_of(kSize, static_cast<char>('A' + i % 26)));
  }
  std::vector<int> completions(kWrites, 0);
  int failed = 0;
  for (int i = 0; i < kWrites; ++i) {
    io_->async_write(*file_, FilePosition(static_cast<uint64_t>(i) * kSize),
                     {Bytes(data[static_cast<size_t>(i)])}, /*datasync=*/true,
                     [&, i](const WriteOutcome& o) {
                       ++completions[static_cast<size_t>(i)];
                       if (!o.ok()) ++failed;
                     });
  }
  auto all_done = [&] {
    for (int c : completions) {
      if (c == 0) return false;
    }
    return true;
  };
  ASSERT_TRUE(testing::run_until(ctx_, all_done));
  ctx_.poll();
  for (int i = 0; i < kWrites; ++i) EXPECT_EQ(completions[static_cast<size_t>(i)], 1) << i;
  EXPECT_EQ(failed, 0);
  std::vector<std::byte> back(kSize);
  for (int i = 0; i < kWrites; ++i) {
    auto n = file_->read_at(FilePosition(static_cast<uint64_t>(i) * kSize), back);
    ASSERT_TRUE(n);
    ASSERT_EQ(*n, kSize);
    EXPECT_EQ(back[0], static_cast<std::byte>('A' + i % 26)) << i;
  }
}

TEST_P(IoBackendTest, ARefusedWriteCompletesOnceWithTheWriteError) {
  auto a = bytes_of(4096, 'a');
  int completions = 0;
  WriteOutcome outcome;
  // Past the largest file the kernel allows: the write fails (EFBIG or EINVAL), so the sync
  // linked to it never runs.
  io_->async_write(*file_, FilePosition(uint64_t{1} << 62), {Bytes(a)}, /*datasync=*/true,
                   [&](WriteOutcome o) {
                     ++completions;
                     outcome = std::move(o);
                   });
  ASSERT_TRUE(testing::run_until(ctx_, [&] { return completions > 0; }));
  ctx_.poll();
  EXPECT_EQ(completions, 1);
  EXPECT_FALSE(outcome.write.is_ok());
  EXPECT_TRUE(outcome.sync.is_ok()) << outcome.sync.to_string();
}

// Without a sync (the `interval` policy's writes): io_uring makes a small one at once on the
// calling thread and a large one through the ring; either way it completes once, on the loop and
// not inside async_write, with the bytes in the file.
TEST_P(IoBackendTest, UnsyncedWritesSmallAndLargeCompleteOnceOnTheLoopWithTheirBytes) {
  std::vector<std::vector<std::byte>> data = {bytes_of(100, 's'), bytes_of(size_t{8} * 1024, 'm'),
                                              bytes_of(size_t{256} * 1024, 'l')};
  std::vector<int> completions(data.size(), 0);
  uint64_t at = 0;
  std::vector<uint64_t> starts;
  for (size_t i = 0; i < data.size(); ++i) {
    starts.push_back(at);
    io_->async_write(*file_, FilePosition(at), {Bytes(data[i])}, /*datasync=*/false,
                     [&, i](const WriteOutcome& o) {
                       ++completions[i];
                       EXPECT_TRUE(o.ok()) << o.write.to_string();
                     });
    EXPECT_EQ(completions[i], 0) << "completed inside async_write, write " << i;
    at += data[i].size();
  }
  ASSERT_TRUE(testing::run_until(ctx_, [&] {
    return std::all_of(completions.begin(), completions.end(), [](int c) { return c > 0; });
  }));
  ctx_.poll();
  for (size_t i = 0; i < data.size(); ++i) {
    EXPECT_EQ(completions[i], 1) << i;
    std::vector<std::byte> back(data[i].size());
    auto n = file_->read_at(FilePosition(starts[i]), back);
    ASSERT_TRUE(n);
    ASSERT_EQ(*n, back.size());
    EXPECT_EQ(back, data[i]) << i;
  }
}

TEST_P(IoBackendTest, ARefusedUnsyncedWriteCompletesOnceWithTheWriteError) {
  auto a = bytes_of(512, 'a');
  int completions = 0;
  WriteOutcome outcome;
  io_->async_write(*file_, FilePosition(uint64_t{1} << 62), {Bytes(a)}, /*datasync=*/false,
                   [&](WriteOutcome o) {
                     ++completions;
                     outcome = std::move(o);
                   });
  EXPECT_EQ(completions, 0);
  ASSERT_TRUE(testing::run_until(ctx_, [&] { return completions > 0; }));
  ctx_.poll();
  EXPECT_EQ(completions, 1);
  EXPECT_FALSE(outcome.write.is_ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, IoBackendTest, ::testing::Values("uring", "posix"),
                         testing::backend_name);

}  // namespace
}  // namespace cairn::storage
