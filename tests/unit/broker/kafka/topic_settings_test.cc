#include "broker/kafka/topic_settings.h"

#include <gtest/gtest.h>

#include "storage/topic_store.h"

namespace cairn::broker::kafka {
namespace {

TEST(KafkaTopicSettings, EveryKafkaNameMapsToACairnTopicSetting) {
  storage::TopicConfig config;
  auto entries = config.entries();
  for (const auto& s : kafka_topic_settings()) {
    bool found = false;
    for (const auto& [key, value] : entries) found = found || key == s.cairn_key;
    EXPECT_TRUE(found) << s.kafka_name;
    EXPECT_EQ(find_kafka_topic_setting(s.kafka_name), &s);
  }
  EXPECT_EQ(find_kafka_topic_setting("partitions"), nullptr);
  EXPECT_EQ(find_kafka_topic_setting("durability"), nullptr);
}

TEST(KafkaTopicSettings, UncompressedIsCairnsNoneAndOtherValuesPassUnchanged) {
  const auto& compression = *find_kafka_topic_setting("compression.type");
  EXPECT_EQ(to_kafka_value(compression, "none"), "uncompressed");
  EXPECT_EQ(to_cairn_value(compression, "uncompressed"), "none");
  EXPECT_EQ(to_cairn_value(compression, "zstd"), "zstd");
  const auto& retention = *find_kafka_topic_setting("retention.ms");
  EXPECT_EQ(to_kafka_value(retention, "none"), "none");
}

TEST(KafkaTopicSettings, AListEditAddsOnceRemovesAndRefusesAnEmptyList) {
  EXPECT_EQ(edit_list("delete", "compact", true), "delete,compact");
  EXPECT_EQ(edit_list("delete,compact", "compact", true), "delete,compact");
  EXPECT_EQ(edit_list("delete,compact", "delete", false), "compact");
  EXPECT_EQ(edit_list("compact", "compact", false), std::nullopt);
}

}  // namespace
}  // namespace cairn::broker::kafka
