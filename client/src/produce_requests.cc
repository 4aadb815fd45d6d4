#include "client/src/produce_requests.h"

#include <algorithm>
#include <map>

namespace cairn::client {

namespace {

// A request's bytes besides its batches: the frame and request headers, and per entry its topic
// and partition fields (counted for each entry, which is never less than the truth).
size_t request_overhead(const ProducerConfig& config) { return 32 + config.client_id.size(); }
size_t entry_overhead(const TopicPartition& tp) { return 18 + tp.topic.size(); }

}  // namespace

std::vector<ProduceRequestPlan> plan_produce_requests(const std::vector<ReadyBatch>& ready,
                                                      const ProducerConfig& config,
                                                      size_t max_frame_bytes) {
  std::vector<ProduceRequestPlan> requests;
  std::map<TopicPartition, size_t> first_free;  // the first request a partition's next batch may join
  for (const ReadyBatch& b : ready) {
    size_t size = entry_overhead(b.tp) + b.bytes->size();
    size_t i = first_free[b.tp];
    while (i < requests.size() &&
           (max_frame_bytes == 0 || requests[i].frame_bytes + size > max_frame_bytes ||
            requests[i].slots.size() >= protocol::limits::kMaxPartitionsPerRequest)) {
      ++i;
    }
    if (i == requests.size()) {
      ProduceRequestPlan& fresh = requests.emplace_back();
      fresh.body.acks = config.acks;
      fresh.body.timeout_ms = static_cast<uint32_t>(config.request_timeout.count());
      fresh.frame_bytes = request_overhead(config);
    }
    ProduceRequestPlan& req = requests[i];
    auto topic = std::ranges::find(req.body.topics, b.tp.topic, &protocol::ProduceTopic::name);
    if (topic == req.body.topics.end()) topic = req.body.topics.insert(topic, {b.tp.topic, {}});
    auto source = static_cast<uint32_t>(req.options.external.size());
    topic->partitions.push_back({b.tp.partition, {}, static_cast<uint32_t>(b.bytes->size()), source});
    req.options.external.push_back(b.bytes);
    req.slots.push_back({b.tp, b.generation});
    req.frame_bytes += size;
    first_free[b.tp] = i + 1;
  }
  return requests;
}

}  // namespace cairn::client
