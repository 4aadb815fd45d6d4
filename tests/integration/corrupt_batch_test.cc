// A consumer reading a partition with one corrupt batch in a sealed segment. The broker still
// serves such a partition (after a clean stop, recovery does not read the bodies of sealed
// segments) and sends the bad batch as it is stored; the client finds it by its checksum. Every
// valid record before it must be delivered, then the corruption reported once with its partition
// and offset, and a seek past it must read on.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cairn/consumer.h"
#include "protocol/record_batch.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int64_t kRecords = 30'000;

std::string value_of(int64_t offset) { return "value-" + std::to_string(offset); }

// The offsets printed by `cairn consume --format {offset}`, one per line.
std::vector<int64_t> offsets_in(const std::string& out) {
  std::vector<int64_t> offsets;
  std::istringstream in(out);
  for (int64_t o; in >> o;) offsets.push_back(o);
  return offsets;
}

// Whether `offsets` is exactly first, first + 1, ..., end - 1.
::testing::AssertionResult is_range(const std::vector<int64_t>& offsets, int64_t first, int64_t end) {
  if (static_cast<int64_t>(offsets.size()) != end - first) {
    return ::testing::AssertionFailure() << offsets.size() << " offsets, expected " << end - first
                                         << " (" << first << ".." << end - 1 << ")";
  }
  for (size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] != first + static_cast<int64_t>(i)) {
      return ::testing::AssertionFailure() << "offset " << offsets[i] << " at index " << i;
    }
  }
  return ::testing::AssertionSuccess();
}

class CorruptBatchTest : public ::testing::Test {
 protected:
  // 30,000 records of about 4 KiB batches in 256 KiB segments; then, with the broker stopped,
  // one byte flipped in the body of the last-but-one batch of the last sealed segment.
  void SetUp() override {
    broker_ = std::make_unique<BrokerProcess>(data_);
    ASSERT_EQ(cli({"topics", "create", "t", "--segment-bytes", "262144"}).exit_code, 0);
    auto input = tmp_.path() / "in.txt";
    {
      std::ofstream out(input);
      for (int64_t i = 0; i < kRecords; ++i) out << value_of(i) << "\n";
    }
    auto produced = cairn::testing::cli(broker_->address(), {"produce", "t", "--batch-bytes", "4096"}, input);
    ASSERT_EQ(produced.exit_code, 0) << produced.err;
    ASSERT_EQ(broker_->stop(), 0) << broker_->log();

    std::vector<std::filesystem::path> segments;
    for (const auto& e : std::filesystem::directory_iterator(data_ / "topics" / "t" / "0")) {
      if (e.path().extension() == ".log") segments.push_back(e.path());
    }
    std::sort(segments.begin(), segments.end());
    ASSERT_GE(segments.size(), 2u);
    auto sealed = segments[segments.size() - 2];
    auto bytes = read_file(sealed);
    struct Batch {
      size_t position;
      uint32_t length;
      int64_t base;
      int64_t last;
    };
    std::vector<Batch> batches;
    for (size_t pos = 0; pos < bytes.size();) {
      auto header = protocol::decode_batch_header(
          protocol::as_bytes(std::string_view(bytes).substr(pos)));
      ASSERT_TRUE(header) << header.error().to_string();
      batches.push_back({pos, header->batch_length, header->base_offset.value(),
                         header->last_offset().value()});
      pos += header->batch_length;
    }
    ASSERT_GE(batches.size(), 3u);
    const Batch& bad = batches[batches.size() - 2];
    bytes[bad.position + bad.length / 2] ^= 0x20;  // in the records, past the 69-byte header
    write_file(sealed, bytes);
    bad_base_ = bad.base;
    bad_last_ = bad.last;
    ASSERT_LT(bad_last_ + 1, kRecords);
    broker_->restart();
  }

  RunResult cli(std::vector<std::string> args) {
    return cairn::testing::cli(broker_->address(), std::move(args));
  }

  std::unique_ptr<client::Consumer> consumer() {
    client::ConsumerConfig config;
    config.broker = broker_->address();
    auto c = client::Consumer::create(config);
    EXPECT_TRUE(c) << c.error().to_string();
    return c ? std::move(*c) : nullptr;
  }

  TempDir tmp_;
  std::filesystem::path data_ = tmp_.path() / "data";
  std::unique_ptr<BrokerProcess> broker_;
  int64_t bad_base_ = -1;
  int64_t bad_last_ = -1;
};

TEST_F(CorruptBatchTest, TheConsumerDeliversEveryRecordBeforeItThenReportsItOnceWithPartitionAndOffset) {
  auto c = consumer();
  ASSERT_TRUE(c);
  const client::TopicPartition tp{"t", 0};
  ASSERT_TRUE(c->assign({tp}).is_ok());
  ASSERT_TRUE(c->seek(tp, 0).is_ok());
  std::vector<int64_t> offsets;
  Status error;
  for (auto give_up = Clock::now() + 60s; error.is_ok() && Clock::now() < give_up;) {
    auto records = c->poll(1s);
    if (!records) {
      error = records.error();
      break;
    }
    for (const auto& r : *records) {
      ASSERT_EQ(r.value, value_of(r.offset));
      offsets.push_back(r.offset);
    }
  }
  EXPECT_TRUE(is_range(offsets, 0, bad_base_));
  ASSERT_EQ(error.code(), Status::Code::kCorruption) << error.to_string();
  EXPECT_NE(error.message().find("t-0"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("offset " + std::to_string(bad_base_)), std::string::npos)
      << error.message();
  auto where = c->last_corrupt_batch();
  ASSERT_TRUE(where);
  EXPECT_EQ(where->topic_partition, tp);
  EXPECT_EQ(where->offset, bad_base_);
  EXPECT_EQ(where->next_offset, bad_last_ + 1);  // the header is intact: skip the whole batch
  EXPECT_EQ(c->position(tp).value(), bad_base_);

  // Reported once: the next polls neither repeat it nor deliver anything past it.
  for (int i = 0; i < 3; ++i) {
    auto records = c->poll(300ms);
    ASSERT_TRUE(records) << records.error().to_string();
    EXPECT_TRUE(records->empty());
  }
  EXPECT_FALSE(c->last_corrupt_batch());

  // A seek past it reads on to the end.
  ASSERT_TRUE(c->seek(tp, where->next_offset).is_ok());
  offsets.clear();
  for (auto give_up = Clock::now() + 60s; offsets.size() < static_cast<size_t>(kRecords - bad_last_ - 1) &&
                                          Clock::now() < give_up;) {
    auto records = c->poll(1s);
    ASSERT_TRUE(records) << records.error().to_string();
    for (const auto& r : *records) offsets.push_back(r.offset);
  }
  EXPECT_TRUE(is_range(offsets, bad_last_ + 1, kRecords));
}

TEST_F(CorruptBatchTest, ConsumeFromTheRecordJustBeforeItPrintsThatRecord) {
  auto r = cli({"consume", "t", "--offset", std::to_string(bad_base_ - 1), "--count", "1",
                "--timeout-ms", "10000", "--format", "{offset} {value}"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::to_string(bad_base_ - 1) + " " + value_of(bad_base_ - 1) + "\n");
}

TEST_F(CorruptBatchTest, ConsumePrintsEveryRecordBeforeItThenSaysHowToSkipItAndExitsFive) {
  auto r = cli({"consume", "t", "--timeout-ms", "10000", "--format", "{offset}"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(is_range(offsets_in(r.out), 0, bad_base_));
  std::string skip = "--partition 0 --offset " + std::to_string(bad_last_ + 1);
  EXPECT_NE(r.err.find("t-0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(skip), std::string::npos) << r.err;

  auto rest = cli({"consume", "t", "--partition", "0", "--offset", std::to_string(bad_last_ + 1),
                   "--count", std::to_string(kRecords - bad_last_ - 1), "--timeout-ms", "30000",
                   "--format", "{offset}"});
  EXPECT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_TRUE(is_range(offsets_in(rest.out), bad_last_ + 1, kRecords));
}

TEST_F(CorruptBatchTest, AGroupConsumerCommitsUpToItAndIsToldHowToMoveTheGroupPastIt) {
  auto r = cli({"consume", "t", "--group", "g", "--timeout-ms", "10000", "--format", "{offset}"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(is_range(offsets_in(r.out), 0, bad_base_));
  std::string reset = "cairn groups reset-offsets g --topic t --partition 0 --to " +
                      std::to_string(bad_last_ + 1);
  EXPECT_NE(r.err.find(reset), std::string::npos) << r.err;

  auto described = cli({"groups", "describe", "g"});
  EXPECT_NE(described.out.find(" " + std::to_string(bad_base_) + " "), std::string::npos)
      << described.out;
  auto moved = cli({"groups", "reset-offsets", "g", "--topic", "t", "--partition", "0", "--to",
                    std::to_string(bad_last_ + 1)});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  auto rest = cli({"consume", "t", "--group", "g", "--count",
                   std::to_string(kRecords - bad_last_ - 1), "--timeout-ms", "30000", "--format",
                   "{offset}"});
  EXPECT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_TRUE(is_range(offsets_in(rest.out), bad_last_ + 1, kRecords));
}

}  // namespace
}  // namespace cairn::testing
