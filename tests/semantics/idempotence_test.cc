// The idempotent producer end to end: 200,000 records through a proxy that drops connections
// after the broker appended a batch but before the producer hears so, and a broker SIGKILL and
// restart mid-stream. The producer retries; the log must hold each record exactly once, in send
// order per partition.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/semantics/chaos_proxy.h"
#include "tests/semantics/harness.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

constexpr int kRecords = 200'000;

TEST(Idempotence, LostAcknowledgementsAndABrokerRestartDuplicateNothing) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "3"}).exit_code, 0);
  ChaosProxy proxy(broker.port(), 0.05);

  client::ProducerConfig config;
  config.broker = proxy.address();
  config.batch_bytes = 8 * 1024;  // many batches, so many chances to lose an acknowledgement
  config.request_timeout = std::chrono::seconds(5);
  config.retry_backoff = std::chrono::milliseconds(20);
  auto producer = client::Producer::create(config);
  ASSERT_TRUE(producer) << producer.error().to_string();
  std::atomic<int> failed{0};
  for (int i = 0; i < kRecords; ++i) {
    if (i == kRecords / 2) {
      broker.kill9();
      broker.restart();
      proxy.set_upstream(broker.port());
    }
    client::ProducerRecord r;
    r.topic = "t";
    r.key = "k" + std::to_string(i % 30);
    r.value = "v" + std::to_string(i);
    ASSERT_TRUE((*producer)->send(std::move(r), [&failed](auto res) {
      if (!res) ++failed;
    }).is_ok());
  }
  ASSERT_TRUE((*producer)->flush().is_ok());
  EXPECT_EQ(failed.load(), 0);

  auto records = read_topic(broker.address(), "t");
  std::map<std::string, int> seen;
  int64_t total = 0, out_of_order = 0;
  for (const auto& [partition, list] : records) {
    int last = -1;
    for (const auto& r : list) {
      ++seen[*r.value];
      ++total;
      int i = std::stoi(r.value->substr(1));
      if (i < last) ++out_of_order;
      last = i;
    }
  }
  int64_t duplicates = 0;
  for (const auto& [v, n] : seen) duplicates += n - 1;
  int64_t lost = kRecords - static_cast<int64_t>(seen.size());
  std::cout << "idempotent producer: " << kRecords << " records, " << proxy.drops()
            << " acknowledgements dropped of " << proxy.responses() << ", 1 broker SIGKILL; stored "
            << total << ", duplicates " << duplicates << ", lost " << lost << ", out of order "
            << out_of_order << "\n";
  EXPECT_GT(proxy.drops(), 0);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(out_of_order, 0);
}

}  // namespace
}  // namespace cairn::testing
