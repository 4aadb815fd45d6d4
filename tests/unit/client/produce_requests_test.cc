// How the producer packs ready batches into Produce requests.
#include "client/src/produce_requests.h"

#include <gtest/gtest.h>

namespace cairn::client {
namespace {

ReadyBatch batch(const std::string& topic, int32_t partition, size_t bytes, uint64_t generation = 0) {
  return {{topic, partition}, generation, std::make_shared<const std::vector<std::byte>>(bytes)};
}

std::vector<TopicPartition> partitions_of(const ProduceRequestPlan& r) {
  std::vector<TopicPartition> out;
  for (const auto& s : r.slots) out.push_back(s.tp);
  return out;
}

TEST(ProduceRequests, PartitionsReadyTogetherShareOneRequestGroupedByTopic) {
  auto plan = plan_produce_requests({batch("a", 0, 100), batch("a", 1, 100), batch("b", 0, 100)},
                                    ProducerConfig{}, 1 << 20);
  ASSERT_EQ(plan.size(), 1u);
  ASSERT_EQ(plan[0].body.topics.size(), 2u);
  EXPECT_EQ(plan[0].body.topics[0].partitions.size(), 2u);
  EXPECT_EQ(plan[0].options.external.size(), 3u);
  for (const auto& t : plan[0].body.topics) {
    for (const auto& p : t.partitions) {
      EXPECT_EQ(p.external_size, 100u);
      EXPECT_TRUE(p.records.empty()) << "the batch is sent from its own buffer, not copied";
      EXPECT_LT(p.external_id, 3u);
    }
  }
}

TEST(ProduceRequests, APartitionsNextBatchGoesInALaterRequestSoItsOrderHolds) {
  auto plan = plan_produce_requests(
      {batch("a", 0, 10, 7), batch("a", 0, 10, 7), batch("a", 1, 10), batch("a", 0, 10, 7)},
      ProducerConfig{}, 1 << 20);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(partitions_of(plan[0]), (std::vector<TopicPartition>{{"a", 0}, {"a", 1}}));
  EXPECT_EQ(partitions_of(plan[1]), (std::vector<TopicPartition>{{"a", 0}}));
  EXPECT_EQ(partitions_of(plan[2]), (std::vector<TopicPartition>{{"a", 0}}));
  EXPECT_EQ(plan[1].slots[0].generation, 7u);
}

TEST(ProduceRequests, ARequestStaysWithinTheBrokersMaxFrameBytes) {
  std::vector<ReadyBatch> ready;
  for (int32_t p = 0; p < 10; ++p) ready.push_back(batch("t", p, 1000));
  auto plan = plan_produce_requests(ready, ProducerConfig{}, 3500);
  EXPECT_GT(plan.size(), 3u);
  size_t entries = 0;
  for (const auto& r : plan) {
    EXPECT_LE(r.frame_bytes, 3500u);
    entries += r.slots.size();
  }
  EXPECT_EQ(entries, 10u);
}

TEST(ProduceRequests, ABatchLargerThanTheFrameLimitStillGoesAlone) {
  auto plan = plan_produce_requests({batch("t", 0, 5000), batch("t", 1, 10)}, ProducerConfig{}, 1000);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].slots.size(), 1u);
}

TEST(ProduceRequests, WithoutAKnownFrameLimitEachBatchGoesAlone) {
  auto plan = plan_produce_requests({batch("t", 0, 10), batch("t", 1, 10)}, ProducerConfig{}, 0);
  EXPECT_EQ(plan.size(), 2u);
}

TEST(ProduceRequests, EveryRequestCarriesTheProducersAcksAndTimeout) {
  ProducerConfig config;
  config.acks = 1;
  config.request_timeout = std::chrono::milliseconds(1234);
  auto plan = plan_produce_requests({batch("t", 0, 10)}, config, 1 << 20);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].body.acks, 1);
  EXPECT_EQ(plan[0].body.timeout_ms, 1234u);
}

}  // namespace
}  // namespace cairn::client
