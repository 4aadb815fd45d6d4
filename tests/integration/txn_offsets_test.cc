// TxnOffsetCommit against a real cairnd: offsets committed inside a transaction stay invisible to
// OffsetFetch (UNSTABLE_OFFSET_COMMIT) until the commit marker, are dropped by an abort, and
// keep their state across a restart (pending before the marker, committed after).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "client/src/connection.h"
#include "protocol/messages/group.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/transactions.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;
using protocol::TxnResult;

class TxnOffsets : public ::testing::Test {
 protected:
  void SetUp() override {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data", std::vector<std::string>{});
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "in", "--partitions", "1"}).exit_code, 0);
    auto lines = tmp.path() / "lines";
    std::ofstream(lines) << "a\nb\nc\nd\n";
    ASSERT_EQ(cli(broker->address(), {"produce", "in"}, lines).exit_code, 0);
    connect();
    protocol::InitProducerIdRequest req{"tx", 60000};
    auto r = conn->call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
        ApiKey::kInitProducerId, req);
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->body.error, ErrorCode::kNone);
    producer = {"tx", r->body.producer_id, r->body.producer_epoch};
  }
  void connect() {
    auto c = client::Connection::connect({.broker = broker->address()});
    ASSERT_TRUE(c) << c.error().to_string();
    conn = std::move(*c);
  }
  ErrorCode add_offsets(const std::string& group) {
    protocol::AddOffsetsToTxnRequest req{producer, group};
    auto r = conn->call<protocol::AddOffsetsToTxnRequest, protocol::AddOffsetsToTxnResponse>(
        ApiKey::kAddOffsetsToTxn, req);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? r->body.error : ErrorCode::kUnknownServerError;
  }
  ErrorCode txn_commit(const std::string& group, int64_t offset) {
    protocol::TxnOffsetCommitRequest req{producer, group, -1, "", {{"in", {{0, offset, "m"}}}}};
    auto r = conn->call<protocol::TxnOffsetCommitRequest, protocol::TxnOffsetCommitResponse>(
        ApiKey::kTxnOffsetCommit, req);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? r->body.topics.at(0).partitions.at(0).error : ErrorCode::kUnknownServerError;
  }
  ErrorCode end(TxnResult result) {
    protocol::EndTxnRequest req{producer, result};
    auto r = conn->call<protocol::EndTxnRequest, protocol::EndTxnResponse>(ApiKey::kEndTxn, req);
    EXPECT_TRUE(r) << r.error().to_string();
    // EndTxn is answered once the outcome is stored; the markers follow.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (r && std::chrono::steady_clock::now() < deadline) {
      auto d =
          conn->call<protocol::DescribeTransactionsRequest, protocol::DescribeTransactionsResponse>(
              ApiKey::kDescribeTransactions,
              protocol::DescribeTransactionsRequest{{producer.transactional_id}});
      if (!d || d->body.transactions.empty() ||
          !d->body.transactions[0].state.starts_with("Prepare")) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return r ? r->body.error : ErrorCode::kUnknownServerError;
  }
  // The group's offset of in/0 as OffsetFetch answers it.
  protocol::FetchedOffset fetched(const std::string& group) {
    protocol::OffsetFetchRequest req{group, std::vector<protocol::TopicPartitions>{{"in", {0}}}};
    auto r = conn->call<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse>(
        ApiKey::kOffsetFetch, req);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? r->body.topics.at(0).partitions.at(0) : protocol::FetchedOffset{};
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
  std::unique_ptr<client::Connection> conn;
  protocol::TxnProducer producer;
};

TEST_F(TxnOffsets, OffsetsCommittedInATransactionAreVisibleOnlyOnceItCommits) {
  ASSERT_EQ(add_offsets("g"), ErrorCode::kNone);
  ASSERT_EQ(txn_commit("g", 3), ErrorCode::kNone);
  EXPECT_EQ(fetched("g").error, ErrorCode::kUnstableOffsetCommit);
  ASSERT_EQ(end(TxnResult::kCommit), ErrorCode::kNone);
  auto f = fetched("g");
  EXPECT_EQ(f.error, ErrorCode::kNone);
  EXPECT_EQ(f.offset, 3);
  EXPECT_EQ(f.metadata, "m");
}

TEST_F(TxnOffsets, OffsetsOfAnAbortedTransactionAreDropped) {
  ASSERT_EQ(add_offsets("g"), ErrorCode::kNone);
  ASSERT_EQ(txn_commit("g", 2), ErrorCode::kNone);
  ASSERT_EQ(end(TxnResult::kCommit), ErrorCode::kNone);
  ASSERT_EQ(add_offsets("g"), ErrorCode::kNone);
  ASSERT_EQ(txn_commit("g", 4), ErrorCode::kNone);
  ASSERT_EQ(end(TxnResult::kAbort), ErrorCode::kNone);
  auto f = fetched("g");
  EXPECT_EQ(f.error, ErrorCode::kNone);
  EXPECT_EQ(f.offset, 2);
}

TEST_F(TxnOffsets, ACommitWithoutAddOffsetsAddsTheGroupsOffsetsPartitionItself) {
  ASSERT_EQ(txn_commit("g", 1), ErrorCode::kNone);
  EXPECT_EQ(fetched("g").error, ErrorCode::kUnstableOffsetCommit) << "pending in the transaction";
  ASSERT_EQ(end(TxnResult::kCommit), ErrorCode::kNone) << "the commit opened the transaction";
  auto f = fetched("g");
  EXPECT_EQ(f.error, ErrorCode::kNone);
  EXPECT_EQ(f.offset, 1);
  // And within an open transaction: a second group joins it the same way.
  ASSERT_EQ(add_offsets("g"), ErrorCode::kNone);
  ASSERT_EQ(txn_commit("g", 2), ErrorCode::kNone);
  ASSERT_EQ(txn_commit("h", 3), ErrorCode::kNone);
  ASSERT_EQ(end(TxnResult::kAbort), ErrorCode::kNone);
  EXPECT_EQ(fetched("g").offset, 1);
  EXPECT_EQ(fetched("h").offset, -1);
}

TEST_F(TxnOffsets, ACommitOfAnotherEpochIsFenced) {
  ASSERT_EQ(add_offsets("g"), ErrorCode::kNone);
  producer.producer_epoch += 1;
  EXPECT_EQ(txn_commit("g", 1), ErrorCode::kProducerFenced);
}

TEST_F(TxnOffsets, PendingAndCommittedTransactionalOffsetsSurviveARestart) {
  ASSERT_EQ(add_offsets("g"), ErrorCode::kNone);
  ASSERT_EQ(txn_commit("g", 1), ErrorCode::kNone);
  ASSERT_EQ(end(TxnResult::kCommit), ErrorCode::kNone);
  ASSERT_EQ(add_offsets("g"), ErrorCode::kNone);
  ASSERT_EQ(txn_commit("g", 3), ErrorCode::kNone);
  broker->kill9();
  broker->restart();
  connect();
  EXPECT_EQ(fetched("g").error, ErrorCode::kUnstableOffsetCommit) << "still pending";
  ASSERT_EQ(end(TxnResult::kCommit), ErrorCode::kNone);
  auto f = fetched("g");
  EXPECT_EQ(f.error, ErrorCode::kNone);
  EXPECT_EQ(f.offset, 3);
  broker->kill9();
  broker->restart();
  connect();
  f = fetched("g");
  EXPECT_EQ(f.error, ErrorCode::kNone);
  EXPECT_EQ(f.offset, 3) << "the commit marker is replayed";
}

}  // namespace
}  // namespace cairn::testing
