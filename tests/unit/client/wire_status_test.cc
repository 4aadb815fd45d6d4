// The client's one translation from wire error codes to Status values, and its checked lookup
// of reply entries.
#include "client/src/wire_status.h"

#include <gtest/gtest.h>

#include "protocol/messages/produce.h"

namespace cairn::client {
namespace {

using protocol::ErrorCode;
using Code = Status::Code;

TEST(WireStatusTest, EveryCodeBecomesTheStatusTheTableSays) {
  const std::map<ErrorCode, Code> special = {
      {ErrorCode::kUnknownTopicOrPartition, Code::kNotFound},
      {ErrorCode::kGroupIdNotFound, Code::kNotFound},
      {ErrorCode::kOffsetOutOfRange, Code::kOutOfRange},
      {ErrorCode::kOutOfOrderSequence, Code::kOutOfOrder},
      {ErrorCode::kInvalidProducerEpoch, Code::kFenced},
      {ErrorCode::kProducerFenced, Code::kFenced},
      {ErrorCode::kIllegalGeneration, Code::kFenced},
      {ErrorCode::kUnknownMemberId, Code::kFenced},
      {ErrorCode::kRebalanceInProgress, Code::kFenced},
      {ErrorCode::kRequestTimedOut, Code::kTimedOut},
      {ErrorCode::kPartitionOffline, Code::kUnavailable},
  };
  for (const auto& info : protocol::error_table()) {
    Status s = to_status(info.code, "ctx");
    if (info.code == ErrorCode::kNone) {
      EXPECT_TRUE(s.is_ok());
      continue;
    }
    Code expected = info.retriable ? Code::kUnavailable : Code::kInvalidArgument;
    if (auto it = special.find(info.code); it != special.end()) expected = it->second;
    EXPECT_EQ(s.code(), expected) << info.name;
    EXPECT_EQ(s.message(), "ctx: " + std::string(info.name)) << info.name;
  }
}

TEST(WireStatusTest, TheBrokersMessageFollowsTheCodeName) {
  EXPECT_EQ(to_status(ErrorCode::kDiskFull, "produce to t-0", "no space").message(),
            "produce to t-0: DISK_FULL: no space");
}

TEST(WireStatusTest, AnUnknownCodeIsRefusedNotRetried) {
  EXPECT_EQ(to_status(static_cast<ErrorCode>(999), "x").code(), Code::kInvalidArgument);
}

TEST(WireStatusTest, AMissingEntryIsCorruptionNamingWhatWasMissing) {
  Status s = missing_entry("commit of t-3");
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("commit of t-3"), std::string::npos);
}

TEST(WireStatusTest, FindPartitionLooksEntriesUpByTopicAndPartitionNotByPosition) {
  protocol::ProduceResponse r;
  r.topics = {{"a", {{2}, {0}}}, {"b", {{0}}}};
  r.topics[0].partitions[1].base_offset = 42;
  const auto* p = find_partition(r.topics, "a", 0);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->base_offset, 42);
  EXPECT_EQ(find_partition(r.topics, "a", 1), nullptr);
  EXPECT_EQ(find_partition(r.topics, "c", 0), nullptr);
  const protocol::ProduceResponse empty;
  EXPECT_EQ(find_partition(empty.topics, "a", 0), nullptr);
}

}  // namespace
}  // namespace cairn::client
