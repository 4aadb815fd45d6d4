#include "broker/group/group_host.h"

#include <map>

#include "broker/broker.h"
#include "broker/group/offset_log.h"
#include "broker/shard.h"

namespace cairn::broker {

namespace {

// The log ends of `partitions`, all owned by `shard`; runs on that shard. (A free function with
// value parameters: a capturing lambda coroutine would dangle.)
awaitable<std::vector<Result<Offset>>> log_ends_on(Shard& shard, std::vector<TopicPartitionRef> partitions) {
  std::vector<Result<Offset>> out;
  out.reserve(partitions.size());
  for (const auto& tp : partitions) {
    Partition* p = shard.find(tp.topic, tp.partition);
    if (p == nullptr) {
      out.emplace_back(Status::not_found("no partition " + std::to_string(tp.partition) + " of topic " + tp.topic));
    } else if (p->log() == nullptr) {
      out.emplace_back(Status::unavailable("partition is offline"));
    } else {
      out.emplace_back(p->log()->high_watermark());
    }
  }
  co_return out;
}

class ShardGroupHost final : public GroupHost {
 public:
  ShardGroupHost(Broker& broker, Shard& shard) : broker_(broker), shard_(shard) {}

  GroupTime now() override { return std::chrono::steady_clock::now(); }
  int32_t offsets_partition_count() const override { return broker_.offsets_partitions(); }

  std::vector<Partition*> offsets_partitions() override {
    std::vector<Partition*> out;
    for (Partition* p : shard_.partitions()) {
      if (p->topic() == kOffsetsTopic) out.push_back(p);
    }
    return out;
  }

  Partition* offsets_partition(int32_t id) override { return shard_.find(kOffsetsTopic, id); }

  int32_t partition_count(const std::string& topic) override {
    auto c = broker_.topics().find(topic);
    return c ? c->partitions : 0;
  }

  awaitable<std::vector<Result<Offset>>> log_ends(std::vector<TopicPartitionRef> partitions) override {
    std::vector<Result<Offset>> out;
    out.reserve(partitions.size());
    // Which partitions each shard is asked about, by their index in `partitions`.
    std::map<unsigned, std::vector<size_t>> asked;
    for (size_t i = 0; i < partitions.size(); ++i) {
      const auto& tp = partitions[i];
      int32_t count = partition_count(tp.topic);
      if (tp.partition < 0 || tp.partition >= count) {
        out.emplace_back(Status::not_found("no partition " + std::to_string(tp.partition) + " of topic " + tp.topic));
        continue;
      }
      out.emplace_back(Status::unavailable("not looked up"));
      asked[broker_.shard_for(tp.topic, tp.partition).id()].push_back(i);
    }
    if (asked.empty()) co_return out;
    std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<Result<Offset>>>>> tasks;
    for (const auto& [shard, indexes] : asked) {
      std::vector<TopicPartitionRef> refs;
      for (size_t i : indexes) refs.push_back(partitions[i]);
      tasks.emplace_back(broker_.shard(shard).executor(), log_ends_on(broker_.shard(shard), std::move(refs)));
    }
    auto answers = co_await gather(std::move(tasks));
    size_t k = 0;
    for (const auto& [shard, indexes] : asked) {
      for (size_t j = 0; j < indexes.size(); ++j) out[indexes[j]] = std::move(answers[k][j]);
      ++k;
    }
    co_return out;
  }

 private:
  Broker& broker_;
  Shard& shard_;
};

}  // namespace

std::unique_ptr<GroupHost> make_group_host(Broker& broker, Shard& shard) {
  return std::make_unique<ShardGroupHost>(broker, shard);
}

}  // namespace cairn::broker
