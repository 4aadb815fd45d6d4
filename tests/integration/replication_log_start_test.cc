// Replication past records the leader deleted, between two real cairnd processes on loopback
// ports: a follower whose log ends below the leader's log start empties its log and restarts it
// there (storage/FORMAT.md, "Restarting a log at an offset"), and a live follower's log start
// follows the leader's (DeleteRecords replicates).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <thread>

#include "client/src/connection.h"
#include "protocol/kafka/messages/topics.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch.h"
#include "storage/format.h"
#include "tests/integration/replica_calls.h"
#include "tests/support/broker_process.h"
#include "tests/support/kafka_call.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;
using Clock = std::chrono::steady_clock;

// ListOffsets of t-0: -2 asks for the log start, -1 for the high watermark.
int64_t list_offset(client::Connection& conn, int64_t which) {
  protocol::ListOffsetsRequest req;
  req.topics.push_back({"t", {{0, which}}});
  auto r = conn.call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
      ApiKey::kListOffsets, req);
  if (!r) return -3;
  return r->body.topics.at(0).partitions.at(0).offset;
}

// Every stored batch of t-0 from its log start, as a consumer reads it; empty on an error.
std::vector<std::byte> read_from_start(client::Connection& conn) {
  std::vector<std::byte> out;
  int64_t next = list_offset(conn, -2);
  for (;;) {
    protocol::FetchRequest f;
    f.max_wait_ms = 0;
    f.min_bytes = 0;
    f.topics.push_back({"t", {{0, next, 4u << 20}}});
    auto r = conn.call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch, f);
    if (!r) return {};
    const auto& p = r->body.topics.at(0).partitions.at(0);
    if (p.error != ErrorCode::kNone) return {};
    if (p.records.empty()) return out;
    protocol::BatchIterator batches(p.records, protocol::Verify::kStored);
    while (auto b = batches.next()) next = b->header().next_offset().value();
    out.insert(out.end(), p.records.begin(), p.records.end());
  }
}

// DeleteRecords through the leader's Kafka listener: t-0's records before `offset`.
void delete_records(const BrokerProcess& broker, int64_t offset) {
  namespace pk = protocol::kafka;
  pk::DeleteRecordsRequest req;
  req.timeout_ms = 10'000;
  req.topics.push_back({"t", {{0, offset}}});
  auto r = kafka_call<pk::DeleteRecordsResponse>(broker.kafka_port(), req, 1);
  ASSERT_EQ(r.topics.size(), 1u);
  ASSERT_EQ(r.topics[0].partitions.at(0).error_code, 0);
  EXPECT_EQ(r.topics[0].partitions[0].low_watermark, offset);
}

// The segment files (.log) of t-0 in a broker's data directory, by name.
std::map<std::string, std::string> segment_files(const std::filesystem::path& data_dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(data_dir / "topics" / "t" / "0")) {
    if (e.path().extension() != storage::format::kLogSuffix) continue;
    std::ifstream in(e.path(), std::ios::binary);
    out[e.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return out;
}

class ReplicationLogStart : public ::testing::Test {
 protected:
  // acks=all needs the follower (--min-insync-replicas 2), which leaves the in-sync set 1 s
  // after it stops fetching.
  void start_both() {
    leader = std::make_unique<BrokerProcess>(
        tmp.path() / "leader",
        std::vector<std::string>{"--min-insync-replicas", "2", "--replica-lag-max-ms", "1000"});
    to_leader = connect(leader->address());
    ASSERT_EQ(
        cli(leader->address(), {"topics", "create", "t", "--segment-bytes", "16384"}).exit_code, 0);
    follower = std::make_unique<BrokerProcess>(
        tmp.path() / "follower",
        std::vector<std::string>{"--replica-of", leader->address(), "--node-id", "1"});
    to_follower = connect(follower->address());
    ASSERT_TRUE(eventually(
        [&] { return produce(*to_leader, "t", 0, -1, 0, 5, 2000) == ErrorCode::kNone; }));
  }
  bool caught_up() {
    auto a = read_from_start(*to_leader);
    return !a.empty() && a == read_from_start(*to_follower) &&
           list_offset(*to_follower, -2) == list_offset(*to_leader, -2);
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> leader;
  std::unique_ptr<BrokerProcess> follower;
  std::unique_ptr<client::Connection> to_leader;
  std::unique_ptr<client::Connection> to_follower;
};

TEST_F(ReplicationLogStart, AFollowerBelowTheLeadersLogStartRestartsThereAndRejoinsTheInSyncSet) {
  start_both();
  for (uint64_t i = 1; i < 10; ++i) ASSERT_EQ(produce(*to_leader, "t", 0, -1, i), ErrorCode::kNone);
  ASSERT_TRUE(eventually([&] { return caught_up(); }));
  const int64_t follower_end = list_offset(*to_follower, -1);

  follower->kill9();
  to_follower.reset();
  // Several segments the follower never saw; acks=1, the follower being gone.
  for (uint64_t i = 10; i < 250; ++i)
    ASSERT_EQ(produce(*to_leader, "t", 0, 1, i), ErrorCode::kNone);
  // Once the follower is out of the in-sync set, the high watermark is the log end, and all of it
  // may be deleted.
  ASSERT_TRUE(eventually([&] { return list_offset(*to_leader, -1) == int64_t{250} * 5; }));
  // Delete up to inside the first batch of a segment well past the follower's end: the leader
  // keeps that segment whole, its log start two records into it.
  auto before = segment_files(tmp.path() / "leader");
  ASSERT_GE(before.size(), 6u);
  const std::string& kept = std::next(before.begin(), 3)->first;
  const int64_t base = std::stoll(kept.substr(0, kept.find('.')));
  ASSERT_GT(base, follower_end);
  delete_records(*leader, base + 2);
  for (uint64_t i = 250; i < 300; ++i)
    ASSERT_EQ(produce(*to_leader, "t", 0, 1, i), ErrorCode::kNone);

  follower->restart();
  to_follower = connect(follower->address());
  // acks=all succeeds again once the follower is back in the in-sync set.
  ASSERT_TRUE(eventually(
      [&] { return produce(*to_leader, "t", 0, -1, 300, 5, 2000) == ErrorCode::kNone; }));
  ASSERT_TRUE(eventually([&] { return caught_up(); }));
  EXPECT_EQ(list_offset(*to_follower, -2), base + 2);
  EXPECT_EQ(list_offset(*to_follower, -1), list_offset(*to_leader, -1));
  // From the leader's log start on, the same segment files, byte for byte.
  auto leader_files = segment_files(tmp.path() / "leader");
  auto follower_files = segment_files(tmp.path() / "follower");
  EXPECT_EQ(leader_files.begin()->first, kept);
  EXPECT_EQ(follower_files.size(), leader_files.size());
  EXPECT_TRUE(follower_files == leader_files);
  EXPECT_NE(follower->log().find("below the leader's log start"), std::string::npos);
}

TEST_F(ReplicationLogStart, DeletingRecordsOnTheLeaderMovesALiveFollowersLogStart) {
  start_both();
  for (uint64_t i = 1; i < 60; ++i) ASSERT_EQ(produce(*to_leader, "t", 0, -1, i), ErrorCode::kNone);
  ASSERT_TRUE(eventually([&] { return caught_up(); }));
  delete_records(*leader, 123);
  EXPECT_TRUE(eventually([&] { return list_offset(*to_follower, -2) == 123; }));
  EXPECT_EQ(list_offset(*to_leader, -2), 123);
  // Records still come over and acks=all still completes.
  ASSERT_EQ(produce(*to_leader, "t", 0, -1, 60), ErrorCode::kNone);
  EXPECT_TRUE(eventually([&] { return caught_up(); }));
  // The segments wholly below go on both (at once, or at a later retention pass).
  EXPECT_TRUE(eventually([&] {
    return segment_files(tmp.path() / "follower") == segment_files(tmp.path() / "leader");
  }));
}

}  // namespace
}  // namespace cairn::testing
