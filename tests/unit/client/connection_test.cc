// The client's Connection against a scripted FakeBroker: version negotiation, gather writes of
// external bytes, answers out of order, refusals and timeouts.
#include "client/src/connection.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "protocol/messages/admin.h"
#include "tests/support/fake_broker.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;
using client::Connection;
using client::Reply;
using protocol::ApiKey;
using protocol::ErrorCode;
using Answer = FakeBroker::Answer;

std::unique_ptr<Connection> connect(const FakeBroker& broker,
                                    std::chrono::milliseconds request_timeout = 5s) {
  auto c = Connection::connect({broker.address(), "test", 5s, request_timeout});
  EXPECT_TRUE(c) << c.error().to_string();
  return c ? std::move(*c) : nullptr;
}

TEST(ConnectionTest, ApiVersionsIsAskedAtVersionOneAndGivesTheBrokersBatchLimit) {
  FakeBroker broker;
  broker.set_max_batch_bytes(12345);
  auto conn = connect(broker);
  EXPECT_EQ(conn->broker_info().max_batch_bytes, 12345u);
  auto asked = broker.requests(ApiKey::kApiVersions);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].version, 1);
}

TEST(ConnectionTest, AnAddressThatCannotBeReachedIsSkippedForTheNextInTheList) {
  FakeBroker broker;
  // Port 1 on loopback has no listener: the connect is refused at once.
  auto c = Connection::connect({"127.0.0.1:1," + broker.address(), "test", 5s, 5s});
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ((*c)->options().broker, broker.address());
}

TEST(ConnectionTest, WhenNoAddressInTheListConnectsTheLastFailureIsTheAnswer) {
  auto c = Connection::connect({"127.0.0.1:1,127.0.0.1:2", "test", 5s, 5s});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), Status::Code::kUnavailable);
  EXPECT_NE(c.error().to_string().find("127.0.0.1:2"), std::string::npos) << c.error().to_string();
}

TEST(ConnectionTest, ABrokerThatAnswersApiVersionsInTheV0LayoutIsUnderstood) {
  FakeBroker broker;
  broker.on(ApiKey::kApiVersions, [](const FakeBroker::Request&) {
    protocol::ApiVersionsResponse r;
    r.apis = {{0, 0, 0}, {1, 0, 0}};
    r.broker_version = "old";
    r.max_frame_bytes = 1 << 20;
    r.max_inflight_requests = 10;
    Answer a;
    a.body = [r](protocol::Encoder& e, uint16_t) { r.encode(e, 0); };
    return a;
  });
  auto conn = connect(broker);
  EXPECT_EQ(conn->broker_info().broker_version, "old");
  EXPECT_EQ(conn->broker_info().max_frame_bytes, 1u << 20);
  EXPECT_EQ(conn->broker_info().max_batch_bytes, 0u) << "v0 does not tell it";
}

// A request body with two external fields between bytes of its own.
struct TwoExternal {
  uint32_t first_size;
  uint32_t second_size;
  void encode(protocol::Encoder& e, uint16_t) const {
    e.write_string("head");
    e.write_external_bytes32(first_size, 0);
    e.write<uint32_t>(0xabcdef01);
    e.write_external_bytes32(second_size, 1);
    e.write<uint16_t>(0x7777);
  }
};

std::vector<std::byte> bytes_of(std::string_view s) {
  auto b = protocol::as_bytes(s);
  return {b.begin(), b.end()};
}

TEST(ConnectionTest, ExternalBytesAreWrittenInPlaceOfTheirFieldsWithoutBeingCopiedFirst) {
  FakeBroker broker;
  broker.on(ApiKey::kMetadata,
            [](const FakeBroker::Request&) { return Answer::reply(protocol::MetadataResponse{}); });
  auto conn = connect(broker);
  auto first = std::make_shared<const std::vector<std::byte>>(bytes_of("first batch"));
  auto second = std::make_shared<const std::vector<std::byte>>(bytes_of("2nd"));
  auto r = conn->call<TwoExternal, protocol::MetadataResponse>(
      ApiKey::kMetadata,
      TwoExternal{static_cast<uint32_t>(first->size()), static_cast<uint32_t>(second->size())},
      {.external = {first, second}});
  ASSERT_TRUE(r) << r.error().to_string();

  std::vector<std::byte> expected;
  protocol::Encoder e(expected);
  e.write_string("head");
  e.write_bytes32(*first);
  e.write<uint32_t>(0xabcdef01);
  e.write_bytes32(*second);
  e.write<uint16_t>(0x7777);
  auto seen = broker.requests(ApiKey::kMetadata);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body, expected);
  EXPECT_EQ(first.use_count(), 1) << "the frame lets go of the bytes once written";
}

TEST(ConnectionTest, ExternalBytesThatDoNotMatchTheirFieldFailTheRequest) {
  FakeBroker broker;
  auto conn = connect(broker);
  auto wrong = std::make_shared<const std::vector<std::byte>>(bytes_of("xyz"));
  auto r = conn->call<TwoExternal, protocol::MetadataResponse>(ApiKey::kMetadata, TwoExternal{5, 3},
                                                               {.external = {wrong, wrong}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(conn->health().is_ok()) << "nothing was sent";
}

TEST(ConnectionTest, AnAnswerOutOfOrderFailsEveryRequestInFlightAndClosesTheConnection) {
  int n = 0;  // before the broker, whose handler uses it until the broker is gone
  FakeBroker broker;
  broker.on(ApiKey::kMetadata, [&n](const FakeBroker::Request&) {
    if (n++ == 0) return Answer::reply(protocol::MetadataResponse{}).held();
    return Answer::reply(protocol::MetadataResponse{}).then_release_held();
  });
  auto conn = connect(broker);
  std::promise<Status> a, b;
  conn->call_async<protocol::MetadataRequest, protocol::MetadataResponse>(
      ApiKey::kMetadata, {}, [&a](auto r) { a.set_value(r.status()); });
  conn->call_async<protocol::MetadataRequest, protocol::MetadataResponse>(
      ApiKey::kMetadata, {}, [&b](auto r) { b.set_value(r.status()); });
  EXPECT_EQ(a.get_future().get().code(), Status::Code::kUnavailable);
  EXPECT_EQ(b.get_future().get().code(), Status::Code::kUnavailable);
  EXPECT_FALSE(conn->health().is_ok());
  auto later =
      conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(ApiKey::kMetadata, {});
  EXPECT_EQ(later.error().code(), Status::Code::kUnavailable) << "fails fast afterwards";
}

TEST(ConnectionTest, ARequestRefusedAsAWholeBecomesAStatusByTheOneTranslation) {
  FakeBroker broker;
  broker.on(ApiKey::kMetadata, [](const FakeBroker::Request&) {
    return Answer::fail(ErrorCode::kBrokerShuttingDown, "bye");
  });
  broker.on(ApiKey::kListOffsets, [](const FakeBroker::Request&) {
    return Answer::fail(ErrorCode::kInvalidRequest, "no");
  });
  auto conn = connect(broker);
  auto stopping =
      conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(ApiKey::kMetadata, {});
  ASSERT_FALSE(stopping);
  EXPECT_EQ(stopping.error().code(), Status::Code::kUnavailable);
  EXPECT_EQ(stopping.error().message(), "broker: BROKER_SHUTTING_DOWN: bye");
  auto malformed = conn->call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
      ApiKey::kListOffsets, {});
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(conn->health().is_ok()) << "a refused request leaves the connection open";
}

TEST(ConnectionTest, NoAnswerWithinTheRequestTimeoutIsTimedOut) {
  FakeBroker broker;
  broker.on(ApiKey::kMetadata, [](const FakeBroker::Request&) { return Answer::silence(); });
  auto conn = connect(broker, 100ms);
  auto r = conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(ApiKey::kMetadata, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Status::Code::kTimedOut);
}

TEST(ConnectionTest, ADroppedConnectionFailsWhatIsInFlight) {
  FakeBroker broker;
  broker.on(ApiKey::kMetadata,
            [](const FakeBroker::Request&) { return Answer::drop_connection(); });
  auto conn = connect(broker);
  auto r = conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(ApiKey::kMetadata, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Status::Code::kUnavailable);
}

TEST(ConnectionTest, ACallbackMayDropTheLastReferenceToItsConnection) {
  FakeBroker broker;
  broker.on(ApiKey::kMetadata, [](const FakeBroker::Request&) {
    return Answer::reply(protocol::MetadataResponse{}).after(20ms);
  });
  std::shared_ptr<Connection> holder = connect(broker);
  std::promise<void> released;
  holder->call_async<protocol::MetadataRequest, protocol::MetadataResponse>(
      ApiKey::kMetadata, {}, [&holder, &released](auto) {
        holder.reset();  // the destructor runs here, on the connection's own I/O thread
        released.set_value();
      });
  auto done = released.get_future();
  ASSERT_EQ(done.wait_for(5s), std::future_status::ready);
}

// A Metadata v2 answer: whether the broker leads, and the leader it names.
Answer leadership(bool leads, std::string leader) {
  protocol::MetadataResponse r;
  r.is_leader = leads;
  r.leader_address = std::move(leader);
  return Answer::reply(std::move(r));
}

TEST(ConnectionTest, FindingTheLeaderAFollowerReachedFirstGivesWayToTheLeaderItNames) {
  FakeBroker leader;
  FakeBroker follower;
  leader.on(ApiKey::kMetadata, [](const FakeBroker::Request&) { return leadership(true, ""); });
  std::string named = leader.address();
  follower.on(ApiKey::kMetadata,
              [named](const FakeBroker::Request&) { return leadership(false, named); });
  client::ConnectionOptions o{follower.address(), "test", 5s, 5s};
  o.find_leader = true;
  auto c = Connection::connect(o);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ((*c)->options().broker, leader.address());
  auto asked = follower.requests(ApiKey::kMetadata);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].version, 2);
  // Without find_leader the first broker reached is the answer, leader or not.
  auto plain = connect(follower);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->options().broker, follower.address());
}

TEST(ConnectionTest, ANotLeaderErrorClosesTheConnectionAndOtherErrorsDoNot) {
  FakeBroker broker;
  auto conn = connect(broker);
  ASSERT_TRUE(conn);
  conn->note_error(ErrorCode::kUnknownTopicOrPartition);
  conn->note_error(ErrorCode::kNone);
  EXPECT_TRUE(conn->health().is_ok());
  conn->note_error(ErrorCode::kNotLeader);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (conn->health().is_ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(conn->health().code(), Status::Code::kUnavailable);
  EXPECT_NE(conn->health().message().find("not the leader"), std::string::npos);
}

}  // namespace
}  // namespace cairn::testing
