#pragma once

// The one table between Kafka's topic configuration names and Cairn's topic settings (the keys
// of topic.conf), with the few values that are spelled differently. DescribeConfigs,
// AlterConfigs and IncrementalAlterConfigs read it; a Kafka name not in it is not a setting.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cairn::broker::kafka {

struct KafkaTopicSetting {
  std::string_view kafka_name;
  std::string_view cairn_key;
  int8_t type;  // Kafka's ConfigType: 2 string, 5 long, 6 double, 7 list
  bool is_list;
};

std::span<const KafkaTopicSetting> kafka_topic_settings();
// The entry named `kafka_name`, or nullptr.
const KafkaTopicSetting* find_kafka_topic_setting(std::string_view kafka_name);

// A setting's value as Kafka spells it, from Cairn's, and back (compression: "none" is Kafka's
// "uncompressed").
std::string to_kafka_value(const KafkaTopicSetting& setting, std::string_view cairn_value);
std::string to_cairn_value(const KafkaTopicSetting& setting, std::string_view kafka_value);

// A list setting's value with `item` added (APPEND) or removed (SUBTRACT), Kafka's spelling:
// comma-separated, no duplicates; nullopt when the result would be empty.
std::optional<std::string> edit_list(std::string_view current, std::string_view item, bool add);

}  // namespace cairn::broker::kafka
