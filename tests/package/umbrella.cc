// An application that includes only the umbrella header and names the whole API through it.
#include <cairn/cairn.h>

int main() {
  cairn::client::ProducerConfig producer;
  cairn::client::ConsumerConfig consumer;
  cairn::client::AdminConfig admin;
  cairn::client::TopicDescription topic;
  cairn::Result<cairn::client::RecordMetadata> delivered = cairn::Status::unavailable("none");
  std::string key = "k";
  int32_t partition =
      cairn::client::partition_for_key(std::as_bytes(std::span(key.data(), key.size())), 4);
  return delivered.has_value() || producer.broker.empty() || consumer.broker.empty() ||
                 admin.broker.empty() || !topic.partitions.empty() || partition < 0
             ? 1
             : 0;
}
