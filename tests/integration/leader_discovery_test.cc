// Clients find the leader between two real cairnd processes on loopback ports: a producer and a
// consumer given the follower's address work against the leader, and a producer given "leader,
// follower" goes on, with acks=all, on the follower once the leader is killed and the follower
// promoted, losing no acknowledged record.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<client::Producer> make_producer(const std::string& brokers) {
  client::ProducerConfig c;
  c.broker = brokers;
  c.acks = -1;
  c.linger = std::chrono::milliseconds(1);
  c.delivery_timeout = std::chrono::seconds(60);
  c.connect_timeout = std::chrono::seconds(2);
  c.request_timeout = std::chrono::seconds(5);
  auto p = client::Producer::create(c);
  EXPECT_TRUE(p) << p.error().to_string();
  return p ? std::move(*p) : nullptr;
}

// Every value of `topic`-0 read from `brokers` from offset 0, waiting up to 30 s for `count`.
std::vector<std::string> read_values(const std::string& brokers, const std::string& topic,
                                     size_t count, const std::string& group = "") {
  client::ConsumerConfig c;
  c.broker = brokers;
  c.group_id = group;
  c.auto_offset_reset = client::ConsumerConfig::OffsetReset::kEarliest;
  c.enable_auto_commit = false;
  auto consumer = client::Consumer::create(c);
  EXPECT_TRUE(consumer) << consumer.error().to_string();
  if (!consumer) return {};
  if (group.empty()) {
    EXPECT_TRUE((*consumer)->assign({{topic, 0}}).is_ok());
  } else {
    EXPECT_TRUE((*consumer)->subscribe({topic}).is_ok());
  }
  std::vector<std::string> out;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (out.size() < count && Clock::now() < deadline) {
    auto records = (*consumer)->poll(std::chrono::milliseconds(200));
    if (!records) continue;
    for (auto& r : *records) out.push_back(r.value.value_or(""));
  }
  if (!group.empty()) {
    EXPECT_TRUE((*consumer)->commit().is_ok());
  }
  return out;
}

class LeaderDiscovery : public ::testing::Test {
 protected:
  void start_pair(std::vector<std::string> leader_args = {}) {
    leader = std::make_unique<BrokerProcess>(tmp.path() / "leader", std::move(leader_args));
    ASSERT_EQ(cli(leader->address(), {"topics", "create", "t"}).exit_code, 0);
    follower = std::make_unique<BrokerProcess>(
        tmp.path() / "follower",
        std::vector<std::string>{"--replica-of", leader->address(), "--node-id", "1"});
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> leader;
  std::unique_ptr<BrokerProcess> follower;
};

TEST_F(LeaderDiscovery, AProducerAndAConsumerGivenTheFollowersAddressWorkAgainstTheLeader) {
  start_pair();
  auto producer = make_producer(follower->address());
  ASSERT_TRUE(producer);
  std::vector<std::future<Result<client::RecordMetadata>>> acks;
  for (int i = 0; i < 100; ++i) {
    acks.push_back(producer->send({"t", std::nullopt, "v" + std::to_string(i), {}, 0, {}}));
  }
  for (auto& a : acks) {
    auto r = a.get();
    ASSERT_TRUE(r) << r.error().to_string();
  }
  producer->close();
  // A consumer of a group: its joins and commits are the leader's too.
  auto values = read_values(follower->address() + "," + leader->address(), "t", 100, "g");
  ASSERT_EQ(values.size(), 100u);
  EXPECT_EQ(values.front(), "v0");
  EXPECT_EQ(values.back(), "v99");
  auto described = cli(leader->address(), {"groups", "describe", "g"});
  EXPECT_NE(described.out.find("100"), std::string::npos) << described.out;
  // The CLI's --broker takes the same list.
  auto input = tmp.path() / "input";
  { std::ofstream(input) << "from-cli\n"; }
  auto produced = cli(follower->address(), {"produce", "t"}, input);
  EXPECT_EQ(produced.exit_code, 0) << produced.err;
}

TEST_F(LeaderDiscovery, AProducerGivenLeaderAndFollowerGoesOnOnThePromotedFollowerLosingNothing) {
  // acks=all waits for the follower while it is in sync: nothing acknowledged is only on the
  // leader when it dies.
  start_pair({"--min-insync-replicas", "2", "--replica-lag-max-ms", "3000"});
  std::string brokers = leader->address() + "," + follower->address();
  auto producer = make_producer(brokers);
  ASSERT_TRUE(producer);
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<int> failed{0};
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::thread sending([&] {
    for (int i = 0; !stop; ++i) {
      std::string value = "v" + std::to_string(i);
      Status s = producer->send({"t", std::nullopt, value, {}, 0, {}},
                                [&, value](Result<client::RecordMetadata> r) {
                                  if (!r) {
                                    ++failed;
                                    return;
                                  }
                                  std::lock_guard lock(mu);
                                  acknowledged.insert(value);
                                });
      if (!s.is_ok()) ++failed;
      ++sent;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  auto acknowledged_count = [&] {
    std::lock_guard lock(mu);
    return acknowledged.size();
  };
  ASSERT_TRUE(eventually([&] { return acknowledged_count() >= 300; }));
  leader->kill9();
  size_t before = acknowledged_count();
  auto promotion = cli(follower->address(), {"admin", "promote"});
  ASSERT_EQ(promotion.exit_code, 0) << promotion.out << promotion.err;
  // Records go on being acknowledged, by the promoted follower.
  ASSERT_TRUE(eventually([&] { return acknowledged_count() >= before + 300; }));
  stop = true;
  sending.join();
  ASSERT_TRUE(producer->flush().is_ok());
  producer->close();
  size_t total = acknowledged_count();
  auto values = read_values(follower->address(), "t", total);
  std::map<std::string, int> copies;
  for (const auto& v : values) ++copies[v];
  int lost = 0, duplicated = 0;
  for (const auto& v : acknowledged) lost += copies.count(v) == 0 ? 1 : 0;
  for (const auto& [v, n] : copies) duplicated += n - 1;
  std::printf(
      "leader discovery failover: %d sent, %zu acknowledged (%zu before the kill), %d "
      "failed, %d lost, %d duplicated\n",
      sent.load(), total, before, failed.load(), lost, duplicated);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(failed.load(), 0);
}

}  // namespace
}  // namespace cairn::testing
