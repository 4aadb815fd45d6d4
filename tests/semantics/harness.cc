#include "tests/semantics/harness.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace cairn::testing {

std::string example(const std::string& name) {
  return std::string(CAIRN_EXAMPLES_DIR) + "/cairn_example_" + name;
}

void produce_numbered(const std::string& broker, const std::string& topic, int from, int to,
                      int keys) {
  client::ProducerConfig config;
  config.broker = broker;
  auto producer = client::Producer::create(config);
  ASSERT_TRUE(producer) << producer.error().to_string();
  std::atomic<int> failed{0};
  for (int i = from; i < to; ++i) {
    client::ProducerRecord r;
    r.topic = topic;
    r.key = "k" + std::to_string(i % keys);
    r.value = "v" + std::to_string(i);
    ASSERT_TRUE((*producer)
                    ->send(std::move(r),
                           [&failed](auto res) {
                             if (!res) ++failed;
                           })
                    .is_ok());
  }
  ASSERT_TRUE((*producer)->flush().is_ok());
  ASSERT_EQ(failed.load(), 0);
}

std::map<int32_t, std::vector<client::ConsumerRecord>> read_topic(const std::string& broker,
                                                                  const std::string& topic) {
  std::map<int32_t, std::vector<client::ConsumerRecord>> out;
  auto admin = client::Admin::create({.broker = broker});
  EXPECT_TRUE(admin);
  if (!admin) return out;
  auto meta = (*admin)->describe_topic(topic);
  EXPECT_TRUE(meta);
  if (!meta) return out;
  std::map<int32_t, int64_t> end;
  std::vector<client::TopicPartition> tps;
  for (const auto& p : meta->partitions) {
    end[p.partition] = p.high_watermark;
    tps.push_back({topic, p.partition});
  }
  client::ConsumerConfig config;
  config.broker = broker;
  config.enable_auto_commit = false;
  config.max_poll_records = 100000;
  auto consumer = client::Consumer::create(config);
  EXPECT_TRUE(consumer);
  if (!consumer) return out;
  EXPECT_TRUE((*consumer)->assign(tps).is_ok());
  EXPECT_TRUE((*consumer)->seek_to_beginning(tps).is_ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto done = [&] {
    for (const auto& [p, e] : end) {
      int64_t have = out[p].empty() ? 0 : out[p].back().offset + 1;
      if (have < e) return false;
    }
    return true;
  };
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    auto records = (*consumer)->poll(std::chrono::milliseconds(200));
    EXPECT_TRUE(records) << records.error().to_string();
    if (!records) break;
    for (auto& r : *records) out[r.topic_partition.partition].push_back(std::move(r));
  }
  EXPECT_TRUE(done()) << "timed out reading " << topic;
  return out;
}

std::vector<std::string> processed_values(const std::string& path) {
  std::vector<std::string> values;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string partition, offset, value;
    if (fields >> partition >> offset >> value) values.push_back(value);
  }
  return values;
}

}  // namespace cairn::testing
