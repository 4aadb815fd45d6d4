// SIGKILL the real broker while a producer streams acks=1 produces, restart it, and check that
// every acknowledged record is there at the offset it was acknowledged with (RELIABILITY.md S1).
// A SIGKILL keeps the page cache, so this holds under every durability policy: a loss here means
// an acknowledgement went out before its write completed, or recovery cut good data.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "client/src/connection.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;

constexpr int kRecordsPerBatch = 5;

struct History {
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  std::map<int64_t, std::string> acked;  // offset -> value
  int64_t acked_count = 0;
  int64_t failed_batches = 0;
};

// Produces batches of unique values until the connection breaks or `stop` is set.
void produce_until_broken(const std::string& broker, uint64_t& seq, History& h,
                          const std::atomic<bool>& stop) {
  auto conn =
      client::Connection::connect({.broker = broker, .request_timeout = std::chrono::seconds(5)});
  if (!conn) return;
  while (!stop && (*conn)->health().is_ok()) {
    {
      std::unique_lock lock(h.mu);
      h.cv.wait(lock, [&] { return h.in_flight < 16; });
      ++h.in_flight;
    }
    protocol::RecordBatchBuilder builder;
    std::vector<std::string> values;
    for (int i = 0; i < kRecordsPerBatch; ++i) {
      values.push_back("v" + std::to_string(seq++));
      builder.append(system_now(), std::nullopt, protocol::as_bytes(values.back()));
    }
    protocol::ProduceRequest req;
    req.acks = 1;
    auto batch = builder.seal();
    req.topics.push_back({"t", {{0, batch}}});
    (*conn)->call_async<protocol::ProduceRequest, protocol::ProduceResponse>(
        ApiKey::kProduce, req, [&h, values](Result<client::Reply<protocol::ProduceResponse>> r) {
          std::lock_guard lock(h.mu);
          --h.in_flight;
          h.cv.notify_all();
          if (!r || r->body.topics[0].partitions[0].error != protocol::ErrorCode::kNone) {
            ++h.failed_batches;
            return;
          }
          int64_t base = r->body.topics[0].partitions[0].base_offset;
          for (size_t i = 0; i < values.size(); ++i)
            h.acked[base + static_cast<int64_t>(i)] = values[i];
          h.acked_count += kRecordsPerBatch;
        });
  }
  std::unique_lock lock(h.mu);
  h.cv.wait_for(lock, std::chrono::seconds(10), [&] { return h.in_flight == 0; });
}

std::map<int64_t, std::string> read_all(const std::string& broker) {
  std::map<int64_t, std::string> out;
  auto conn = client::Connection::connect({.broker = broker});
  EXPECT_TRUE(conn) << conn.error().to_string();
  if (!conn) return out;
  int64_t next = 0;
  for (;;) {
    protocol::FetchRequest f;
    f.max_wait_ms = 0;
    f.topics.push_back({"t", {{0, next, 4 << 20}}});
    auto r = (*conn)->call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch, f);
    EXPECT_TRUE(r) << r.error().to_string();
    if (!r) return out;
    const auto& p = r->body.topics[0].partitions[0];
    EXPECT_EQ(p.error, protocol::ErrorCode::kNone);
    if (p.records.empty()) break;
    protocol::BatchIterator batches(p.records, protocol::Verify::kStored);
    while (auto batch = batches.next()) {
      protocol::RecordReader reader(*batch);
      protocol::RecordView rec;
      while (reader.next(rec)) {
        out[rec.offset.value()] = std::string(protocol::as_string_view(*rec.value));
        next = rec.offset.value() + 1;
      }
    }
    EXPECT_TRUE(batches.status().is_ok()) << batches.status().to_string();
    if (!batches.status().is_ok()) return out;
  }
  return out;
}

// Every acknowledged record is present at its offset, once, and the offsets are dense from 0.
void expect_every_acked_record_present(const std::string& broker, const History& history,
                                       const std::string& label) {
  auto present = read_all(broker);
  int64_t lost = 0, inconsistent = 0;
  for (const auto& [offset, value] : history.acked) {
    auto it = present.find(offset);
    if (it == present.end()) {
      ++lost;
    } else if (it->second != value) {
      ++inconsistent;
    }
  }
  std::set<std::string> acked_values;
  for (const auto& [o, v] : history.acked) acked_values.insert(v);
  int64_t unacked_present = 0;
  std::set<std::string> seen;
  int64_t duplicates = 0;
  for (const auto& [o, v] : present) {
    if (!seen.insert(v).second) ++duplicates;
    if (!acked_values.count(v)) ++unacked_present;
  }
  std::cout << label << ": acked " << history.acked_count << ", present " << present.size()
            << ", acked-but-lost " << lost << ", inconsistent offsets " << inconsistent
            << ", unacked-but-present " << unacked_present << ", duplicates " << duplicates << "\n";
  EXPECT_GT(history.acked_count, 0);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(inconsistent, 0);
  EXPECT_EQ(duplicates, 0);
  // Offsets are dense from 0: nothing was lost in the middle and recovery kept a prefix.
  ASSERT_FALSE(present.empty());
  EXPECT_EQ(present.begin()->first, 0);
  EXPECT_EQ(present.rbegin()->first, static_cast<int64_t>(present.size()) - 1);
}

class Kill9 : public ::testing::TestWithParam<std::string> {};

TEST_P(Kill9, AcknowledgedRecordsSurviveSigkill) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data", {"--fsync", GetParam()});
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--segment-bytes", "65536"}).exit_code,
            0);
  std::mt19937_64 rng(std::hash<std::string>()(GetParam()));
  History history;
  uint64_t seq = 0;
  constexpr int kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<bool> stop{false};
    std::thread producer([&] { produce_until_broken(broker.address(), seq, history, stop); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 600));
    broker.kill9();
    stop = true;
    producer.join();
    broker.restart();
  }
  expect_every_acked_record_present(
      broker.address(), history,
      "fsync " + GetParam() + ": " + std::to_string(kRounds) + " SIGKILLs");
}

// A clean stop lets the next start trust the files without reading or syncing them; the first
// write after that start must undo that trust durably before it is acknowledged, so a SIGKILL
// right after a clean restart is recovered like any other.
TEST_P(Kill9, AcknowledgedRecordsSurviveSigkillRightAfterACleanRestart) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data", {"--fsync", GetParam()});
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--segment-bytes", "65536"}).exit_code,
            0);
  std::mt19937_64 rng(std::hash<std::string>()(GetParam()) + 1);
  History history;
  uint64_t seq = 0;
  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    for (bool clean : {true, false}) {
      std::atomic<bool> stop{false};
      std::thread producer([&] { produce_until_broken(broker.address(), seq, history, stop); });
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 300));
      if (clean) {
        stop = true;
        producer.join();
        ASSERT_EQ(broker.stop(), 0);
      } else {
        broker.kill9();
        stop = true;
        producer.join();
      }
      broker.restart();
    }
  }
  expect_every_acked_record_present(broker.address(), history,
                                    "fsync " + GetParam() + ": " + std::to_string(kRounds) +
                                        " clean stops, each followed by a SIGKILL");
}

INSTANTIATE_TEST_SUITE_P(Policies, Kill9, ::testing::Values("always", "interval:50", "never"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), ':', '_');
                           return n;
                         });

}  // namespace
}  // namespace cairn::testing
