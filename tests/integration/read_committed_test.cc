// read_committed fetches (Fetch v2, PROTOCOL.md "Isolation") against a real cairnd, with
// transactions driven by the raw protocol: an open transaction holds read_committed readers back
// at its first offset, an aborted one is named in the answer, a committed one is readable, and a
// waiting read_committed fetch is answered when the marker lands. The client's consumer and
// `cairn consume --isolation` on top.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cairn/consumer.h"
#include "client/src/connection.h"
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
using protocol::FetchAbortedTransaction;
using protocol::TxnResult;

constexpr uint8_t kReadUncommitted = 0;
constexpr uint8_t kReadCommitted = 1;

class ReadCommitted : public ::testing::Test {
 protected:
  void SetUp() override {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data", std::vector<std::string>{});
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "t", "--partitions", "1"}).exit_code, 0);
    conn = connect();
  }
  std::unique_ptr<client::Connection> connect() {
    auto c = client::Connection::connect({.broker = broker->address()});
    EXPECT_TRUE(c) << c.error().to_string();
    return c ? std::move(*c) : nullptr;
  }
  // A transactional producer with t/0 added to its open transaction.
  protocol::TxnProducer begin(const std::string& id) {
    auto r = conn->call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
        ApiKey::kInitProducerId, protocol::InitProducerIdRequest{id, 60000});
    EXPECT_TRUE(r && r->body.error == ErrorCode::kNone);
    protocol::TxnProducer p{id, r ? r->body.producer_id : -1,
                            static_cast<int16_t>(r ? r->body.producer_epoch : -1)};
    add(p);
    return p;
  }
  void add(const protocol::TxnProducer& p) {
    protocol::AddPartitionsToTxnRequest req{p, {{"t", {0}}}};
    auto r = conn->call<protocol::AddPartitionsToTxnRequest, protocol::AddPartitionsToTxnResponse>(
        ApiKey::kAddPartitionsToTxn, req);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body.topics.at(0).partitions.at(0).error, ErrorCode::kNone);
  }
  void end(const protocol::TxnProducer& p, TxnResult result) {
    auto r = conn->call<protocol::EndTxnRequest, protocol::EndTxnResponse>(
        ApiKey::kEndTxn, protocol::EndTxnRequest{p, result});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body.error, ErrorCode::kNone);
    // EndTxn is answered once the outcome is stored; the markers follow.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto d =
          conn->call<protocol::DescribeTransactionsRequest, protocol::DescribeTransactionsResponse>(
              ApiKey::kDescribeTransactions,
              protocol::DescribeTransactionsRequest{{p.transactional_id}});
      ASSERT_TRUE(d) << d.error().to_string();
      if (d->body.transactions.empty() || !d->body.transactions[0].state.starts_with("Prepare")) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "the transaction's markers were not written in 10 s";
  }
  // Produces `records` records to t/0: transactional ones of `p` at `sequence`, or plain ones.
  void produce(int records, const protocol::TxnProducer* p = nullptr, int32_t sequence = 0) {
    protocol::RecordBatchBuilder builder(
        p ? protocol::RecordBatchBuilder::Options{.producer_id = p->producer_id,
                                                  .producer_epoch = p->producer_epoch,
                                                  .base_sequence = sequence,
                                                  .transactional = true}
          : protocol::RecordBatchBuilder::Options{});
    for (int i = 0; i < records; ++i) {
      builder.append(timestamp_from_millis(1), std::nullopt, protocol::as_bytes("v"));
    }
    auto batch = builder.seal();
    protocol::ProduceRequest req;
    req.topics.push_back({"t", {{0, batch}}});
    auto r = conn->call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, req);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body.topics.at(0).partitions.at(0).error, ErrorCode::kNone);
  }

  struct Answer {
    protocol::FetchPartitionResult partition;
    std::vector<Offset> batch_offsets;  // base offsets of the batches returned
    std::vector<std::byte> records;
  };
  static protocol::FetchRequest request(uint8_t isolation, int64_t from, uint32_t wait_ms = 0) {
    protocol::FetchRequest req;
    req.max_wait_ms = wait_ms;
    req.isolation_level = isolation;
    req.topics.push_back({"t", {{0, from}}});
    return req;
  }
  static Answer answer_of(const protocol::FetchResponse& body) {
    Answer a;
    a.partition = body.topics.at(0).partitions.at(0);
    protocol::BatchIterator batches(a.partition.records, protocol::Verify::kStored);
    while (auto b = batches.next()) a.batch_offsets.push_back(b->header().base_offset);
    EXPECT_TRUE(batches.status().is_ok()) << batches.status().to_string();
    a.partition.records = {};
    return a;
  }
  Answer fetch(uint8_t isolation, int64_t from = 0, uint16_t version = 2) {
    auto r = conn->call<protocol::FetchRequest, protocol::FetchResponse>(
        ApiKey::kFetch, request(isolation, from), {.version = version});
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? answer_of(r->body) : Answer{};
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
  std::unique_ptr<client::Connection> conn;
};

TEST_F(ReadCommitted, AnOpenTransactionHoldsReadCommittedBackAtItsFirstOffset) {
  produce(2);  // offsets 0-1
  auto p = begin("tx");
  produce(3, &p);  // offsets 2-4
  produce(1);      // offset 5: after the open transaction, held back too
  auto committed = fetch(kReadCommitted);
  EXPECT_EQ(committed.partition.error, ErrorCode::kNone);
  EXPECT_EQ(committed.partition.high_watermark, 6);
  EXPECT_EQ(committed.partition.last_stable_offset, 2);
  EXPECT_EQ(committed.batch_offsets, (std::vector<Offset>{Offset(0)}));
  EXPECT_TRUE(committed.partition.aborted_transactions.empty());
  auto uncommitted = fetch(kReadUncommitted);
  EXPECT_EQ(uncommitted.partition.last_stable_offset, 2);
  EXPECT_EQ(uncommitted.batch_offsets, (std::vector<Offset>{Offset(0), Offset(2), Offset(5)}));
  // At the last stable offset a read_committed fetch gets nothing, and no OFFSET_OUT_OF_RANGE.
  auto at_lso = fetch(kReadCommitted, 2);
  EXPECT_EQ(at_lso.partition.error, ErrorCode::kNone);
  EXPECT_TRUE(at_lso.batch_offsets.empty());
  EXPECT_EQ(fetch(kReadCommitted, 7).partition.error, ErrorCode::kOffsetOutOfRange);
}

TEST_F(ReadCommitted, AnAbortedTransactionIsNamedWithItsProducerAndFirstOffset) {
  produce(1);  // offset 0
  auto p = begin("tx");
  produce(2, &p, 0);          // offsets 1-2
  produce(1);                 // offset 3
  produce(1, &p, 2);          // offset 4
  end(p, TxnResult::kAbort);  // marker at 5
  produce(1);                 // offset 6
  auto a = fetch(kReadCommitted);
  EXPECT_EQ(a.partition.last_stable_offset, 7);
  EXPECT_EQ(a.batch_offsets.size(), 6u) << "every batch, the marker included";
  EXPECT_EQ(a.partition.aborted_transactions,
            (std::vector<FetchAbortedTransaction>{{p.producer_id, 1}}));
  // A read after the aborted range learns nothing of it.
  EXPECT_TRUE(fetch(kReadCommitted, 6).partition.aborted_transactions.empty());
  // read_uncommitted is never told.
  EXPECT_TRUE(fetch(kReadUncommitted).partition.aborted_transactions.empty());
}

TEST_F(ReadCommitted, ACommittedTransactionIsReadableWhole) {
  auto p = begin("tx");
  produce(2, &p, 0);           // offsets 0-1
  produce(2, &p, 2);           // offsets 2-3
  end(p, TxnResult::kCommit);  // marker at 4
  auto a = fetch(kReadCommitted);
  EXPECT_EQ(a.partition.last_stable_offset, 5);
  EXPECT_EQ(a.batch_offsets, (std::vector<Offset>{Offset(0), Offset(2), Offset(4)}));
  EXPECT_TRUE(a.partition.aborted_transactions.empty());
}

TEST_F(ReadCommitted, AWaitingReadCommittedFetchIsAnsweredWhenTheCommitLands) {
  auto p = begin("tx");
  produce(1, &p, 0);  // offset 0: the last stable offset stays 0
  auto waiting_conn = connect();
  ASSERT_TRUE(waiting_conn);
  auto started = std::chrono::steady_clock::now();
  auto pending = std::async(std::launch::async, [&] {
    return waiting_conn->call<protocol::FetchRequest, protocol::FetchResponse>(
        ApiKey::kFetch, request(kReadCommitted, 0, 20000), {.version = 2});
  });
  // The fetch waits: its partition's data is all past the last stable offset.
  EXPECT_EQ(pending.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  end(p, TxnResult::kCommit);
  auto r = pending.get();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  auto a = answer_of(r->body);
  EXPECT_EQ(a.partition.last_stable_offset, 2);
  EXPECT_EQ(a.batch_offsets, (std::vector<Offset>{Offset(0), Offset(1)}));
}

TEST_F(ReadCommitted, FetchVersion1AnswersAsBeforeWithoutTheNewFields) {
  auto p = begin("tx");
  produce(1, &p, 0);
  auto a = fetch(kReadCommitted, 0, /*version=*/1);
  EXPECT_EQ(a.partition.error, ErrorCode::kNone);
  EXPECT_EQ(a.partition.last_stable_offset, -1) << "not in a v1 answer";
  EXPECT_EQ(a.batch_offsets, (std::vector<Offset>{Offset(0)})) << "read as read_uncommitted";
}

TEST_F(ReadCommitted, TheConsumerReturnsOnlyCommittedRecordsAndNoMarker) {
  produce(1);
  auto aborting = begin("tx-a");
  produce(2, &aborting, 0);
  end(aborting, TxnResult::kAbort);
  produce(1);
  auto committing = begin("tx-c");
  produce(1, &committing, 0);
  end(committing, TxnResult::kCommit);
  for (auto isolation : {client::ConsumerConfig::Isolation::kReadCommitted,
                         client::ConsumerConfig::Isolation::kReadUncommitted}) {
    client::ConsumerConfig config;
    config.broker = broker->address();
    config.auto_offset_reset = client::ConsumerConfig::OffsetReset::kEarliest;
    config.fetch_max_wait = std::chrono::milliseconds(50);
    config.isolation = isolation;
    auto consumer = client::Consumer::create(config);
    ASSERT_TRUE(consumer) << consumer.error().to_string();
    ASSERT_TRUE((*consumer)->assign({{"t", 0}}).is_ok());
    std::vector<int64_t> offsets;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto records = (*consumer)->poll(std::chrono::milliseconds(50));
      ASSERT_TRUE(records) << records.error().to_string();
      for (const auto& r : *records) offsets.push_back(r.offset);
      auto position = (*consumer)->position({"t", 0});
      if (position && *position == 7) break;
    }
    bool committed = isolation == client::ConsumerConfig::Isolation::kReadCommitted;
    std::vector<int64_t> expected =
        committed ? std::vector<int64_t>{0, 4, 5} : std::vector<int64_t>{0, 1, 2, 4, 5};
    EXPECT_EQ(offsets, expected);
    auto position = (*consumer)->position({"t", 0});
    ASSERT_TRUE(position);
    EXPECT_EQ(*position, 7) << "past the last marker";
  }
}

TEST_F(ReadCommitted, CairnConsumeIsolationReadCommittedPrintsOnlyCommittedRecords) {
  auto aborting = begin("tx-a");
  produce(2, &aborting, 0);  // "v" "v", aborted
  end(aborting, TxnResult::kAbort);
  auto committing = begin("tx-c");
  produce(1, &committing, 0);
  end(committing, TxnResult::kCommit);
  auto committed = cli(broker->address(),
                       {"consume", "t", "-e", "--isolation", "read_committed", "-f", "{offset}"});
  EXPECT_EQ(committed.exit_code, 0) << committed.err;
  EXPECT_EQ(committed.out, "3\n");
  auto all = cli(broker->address(), {"consume", "t", "-e", "-f", "{offset}"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, "0\n1\n3\n");
  EXPECT_EQ(cli(broker->address(), {"consume", "t", "--isolation", "serializable"}).exit_code, 2);
}

TEST_F(ReadCommitted, LogDumpShowsTheMarkersAndTopicsDescribeTheLastStableOffset) {
  auto aborting = begin("tx-a");
  produce(2, &aborting, 0);          // 0-1
  end(aborting, TxnResult::kAbort);  // 2
  auto open = begin("tx-o");
  produce(1, &open, 0);  // 3: open
  produce(1);            // 4
  auto described = cli(broker->address(), {"topics", "describe", "t"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_NE(described.out.find("stable"), std::string::npos) << described.out;
  // partition 0, start 0, end (high watermark) 5, stable 3.
  std::istringstream rows(described.out.substr(described.out.find("status\n") + 7));
  int64_t partition = -1, start = -1, end_offset = -1, stable = -1;
  rows >> partition >> start >> end_offset >> stable;
  EXPECT_EQ(end_offset, 5) << described.out;
  EXPECT_EQ(stable, 3) << described.out;
  auto dump = run_program(
      {cairn_path(), "log", "dump", (tmp.path() / "data" / "topics" / "t" / "0").string()});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find("transactional control ABORT coordinator epoch"), std::string::npos)
      << dump.out;
  EXPECT_NE(dump.out.find(" transactional checksum ok"), std::string::npos) << dump.out;
}

}  // namespace
}  // namespace cairn::testing
