#include "broker/kafka/consumer_protocol.h"

#include "protocol/kafka/reader.h"
#include "protocol/kafka/writer.h"

namespace cairn::broker::kafka {

Result<std::vector<std::string>> subscription_topics(protocol::Bytes metadata) {
  protocol::kafka::Reader r(metadata);
  r.read_int<int16_t>("Version");
  std::vector<std::string> topics;
  auto count = r.read_count("Topics", false, false, 2);
  for (uint32_t i = 0; r.ok() && count && i < *count; ++i) {
    auto length = r.read_length("Topics", false, true, false);
    if (!length) break;
    protocol::Bytes name = r.take(*length);
    topics.emplace_back(reinterpret_cast<const char*>(name.data()), name.size());
  }
  if (!r.ok()) return Status::invalid_argument("consumer subscription: " + r.status().message());
  return topics;
}

void write_assignment(const std::vector<TopicPartitions>& assignment, std::vector<std::byte>& out) {
  protocol::kafka::Writer w(out);
  w.write_int<int16_t>(0);
  w.write_int<int32_t>(static_cast<int32_t>(assignment.size()));
  for (const auto& tp : assignment) {
    w.write_int<int16_t>(static_cast<int16_t>(tp.topic.size()));
    w.write_bytes(protocol::as_bytes(tp.topic));
    w.write_int<int32_t>(static_cast<int32_t>(tp.partitions.size()));
    for (int32_t p : tp.partitions) w.write_int<int32_t>(p);
  }
  w.write_int<int32_t>(-1);  // no user data
}

}  // namespace cairn::broker::kafka
