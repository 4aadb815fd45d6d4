// The producer against a scripted FakeBroker: retries and their order, idempotent sequences
// across a retry and a reconnect, replies that are short or out of order, the broker's batch
// limit, and requests that carry several partitions.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "cairn/producer.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch.h"
#include "tests/support/fake_broker.h"
#include "tests/unit/client/fake_log.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;
using client::Producer;
using client::ProducerConfig;
using client::ProducerRecord;
using client::RecordMetadata;
using client::TopicPartition;
using protocol::ApiKey;
using protocol::ErrorCode;

// What a test collects from delivery callbacks, in the order they ran.
struct Deliveries {
  std::mutex mu;
  std::vector<Result<RecordMetadata>> results;

  Producer::Callback callback() {
    return [this](Result<RecordMetadata> r) {
      std::lock_guard lock(mu);
      results.push_back(std::move(r));
    };
  }
  std::vector<Result<RecordMetadata>> take() {
    std::lock_guard lock(mu);
    return results;
  }
};

ProducerRecord record(const std::string& value, std::optional<int32_t> partition = 0) {
  ProducerRecord r;
  r.topic = "t";
  r.value = value;
  r.partition = partition;
  return r;
}

// An answer to a Produce that refuses every partition in it with a retriable error.
protocol::ProduceResponse refuse_all(const FakeBroker::Request& r) {
  auto req = r.decode<protocol::ProduceRequest>();
  protocol::ProduceResponse refused;
  for (const auto& t : req.topics) {
    auto& rt = refused.topics.emplace_back();
    rt.name = t.name;
    for (const auto& p : t.partitions) {
      rt.partitions.push_back({p.partition, ErrorCode::kStorageError, -1, -1, "try again"});
    }
  }
  return refused;
}

// Per-batch view of the Produce requests the broker received for one partition.
struct SentBatch {
  int connection;
  int64_t producer_id;
  int32_t base_sequence;
  int32_t records;
};

std::vector<SentBatch> sent_batches(const FakeBroker& broker, const TopicPartition& tp) {
  std::vector<SentBatch> out;
  for (const auto& request : broker.requests(ApiKey::kProduce)) {
    auto req = request.decode<protocol::ProduceRequest>();
    for (const auto& t : req.topics) {
      for (const auto& p : t.partitions) {
        if (t.name != tp.topic || p.partition != tp.partition) continue;
        auto batch = protocol::RecordBatchView::parse(p.records, protocol::Verify::kProduced);
        EXPECT_TRUE(batch) << batch.error().to_string();
        if (!batch) continue;
        out.push_back({request.connection, batch->header().producer_id,
                       batch->header().base_sequence, batch->header().record_count});
      }
    }
  }
  return out;
}

class ProducerTest : public ::testing::Test {
 protected:
  ProducerTest() {
    broker_.add_topic("t", 3);
    broker_.on(ApiKey::kProduce, [this](const FakeBroker::Request& r) { return log_.produce(r); });
  }

  ProducerConfig config() const {
    ProducerConfig c;
    c.broker = broker_.address();
    c.linger = 1ms;
    c.retry_backoff = 1ms;
    c.retry_backoff_max = 5ms;
    c.request_timeout = 5s;
    c.delivery_timeout = 10s;
    return c;
  }

  std::unique_ptr<Producer> make(const ProducerConfig& c) {
    auto p = Producer::create(c);
    EXPECT_TRUE(p) << p.error().to_string();
    return p ? std::move(*p) : nullptr;
  }

  // Declared before the broker, which is destroyed first: its handlers use them until then.
  FakeLog log_;
  std::atomic<int> produces_{0};
  FakeBroker broker_;
};

TEST_F(ProducerTest, RecordsOfOnePartitionAreStoredInSendOrder) {
  Deliveries d;
  auto producer = make(config());
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(producer->send(record("v" + std::to_string(i)), d.callback()).is_ok());
  ASSERT_TRUE(producer->flush(10s).is_ok());
  std::vector<std::string> expected;
  expected.reserve(50);
  for (int i = 0; i < 50; ++i) expected.push_back("v" + std::to_string(i));
  EXPECT_EQ(log_.values({"t", 0}), expected);
  auto results = d.take();
  ASSERT_EQ(results.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().to_string();
    EXPECT_EQ(results[i]->offset, i);
  }
}

TEST_F(ProducerTest, ACompressingProducerSendsBatchesWithItsCodecThatHoldEveryRecord) {
  auto c = config();
  c.compression = client::Compression::kZstd;
  auto producer = make(c);
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    expected.push_back(R"({"event":"click","n":)" + std::to_string(i) + "}");
    ASSERT_TRUE(producer->send(record(expected.back()), nullptr).is_ok());
  }
  ASSERT_TRUE(producer->flush(10s).is_ok());
  EXPECT_EQ(log_.values({"t", 0}), expected);
  for (const auto& b : log_.batches({"t", 0})) {
    auto view = protocol::RecordBatchView::parse(b.bytes, protocol::Verify::kStored);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->header().compression(), protocol::Compression::kZstd);
  }
}

TEST_F(ProducerTest, ACompressedIdempotentBatchCarriesTheSequenceAfterTheRecordsBeforeIt) {
  // Batches are compressed before their sequence is stamped (outside the sender's lock).
  auto c = config();
  c.compression = client::Compression::kZstd;
  c.batch_bytes = 200;
  auto producer = make(c);
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(producer->send(record("event-" + std::to_string(i)), nullptr).is_ok());
  }
  ASSERT_TRUE(producer->flush(10s).is_ok());
  auto stored = log_.batches({"t", 0});
  ASSERT_GT(stored.size(), 2u);
  int32_t expected_sequence = 0;
  for (const auto& b : stored) {
    auto view = protocol::RecordBatchView::parse(b.bytes, protocol::Verify::kStored);
    ASSERT_TRUE(view) << view.error().to_string();
    EXPECT_EQ(view->header().compression(), protocol::Compression::kZstd);
    EXPECT_EQ(view->header().base_sequence, expected_sequence);
    EXPECT_EQ(view->header().producer_id, producer->producer_id());
    expected_sequence += view->header().record_count;
  }
  EXPECT_EQ(expected_sequence, 60);
}

TEST_F(ProducerTest, BatchesCompressedByTheSendingThreadsKeepEachThreadsOrderAndTheSequences) {
  // Small gzip batches and two sending threads: the threads compress some of the batches they
  // close while the sender compresses others; the sender still stamps the sequences in order.
  auto c = config();
  c.compression = client::Compression::kGzip;  // the slowest codec: the sender is often busy
  c.batch_bytes = size_t{4} * 1024;
  auto producer = make(c);
  constexpr int kPerThread = 3000;
  auto send_all = [&producer](const std::string& prefix) {
    for (int i = 0; i < kPerThread; ++i) {
      std::string v = prefix + std::to_string(i) + " " + std::string(i % 200, 'x');
      ASSERT_TRUE(producer->send(record(v), nullptr).is_ok());
    }
  };
  std::thread a(send_all, "a");
  std::thread b(send_all, "b");
  a.join();
  b.join();
  ASSERT_TRUE(producer->flush(10s).is_ok());
  std::map<char, int> next;
  for (const std::string& v : log_.values({"t", 0})) {
    ASSERT_EQ(v.substr(1, v.find(' ') - 1), std::to_string(next[v[0]]++)) << v;
  }
  EXPECT_EQ(next['a'], kPerThread);
  EXPECT_EQ(next['b'], kPerThread);
  int32_t expected_sequence = 0;
  for (const auto& stored : log_.batches({"t", 0})) {
    auto view = protocol::RecordBatchView::parse(stored.bytes, protocol::Verify::kStored);
    ASSERT_TRUE(view) << view.error().to_string();
    EXPECT_EQ(view->header().base_sequence, expected_sequence);
    expected_sequence += view->header().record_count;
  }
  EXPECT_EQ(expected_sequence, 2 * kPerThread);
}

TEST_F(ProducerTest, RecordsTrickledFromSeveralThreadsKeepTheirOrderWhenAnswersSendTheNextBatch) {
  // No linger and small batches: a batch that does not fill waits for its partition's answers,
  // and the connection's I/O thread that reads the last one sends it, while the sender thread
  // sends the full ones and the retries. Some answers come late, some refuse
  // the batch (retriable): each thread's records still arrive in order, once, with contiguous
  // sequences.
  broker_.on(ApiKey::kProduce, [&](const FakeBroker::Request& r) {
    int n = produces_++;
    if (n % 11 == 5) {
      return FakeBroker::Answer::reply(refuse_all(r));
    }
    auto answer = log_.produce(r);
    return n % 5 == 0 ? std::move(answer).after(1ms) : answer;
  });
  auto c = config();
  c.linger = 0ms;
  c.batch_bytes = 128;  // a few records: full batches go at once, up to five in flight
  auto producer = make(c);
  constexpr int kPerThread = 300;
  std::atomic<int> acked{0};
  std::atomic<int> failed{0};
  auto send_all = [&](const std::string& prefix) {
    for (int i = 0; i < kPerThread; ++i) {
      Status s = producer->send(record(prefix + std::to_string(i) + " "),
                                [&](const Result<RecordMetadata>& m) { ++(m ? acked : failed); });
      ASSERT_TRUE(s.is_ok()) << s.to_string();
      std::this_thread::sleep_for(50us);
    }
  };
  std::thread a(send_all, "a");
  std::thread b(send_all, "b");
  std::thread d(send_all, "d");
  a.join();
  b.join();
  d.join();
  ASSERT_TRUE(producer->flush(10s).is_ok());
  EXPECT_EQ(acked, 3 * kPerThread);
  EXPECT_EQ(failed, 0);
  EXPECT_GT(produces_, 20) << "the records should have gone in many requests";
  std::map<char, int> next;
  for (const std::string& v : log_.values({"t", 0})) {
    ASSERT_EQ(v.substr(1, v.find(' ') - 1), std::to_string(next[v[0]]++)) << v;
  }
  EXPECT_EQ(next['a'], kPerThread);
  EXPECT_EQ(next['b'], kPerThread);
  EXPECT_EQ(next['d'], kPerThread);
  int32_t expected_sequence = 0;
  for (const auto& stored : log_.batches({"t", 0})) {
    EXPECT_EQ(stored.base_sequence, expected_sequence);
    auto view = protocol::RecordBatchView::parse(stored.bytes, protocol::Verify::kStored);
    ASSERT_TRUE(view) << view.error().to_string();
    expected_sequence += view->header().record_count;
  }
  EXPECT_EQ(expected_sequence, 3 * kPerThread);
  // On the wire no batch went ahead of one before it (a retry goes back, never forward).
  int32_t sent_end = 0;
  for (const SentBatch& b : sent_batches(broker_, {"t", 0})) {
    ASSERT_LE(b.base_sequence, sent_end) << "a batch was sent before the one ahead of it";
    sent_end = std::max(sent_end, b.base_sequence + b.records);
  }
}

TEST_F(ProducerTest, FlushReturnsOnlyOnceEveryDeliveryCallbackHasRun) {
  std::atomic<int> called{0};
  auto producer = make(config());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(producer
                    ->send(record("v"),
                           [&called](const Result<RecordMetadata>&) {
                             std::this_thread::sleep_for(1ms);
                             ++called;
                           })
                    .is_ok());
  }
  ASSERT_TRUE(producer->flush(10s).is_ok());
  EXPECT_EQ(called.load(), 20);
}

TEST_F(ProducerTest, ApiVersionsIsAskedAtVersionOne) {
  auto producer = make(config());
  auto asked = broker_.requests(ApiKey::kApiVersions);
  ASSERT_FALSE(asked.empty());
  for (const auto& r : asked) EXPECT_EQ(r.version, 1);
}

TEST_F(ProducerTest, ARetriedBatchKeepsItsSequenceAndTheBatchesBehindItFollowInOrder) {
  // Every record is its own batch, and the first Produce is refused with a retriable error
  // after the batches behind it are already in flight.
  broker_.on(ApiKey::kProduce, [&](const FakeBroker::Request& r) {
    if (produces_++ == 0) {
      return FakeBroker::Answer::reply(refuse_all(r)).after(20ms);
    }
    return log_.produce(r);
  });
  auto c = config();
  c.batch_bytes = 1;
  Deliveries d;
  auto producer = make(c);
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(producer->send(record("v" + std::to_string(i)), d.callback()).is_ok());
  ASSERT_TRUE(producer->flush(10s).is_ok());

  EXPECT_EQ(log_.values({"t", 0}), (std::vector<std::string>{"v0", "v1", "v2", "v3", "v4", "v5"}));
  auto stored = log_.batches({"t", 0});
  ASSERT_EQ(stored.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(stored[i].base_sequence, i) << "batch " << i;
  // The refused batch went again with the sequence it had.
  auto sent = sent_batches(broker_, {"t", 0});
  ASSERT_GE(sent.size(), 7u);
  EXPECT_EQ(sent[0].base_sequence, 0);
  int zeros = 0;
  for (const auto& s : sent) zeros += s.base_sequence == 0;
  EXPECT_EQ(zeros, 2);
  EXPECT_EQ(broker_.count(ApiKey::kInitProducerId), 1u);
  auto results = d.take();
  ASSERT_EQ(results.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().to_string();
    EXPECT_EQ(results[i]->offset, i);
  }
}

TEST_F(ProducerTest, ADroppedConnectionResendsTheBatchWithTheSameProducerIdAndSequence) {
  broker_.on(ApiKey::kProduce, [&](const FakeBroker::Request& r) {
    if (produces_++ == 0) return FakeBroker::Answer::drop_connection();
    return log_.produce(r);
  });
  Deliveries d;
  auto producer = make(config());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(producer->send(record("v" + std::to_string(i)), d.callback()).is_ok());
  ASSERT_TRUE(producer->flush(10s).is_ok());

  EXPECT_EQ(log_.values({"t", 0}), (std::vector<std::string>{"v0", "v1", "v2"}));
  auto sent = sent_batches(broker_, {"t", 0});
  ASSERT_GE(sent.size(), 2u);
  EXPECT_EQ(sent[0].connection, 1);
  EXPECT_GT(sent[1].connection, 1) << "resent on a new connection";
  EXPECT_EQ(sent[1].producer_id, sent[0].producer_id);
  EXPECT_EQ(sent[1].base_sequence, sent[0].base_sequence);
  EXPECT_EQ(broker_.count(ApiKey::kInitProducerId), 1u);
  for (auto& r : d.take()) EXPECT_TRUE(r) << r.error().to_string();
}

TEST_F(ProducerTest, AStoredBatchWhoseAnswerWasLostIsNotStoredTwice) {
  // The first Produce is stored, then the connection drops before the answer goes out.
  broker_.on(ApiKey::kProduce, [&](const FakeBroker::Request& r) {
    auto answer = log_.produce(r);
    if (produces_++ == 0) return FakeBroker::Answer::drop_connection();
    return answer;
  });
  Deliveries d;
  auto producer = make(config());
  ASSERT_TRUE(producer->send(record("once"), d.callback()).is_ok());
  ASSERT_TRUE(producer->flush(10s).is_ok());
  EXPECT_EQ(log_.values({"t", 0}), std::vector<std::string>{"once"});
  auto results = d.take();
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0]) << results[0].error().to_string();
  EXPECT_EQ(results[0]->offset, 0);
}

TEST_F(ProducerTest, AnswersOutOfOrderCloseTheConnectionAndEveryBatchIsResentInOrder) {
  // The first answer is held back until the second request is answered: the client sees the
  // second correlation id first.
  broker_.on(ApiKey::kProduce, [&](const FakeBroker::Request& r) {
    int n = produces_++;
    if (n == 0) return log_.produce(r).held();
    if (n == 1) return log_.produce(r).then_release_held();
    return log_.produce(r);
  });
  auto c = config();
  c.batch_bytes = 1;
  Deliveries d;
  auto producer = make(c);
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(producer->send(record("v" + std::to_string(i)), d.callback()).is_ok());
  ASSERT_TRUE(producer->flush(10s).is_ok());
  EXPECT_EQ(log_.values({"t", 0}), (std::vector<std::string>{"v0", "v1"}));
  EXPECT_GE(broker_.connections(), 2) << "the mismatched answer closes the connection";
  auto results = d.take();
  ASSERT_EQ(results.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().to_string();
    EXPECT_EQ(results[i]->offset, i);
  }
}

TEST_F(ProducerTest, AReplyWithoutThePartitionFailsTheBatchInsteadOfEndingTheProcess) {
  broker_.on(ApiKey::kProduce, [&](const FakeBroker::Request& r) {
    if (produces_++ == 0) return FakeBroker::Answer::reply(protocol::ProduceResponse{});
    return log_.produce(r);
  });
  auto producer = make(config());
  auto first = producer->send(record("lost"));
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  auto r = first.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Status::Code::kCorruption) << r.error().to_string();
  EXPECT_NE(r.error().message().find("t-0"), std::string::npos) << r.error().to_string();
  // The producer goes on.
  auto second = producer->send(record("kept"));
  ASSERT_EQ(second.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(second.get());
}

TEST_F(ProducerTest, ABatchRefusedForGoodFailsAndTheProducerTakesANewId) {
  broker_.on(ApiKey::kProduce, [&](const FakeBroker::Request& r) {
    if (produces_++ == 0) {
      protocol::ProduceResponse refused{{{"t", {{0, ErrorCode::kInvalidRecord, -1, -1, "bad"}}}}};
      return FakeBroker::Answer::reply(refused);
    }
    return log_.produce(r);
  });
  auto producer = make(config());
  auto first = producer->send(record("refused"));
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  auto r = first.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Status::Code::kInvalidArgument) << r.error().to_string();
  EXPECT_NE(r.error().message().find("INVALID_RECORD"), std::string::npos);
  auto second = producer->send(record("kept"));
  ASSERT_EQ(second.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(second.get());
  EXPECT_EQ(broker_.count(ApiKey::kInitProducerId), 2u);
  auto stored = log_.batches({"t", 0});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].base_sequence, 0) << "a new producer id starts its sequences at 0";
}

TEST_F(ProducerTest, ASendThatNeedsTheConnectionWhileTheSenderTakesANewIdWaitsForThatId) {
  broker_.add_topic("u", 1);
  broker_.on(ApiKey::kProduce, [&](const FakeBroker::Request& r) {
    if (produces_++ == 0) {
      protocol::ProduceResponse refused{{{"t", {{0, ErrorCode::kInvalidRecord, -1, -1, "bad"}}}}};
      return FakeBroker::Answer::reply(refused);
    }
    return log_.produce(r);
  });
  int ids = 0;
  broker_.on(ApiKey::kInitProducerId, [&](const FakeBroker::Request&) {
    ++ids;
    auto answer =
        FakeBroker::Answer::reply(protocol::InitProducerIdResponse{ErrorCode::kNone, 100 + ids, 0});
    // The renewal is slow, so a send() that needs the connection meanwhile finds none usable.
    return ids == 2 ? std::move(answer).after(300ms) : answer;
  });
  auto producer = make(config());
  auto refused = producer->send(record("refused"));
  ASSERT_EQ(refused.wait_for(10s), std::future_status::ready);
  ASSERT_FALSE(refused.get());
  ASSERT_TRUE(broker_.wait_for_requests(ApiKey::kInitProducerId, 2));

  ProducerRecord other = record("to u");
  other.topic = "u";
  auto to_u = producer->send(other);  // "u" is not known yet: send() asks for its metadata
  auto to_t = producer->send(record("to t"));
  ASSERT_EQ(to_u.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(to_t.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(to_u.get());
  EXPECT_TRUE(to_t.get());
  EXPECT_EQ(broker_.count(ApiKey::kInitProducerId), 2u) << "one new id, not one per thread";
  auto on_t = log_.batches({"t", 0});
  auto on_u = log_.batches({"u", 0});
  ASSERT_EQ(on_t.size(), 1u);
  ASSERT_EQ(on_u.size(), 1u);
  EXPECT_EQ(on_t[0].producer_id, on_u[0].producer_id);
  EXPECT_EQ(on_t[0].base_sequence, 0);
  EXPECT_EQ(on_u[0].base_sequence, 0);
}

TEST_F(ProducerTest, ARecordLargerThanTheBrokersMaxBatchBytesIsRefusedAtSend) {
  broker_.set_max_batch_bytes(1000);
  Deliveries d;
  auto producer = make(config());
  Status s = producer->send(record(std::string(2000, 'x')), d.callback());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.to_string();
  EXPECT_NE(s.message().find("1000"), std::string::npos) << s.to_string();
  EXPECT_TRUE(producer->send(record(std::string(500, 'y')), d.callback()).is_ok());
  ASSERT_TRUE(producer->flush(10s).is_ok());
  EXPECT_EQ(log_.values({"t", 0}).size(), 1u);
}

TEST_F(ProducerTest, BatchesNeverOutgrowTheBrokersMaxBatchBytes) {
  broker_.set_max_batch_bytes(1000);
  auto c = config();
  c.batch_bytes = 1 << 20;
  c.linger = 50ms;
  Deliveries d;
  auto producer = make(c);
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(producer->send(record(std::string(100, 'z')), d.callback()).is_ok());
  ASSERT_TRUE(producer->flush(10s).is_ok());
  auto stored = log_.batches({"t", 0});
  EXPECT_GT(stored.size(), 1u);
  for (const auto& b : stored) EXPECT_LE(b.bytes.size(), 1000u);
  EXPECT_EQ(log_.values({"t", 0}).size(), 40u);
}

TEST_F(ProducerTest, BatchesReadyTogetherForSeveralPartitionsShareOneRequest) {
  auto c = config();
  c.linger = 200ms;
  Deliveries d;
  auto producer = make(c);
  for (int32_t p = 0; p < 3; ++p) ASSERT_TRUE(producer->send(record("v", p), d.callback()).is_ok());
  ASSERT_TRUE(producer->flush(10s).is_ok());
  auto requests = broker_.requests(ApiKey::kProduce);
  ASSERT_EQ(requests.size(), 1u);
  auto req = requests[0].decode<protocol::ProduceRequest>();
  size_t entries = 0;
  for (const auto& t : req.topics) entries += t.partitions.size();
  EXPECT_EQ(entries, 3u);
  for (int32_t p = 0; p < 3; ++p) EXPECT_EQ(log_.values({"t", p}), std::vector<std::string>{"v"});
  auto results = d.take();
  ASSERT_EQ(results.size(), 3u);
  for (auto& r : results) EXPECT_TRUE(r) << r.error().to_string();
}

TEST_F(ProducerTest, WithAcksZeroEveryRecordIsReportedOnceWritten) {
  auto c = config();
  c.acks = 0;
  Deliveries d;
  auto producer = make(c);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(producer->send(record("v"), d.callback()).is_ok());
  ASSERT_TRUE(producer->flush(10s).is_ok());
  auto results = d.take();
  ASSERT_EQ(results.size(), 5u);
  for (auto& r : results) {
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->offset, -1);
  }
  EXPECT_EQ(broker_.count(ApiKey::kInitProducerId), 0u);
  EXPECT_TRUE(broker_.wait_for_requests(ApiKey::kProduce, 1));
}

TEST_F(ProducerTest, ATopicDescribedWithoutPartitionsIsRefusedAtSend) {
  broker_.add_topic("empty", 0);
  auto producer = make(config());
  ProducerRecord r = record("v", std::nullopt);
  r.topic = "empty";
  Status s = producer->send(r, nullptr);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.to_string();
}

TEST_F(ProducerTest, AnUnknownTopicIsRefusedAtSend) {
  auto producer = make(config());
  ProducerRecord r = record("v");
  r.topic = "nope";
  EXPECT_EQ(producer->send(r, nullptr).code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace cairn::testing
