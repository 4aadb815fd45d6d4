// TopicConfig: a topic's settings, changing some, and each partition's compaction state.
#include <cmath>

#include "broker/cairn/handlers.h"

namespace cairn::broker {

namespace {

// Memory per change entry (the request as decoded, its copy for the operation) and per
// setting or partition of the answer.
constexpr uint64_t kBytesPerEntry = 2 * sizeof(std::pair<std::string, std::string>) + 64;

}  // namespace

awaitable<Reply<protocol::TopicConfigResponse>> handle(RequestContext& ctx,
                                                       protocol::TopicConfigRequest r) {
  uint64_t work = kBytesPerEntry * (r.changes.size() + 16);
  for (const auto& c : r.changes) work += 2 * (c.key.size() + c.value.size());
  ctx.memory.add(work);
  std::vector<std::pair<std::string, std::string>> changes;
  changes.reserve(r.changes.size());
  for (auto& c : r.changes) changes.emplace_back(std::move(c.key), std::move(c.value));
  auto outcome = co_await ctx.ops.topic_config(std::move(r.topic), std::move(changes));
  // The partitions are known only now; the answer is built from the outcome's own vectors.
  ctx.memory.add(sizeof(protocol::PartitionCompaction) * outcome.partitions.size());
  protocol::TopicConfigResponse response;
  response.error = outcome.error;
  response.message = std::move(outcome.message);
  for (auto& [key, value] : outcome.settings) {
    response.settings.push_back({std::move(key), std::move(value)});
  }
  for (const auto& p : outcome.partitions) {
    auto ppm = static_cast<uint32_t>(std::lround(std::clamp(p.dirty_ratio, 0.0, 1.0) * 1e6));
    response.partitions.push_back({p.partition, ppm, p.cleaner_checkpoint});
  }
  co_return response;
}

}  // namespace cairn::broker
