// The transaction coordinator against a real cairnd: InitProducerId with a transactional id,
// AddPartitionsToTxn, EndTxn and its markers, fencing, DescribeTransactions and a restart.
#include <gtest/gtest.h>

#include <algorithm>

#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include "client/src/connection.h"
#include "protocol/control_record.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/transactions.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;
using protocol::TxnResult;

class Transactions : public ::testing::Test {
 protected:
  void start(std::vector<std::string> args = {}) {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data", std::move(args));
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "t", "--partitions", "2"}).exit_code, 0);
    connect();
  }
  void connect() {
    auto c = client::Connection::connect({.broker = broker->address()});
    ASSERT_TRUE(c) << c.error().to_string();
    conn = std::move(*c);
  }
  protocol::InitProducerIdResponse init(const std::string& id, int32_t timeout_ms = 60000) {
    protocol::InitProducerIdRequest req{id, timeout_ms};
    auto r = conn->call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
        ApiKey::kInitProducerId, req);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? r->body : protocol::InitProducerIdResponse{};
  }
  // InitProducerId, retried while an older instance's transaction is being aborted.
  protocol::InitProducerIdResponse init_retrying(const std::string& id) {
    for (int i = 0; i < 50; ++i) {
      auto r = init(id);
      if (r.error != ErrorCode::kConcurrentTransactions) return r;
    }
    return {ErrorCode::kConcurrentTransactions};
  }
  std::vector<protocol::PartitionError> add(const protocol::TxnProducer& p,
                                            std::vector<protocol::TopicPartitions> topics) {
    protocol::AddPartitionsToTxnRequest req{p, std::move(topics)};
    auto r = conn->call<protocol::AddPartitionsToTxnRequest, protocol::AddPartitionsToTxnResponse>(
        ApiKey::kAddPartitionsToTxn, req);
    EXPECT_TRUE(r) << r.error().to_string();
    std::vector<protocol::PartitionError> out;
    if (!r) return out;
    for (auto& t : r->body.topics) out.insert(out.end(), t.partitions.begin(), t.partitions.end());
    return out;
  }
  protocol::EndTxnResponse end(const protocol::TxnProducer& p, TxnResult result) {
    protocol::EndTxnRequest req{p, result};
    auto r = conn->call<protocol::EndTxnRequest, protocol::EndTxnResponse>(ApiKey::kEndTxn, req);
    EXPECT_TRUE(r) << r.error().to_string();
    // EndTxn is answered once the outcome is stored; the markers follow.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (describe(p.transactional_id).state.starts_with("Prepare") &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return r ? r->body : protocol::EndTxnResponse{};
  }
  protocol::TransactionDescription describe(const std::string& id) {
    protocol::DescribeTransactionsRequest req{{id}};
    auto r =
        conn->call<protocol::DescribeTransactionsRequest, protocol::DescribeTransactionsResponse>(
            ApiKey::kDescribeTransactions, req);
    EXPECT_TRUE(r) << r.error().to_string();
    return r && !r->body.transactions.empty() ? r->body.transactions[0]
                                              : protocol::TransactionDescription{};
  }
  // Produces one transactional record of producer `p` at `sequence` to t/`partition`.
  ErrorCode produce(const protocol::TxnProducer& p, int32_t partition, int32_t sequence) {
    protocol::RecordBatchBuilder builder({.producer_id = p.producer_id,
                                          .producer_epoch = p.producer_epoch,
                                          .base_sequence = sequence,
                                          .transactional = true});
    std::string value = "v" + std::to_string(sequence);
    builder.append(timestamp_from_millis(1), std::nullopt, protocol::as_bytes(value));
    auto batch = builder.seal();
    protocol::ProduceRequest req;
    req.topics.push_back({"t", {{partition, batch}}});
    auto r = conn->call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, req);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? r->body.topics.at(0).partitions.at(0).error : ErrorCode::kUnknownServerError;
  }
  // Whether each batch stored in t/`partition` is a control batch, in order.
  std::vector<bool> batch_kinds(int32_t partition) {
    protocol::FetchRequest req;
    req.max_wait_ms = 0;
    req.topics.push_back({"t", {{partition, 0}}});
    auto r = conn->call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch, req);
    EXPECT_TRUE(r) << r.error().to_string();
    std::vector<bool> out;
    if (!r) return out;
    protocol::BatchIterator batches(r->body.topics.at(0).partitions.at(0).records,
                                    protocol::Verify::kStored);
    while (auto b = batches.next()) out.push_back(b->header().is_control());
    EXPECT_TRUE(batches.status().is_ok()) << batches.status().to_string();
    return out;
  }
  // The control records stored in t/`partition`, in order (every batch read must be one).
  std::vector<std::pair<protocol::ControlRecord, int64_t>> markers(int32_t partition) {
    protocol::FetchRequest req;
    req.max_wait_ms = 0;
    req.topics.push_back({"t", {{partition, 0}}});
    auto r = conn->call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch, req);
    EXPECT_TRUE(r) << r.error().to_string();
    std::vector<std::pair<protocol::ControlRecord, int64_t>> out;
    if (!r) return out;
    protocol::BatchIterator batches(r->body.topics.at(0).partitions.at(0).records,
                                    protocol::Verify::kStored);
    while (auto b = batches.next()) {
      EXPECT_TRUE(b->header().is_control());
      auto marker = protocol::read_control_batch(*b);
      EXPECT_TRUE(marker) << marker.error().to_string();
      if (marker) out.emplace_back(*marker, b->header().producer_id);
    }
    EXPECT_TRUE(batches.status().is_ok()) << batches.status().to_string();
    return out;
  }

  // Cuts the one state partition holding records (the test's only transactional id) after its
  // first `n` batches, as a power cut would lose what was not synced. The broker is stopped.
  void keep_state_batches(size_t n) {
    std::optional<std::filesystem::path> state_log;
    for (const auto& e : std::filesystem::recursive_directory_iterator(tmp.path() / "data")) {
      if (e.path().string().find("__transaction_state") != std::string::npos &&
          e.path().extension() == ".log" && e.file_size() > 0) {
        ASSERT_FALSE(state_log) << "one state partition holds the id";
        state_log = e.path();
      }
    }
    ASSERT_TRUE(state_log);
    std::string bytes = read_file(*state_log);
    protocol::BatchIterator batches(protocol::as_bytes(bytes), protocol::Verify::kStored);
    size_t kept = 0, end = 0;
    while (auto b = batches.next()) {
      if (kept++ == n) break;
      end = static_cast<size_t>(reinterpret_cast<const char*>(b->bytes().data()) - bytes.data()) +
            b->bytes().size();
    }
    // The file may end in zeros preallocated for appends (storage/FORMAT.md, "Preallocation").
    auto rest = batches.rest();
    ASSERT_TRUE(
        batches.status().is_ok() ||
        std::all_of(rest.begin(), rest.end(), [](std::byte b) { return b == std::byte{0}; }))
        << batches.status().to_string();
    ASSERT_GE(kept, n) << "fewer batches stored than kept";
    std::filesystem::resize_file(*state_log, end);
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
  std::unique_ptr<client::Connection> conn;
};

TEST_F(Transactions, ACommittedTransactionWritesACommitMarkerIntoEachOfItsPartitions) {
  start();
  auto id = init("tx");
  ASSERT_EQ(id.error, ErrorCode::kNone);
  EXPECT_GE(id.producer_id, 0);
  EXPECT_EQ(id.producer_epoch, 0);
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  for (auto& e : add(p, {{"t", {0, 1}}})) EXPECT_EQ(e.error, ErrorCode::kNone);
  EXPECT_EQ(describe("tx").state, "Ongoing");
  auto ended = end(p, TxnResult::kCommit);
  EXPECT_EQ(ended.error, ErrorCode::kNone);
  EXPECT_EQ(ended.producer_epoch, 0);
  for (int32_t partition : {0, 1}) {
    auto m = markers(partition);
    ASSERT_EQ(m.size(), 1u) << "partition " << partition;
    EXPECT_EQ(m[0].first.result, TxnResult::kCommit);
    EXPECT_EQ(m[0].second, id.producer_id);
  }
  auto d = describe("tx");
  EXPECT_EQ(d.state, "CompleteCommit");
  EXPECT_TRUE(d.topics.empty());
  EXPECT_EQ(end(p, TxnResult::kCommit).error, ErrorCode::kNone) << "a retry of the same end";
  EXPECT_EQ(end(p, TxnResult::kAbort).error, ErrorCode::kInvalidTxnState);
}

TEST_F(Transactions, TransactionalRecordsAreTakenOnlyInPartitionsAddedToTheTransaction) {
  start();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  EXPECT_EQ(produce(p, 0, 0), ErrorCode::kInvalidTxnState) << "no transaction open";
  ASSERT_EQ(add(p, {{"t", {0}}}).at(0).error, ErrorCode::kNone);
  EXPECT_EQ(produce(p, 0, 0), ErrorCode::kNone);
  EXPECT_EQ(produce(p, 1, 0), ErrorCode::kInvalidTxnState) << "t/1 was not added";
  EXPECT_EQ(end(p, TxnResult::kCommit).error, ErrorCode::kNone);
  EXPECT_EQ(batch_kinds(0), (std::vector<bool>{false, true})) << "the records, then the marker";
  EXPECT_TRUE(batch_kinds(1).empty());
  EXPECT_EQ(produce(p, 0, 1), ErrorCode::kInvalidTxnState) << "the transaction has ended";
}

TEST_F(Transactions, AnAbortedTransactionWritesAnAbortMarker) {
  start();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, {{"t", {1}}}).at(0).error, ErrorCode::kNone);
  EXPECT_EQ(end(p, TxnResult::kAbort).error, ErrorCode::kNone);
  auto m = markers(1);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].first.result, TxnResult::kAbort);
  EXPECT_TRUE(markers(0).empty());
  EXPECT_EQ(describe("tx").state, "CompleteAbort");
}

TEST_F(Transactions, ANewInstanceAbortsTheOpenTransactionAndFencesTheOlderOne) {
  start();
  auto first = init("tx");
  protocol::TxnProducer older{"tx", first.producer_id, first.producer_epoch};
  ASSERT_EQ(add(older, {{"t", {0}}}).at(0).error, ErrorCode::kNone);
  auto second = init_retrying("tx");
  ASSERT_EQ(second.error, ErrorCode::kNone);
  EXPECT_EQ(second.producer_id, first.producer_id);
  EXPECT_GT(second.producer_epoch, first.producer_epoch);
  EXPECT_EQ(produce(older, 0, 0), ErrorCode::kInvalidProducerEpoch) << "a zombie's late batch";
  EXPECT_EQ(end(older, TxnResult::kCommit).error, ErrorCode::kProducerFenced);
  auto m = markers(0);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].first.result, TxnResult::kAbort);
}

TEST_F(Transactions, AddingAPartitionThatDoesNotExistAddsNone) {
  start();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  auto errors = add(p, {{"t", {0, 7}}});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].error, ErrorCode::kInvalidTxnState);
  EXPECT_EQ(errors[1].error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(describe("tx").state, "Empty");
}

TEST_F(Transactions, ARequestOfAnUnknownProducerIsRefusedAndAnIdIsUnknownToDescribe) {
  start();
  protocol::TxnProducer p{"nobody", 5, 0};
  EXPECT_EQ(end(p, TxnResult::kCommit).error, ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(describe("nobody").error, ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(init("tx", 0).error, ErrorCode::kInvalidTransactionTimeout);
}

TEST_F(Transactions, AfterACrashTheStateIsReplayedAndAnOpenTransactionIsAbortedAtItsTimeout) {
  start();
  auto id = init("tx", 1500);
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, {{"t", {0}}}).at(0).error, ErrorCode::kNone);
  broker->kill9();
  broker->restart();
  connect();
  auto d = describe("tx");
  ASSERT_EQ(d.error, ErrorCode::kNone);
  EXPECT_TRUE(d.state == "Ongoing" || d.state == "PrepareAbort" || d.state == "CompleteAbort")
      << d.state;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (describe("tx").state != "CompleteAbort" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  d = describe("tx");
  EXPECT_EQ(d.state, "CompleteAbort");
  EXPECT_EQ(d.producer_epoch, id.producer_epoch + 1) << "the abort fenced the producer";
  EXPECT_EQ(end(p, TxnResult::kCommit).error, ErrorCode::kProducerFenced);
  auto m = markers(0);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].first.result, TxnResult::kAbort);
}

TEST_F(Transactions, ATransactionOpenAcrossABrokerRestartGoesOnAndCommits) {
  start();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, {{"t", {0}}}).at(0).error, ErrorCode::kNone);
  ASSERT_EQ(produce(p, 0, 0), ErrorCode::kNone);
  broker->kill9();
  broker->restart();
  connect();
  ASSERT_TRUE(eventually([&] { return describe("tx").error == ErrorCode::kNone; }));
  EXPECT_EQ(produce(p, 0, 1), ErrorCode::kNone) << "the partition knows its transaction again";
  EXPECT_EQ(end(p, TxnResult::kCommit).error, ErrorCode::kNone);
  EXPECT_EQ(batch_kinds(0), (std::vector<bool>{false, false, true}));
}

// The Complete state is stored lazily (with the next state, or a tick later): a crash before it
// leaves PrepareCommit last, and the restart writes the markers again.
TEST_F(Transactions, AMarkerWrittenAgainAfterACrashChangesNothing) {
  start();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, {{"t", {0}}}).at(0).error, ErrorCode::kNone);
  ASSERT_EQ(produce(p, 0, 0), ErrorCode::kNone);
  ASSERT_EQ(end(p, TxnResult::kCommit).error, ErrorCode::kNone);
  broker->kill9();
  // Empty, Ongoing, PrepareCommit; a CompleteCommit stored meanwhile is lost.
  ASSERT_NO_FATAL_FAILURE(keep_state_batches(3));
  broker->restart();
  connect();
  ASSERT_TRUE(eventually([&] { return describe("tx").state == "CompleteCommit"; }));
  EXPECT_EQ(batch_kinds(0), (std::vector<bool>{false, true, true})) << "a second marker";
  ASSERT_EQ(add(p, {{"t", {0}}}).at(0).error, ErrorCode::kNone) << "the next transaction";
  ASSERT_EQ(produce(p, 0, 1), ErrorCode::kNone);
  ASSERT_EQ(end(p, TxnResult::kCommit).error, ErrorCode::kNone);
  auto read = cli(broker->address(),
                  {"consume", "t", "-e", "--isolation", "read_committed", "-f", "{value}"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "v0\nv1\n") << "each committed record once, none held back";
}

// An AddPartitionsToTxn that extends an Ongoing transaction is answered before it is synced. A
// power cut may lose it while the partition kept the producer's batches: cutting the state log
// after a SIGKILL is that loss. The restarted coordinator finds the partition again.
TEST_F(Transactions, AnAddLostInACrashIsFoundAgainInThePartitionHoldingTheTransaction) {
  start();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, {{"t", {0}}}).at(0).error, ErrorCode::kNone);
  ASSERT_EQ(produce(p, 0, 0), ErrorCode::kNone);
  ASSERT_EQ(add(p, {{"t", {1}}}).at(0).error, ErrorCode::kNone);
  ASSERT_EQ(produce(p, 1, 0), ErrorCode::kNone);
  broker->kill9();
  // The state log's last batch is the second add: a power cut loses it.
  ASSERT_NO_FATAL_FAILURE(keep_state_batches(2));
  broker->restart();
  connect();
  protocol::TransactionDescription d;
  ASSERT_TRUE(eventually([&] {
    d = describe("tx");
    return d.error == ErrorCode::kNone;
  }));
  EXPECT_EQ(d.state, "Ongoing");
  ASSERT_EQ(d.topics.size(), 1u);
  EXPECT_EQ(d.topics[0].partitions, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(end(p, TxnResult::kCommit).error, ErrorCode::kNone);
  EXPECT_EQ(batch_kinds(0), (std::vector<bool>{false, true}));
  EXPECT_EQ(batch_kinds(1), (std::vector<bool>{false, true})) << "committed, not left hanging";
}

}  // namespace
}  // namespace cairn::testing
