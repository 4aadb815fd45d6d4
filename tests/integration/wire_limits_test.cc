// The broker's limits on what one client can cost it, against the real cairnd: requests shaped
// to make it allocate far more than they weigh, messages quoting huge names, idle sockets that
// hold connection slots, long polls past the idle timeout, and requests pipelined past the
// in-flight limit.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "client/src/connection.h"
#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"
#include "tests/support/broker_process.h"
#include "tests/support/raw_socket.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;
using Clock = std::chrono::steady_clock;

constexpr auto kFetch = static_cast<uint16_t>(ApiKey::kFetch);
constexpr auto kProduce = static_cast<uint16_t>(ApiKey::kProduce);
constexpr auto kMetadata = static_cast<uint16_t>(ApiKey::kMetadata);
constexpr auto kDeleteTopics = static_cast<uint16_t>(ApiKey::kDeleteTopics);
constexpr auto kApiVersions = static_cast<uint16_t>(ApiKey::kApiVersions);

// How much more memory than it started with the broker may use for one hostile request (its
// frame is at most a few hundred KiB; before the limits, each of these cost gigabytes).
constexpr long kMaxGrowthKb = 64 * 1024;

class WireLimits : public ::testing::Test {
 protected:
  void start(std::vector<std::string> args = {}) {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data", std::move(args),
                                             measurable_memory_env());
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "t"}).exit_code, 0);
  }
  // Sends `frame` on a new connection and reads its response, sampling the broker's resident
  // memory meanwhile. Returns the decoded response; `peak_growth_kb` is the largest growth seen.
  std::optional<protocol::DecodedResponse> send_and_watch(const std::vector<std::byte>& frame,
                                                          long& peak_growth_kb) {
    long before = broker->child().rss_kb();
    RawSocket s(broker->port());
    EXPECT_TRUE(s.send(frame));
    auto reply = std::async(std::launch::async, [&s] { return s.read_frame(std::chrono::seconds(60)); });
    long peak = before;
    while (reply.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready) {
      peak = std::max(peak, broker->child().rss_kb());
    }
    peak = std::max(peak, broker->child().rss_kb());
    peak_growth_kb = peak - before;
    response_bytes = reply.get();
    if (!response_bytes) return std::nullopt;
    auto decoded = protocol::decode_response(*response_bytes);
    if (!decoded) return std::nullopt;
    return *decoded;
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
  std::optional<std::vector<std::byte>> response_bytes;
};

TEST_F(WireLimits, AFetchNamingALongTopicForManyPartitionsStaysWithinItsMemoryBound) {
  start();
  protocol::FetchRequest f;
  f.max_wait_ms = 0;
  f.min_bytes = 0;
  auto& topic = f.topics.emplace_back();
  topic.name = std::string(60'000, 'a');
  for (int32_t p = 0; p < 16'000; ++p) topic.partitions.push_back({p, 0, 0});
  long growth = 0;
  auto r = send_and_watch(encoded_request(kFetch, 1, f), growth);
  std::cout << "fetch of 16,000 partitions of a 60,000-byte name: RSS grew by " << growth << " KiB\n";
  ASSERT_TRUE(r);
  ASSERT_EQ(r->error, ErrorCode::kNone) << r->message;
  auto body = protocol::FetchResponse::decode(r->body, 0);
  ASSERT_TRUE(body) << body.error().to_string();
  ASSERT_EQ(body->topics.size(), 1u);
  ASSERT_EQ(body->topics[0].partitions.size(), 16'000u);
  EXPECT_EQ(body->topics[0].partitions[0].error, ErrorCode::kInvalidTopicName);
  EXPECT_LT(growth, kMaxGrowthKb);
  expect_healthy();
}

TEST_F(WireLimits, AMetadataRequestWithMillionsOfEmptyNamesIsRefusedCheaply) {
  start();
  constexpr uint32_t kNames = 2'000'000;
  std::vector<std::byte> body(4 + 2 * size_t{kNames});  // count, then empty strings
  protocol::store_le<int32_t>(body.data(), static_cast<int32_t>(kNames));
  long growth = 0;
  auto r = send_and_watch(raw_request(kMetadata, 0, 1, body), growth);
  std::cout << "metadata of 2,000,000 empty names: RSS grew by " << growth << " KiB\n";
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error, ErrorCode::kInvalidRequest);
  EXPECT_NE(r->message.find("limit"), std::string::npos) << r->message;
  EXPECT_LT(growth, kMaxGrowthKb);
  expect_healthy();
}

TEST_F(WireLimits, AProduceWithALongNameAndManyPartitionsStaysWithinItsMemoryBound) {
  start();
  std::vector<std::byte> body;
  protocol::Encoder e(body);
  e.write<int16_t>(1);         // acks
  e.write<uint32_t>(30'000);   // timeout
  e.write_count(1);
  e.write_string(std::string(60'000, 'b'));
  e.write_count(16'000);
  for (int32_t p = 0; p < 16'000; ++p) {
    e.write<int32_t>(p);
    e.write<uint32_t>(0);  // no records
  }
  long growth = 0;
  auto r = send_and_watch(raw_request(kProduce, 0, 1, body), growth);
  std::cout << "produce to 16,000 partitions of a 60,000-byte name: RSS grew by " << growth
            << " KiB\n";
  ASSERT_TRUE(r);
  ASSERT_EQ(r->error, ErrorCode::kNone) << r->message;
  auto decoded = protocol::ProduceResponse::decode(r->body, 0);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  ASSERT_EQ(decoded->topics.at(0).partitions.size(), 16'000u);
  EXPECT_EQ(decoded->topics[0].partitions[0].error, ErrorCode::kInvalidTopicName);
  EXPECT_LT(growth, kMaxGrowthKb);
  expect_healthy();
}

TEST_F(WireLimits, ErrorMessagesAboutAMaximalTopicNameAreClippedNotWrapped) {
  start();
  std::string name(65'535, 'n');
  protocol::ProduceRequest p;
  auto batch = make_batch({.records = 1});
  p.topics.push_back({name, {{0, batch}}});
  long growth = 0;
  auto r = send_and_watch(encoded_request(kProduce, 1, p), growth);
  ASSERT_TRUE(r) << "no well-formed response; broker log:\n" << broker->log();
  auto produced = protocol::ProduceResponse::decode(r->body, 0);
  ASSERT_TRUE(produced) << produced.error().to_string();
  const auto& result = produced->topics.at(0).partitions.at(0);
  EXPECT_NE(result.error, ErrorCode::kNone);
  EXPECT_LE(result.message.size(), protocol::kMaxMessageBytes);

  protocol::DeleteTopicsRequest d{{name}};
  r = send_and_watch(encoded_request(kDeleteTopics, 2, d), growth);
  ASSERT_TRUE(r) << "no well-formed response; broker log:\n" << broker->log();
  auto deleted = protocol::DeleteTopicsResponse::decode(r->body, 0);
  ASSERT_TRUE(deleted) << deleted.error().to_string();
  EXPECT_EQ(deleted->results.at(0).error, ErrorCode::kInvalidTopicName);
  EXPECT_LE(deleted->results[0].message.size(), protocol::kMaxMessageBytes);
  expect_healthy();
}

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

TEST_F(WireLimits, LargeFramesArrivingTogetherPastTheMemoryBudgetAreAllServed) {
  // Four 12 MiB frames against a 32 MiB budget, each sent in two parts: together their first
  // parts already need more than the budget holds.
  start({"--threads", "1", "--request-memory-bytes", std::to_string(32u << 20)});
  std::vector<std::byte> body(12u << 20);  // a Metadata request with no topics, then junk
  auto frame = raw_request(kMetadata, 0, 1, body);
  std::vector<std::thread> clients;
  std::vector<std::string> outcomes(4);
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c, port = broker->port()] {
      RawSocket s(port);
      size_t half = 9u << 20;
      outcomes[c] = "first part not sent";
      if (!s.send(std::vector<std::byte>(frame.begin(), frame.begin() + half))) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      outcomes[c] = "second part not sent";
      if (!s.send(std::vector<std::byte>(frame.begin() + half, frame.end()))) return;
      outcomes[c] = "no answer";
      auto reply = s.read_frame(std::chrono::seconds(20));
      if (!reply) return;
      auto decoded = protocol::decode_response(*reply);
      // The body has bytes left over: answered with INVALID_REQUEST.
      outcomes[c] = decoded ? std::string(protocol::error_name(decoded->error)) : "garbled";
    });
  }
  for (auto& t : clients) t.join();
  for (int c = 0; c < 4; ++c) EXPECT_EQ(outcomes[c], "INVALID_REQUEST") << "client " << c;
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
