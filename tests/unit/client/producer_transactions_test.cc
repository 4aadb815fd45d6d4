// The transactional producer against a scripted FakeBroker: the order of its coordinator
// requests and produces, the transactional bit, fencing as a fatal error, an abortable error
// and the new epoch after its abort, and offsets committed for a group member's generation.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/transactions.h"
#include "protocol/record_batch.h"
#include "tests/support/fake_broker.h"
#include "tests/unit/client/fake_log.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;
using client::ConsumerGroupMetadata;
using client::Producer;
using client::ProducerConfig;
using client::ProducerRecord;
using protocol::ApiKey;
using protocol::ErrorCode;

ProducerRecord record(const std::string& value, int32_t partition = 0) {
  ProducerRecord r;
  r.topic = "t";
  r.value = value;
  r.partition = partition;
  return r;
}

// Answers every partition of an AddPartitionsToTxn request with `error`.
FakeBroker::Answer add_partitions_answer(const FakeBroker::Request& request, ErrorCode error) {
  auto req = request.decode<protocol::AddPartitionsToTxnRequest>();
  protocol::AddPartitionsToTxnResponse resp;
  for (const auto& t : req.topics) {
    resp.topics.push_back({t.topic, {}});
    for (int32_t p : t.partitions) resp.topics.back().partitions.push_back({p, error});
  }
  return FakeBroker::Answer::reply(resp);
}

class ProducerTransactionsTest : public ::testing::Test {
 protected:
  ProducerTransactionsTest() {
    broker_.add_topic("t", 2);
    broker_.on(ApiKey::kInitProducerId, [this](const FakeBroker::Request& r) {
      auto req = r.decode<protocol::InitProducerIdRequest>();
      note("InitProducerId " + req.transactional_id);
      return FakeBroker::Answer::reply(
          protocol::InitProducerIdResponse{ErrorCode::kNone, 7, static_cast<int16_t>(epoch_++)});
    });
    broker_.on(ApiKey::kProduce, [this](const FakeBroker::Request& r) {
      auto req = r.decode<protocol::ProduceRequest>();
      for (const auto& t : req.topics) {
        for (const auto& p : t.partitions) {
          auto batch = protocol::RecordBatchView::parse(p.records, protocol::Verify::kProduced);
          EXPECT_TRUE(batch && batch->header().is_transactional()) << "a transactional batch";
          if (batch) epochs_.push_back(batch->header().producer_epoch);
          note("Produce " + t.name + "-" + std::to_string(p.partition));
        }
      }
      if (produce_error_ != ErrorCode::kNone) {
        protocol::ProduceResponse refused{{{"t", {{0, produce_error_, -1, -1, ""}}}}};
        return FakeBroker::Answer::reply(refused);
      }
      return log_.produce(r);
    });
    broker_.on(ApiKey::kAddPartitionsToTxn, [this](const FakeBroker::Request& r) {
      auto req = r.decode<protocol::AddPartitionsToTxnRequest>();
      std::string added;
      for (const auto& t : req.topics) {
        for (int32_t p : t.partitions) added += " " + t.topic + "-" + std::to_string(p);
      }
      note("AddPartitionsToTxn" + added);
      return add_partitions_answer(r, ErrorCode::kNone);
    });
    broker_.on(ApiKey::kEndTxn, [this](const FakeBroker::Request& r) {
      auto req = r.decode<protocol::EndTxnRequest>();
      note(req.result == protocol::TxnResult::kCommit ? "EndTxn commit" : "EndTxn abort");
      return FakeBroker::Answer::reply(protocol::EndTxnResponse{
          end_error_, req.producer.producer_id, req.producer.producer_epoch});
    });
  }

  ProducerConfig config() const {
    ProducerConfig c;
    c.broker = broker_.address();
    c.transactional_id = "tx";
    c.linger = 1ms;
    c.retry_backoff = 1ms;
    c.retry_backoff_max = 5ms;
    c.request_timeout = 5s;
    c.delivery_timeout = 10s;
    c.max_block = 10s;
    return c;
  }
  std::unique_ptr<Producer> make() {
    auto p = Producer::create(config());
    EXPECT_TRUE(p) << p.error().to_string();
    return p ? std::move(*p) : nullptr;
  }
  void note(std::string event) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

  // Declared before the broker, which is destroyed first: its handlers use them until then.
  std::mutex mu_;
  std::vector<std::string> events_;
  std::vector<int16_t> epochs_;
  int epoch_ = 0;
  ErrorCode produce_error_ = ErrorCode::kNone;
  ErrorCode end_error_ = ErrorCode::kNone;
  FakeLog log_;
  FakeBroker broker_;
};

TEST_F(ProducerTransactionsTest,
       EachPartitionJoinsTheTransactionBeforeItsFirstBatchAndTheCommitFollowsTheFlush) {
  auto producer = make();
  ASSERT_TRUE(producer->init_transactions().is_ok());
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  std::vector<std::future<Result<client::RecordMetadata>>> sent;
  sent.push_back(producer->send(record("a", 0)));
  sent.push_back(producer->send(record("b", 1)));
  Status committed = producer->commit_transaction();
  ASSERT_TRUE(committed.is_ok()) << committed.to_string();
  for (auto& f : sent) {
    ASSERT_EQ(f.wait_for(0s), std::future_status::ready) << "the commit flushed first";
    EXPECT_TRUE(f.get());
  }
  auto e = events();
  ASSERT_GE(e.size(), 4u);
  EXPECT_EQ(e.front(), "InitProducerId tx");
  EXPECT_EQ(e.back(), "EndTxn commit");
  std::vector<std::string> added;
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i].starts_with("Produce t-")) {
      std::string tp = e[i].substr(std::string("Produce ").size());
      bool added_before = false;
      for (size_t j = 0; j < i; ++j) {
        added_before |=
            e[j].starts_with("AddPartitionsToTxn") && e[j].find(tp) != std::string::npos;
      }
      EXPECT_TRUE(added_before) << tp << " was produced to before it joined the transaction";
    }
  }
  EXPECT_EQ(log_.values({"t", 0}), std::vector<std::string>{"a"});
}

TEST_F(ProducerTransactionsTest, ATransactionalProducerSendsOnlyInsideATransaction) {
  auto producer = make();
  EXPECT_EQ(producer->send(record("early"), {}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(producer->begin_transaction().code(), Status::Code::kInvalidArgument)
      << "init_transactions() comes first";
  ASSERT_TRUE(producer->init_transactions().is_ok());
  EXPECT_EQ(producer->send(record("outside"), {}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(producer->commit_transaction().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(broker_.count(ApiKey::kProduce), 0u);
}

TEST_F(ProducerTransactionsTest, ATransactionWithNothingInItEndsWithoutAskingTheCoordinator) {
  auto producer = make();
  ASSERT_TRUE(producer->init_transactions().is_ok());
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  EXPECT_TRUE(producer->commit_transaction().is_ok());
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  EXPECT_TRUE(producer->abort_transaction().is_ok());
  EXPECT_EQ(broker_.count(ApiKey::kEndTxn), 0u);
}

TEST_F(ProducerTransactionsTest, AFencedProducerFailsEveryLaterCallWithTheFencedError) {
  end_error_ = ErrorCode::kProducerFenced;
  auto producer = make();
  ASSERT_TRUE(producer->init_transactions().is_ok());
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  ASSERT_TRUE(producer->send(record("a"), {}).is_ok());
  Status committed = producer->commit_transaction();
  EXPECT_EQ(committed.code(), Status::Code::kFenced) << committed.to_string();
  EXPECT_NE(committed.message().find("PRODUCER_FENCED"), std::string::npos);
  EXPECT_EQ(producer->abort_transaction().code(), Status::Code::kFenced);
  EXPECT_EQ(producer->begin_transaction().code(), Status::Code::kFenced);
  EXPECT_EQ(producer->init_transactions().code(), Status::Code::kFenced);
  EXPECT_EQ(producer->send(record("b"), {}).code(), Status::Code::kFenced);
}

TEST_F(ProducerTransactionsTest,
       AFailedBatchMakesTheTransactionAbortableAndItsAbortTakesANewEpoch) {
  produce_error_ = ErrorCode::kInvalidTxnState;
  auto producer = make();
  ASSERT_TRUE(producer->init_transactions().is_ok());
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  auto failed = producer->send(record("a"));
  Status committed = producer->commit_transaction();
  ASSERT_FALSE(committed.is_ok());
  EXPECT_NE(committed.code(), Status::Code::kFenced) << "abortable, not fatal";
  EXPECT_FALSE(failed.get());
  EXPECT_EQ(producer->send(record("b"), {}).code(), committed.code()) << "until the abort";
  ASSERT_TRUE(producer->abort_transaction().is_ok());
  EXPECT_EQ(events().back(), "InitProducerId tx") << "a new epoch restarts the sequences";
  produce_error_ = ErrorCode::kNone;
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  auto kept = producer->send(record("c"));
  ASSERT_TRUE(producer->commit_transaction().is_ok());
  EXPECT_TRUE(kept.get());
  std::lock_guard lock(mu_);
  ASSERT_EQ(epochs_.size(), 2u);
  EXPECT_EQ(epochs_[1], epochs_[0] + 1);
}

TEST_F(ProducerTransactionsTest,
       ACommitAfterABatchFailedIsFencedWhenTheCoordinatorHoldsANewerEpoch) {
  produce_error_ = ErrorCode::kInvalidTxnState;  // a zombie's batch, its transaction aborted
  broker_.on(ApiKey::kDescribeTransactions, [](const FakeBroker::Request&) {
    protocol::TransactionDescription d;
    d.transactional_id = "tx";
    d.state = "Empty";
    d.producer_id = 7;
    d.producer_epoch = 1;  // a newer instance initialised since
    return FakeBroker::Answer::reply(protocol::DescribeTransactionsResponse{{d}});
  });
  auto producer = make();
  ASSERT_TRUE(producer->init_transactions().is_ok());
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  ASSERT_TRUE(producer->send(record("late"), {}).is_ok());
  Status committed = producer->commit_transaction();
  EXPECT_EQ(committed.code(), Status::Code::kFenced) << committed.to_string();
  EXPECT_EQ(producer->abort_transaction().code(), Status::Code::kFenced) << "for good";
  EXPECT_EQ(broker_.count(ApiKey::kEndTxn), 0u) << "nothing is committed";
}

TEST_F(ProducerTransactionsTest, OffsetsAreCommittedForTheGroupInOneRequest) {
  protocol::TxnOffsetCommitRequest committed;
  broker_.on(ApiKey::kTxnOffsetCommit, [&](const FakeBroker::Request& r) {
    committed = r.decode<protocol::TxnOffsetCommitRequest>();
    protocol::TxnOffsetCommitResponse resp{{{"in", {{3, ErrorCode::kNone}}}}};
    return FakeBroker::Answer::reply(resp);
  });
  auto producer = make();
  ASSERT_TRUE(producer->init_transactions().is_ok());
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  Status s = producer->send_offsets_to_transaction({{{"in", 3}, 42}},
                                                   ConsumerGroupMetadata{"g", 5, "member-1"});
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(committed.group_id, "g");
  EXPECT_EQ(committed.generation, 5);
  EXPECT_EQ(committed.member_id, "member-1");
  ASSERT_EQ(committed.topics.size(), 1u);
  EXPECT_EQ(committed.topics[0].partitions.at(0).offset, 42);
  EXPECT_EQ(broker_.count(ApiKey::kAddOffsetsToTxn), 0u) << "TxnOffsetCommit adds the group";
  ASSERT_TRUE(producer->commit_transaction().is_ok());
  EXPECT_EQ(events().back(), "EndTxn commit") << "offsets alone need the coordinator's end";
}

TEST_F(ProducerTransactionsTest, OffsetsRefusedForAnOldGenerationMakeTheTransactionAbortable) {
  broker_.on(ApiKey::kTxnOffsetCommit, [&](const FakeBroker::Request&) {
    protocol::TxnOffsetCommitResponse resp{{{"in", {{0, ErrorCode::kIllegalGeneration}}}}};
    return FakeBroker::Answer::reply(resp);
  });
  auto producer = make();
  ASSERT_TRUE(producer->init_transactions().is_ok());
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  Status s = producer->send_offsets_to_transaction({{{"in", 0}, 1}}, {"g", 1, "m"});
  ASSERT_FALSE(s.is_ok());
  EXPECT_FALSE(s.is_fenced()) << s.to_string();
  EXPECT_FALSE(producer->commit_transaction().is_ok());
  EXPECT_TRUE(producer->abort_transaction().is_ok());
  EXPECT_EQ(events().back(), "EndTxn abort") << "the refused commit may have opened a transaction";
  EXPECT_TRUE(producer->begin_transaction().is_ok()) << "the producer goes on";
}

TEST_F(ProducerTransactionsTest, AnAbortWhereTheCoordinatorHoldsNoTransactionSucceeds) {
  // Refused before the coordinator added the group's offsets partition: nothing was opened.
  broker_.on(ApiKey::kTxnOffsetCommit, [&](const FakeBroker::Request&) {
    protocol::TxnOffsetCommitResponse resp{{{"in", {{0, ErrorCode::kGroupAuthorizationFailed}}}}};
    return FakeBroker::Answer::reply(resp);
  });
  broker_.on(ApiKey::kEndTxn, [&](const FakeBroker::Request& r) {
    auto req = r.decode<protocol::EndTxnRequest>();
    EXPECT_EQ(req.result, protocol::TxnResult::kAbort);
    return FakeBroker::Answer::reply(protocol::EndTxnResponse{ErrorCode::kInvalidTxnState, -1, -1});
  });
  auto producer = make();
  ASSERT_TRUE(producer->init_transactions().is_ok());
  ASSERT_TRUE(producer->begin_transaction().is_ok());
  ASSERT_FALSE(producer->send_offsets_to_transaction({{{"in", 0}, 1}}, {"g", 1, "m"}).is_ok());
  Status aborted = producer->abort_transaction();
  EXPECT_TRUE(aborted.is_ok()) << aborted.to_string();
  EXPECT_EQ(broker_.count(ApiKey::kEndTxn), 1u);
  ASSERT_TRUE(producer->begin_transaction().is_ok()) << "the producer goes on";
}

TEST_F(ProducerTransactionsTest, ATransactionalProducerNeedsAcksAll) {
  ProducerConfig c = config();
  c.acks = 1;
  auto p = Producer::create(c);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::testing
