// Fetch long polling against the real broker: a fetch waiting on an empty partition returns
// promptly after a produce, and empty at max_wait when nothing comes.
#include <gtest/gtest.h>

#include <future>

#include "client/src/connection.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using Clock = std::chrono::steady_clock;

std::unique_ptr<client::Connection> connect_to(const BrokerProcess& broker) {
  auto conn = client::Connection::connect({.broker = broker.address()});
  EXPECT_TRUE(conn) << conn.error().to_string();
  return conn ? std::move(*conn) : nullptr;
}

protocol::FetchRequest fetch_request(uint32_t max_wait_ms, int64_t offset) {
  protocol::FetchRequest f;
  f.max_wait_ms = max_wait_ms;
  f.min_bytes = 1;
  f.topics.push_back({"t", {{0, offset, 1 << 20}}});
  return f;
}

class LongPoll : public ::testing::Test {
 protected:
  void SetUp() override {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data");
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "t"}).exit_code, 0);
    consumer = connect_to(*broker);
    producer = connect_to(*broker);
  }
  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
  std::unique_ptr<client::Connection> consumer, producer;
};

TEST_F(LongPoll, AWaitingFetchReturnsRightAfterAProduce) {
  std::promise<Clock::time_point> fetched;
  std::promise<size_t> bytes;
  consumer->call_async<protocol::FetchRequest, protocol::FetchResponse>(
      ApiKey::kFetch, fetch_request(10'000, 0),
      [&](Result<client::Reply<protocol::FetchResponse>> r) {
        bytes.set_value(r ? r->body.topics[0].partitions[0].records.size() : 0);
        fetched.set_value(Clock::now());
      });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the fetch is parked by now
  protocol::ProduceRequest p;
  auto batch = make_batch({.records = 3});
  p.topics.push_back({"t", {{0, batch}}});
  auto acked = producer->call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, p);
  auto acked_at = Clock::now();
  ASSERT_TRUE(acked) << acked.error().to_string();
  auto fetched_at = fetched.get_future().get();
  EXPECT_GT(bytes.get_future().get(), 0u);
  auto delay = std::chrono::duration_cast<std::chrono::microseconds>(fetched_at - acked_at);
  std::cout << "fetch returned " << delay.count() << " us after the produce was acknowledged\n";
  // A fetch that was not woken would return at its 10 s max_wait.
  EXPECT_LT(delay, std::chrono::seconds(2));
}

TEST_F(LongPoll, AnEmptyFetchReturnsAtMaxWait) {
  auto start = Clock::now();
  auto r = consumer->call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch,
                                                                           fetch_request(400, 0));
  auto took = Clock::now() - start;
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->body.topics[0].partitions[0].error, protocol::ErrorCode::kNone);
  EXPECT_TRUE(r->body.topics[0].partitions[0].records.empty());
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(LongPoll, AFetchPastTheEndIsOutOfRange) {
  auto r = consumer->call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch,
                                                                           fetch_request(100, 5));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.topics[0].partitions[0].error, protocol::ErrorCode::kOffsetOutOfRange);
}

}  // namespace
}  // namespace cairn::testing
