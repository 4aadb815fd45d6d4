#include "broker/group/group_host.h"

#include "broker/group/offset_log.h"
#include "broker/partition_router.h"
#include "broker/services.h"

namespace cairn::broker {

namespace {

class ShardGroupHost final : public GroupHost {
 public:
  ShardGroupHost(BrokerServices& services, Shard& shard) : services_(services), shard_(shard) {}

  GroupTime now() override { return std::chrono::steady_clock::now(); }
  int32_t offsets_partition_count() const override { return services_.offsets_partitions(); }

  std::vector<Partition*> offsets_partitions() override {
    std::vector<Partition*> out;
    for (Partition* p : shard_.partitions()) {
      if (p->topic() == kOffsetsTopic) out.push_back(p);
    }
    return out;
  }

  Partition* offsets_partition(int32_t id) override { return shard_.find(kOffsetsTopic, id); }

  int32_t partition_count(const std::string& topic) override {
    auto c = services_.topics().find(topic);
    return c ? c->partitions : 0;
  }

  awaitable<std::vector<Result<Offset>>> log_ends(
      std::vector<TopicPartitionRef> partitions) override {
    std::vector<Result<Offset>> out;
    out.reserve(partitions.size());
    PartitionRouter router(services_.shards());
    for (size_t i = 0; i < partitions.size(); ++i) {
      const auto& tp = partitions[i];
      int32_t count = partition_count(tp.topic);
      if (tp.partition < 0 || tp.partition >= count) {
        out.emplace_back(Status::not_found("no partition " + std::to_string(tp.partition) +
                                           " of topic " + tp.topic));
        continue;
      }
      out.emplace_back(Status::unavailable("not looked up"));
      router.add(i, tp.topic, tp.partition);
    }
    co_await router.for_each(out, [&partitions](Shard& shard, size_t i) -> Result<Offset> {
      auto p = shard.find_online(partitions[i].topic, partitions[i].partition);
      if (!p) return p.error();
      return (*p)->log()->high_watermark();
    });
    co_return out;
  }

 private:
  BrokerServices& services_;
  Shard& shard_;
};

}  // namespace

std::unique_ptr<GroupHost> make_group_host(BrokerServices& services, Shard& shard) {
  return std::make_unique<ShardGroupHost>(services, shard);
}

}  // namespace cairn::broker
