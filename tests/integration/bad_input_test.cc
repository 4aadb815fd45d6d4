// Hostile and broken clients against the real broker (RELIABILITY.md P2-P6, reduced): random
// bytes, a 2 GiB length, a truncated frame, unknown APIs and versions, malformed bodies, 1,000
// idle connections, a client that never reads, and the connection, idle and request-time
// limits. The broker must stay up, keep its memory bounded and keep serving a normal client.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

#include "client/src/connection.h"
#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "tests/support/broker_process.h"
#include "tests/support/raw_socket.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;

std::vector<std::byte> request(uint16_t api, uint16_t version, uint32_t correlation,
                               const std::vector<std::byte>& body) {
  return raw_request(api, version, correlation, body);
}

std::vector<std::byte> metadata_all() {
  std::vector<std::byte> body(4);
  protocol::store_le<int32_t>(body.data(), -1);
  return request(1, 0, 1, body);
}

class BadInput : public ::testing::Test {
 protected:
  void start(std::vector<std::string> args = {}) {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data", std::move(args),
                                             measurable_memory_env());
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "t"}).exit_code, 0);
    auto conn = client::Connection::connect({.broker = broker->address()});
    ASSERT_TRUE(conn);
    normal = std::move(*conn);
  }
  // The broker is alive and a well-behaved client on its own connection gets answers.
  void expect_healthy() {
    ASSERT_TRUE(broker->child().running()) << broker->log();
    auto r = normal->call<protocol::MetadataRequest, protocol::MetadataResponse>(
        ApiKey::kMetadata, protocol::MetadataRequest{});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body.topics.size(), 1u);
  }
  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
  std::unique_ptr<client::Connection> normal;
};

TEST_F(BadInput, RandomBytesCloseOnlyThatConnection) {
  start();
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20; ++i) {
    RawSocket s(broker->port());
    std::vector<std::byte> junk(1 + rng() % 65536);
    for (auto& b : junk) b = static_cast<std::byte>(rng());
    s.send(junk);
    s.closed_within(std::chrono::milliseconds(200));
  }
  expect_healthy();
}

TEST_F(BadInput, HugeLengthsAreRefusedBeforeAnyAllocation) {
  start();
  long before = broker->child().rss_kb();
  for (int i = 0; i < 1000; ++i) {
    RawSocket s(broker->port());
    std::vector<std::byte> claim(14);
    protocol::store_le<uint32_t>(claim.data(), 0x80000000u);  // 2 GiB
    s.send(claim);
    EXPECT_TRUE(s.closed_within(std::chrono::seconds(5)));
  }
  long after = broker->child().rss_kb();
  std::cout << "RSS before " << before << " KiB, after 1000 claims of 2 GiB " << after << " KiB\n";
  EXPECT_LT(after - before, 8 * 1024);
  expect_healthy();
}

TEST_F(BadInput, ATruncatedFrameThenHangUpIsHarmless) {
  start();
  for (int i = 0; i < 50; ++i) {
    RawSocket s(broker->port());
    auto frame = metadata_all();
    frame.resize(frame.size() / 2);
    s.send(frame);
  }
  expect_healthy();
}

TEST_F(BadInput, UnknownApisAndVersionsGetAnErrorAndTheConnectionLives) {
  start();
  RawSocket s(broker->port());
  ASSERT_TRUE(s.send(request(999, 0, 7, {})));
  auto r = s.read_frame();
  ASSERT_TRUE(r);
  auto decoded = protocol::decode_response(*r);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->correlation_id, 7u);
  EXPECT_EQ(decoded->error, protocol::ErrorCode::kUnsupportedVersion);

  ASSERT_TRUE(s.send(request(5, 9, 8, {})));  // Fetch v9
  auto f2 = s.read_frame();
  ASSERT_TRUE(f2);
  decoded = protocol::decode_response(*f2);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->error, protocol::ErrorCode::kUnsupportedVersion);

  ASSERT_TRUE(s.send(request(0, 42, 9, {})));  // ApiVersions at an unknown version: answered
  auto f3 = s.read_frame();
  ASSERT_TRUE(f3);
  decoded = protocol::decode_response(*f3);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->error, protocol::ErrorCode::kNone);
  EXPECT_TRUE(protocol::ApiVersionsResponse::decode(decoded->body, 0));

  std::vector<std::byte> absurd(4);
  protocol::store_le<uint32_t>(absurd.data(), 0x7fffffff);  // a topic count with no topics
  ASSERT_TRUE(s.send(request(3, 0, 10, absurd)));
  auto f4 = s.read_frame();
  ASSERT_TRUE(f4);
  decoded = protocol::decode_response(*f4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->correlation_id, 10u);
  EXPECT_EQ(decoded->error, protocol::ErrorCode::kInvalidRequest);
  EXPECT_FALSE(decoded->message.empty());

  ASSERT_TRUE(s.send(metadata_all()));  // still served
  auto f5 = s.read_frame();
  ASSERT_TRUE(f5);
  decoded = protocol::decode_response(*f5);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->error, protocol::ErrorCode::kNone);
  expect_healthy();
}

TEST_F(BadInput, AThousandIdleConnectionsCostLittleAndBlockNoOne) {
  start();
  long before = broker->child().rss_kb();
  std::vector<RawSocket> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.emplace_back(broker->port());
    ASSERT_TRUE(idle.back().connected());
  }
  // Let the broker accept them all, then check a normal client is served.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  expect_healthy();
  long after = broker->child().rss_kb();
  std::cout << "1000 idle connections: " << (after - before) << " KiB of RSS ("
            << (after - before) * 1024 / 1000 << " bytes each)\n";
  EXPECT_LT(after - before, 32 * 1000);  // 32 KiB a connection (RELIABILITY.md P6)
}

TEST_F(BadInput, AClientThatNeverReadsIsCutOffAndOthersAreServed) {
  // Answers that fit in the socket buffers are answered; after that the broker reads no more
  // from this client, and closes it once it has been idle that long.
  start({"--max-inflight-requests", "64", "--idle-timeout-ms", "3000"});
  RawSocket greedy(broker->port());
  auto frame = metadata_all();
  std::vector<std::byte> many;
  for (int i = 0; i < 2000; ++i) many.insert(many.end(), frame.begin(), frame.end());
  greedy.send(many);  // may fail part way once the broker hangs up
  expect_healthy();
  EXPECT_TRUE(greedy.closed_within(std::chrono::seconds(10)));
  normal.reset();  // idle as long as the greedy one: closed too
  auto fresh = client::Connection::connect({.broker = broker->address()});
  ASSERT_TRUE(fresh) << fresh.error().to_string();
  normal = std::move(*fresh);
  expect_healthy();
}

TEST_F(BadInput, ConnectionsPastTheLimitAreClosedAtOnce) {
  start({"--max-connections", "20"});
  std::vector<RawSocket> held;
  for (int i = 0; i < 19; ++i) held.emplace_back(broker->port());  // + the normal client = 20
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  RawSocket extra(broker->port());
  EXPECT_TRUE(extra.closed_within(std::chrono::seconds(2)));
  held.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawSocket later(broker->port());
  ASSERT_TRUE(later.send(metadata_all()));
  EXPECT_TRUE(later.read_frame());
  expect_healthy();
}

TEST_F(BadInput, IdleAndHalfSentConnectionsAreClosed) {
  start({"--idle-timeout-ms", "1500", "--request-timeout-ms", "800"});
  RawSocket idle(broker->port());
  RawSocket slow(broker->port());
  auto frame = metadata_all();
  slow.send(std::vector<std::byte>(frame.begin(), frame.begin() + 6));  // then stall
  EXPECT_TRUE(slow.closed_within(std::chrono::seconds(4)));
  EXPECT_TRUE(idle.closed_within(std::chrono::seconds(5)));
}

}  // namespace
}  // namespace cairn::testing
