// PartitionRouter across real shards (three io_contexts, each on its own thread): work runs on
// the shard that owns each partition, and results come back by index on the caller's shard.
#include "broker/partition_router.h"

#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>

#include <future>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace cairn::broker {
namespace {

struct Ran {
  unsigned shard = 99;       // the shard the work ran on
  bool on_its_thread = false;
  size_t order = 0;          // position among its shard's entries
};

class PartitionRouterTest : public ::testing::Test {
 protected:
  PartitionRouterTest() {
    config.threads = 3;
    for (unsigned i = 0; i < config.threads; ++i) {
      shards.push_back(std::make_unique<Shard>(i, config));
    }
    for (auto& s : shards) s->start();
  }
  ~PartitionRouterTest() override {
    for (auto& s : shards) s->stop();
    for (auto& s : shards) s->join();
  }

  // Runs `task` on shard 0 and waits for it.
  template <typename T>
  T on_shard0(awaitable<T> task) {
    auto future = asio::co_spawn(shards[0]->executor(), std::move(task), asio::use_future);
    EXPECT_EQ(future.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    return future.get();
  }

  BrokerConfig config;
  std::vector<std::unique_ptr<Shard>> shards;
};

// The entries of the tests: partitions 0..29 of two topics, one in three left unrouted.
struct Entry {
  std::string topic;
  int32_t partition;
  bool routed;
};

std::vector<Entry> entries() {
  std::vector<Entry> out;
  for (int32_t p = 0; p < 30; ++p) out.push_back({p % 2 ? "odd" : "even", p, p % 3 != 0});
  return out;
}

awaitable<std::vector<Ran>> run_each(const std::vector<std::unique_ptr<Shard>>& shards,
                                     const std::vector<Entry>& list, bool* resumed_on_caller) {
  auto caller = co_await asio::this_coro::executor;
  PartitionRouter router(shards);
  std::vector<Ran> results(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].routed) router.add(i, list[i].topic, list[i].partition);
  }
  co_await router.for_each(results, [](Shard& shard, size_t) {
    return Ran{shard.id(), shard.context().get_executor().running_in_this_thread(), 0};
  });
  *resumed_on_caller = running_on(caller);
  co_return results;
}

awaitable<std::vector<Ran>> record_order(Shard& shard, std::span<const size_t> indexes) {
  std::vector<Ran> out;
  for (size_t k = 0; k < indexes.size(); ++k) {
    out.push_back({shard.id(), shard.context().get_executor().running_in_this_thread(), k});
  }
  co_return out;
}

awaitable<std::vector<Ran>> run_per_shard(const std::vector<std::unique_ptr<Shard>>& shards,
                                          const std::vector<Entry>& list) {
  PartitionRouter router(shards);
  std::vector<Ran> results(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].routed) router.add(i, list[i].topic, list[i].partition);
  }
  co_await router.run(results, [](Shard& shard, std::span<const size_t> indexes) {
    return record_order(shard, indexes);
  });
  co_return results;
}

// A fetch's work holds its waiter by shared_ptr; the router must release every copy it makes of
// the work exactly once (a copy released twice would free the waiter under the fetch).
awaitable<long> run_holding(const std::vector<std::unique_ptr<Shard>>& shards,
                            std::shared_ptr<int> held) {
  PartitionRouter router(shards);
  std::vector<int> results(30);
  for (int32_t p = 0; p < 30; ++p) router.add(static_cast<size_t>(p), "t", p);
  {
    auto work = [held](Shard&, size_t) { return *held; };
    co_await router.for_each(results, work);
  }
  co_return held.use_count();
}

TEST_F(PartitionRouterTest, EachEntryRunsOnTheShardThatOwnsItsPartitionAndComesBackAtItsIndex) {
  auto list = entries();
  bool resumed_on_caller = false;
  auto results = on_shard0(run_each(shards, list, &resumed_on_caller));
  ASSERT_EQ(results.size(), list.size());
  std::set<unsigned> used;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].routed) {
      EXPECT_EQ(results[i].shard, 99u) << "entry " << i << " was never added, yet got a result";
      continue;
    }
    EXPECT_EQ(results[i].shard, owner_shard(list[i].topic, list[i].partition, 3)) << "entry " << i;
    EXPECT_TRUE(results[i].on_its_thread) << "entry " << i;
    used.insert(results[i].shard);
  }
  EXPECT_EQ(used.size(), 3u) << "the entries should spread over every shard";
  EXPECT_TRUE(resumed_on_caller);
}

TEST_F(PartitionRouterTest, AShardGetsItsEntriesInTheOrderTheyWereAdded) {
  auto list = entries();
  auto results = on_shard0(run_per_shard(shards, list));
  std::map<unsigned, size_t> next;  // per shard, the order expected of its next entry
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].routed) continue;
    unsigned owner = owner_shard(list[i].topic, list[i].partition, 3);
    EXPECT_EQ(results[i].shard, owner);
    EXPECT_TRUE(results[i].on_its_thread);
    EXPECT_EQ(results[i].order, next[owner]++) << "entry " << i;
  }
}

TEST_F(PartitionRouterTest, ARouterWithNoEntriesRunsNothing) {
  std::vector<Entry> none{{"t", 0, false}};
  bool resumed_on_caller = false;
  auto results = on_shard0(run_each(shards, none, &resumed_on_caller));
  EXPECT_EQ(results.at(0).shard, 99u);
  EXPECT_TRUE(resumed_on_caller);
}

TEST_F(PartitionRouterTest, WorkThatHoldsASharedObjectReleasesEveryCopyOnce) {
  auto held = std::make_shared<int>(7);
  std::weak_ptr<int> watch = held;
  long during = on_shard0(run_holding(shards, held));
  EXPECT_EQ(during, 2) << "only the caller's and the coroutine's own copies remain after the run";
  held.reset();
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace cairn::broker
