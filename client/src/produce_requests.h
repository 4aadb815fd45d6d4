#pragma once

// How the producer's sender packs sealed batches into Produce requests.
//
// Batches of several partitions that are ready together share one request, as long as it stays
// within the broker's max frame bytes and its entry limit; a request carries at most one batch
// per partition, and a partition's later batch goes in a later request, so that each partition's
// batches reach the broker in order. Each batch is an external field of its request: the
// connection writes its sealed bytes in place, without copying them into the frame.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "cairn/producer.h"
#include "client/src/connection.h"
#include "protocol/messages/produce.h"

namespace cairn::client {

// A sealed batch picked to send, and the generation of its partition's pipeline when picked.
struct ReadyBatch {
  TopicPartition tp;
  uint64_t generation = 0;
  std::shared_ptr<const std::vector<std::byte>> bytes;
};

// One entry of a request: whose batch it is, and in which generation it was sent.
struct ProduceSlot {
  TopicPartition tp;
  uint64_t generation = 0;
};

struct ProduceRequestPlan {
  protocol::ProduceRequest body;
  RequestOptions options;         // the batches, as the body's external sources
  std::vector<ProduceSlot> slots;
  size_t frame_bytes = 0;         // an upper bound of the frame's size
};

// Packs `ready` (in pipeline order) into requests to send in the returned order.
// `max_frame_bytes` 0 (not known) puts one batch in each request.
std::vector<ProduceRequestPlan> plan_produce_requests(const std::vector<ReadyBatch>& ready,
                                                      const ProducerConfig& config,
                                                      size_t max_frame_bytes);

}  // namespace cairn::client
