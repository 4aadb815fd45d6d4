// The broker's limits on what one client can cost it, against the real cairnd: idle sockets
// that hold connection slots, long polls past the idle timeout, requests pipelined past the
// in-flight limit, and answers a client never reads.
#include <gtest/gtest.h>

#include <thread>

#include "cairn/connection.h"
#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "tests/support/broker_process.h"
#include "tests/support/raw_socket.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;
using Clock = std::chrono::steady_clock;

constexpr auto kFetch = static_cast<uint16_t>(ApiKey::kFetch);
constexpr auto kMetadata = static_cast<uint16_t>(ApiKey::kMetadata);
constexpr auto kApiVersions = static_cast<uint16_t>(ApiKey::kApiVersions);

class WireLimits : public ::testing::Test {
 protected:
  void start(std::vector<std::string> args = {}) {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data", std::move(args),
                                             measurable_memory_env());
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "t"}).exit_code, 0);
  }
  void expect_healthy() {
    ASSERT_TRUE(broker->child().running()) << broker->log();
    auto conn = client::Connection::connect({.broker = broker->address()});
    ASSERT_TRUE(conn) << conn.error().to_string();
    auto r = (*conn)->call<protocol::MetadataRequest, protocol::MetadataResponse>(
        ApiKey::kMetadata, protocol::MetadataRequest{});
    ASSERT_TRUE(r) << r.error().to_string();
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
};

TEST_F(WireLimits, AClientThatNeverReadsItsResponsesMakesTheBrokerHoldLittleForIt) {
  start({"--fsync", "never"});
  ASSERT_EQ(cli(broker->address(), {"topics", "create", "wide", "--partitions", "2000"}).exit_code, 0);
  // Each answer lists 2,000 partitions (about 90 KB); the client asks 1,000 times, never reads.
  std::vector<std::byte> body(4);
  protocol::store_le<int32_t>(body.data(), -1);
  std::vector<std::byte> many;
  for (uint32_t i = 0; i < 1000; ++i) {
    auto frame = raw_request(kMetadata, 0, i, body);
    many.insert(many.end(), frame.begin(), frame.end());
  }
  long before = broker->child().rss_kb();
  RawSocket greedy(broker->port());
  ASSERT_TRUE(greedy.send(many));
  long peak = before;
  for (auto end = Clock::now() + std::chrono::seconds(3); Clock::now() < end;) {
    peak = std::max(peak, broker->child().rss_kb());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::cout << "1,000 unread metadata answers: RSS grew by " << peak - before << " KiB\n";
  EXPECT_LT(peak - before, 32 * 1024);
  expect_healthy();
}

// An ApiVersions request: the smallest complete request there is.
std::vector<std::byte> api_versions(uint32_t correlation) {
  return raw_request(kApiVersions, 0, correlation, {});
}

TEST_F(WireLimits, IdleSocketsFromOneAddressDoNotLockOutAnotherAddress) {
  start({"--max-connections", "100", "--max-connections-per-ip", "50"});
  std::vector<RawSocket> idle;
  for (int i = 0; i < 150; ++i) idle.emplace_back(broker->port());
  // The broker has refused the sockets past 50 by the time one of them reads its close.
  EXPECT_TRUE(idle.back().closed_within(std::chrono::seconds(5)));
  RawSocket other(broker->port(), "127.0.0.2");
  ASSERT_TRUE(other.connected());
  ASSERT_TRUE(other.send(api_versions(1)));
  auto reply = other.read_frame();
  ASSERT_TRUE(reply) << "a client from another address was not served";
  auto decoded = protocol::decode_response(*reply);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->error, ErrorCode::kNone);
}

TEST_F(WireLimits, ASocketThatSendsNothingIsClosedAtTheFirstRequestDeadline) {
  start({"--max-connections", "30", "--first-request-timeout-ms", "1000"});
  auto start_time = Clock::now();
  // Fill every slot but one with sockets that never send a byte, and the last with a client
  // that has made a request: a new client is turned away...
  std::vector<RawSocket> idle;
  for (int i = 0; i < 29; ++i) idle.emplace_back(broker->port());
  RawSocket busy(broker->port());
  ASSERT_TRUE(busy.send(api_versions(1)));
  ASSERT_TRUE(busy.read_frame());
  RawSocket turned_away(broker->port());
  EXPECT_TRUE(turned_away.closed_within(std::chrono::milliseconds(300)));
  // ...until the first-request deadline frees the silent ones.
  for (auto& s : idle) EXPECT_TRUE(s.closed_within(std::chrono::seconds(5)));
  EXPECT_LT(Clock::now() - start_time, std::chrono::seconds(4));
  RawSocket later(broker->port());
  ASSERT_TRUE(later.send(api_versions(2)));
  EXPECT_TRUE(later.read_frame()) << "a new client was not served after the idle ones were closed";
}

TEST_F(WireLimits, AConnectionThatSentARequestIsNotClosedAtTheFirstRequestDeadline) {
  start({"--first-request-timeout-ms", "500"});
  RawSocket s(broker->port());
  ASSERT_TRUE(s.send(api_versions(1)));
  ASSERT_TRUE(s.read_frame());
  EXPECT_FALSE(s.closed_within(std::chrono::milliseconds(1500)));
  ASSERT_TRUE(s.send(api_versions(2)));
  EXPECT_TRUE(s.read_frame());
}

TEST_F(WireLimits, ALongPollLongerThanTheIdleTimeoutIsAnswered) {
  start({"--idle-timeout-ms", "1000"});
  RawSocket s(broker->port());
  protocol::FetchRequest f;
  f.max_wait_ms = 3000;
  f.min_bytes = 1;
  f.topics.push_back({"t", {{0, 0, 1 << 20}}});
  auto started = Clock::now();
  ASSERT_TRUE(s.send(encoded_request(kFetch, 1, f)));
  auto reply = s.read_frame(std::chrono::seconds(10));
  ASSERT_TRUE(reply) << "the connection was closed while its fetch was waiting";
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(2900));
  auto decoded = protocol::decode_response(*reply);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->correlation_id, 1u);
  EXPECT_EQ(decoded->error, ErrorCode::kNone);
}

// Sends limit + 3 complete fetches at once; the first `limit` must be answered (after their
// long poll), then the one over the limit with RESOURCE_LIMIT, then the connection closes.
void expect_pipelined_past_limit_answered(uint16_t port, int limit) {
  protocol::FetchRequest f;
  f.max_wait_ms = 1500;
  f.min_bytes = 1;
  f.topics.push_back({"t", {{0, 0, 1 << 20}}});
  std::vector<std::byte> all;
  for (int i = 1; i <= limit + 3; ++i) {
    auto frame = encoded_request(kFetch, static_cast<uint32_t>(i), f);
    all.insert(all.end(), frame.begin(), frame.end());
  }
  RawSocket s(port);
  ASSERT_TRUE(s.send(all));
  for (int i = 1; i <= limit + 1; ++i) {
    auto reply = s.read_frame(std::chrono::seconds(10));
    ASSERT_TRUE(reply) << "no answer to request " << i;
    auto decoded = protocol::decode_response(*reply);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->correlation_id, static_cast<uint32_t>(i));
    EXPECT_EQ(decoded->error, i <= limit ? ErrorCode::kNone : ErrorCode::kResourceLimit)
        << decoded->message;
  }
  EXPECT_TRUE(s.closed_within(std::chrono::seconds(5)));
}

TEST_F(WireLimits, RequestsPipelinedPastTheInFlightLimitAreAnsweredBeforeTheConnectionCloses) {
  start({"--max-inflight-requests", "4", "--request-timeout-ms", "1000"});
  for (int round = 0; round < 3; ++round) {
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c) {
      clients.emplace_back([port = broker->port()] { expect_pipelined_past_limit_answered(port, 4); });
    }
    for (auto& t : clients) t.join();
  }
  expect_healthy();
}

}  // namespace
}  // namespace cairn::testing
