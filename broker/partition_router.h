#pragma once

// PartitionRouter: scatter/gather of per-partition work by owning shard, written once. A caller
// numbers its entries (a request's partitions, in any order) and adds each with its topic and
// partition; run() groups them by the shard that owns the partition, runs one coroutine per
// such shard on that shard's thread, all at once (gather), and resumes on the caller's executor
// with each entry's result stored at its index. Entries that are never added (refused before
// any work: a malformed name, say) keep whatever the caller put in their slot.
//
// Built and run on the caller's shard; the work runs on the owners' threads and returns its
// results by value, so the results vector is written on the caller's thread only. A router may
// be run more than once (a long-polling fetch reads again after each wake-up). The shards must
// outlive it.
//
// Name the work before awaiting it: `auto work = [held](Shard&, size_t i) {...};` then
// `co_await router.for_each(results, work);`. g++ 12 destroys a lambda (or a braced temporary)
// written inside a co_await expression once too often, which frees what it captured (async.h).

#include "broker/async.h"

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/shard.h"
#include "protocol/check.h"

namespace cairn::broker {

class PartitionRouter {
 public:
  explicit PartitionRouter(const std::vector<std::unique_ptr<Shard>>& shards)
      : shards_(shards), by_shard_(shards.size()) {}

  // Routes entry `index` to the owner of (topic, partition).
  void add(size_t index, std::string_view topic, int32_t partition) {
    by_shard_[owner_shard(topic, partition,
                          static_cast<unsigned>(shards_.size()))].push_back(index);
  }
  // The shard that owns (topic, partition).
  Shard& owner(std::string_view topic, int32_t partition) const {
    return *shards_[owner_shard(topic, partition, static_cast<unsigned>(shards_.size()))];
  }
  // The entries routed to shard `id`, in the order they were added.
  const std::vector<size_t>& entries_of(unsigned id) const { return by_shard_[id]; }

  // For each shard that owns entries, on_shard(shard, indexes) makes the coroutine to run there:
  // an awaitable<std::vector<R>> with one result per index, in order. Resumes on the caller's
  // executor when every shard is done, with results[indexes[k]] set from each. on_shard itself
  // runs on the caller's thread; what the coroutine needs goes in as its parameters (a capturing
  // lambda coroutine would dangle after its first suspension).
  template <typename R, typename OnShard>
  awaitable<void> run(std::vector<R>& results, OnShard on_shard) const {
    std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<R>>>> tasks;
    std::vector<const std::vector<size_t>*> routed;
    for (size_t s = 0; s < by_shard_.size(); ++s) {
      if (by_shard_[s].empty()) continue;
      Shard& shard = *shards_[s];
      tasks.emplace_back(shard.executor(), on_shard(shard, std::span<const size_t>(by_shard_[s])));
      routed.push_back(&by_shard_[s]);
    }
    if (tasks.empty()) co_return;
    auto answers = co_await gather(std::move(tasks));
    for (size_t t = 0; t < answers.size(); ++t) {
      const std::vector<size_t>& indexes = *routed[t];
      CAIRN_DCHECK(answers[t].size() == indexes.size());
      for (size_t k = 0; k < indexes.size(); ++k) results[indexes[k]] = std::move(answers[t][k]);
    }
  }

  // For synchronous work: runs each(shard, index) on the owner shard of every entry and stores
  // its result at the entry's index. `each` is copied to every shard and called there.
  template <typename R, typename Each>
  awaitable<void> for_each(std::vector<R>& results, Each each) const {
    auto on_shard = [each](Shard& shard, std::span<const size_t> indexes) {
      return each_on_shard<R>(shard, indexes, each);
    };
    co_await run(results, on_shard);
  }

 private:
  template <typename R, typename Each>
  static awaitable<std::vector<R>> each_on_shard(Shard& shard, std::span<const size_t> indexes,
                                                 Each each) {
    std::vector<R> out;
    out.reserve(indexes.size());
    for (size_t i : indexes) out.push_back(each(shard, i));
    co_return out;
  }

  const std::vector<std::unique_ptr<Shard>>& shards_;
  std::vector<std::vector<size_t>> by_shard_;  // entry indexes, by owner shard id
};

}  // namespace cairn::broker
