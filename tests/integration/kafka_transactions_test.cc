// Kafka's transaction APIs on the Kafka listener of a real cairnd, spoken on the wire: the
// versions a client and a broker send, the error codes Kafka answers with, and one transaction
// coordinator shared with Cairn's own listener. (The Java client and librdkafka run the same
// APIs in tests/kafka/.)
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "client/src/connection.h"
#include "protocol/kafka/crc32c.h"
#include "protocol/kafka/error_code.h"
#include "protocol/kafka/messages/fetch.h"
#include "protocol/kafka/messages/group.h"
#include "protocol/kafka/messages/offsets.h"
#include "protocol/kafka/messages/produce.h"
#include "protocol/kafka/messages/transaction_admin.h"
#include "protocol/kafka/messages/transaction_commit.h"
#include "protocol/kafka/messages/transactions.h"
#include "protocol/kafka/record_batch.h"
#include "protocol/record_batch.h"
#include "protocol/control_record.h"
#include "protocol/messages/transactions.h"
#include "protocol/record_batch_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/kafka_call.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

namespace pk = protocol::kafka;
using namespace std::chrono_literals;

constexpr int16_t kNone = 0;
const int16_t kUnknownTopic = pk::code_of(pk::ErrorCode::kUnknownTopicOrPartition);
const int16_t kInvalidProducerEpoch = pk::code_of(pk::ErrorCode::kInvalidProducerEpoch);
const int16_t kProducerFenced = pk::code_of(pk::ErrorCode::kProducerFenced);
const int16_t kNotAttempted = pk::code_of(pk::ErrorCode::kOperationNotAttempted);
const int16_t kAbortable = pk::code_of(pk::ErrorCode::kTransactionAbortable);
const int16_t kInvalidTxnState = pk::code_of(pk::ErrorCode::kInvalidTxnState);
const int16_t kUnstable = pk::code_of(pk::ErrorCode::kUnstableOffsetCommit);
const int16_t kNotFound = pk::code_of(pk::ErrorCode::kTransactionalIdNotFound);

struct Producer {
  std::string id;
  int64_t producer_id = -1;
  int16_t epoch = -1;
};

// A Kafka RecordBatch v2 of `values`, transactional when `producer` is given.
std::vector<std::byte> kafka_batch(const std::vector<std::string>& values, const Producer* producer,
                                   int32_t sequence = 0) {
  protocol::RecordBatchBuilder::Options options;
  if (producer != nullptr) {
    options = {.producer_id = producer->producer_id,
               .producer_epoch = producer->epoch,
               .base_sequence = sequence,
               .transactional = true};
  }
  protocol::RecordBatchBuilder builder(options);
  for (const auto& v : values) {
    builder.append(timestamp_from_millis(1), std::nullopt, protocol::as_bytes(v));
  }
  return as_kafka_batch(builder.seal());
}

class KafkaTransactions : public ::testing::Test {
 protected:
  void SetUp() override {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data");
    ASSERT_NE(broker->kafka_port(), 0) << broker->log();
    auto r = cli(broker->address(), {"topics", "create", "t", "--partitions", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  template <class Response, class Request>
  Response call(const Request& request, int16_t version) {
    return kafka_call<Response>(broker->kafka_port(), request, version);
  }

  // InitProducerId until the coordinator answers (it may still be loading).
  Producer init(const std::string& id, int16_t version = 4) {
    pk::InitProducerIdRequest req;
    req.transactional_id = id;
    req.transaction_timeout_ms = 60000;
    pk::InitProducerIdResponse r;
    for (int i = 0; i < 100; ++i) {
      r = call<pk::InitProducerIdResponse>(req, version);
      if (r.error_code != pk::code_of(pk::ErrorCode::kCoordinatorLoadInProgress) &&
          r.error_code != pk::code_of(pk::ErrorCode::kConcurrentTransactions)) {
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(r.error_code, kNone);
    return {id, r.producer_id, r.producer_epoch};
  }

  pk::AddPartitionsToTxnResponse add(const Producer& p,
                                     std::vector<pk::AddPartitionsToTxnTopic> topics,
                                     int16_t version = 3) {
    pk::AddPartitionsToTxnRequest req;
    req.v3_and_below_transactional_id = p.id;
    req.v3_and_below_producer_id = p.producer_id;
    req.v3_and_below_producer_epoch = p.epoch;
    req.v3_and_below_topics = std::move(topics);
    return call<pk::AddPartitionsToTxnResponse>(req, version);
  }

  // add() of `topics`, which name one partition: that partition's code.
  int16_t add_one(const Producer& p, std::vector<pk::AddPartitionsToTxnTopic> topics,
                  int16_t version = 3) {
    return add(p, std::move(topics), version)
        .results_by_topic_v3_and_below.at(0)
        .results_by_partition.at(0)
        .partition_error_code;
  }

  int16_t end(const Producer& p, bool commit, int16_t version = 3) {
    pk::EndTxnRequest req{p.id, p.producer_id, p.epoch, commit};
    int16_t error = call<pk::EndTxnResponse>(req, version).error_code;
    // EndTxn is answered once the outcome is stored; the markers follow.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      pk::DescribeTransactionsRequest describe{{p.id}};
      auto d = call<pk::DescribeTransactionsResponse>(describe, 0);
      if (d.transaction_states.empty() ||
          !d.transaction_states[0].transaction_state.starts_with("Prepare")) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return error;
  }

  int16_t produce(const std::vector<std::string>& values, const Producer* p, int32_t partition = 0,
                  int32_t sequence = 0) {
    return produce_batch(kafka_batch(values, p, sequence), p, partition);
  }

  int16_t produce_batch(const std::vector<std::byte>& batch, const Producer* p,
                        int32_t partition = 0) {
    pk::ProduceRequest req;
    if (p != nullptr) req.transactional_id = p->id;
    req.acks = -1;
    req.timeout_ms = 10000;
    auto& topic = req.topic_data.emplace_back();
    topic.name = "t";
    topic.partition_data.push_back({partition, pk::Records::view(batch)});
    auto r = call<pk::ProduceResponse>(req, 9);
    if (r.responses.empty() || r.responses[0].partition_responses.empty()) return -1;
    return r.responses[0].partition_responses[0].error_code;
  }

  std::string consume(const std::string& isolation) {
    auto r = cli(broker->address(), {"consume", "t", "-p", "0", "-o", "beginning", "-e", "-f",
                                     "%s\\n", "--isolation", isolation});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
};

TEST_F(KafkaTransactions, FindCoordinatorOfATransactionalIdIsThisBrokerInEveryVersion) {
  for (int16_t version = 1; version <= 6; ++version) {
    pk::FindCoordinatorRequest req;
    req.key_type = 1;
    req.key = "tx";
    req.coordinator_keys = {"tx", "other"};
    auto r = call<pk::FindCoordinatorResponse>(req, version);
    if (version < 4) {
      EXPECT_EQ(r.error_code, kNone) << version;
      EXPECT_EQ(r.port, broker->kafka_port()) << version;
    } else {
      ASSERT_EQ(r.coordinators.size(), 2u) << version;
      for (const auto& c : r.coordinators) {
        EXPECT_EQ(c.error_code, kNone) << version;
        EXPECT_EQ(c.port, broker->kafka_port()) << version;
      }
    }
  }
}

TEST_F(KafkaTransactions, InitProducerIdWithATransactionalIdBumpsTheEpochInEveryVersion) {
  Producer first = init("tx", 0);
  EXPECT_GE(first.producer_id, 0);
  EXPECT_EQ(first.epoch, 0);
  for (int16_t version = 1; version <= 5; ++version) {
    Producer again = init("tx", version);
    EXPECT_EQ(again.producer_id, first.producer_id) << version;
    EXPECT_EQ(again.epoch, version) << "one bump per InitProducerId";
  }
}

TEST_F(KafkaTransactions, ACommittedTransactionIsReadCommittedAndAnAbortedOneIsNot) {
  Producer p = init("tx");
  auto added = add(p, {{"t", {0}}});
  ASSERT_EQ(added.results_by_topic_v3_and_below.size(), 1u);
  EXPECT_EQ(added.results_by_topic_v3_and_below[0].results_by_partition.at(0).partition_error_code,
            kNone);
  ASSERT_EQ(produce({"aborted"}, &p), kNone);
  ASSERT_EQ(end(p, false), kNone);
  ASSERT_EQ(add_one(p, {{"t", {0}}}), kNone);
  ASSERT_EQ(produce({"committed"}, &p, 0, 1), kNone);
  ASSERT_EQ(end(p, true), kNone);
  EXPECT_EQ(consume("read_committed"), "committed\n");
  EXPECT_EQ(consume("read_uncommitted"), "aborted\ncommitted\n");
}

TEST_F(KafkaTransactions, ATransactionalBatchOutsideTheTransactionIsRefused) {
  Producer p = init("tx");
  EXPECT_EQ(produce({"stray"}, &p), kInvalidTxnState) << "partition 0 was never added";
  EXPECT_EQ(consume("read_uncommitted"), "");
}

TEST_F(KafkaTransactions, AControlBatchFromAClientIsRefusedAsAnInvalidRecord) {
  Producer p = init("tx");
  ASSERT_EQ(add_one(p, {{"t", {0}}}), kNone);
  ASSERT_EQ(produce({"pending"}, &p), kNone);
  auto marker = as_kafka_batch(protocol::build_control_batch(
      {p.producer_id, p.epoch, protocol::TxnResult::kCommit, 0, timestamp_from_millis(1)}));
  EXPECT_EQ(produce_batch(marker, &p), pk::code_of(pk::ErrorCode::kInvalidRecord));
  ASSERT_EQ(end(p, false), kNone);
  // A stored forged commit marker would have made the record committed before the abort.
  EXPECT_EQ(consume("read_committed"), "");
  EXPECT_EQ(consume("read_uncommitted"), "pending\n");
}

TEST_F(KafkaTransactions, AnOlderInstanceIsFencedWithTheCodeItsVersionKnows) {
  Producer old = init("tx");
  ASSERT_EQ(add_one(old, {{"t", {0}}}), kNone);
  // Aborts the old instance's transaction, bumping the epoch, then bumps it for itself.
  Producer current = init("tx");
  EXPECT_EQ(current.epoch, old.epoch + 2);
  EXPECT_EQ(end(old, true, 1), kInvalidProducerEpoch);
  EXPECT_EQ(end(old, true, 3), kProducerFenced);
  EXPECT_EQ(add_one(old, {{"t", {1}}}, 1), kInvalidProducerEpoch);
  EXPECT_EQ(add_one(old, {{"t", {1}}}, 2), kProducerFenced);
}

TEST_F(KafkaTransactions, AnUnknownPartitionFailsTheAddAndTheOthersAreNotAttempted) {
  Producer p = init("tx");
  auto r = add(p, {{"t", {0}}, {"nope", {0}}});
  ASSERT_EQ(r.results_by_topic_v3_and_below.size(), 2u);
  EXPECT_EQ(r.results_by_topic_v3_and_below[0].results_by_partition.at(0).partition_error_code,
            kNotAttempted);
  EXPECT_EQ(r.results_by_topic_v3_and_below[1].results_by_partition.at(0).partition_error_code,
            kUnknownTopic);
  pk::DescribeTransactionsRequest describe{{"tx"}};
  auto d = call<pk::DescribeTransactionsResponse>(describe, 0);
  ASSERT_EQ(d.transaction_states.size(), 1u);
  EXPECT_EQ(d.transaction_states[0].transaction_state, "Empty");
}

TEST_F(KafkaTransactions, VerifyOnlyAddsNothingAndAnswersEachTransactionByItself) {
  Producer a = init("a");
  Producer b = init("b");
  ASSERT_EQ(add_one(a, {{"t", {0}}}), kNone);
  pk::AddPartitionsToTxnRequest req;
  req.transactions.push_back({"a", a.producer_id, a.epoch, true, {{"t", {0, 1}}}});
  req.transactions.push_back({"b", b.producer_id, b.epoch, true, {{"t", {0}}}});
  for (int16_t version : {4, 5}) {
    auto r = call<pk::AddPartitionsToTxnResponse>(req, version);
    EXPECT_EQ(r.error_code, kNone);
    ASSERT_EQ(r.results_by_transaction.size(), 2u);
    EXPECT_EQ(r.results_by_transaction[0].transactional_id, "a");
    const auto& in_a = r.results_by_transaction[0].topic_results.at(0).results_by_partition;
    ASSERT_EQ(in_a.size(), 2u);
    EXPECT_EQ(in_a[0].partition_error_code, kNone);
    EXPECT_EQ(in_a[1].partition_error_code, kAbortable);
    EXPECT_EQ(r.results_by_transaction[1]
                  .topic_results.at(0)
                  .results_by_partition.at(0)
                  .partition_error_code,
              kAbortable);
  }
  pk::DescribeTransactionsRequest describe{{"a", "b", "nobody"}};
  auto d = call<pk::DescribeTransactionsResponse>(describe, 0);
  ASSERT_EQ(d.transaction_states.size(), 3u);
  EXPECT_EQ(d.transaction_states[0].transaction_state, "Ongoing");
  ASSERT_EQ(d.transaction_states[0].topics.size(), 1u);
  EXPECT_EQ(d.transaction_states[0].topics[0].partitions, std::vector<int32_t>{0});
  EXPECT_EQ(d.transaction_states[1].transaction_state, "Empty") << "verifying added nothing";
  EXPECT_EQ(d.transaction_states[2].error_code, kNotFound);
}

TEST_F(KafkaTransactions, ListTransactionsFiltersByStateAndProducerId) {
  Producer a = init("a");
  Producer b = init("b");
  ASSERT_EQ(add_one(a, {{"t", {0}}}), kNone);
  auto ids = [](const pk::ListTransactionsResponse& r) {
    std::vector<std::string> out;
    for (const auto& t : r.transaction_states) out.push_back(t.transactional_id);
    return out;
  };
  pk::ListTransactionsRequest all;
  auto r = call<pk::ListTransactionsResponse>(all, 0);
  EXPECT_EQ(r.error_code, kNone);
  EXPECT_EQ(ids(r), (std::vector<std::string>{"a", "b"}));
  pk::ListTransactionsRequest ongoing;
  ongoing.state_filters = {"Ongoing", "Bogus"};
  r = call<pk::ListTransactionsResponse>(ongoing, 1);
  EXPECT_EQ(ids(r), (std::vector<std::string>{"a"}));
  EXPECT_EQ(r.unknown_state_filters, (std::vector<std::string>{"Bogus"}));
  ASSERT_EQ(r.transaction_states.size(), 1u);
  EXPECT_EQ(r.transaction_states[0].producer_id, a.producer_id);
  pk::ListTransactionsRequest by_id;
  by_id.producer_id_filters = {b.producer_id};
  EXPECT_EQ(ids(call<pk::ListTransactionsResponse>(by_id, 1)), (std::vector<std::string>{"b"}));
}

TEST_F(KafkaTransactions, TxnOffsetsArePendingUntilTheCommitAndUnstableForAStableFetch) {
  ASSERT_EQ(produce({"a", "b", "c"}, nullptr), kNone);  // an offset past the end is refused
  Producer p = init("tx");
  pk::AddOffsetsToTxnRequest add_offsets{"tx", p.producer_id, p.epoch, "g"};
  ASSERT_EQ(call<pk::AddOffsetsToTxnResponse>(add_offsets, 3).error_code, kNone);
  pk::TxnOffsetCommitRequest commit;
  commit.transactional_id = "tx";
  commit.group_id = "g";
  commit.producer_id = p.producer_id;
  commit.producer_epoch = p.epoch;
  commit.topics.push_back({"t", {{0, 2, -1, "m"}}});
  auto committed = call<pk::TxnOffsetCommitResponse>(commit, 3);
  ASSERT_EQ(committed.topics.at(0).partitions.at(0).error_code, kNone);

  pk::OffsetFetchRequest fetch;
  fetch.group_id = "g";
  fetch.topics = std::vector<pk::OffsetFetchRequestTopic>{{"t", {0}}};
  fetch.require_stable = true;
  auto stable = call<pk::OffsetFetchResponse>(fetch, 7);
  EXPECT_EQ(stable.topics.at(0).partitions.at(0).error_code, kUnstable);
  fetch.require_stable = false;
  auto unstable = call<pk::OffsetFetchResponse>(fetch, 7);
  EXPECT_EQ(unstable.topics.at(0).partitions.at(0).error_code, kNone);
  EXPECT_EQ(unstable.topics.at(0).partitions.at(0).committed_offset, -1);

  ASSERT_EQ(end(p, true), kNone);
  fetch.require_stable = true;
  auto after = call<pk::OffsetFetchResponse>(fetch, 7);
  EXPECT_EQ(after.topics.at(0).partitions.at(0).error_code, kNone);
  EXPECT_EQ(after.topics.at(0).partitions.at(0).committed_offset, 2);
}

TEST_F(KafkaTransactions, TxnOffsetCommitFromV3ChecksTheConsumersMemberIdAndGeneration) {
  ASSERT_EQ(produce({"a"}, nullptr), kNone);
  Producer p = init("tx");
  pk::AddOffsetsToTxnRequest add_offsets{"tx", p.producer_id, p.epoch, "g"};
  ASSERT_EQ(call<pk::AddOffsetsToTxnResponse>(add_offsets, 3).error_code, kNone);
  pk::TxnOffsetCommitRequest commit;
  commit.transactional_id = "tx";
  commit.group_id = "g";
  commit.producer_id = p.producer_id;
  commit.producer_epoch = p.epoch;
  commit.generation_id = 4;
  commit.member_id = "gone";
  commit.topics.push_back({"t", {{0, 1, -1, ""}}});
  EXPECT_EQ(call<pk::TxnOffsetCommitResponse>(commit, 3).topics.at(0).partitions.at(0).error_code,
            pk::code_of(pk::ErrorCode::kUnknownMemberId));
}

TEST_F(KafkaTransactions, TxnOffsetCommitWithoutAddOffsetsIsAnInvalidTransactionState) {
  Producer p = init("tx");
  pk::TxnOffsetCommitRequest commit;
  commit.transactional_id = "tx";
  commit.group_id = "g";
  commit.producer_id = p.producer_id;
  commit.producer_epoch = p.epoch;
  commit.topics.push_back({"t", {{0, 42, -1, ""}}});
  EXPECT_EQ(call<pk::TxnOffsetCommitResponse>(commit, 0).topics.at(0).partitions.at(0).error_code,
            kInvalidTxnState);
}

TEST_F(KafkaTransactions, ATransactionBegunOnTheKafkaListenerCanBeEndedOnTheCairnListener) {
  Producer p = init("tx");
  ASSERT_EQ(add_one(p, {{"t", {0}}}), kNone);
  ASSERT_EQ(produce({"across"}, &p), kNone);
  auto conn = client::Connection::connect({.broker = broker->address()});
  ASSERT_TRUE(conn) << conn.error().to_string();
  auto ended = (*conn)->call<protocol::EndTxnRequest, protocol::EndTxnResponse>(
      protocol::ApiKey::kEndTxn,
      protocol::EndTxnRequest{{p.id, p.producer_id, p.epoch}, protocol::TxnResult::kCommit});
  ASSERT_TRUE(ended) << ended.error().to_string();
  EXPECT_EQ(ended->body.error, protocol::ErrorCode::kNone);
  EXPECT_EQ(consume("read_committed"), "across\n");
  pk::ListTransactionsRequest all;
  auto listed = call<pk::ListTransactionsResponse>(all, 0);
  ASSERT_EQ(listed.transaction_states.size(), 1u);
  EXPECT_EQ(listed.transaction_states[0].transaction_state, "CompleteCommit");
}

}  // namespace
}  // namespace cairn::testing
