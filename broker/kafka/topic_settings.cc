#include "broker/kafka/topic_settings.h"

#include <array>
#include <vector>

namespace cairn::broker::kafka {

namespace {

constexpr int8_t kString = 2;
constexpr int8_t kLong = 5;
constexpr int8_t kDouble = 6;
constexpr int8_t kList = 7;

constexpr std::array<KafkaTopicSetting, 9> kSettings = {{
    {"cleanup.policy", "cleanup.policy", kList, true},
    {"compression.type", "compression", kString, false},
    {"delete.retention.ms", "delete.retention.ms", kLong, false},
    {"min.cleanable.dirty.ratio", "min.cleanable.dirty.ratio", kDouble, false},
    {"min.compaction.lag.ms", "min.compaction.lag.ms", kLong, false},
    {"retention.bytes", "retention.bytes", kLong, false},
    {"retention.ms", "retention.ms", kLong, false},
    {"segment.bytes", "segment.bytes", kLong, false},
    {"segment.ms", "segment.ms", kLong, false},
}};

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

std::span<const KafkaTopicSetting> kafka_topic_settings() { return kSettings; }

const KafkaTopicSetting* find_kafka_topic_setting(std::string_view kafka_name) {
  for (const auto& s : kSettings) {
    if (s.kafka_name == kafka_name) return &s;
  }
  return nullptr;
}

std::string to_kafka_value(const KafkaTopicSetting& setting, std::string_view cairn_value) {
  if (setting.cairn_key == "compression" && cairn_value == "none") return "uncompressed";
  return std::string(cairn_value);
}

std::string to_cairn_value(const KafkaTopicSetting& setting, std::string_view kafka_value) {
  if (setting.cairn_key == "compression" && kafka_value == "uncompressed") return "none";
  return std::string(kafka_value);
}

std::optional<std::string> edit_list(std::string_view current, std::string_view item, bool add) {
  std::vector<std::string_view> items;
  for (auto i : split(current)) {
    if (i != item) items.push_back(i);
  }
  if (add) items.push_back(item);
  if (items.empty()) return std::nullopt;
  std::string out;
  for (auto i : items) out.append(out.empty() ? "" : ",").append(i);
  return out;
}

}  // namespace cairn::broker::kafka
