// The consumer against a scripted FakeBroker: rebalance callbacks, the commit paths, replies
// that lack entries, a dropped fetch connection and a batch that fails verification.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>

#include "cairn/consumer.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/group.h"
#include "tests/support/fake_broker.h"
#include "tests/unit/client/fake_log.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;
using client::Consumer;
using client::ConsumerConfig;
using client::ConsumerRecord;
using client::TopicPartition;
using protocol::ApiKey;
using protocol::ErrorCode;
using Answer = FakeBroker::Answer;

// A group coordinator the test scripts: one member, the assignments it hands out join by join,
// the heartbeat error to answer once, committed offsets, and replies to cut short.
struct GroupScript {
  std::mutex mu;
  int32_t generation = 0;
  std::vector<std::vector<TopicPartition>> assignments;  // per join; the last one repeats
  int syncs = 0;
  ErrorCode next_heartbeat = ErrorCode::kNone;
  std::map<TopicPartition, int64_t> committed;
  ErrorCode commit_error = ErrorCode::kNone;
  bool commit_reply_without_entries = false;
  int offset_fetch_replies_without_entries = 0;

  void install(FakeBroker& broker) {
    broker.on(ApiKey::kJoinGroup, [this](const FakeBroker::Request&) {
      std::lock_guard lock(mu);
      ++generation;
      return Answer::reply(protocol::JoinGroupResponse{ErrorCode::kNone, generation, "member-1",
                                                       "member-1", "range", {}});
    });
    broker.on(ApiKey::kSyncGroup, [this](const FakeBroker::Request&) {
      std::lock_guard lock(mu);
      protocol::SyncGroupResponse r;
      const auto& mine = assignments.at(std::min<size_t>(syncs++, assignments.size() - 1));
      for (const auto& tp : mine) {
        if (r.assignment.empty() || r.assignment.back().topic != tp.topic) {
          r.assignment.push_back({tp.topic, {}});
        }
        r.assignment.back().partitions.push_back(tp.partition);
      }
      return Answer::reply(r);
    });
    broker.on(ApiKey::kHeartbeat, [this](const FakeBroker::Request&) {
      std::lock_guard lock(mu);
      return Answer::reply(protocol::HeartbeatResponse{std::exchange(next_heartbeat, ErrorCode::kNone)});
    });
    broker.on(ApiKey::kLeaveGroup, [](const FakeBroker::Request&) {
      return Answer::reply(protocol::LeaveGroupResponse{});
    });
    broker.on(ApiKey::kOffsetFetch, [this](const FakeBroker::Request& request) {
      auto req = request.decode<protocol::OffsetFetchRequest>();
      std::lock_guard lock(mu);
      protocol::OffsetFetchResponse r;
      if (offset_fetch_replies_without_entries > 0) {
        --offset_fetch_replies_without_entries;
        return Answer::reply(r);
      }
      for (const auto& t : req.topics.value_or(std::vector<protocol::TopicPartitions>{})) {
        auto& out = r.topics.emplace_back();
        out.name = t.topic;
        for (int32_t p : t.partitions) {
          auto it = committed.find({t.topic, p});
          out.partitions.push_back({p, it == committed.end() ? -1 : it->second, "", ErrorCode::kNone});
        }
      }
      return Answer::reply(r);
    });
    broker.on(ApiKey::kOffsetCommit, [this](const FakeBroker::Request& request) {
      auto req = request.decode<protocol::OffsetCommitRequest>();
      std::lock_guard lock(mu);
      protocol::OffsetCommitResponse r;
      if (commit_reply_without_entries) return Answer::reply(r);
      for (const auto& t : req.topics) {
        auto& out = r.topics.emplace_back();
        out.name = t.name;
        for (const auto& p : t.partitions) {
          out.partitions.push_back({p.partition, commit_error});
          if (commit_error == ErrorCode::kNone) committed[{t.name, p.partition}] = p.offset;
        }
      }
      return Answer::reply(r);
    });
  }
};

// Records what the group did to the consumer, in order.
class Recorder : public client::RebalanceListener {
 public:
  explicit Recorder(const FakeBroker& broker) : broker_(broker) {}
  void on_partitions_revoked(Consumer&, const std::vector<TopicPartition>& tps) override {
    std::lock_guard lock(mu_);
    events_.push_back("revoked " + names(tps));
    commits_at_revoke_.push_back(broker_.count(ApiKey::kOffsetCommit));
  }
  void on_partitions_assigned(Consumer&, const std::vector<TopicPartition>& tps) override {
    std::lock_guard lock(mu_);
    events_.push_back("assigned " + names(tps));
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::vector<size_t> commits_at_revoke() {
    std::lock_guard lock(mu_);
    return commits_at_revoke_;
  }

 private:
  static std::string names(const std::vector<TopicPartition>& tps) {
    std::string out;
    for (const auto& tp : tps) out += (out.empty() ? "" : ",") + tp.topic + "-" + std::to_string(tp.partition);
    return out;
  }
  const FakeBroker& broker_;
  std::mutex mu_;
  std::vector<std::string> events_;
  std::vector<size_t> commits_at_revoke_;
};

class ConsumerTest : public ::testing::Test {
 protected:
  ConsumerTest() {
    broker_.add_topic("t", 2);
    broker_.on(ApiKey::kFetch, [this](const FakeBroker::Request& r) { return log_.fetch(r); });
    broker_.on(ApiKey::kListOffsets,
               [this](const FakeBroker::Request& r) { return log_.list_offsets(r); });
    group_.assignments = {{{"t", 0}}};
    group_.install(broker_);
  }

  ConsumerConfig config() const {
    ConsumerConfig c;
    c.broker = broker_.address();
    c.group_id = "g";
    c.auto_offset_reset = ConsumerConfig::OffsetReset::kEarliest;
    c.enable_auto_commit = false;
    c.heartbeat_interval = 10ms;
    c.session_timeout = 2s;
    c.rebalance_timeout = 2s;
    c.fetch_max_wait = 10ms;
    c.retry_backoff = 5ms;
    c.retry_backoff_max = 20ms;
    c.request_timeout = 5s;
    return c;
  }

  std::unique_ptr<Consumer> make(const ConsumerConfig& c) {
    auto consumer = Consumer::create(c);
    EXPECT_TRUE(consumer) << consumer.error().to_string();
    return consumer ? std::move(*consumer) : nullptr;
  }

  // Polls until `n` records have come (or `limit` passes) and returns them.
  static std::vector<ConsumerRecord> poll_for(Consumer& consumer, size_t n,
                                              std::chrono::milliseconds limit = 3s) {
    std::vector<ConsumerRecord> out;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
      auto records = consumer.poll(20ms);
      EXPECT_TRUE(records) << records.error().to_string();
      if (!records) break;
      for (auto& r : *records) out.push_back(std::move(r));
    }
    return out;
  }

  // Declared before the broker, which is destroyed first: its handlers use them until then.
  FakeLog log_;
  GroupScript group_;
  std::atomic<int> fetches_{0};
  FakeBroker broker_;
};

std::vector<int64_t> offsets_of(const std::vector<ConsumerRecord>& records) {
  std::vector<int64_t> out;
  for (const auto& r : records) out.push_back(r.offset);
  return out;
}

TEST_F(ConsumerTest, ARebalanceRevokesEveryPartitionAfterCommittingThenAssignsTheNewOnes) {
  log_.append({"t", 0}, {"a", "b"});
  log_.append({"t", 1}, {"c", "d"});
  group_.assignments = {{{"t", 0}, {"t", 1}}, {{"t", 1}}};
  auto c = config();
  c.enable_auto_commit = true;
  c.auto_commit_interval = 1h;
  auto consumer = make(c);
  Recorder recorder(broker_);
  ASSERT_TRUE(consumer->subscribe({"t"}, &recorder).is_ok());
  EXPECT_EQ(poll_for(*consumer, 4).size(), 4u);
  {
    std::lock_guard lock(group_.mu);
    group_.next_heartbeat = ErrorCode::kRebalanceInProgress;
  }
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (recorder.events().size() < 3 && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(consumer->poll(20ms));
  }
  EXPECT_EQ(recorder.events(), (std::vector<std::string>{"assigned t-0,t-1", "revoked t-0,t-1",
                                                         "assigned t-1"}));
  ASSERT_EQ(recorder.commits_at_revoke().size(), 1u);
  EXPECT_EQ(recorder.commits_at_revoke()[0], 1u) << "positions are committed before the revoke";
  std::lock_guard lock(group_.mu);
  EXPECT_EQ(group_.committed, (std::map<TopicPartition, int64_t>{{{"t", 0}, 2}, {{"t", 1}, 2}}));
  EXPECT_EQ(consumer->assignment(), (std::vector<TopicPartition>{{"t", 1}}));
}

TEST_F(ConsumerTest, CommitSendsThePositionsOfWhatPollReturnedWithTheGeneration) {
  log_.append({"t", 0}, {"a", "b", "c"});
  auto consumer = make(config());
  ASSERT_TRUE(consumer->subscribe({"t"}).is_ok());
  ASSERT_EQ(poll_for(*consumer, 3).size(), 3u);
  ASSERT_TRUE(consumer->commit().is_ok());
  auto commits = broker_.requests(ApiKey::kOffsetCommit);
  ASSERT_EQ(commits.size(), 1u);
  auto req = commits[0].decode<protocol::OffsetCommitRequest>();
  EXPECT_EQ(req.group_id, "g");
  EXPECT_EQ(req.member_id, "member-1");
  EXPECT_EQ(req.generation, 1);
  ASSERT_EQ(req.topics.size(), 1u);
  ASSERT_EQ(req.topics[0].partitions.size(), 1u);
  EXPECT_EQ(req.topics[0].partitions[0].offset, 3);
  auto committed = consumer->committed({"t", 0});
  ASSERT_TRUE(committed) << committed.error().to_string();
  EXPECT_EQ(*committed, std::optional<int64_t>(3));
}

TEST_F(ConsumerTest, ACommitTheGroupRefusesAsStaleIsFencedAndTheConsumerRejoins) {
  log_.append({"t", 0}, {"a"});
  auto consumer = make(config());
  ASSERT_TRUE(consumer->subscribe({"t"}).is_ok());
  ASSERT_EQ(poll_for(*consumer, 1).size(), 1u);
  {
    std::lock_guard lock(group_.mu);
    group_.commit_error = ErrorCode::kIllegalGeneration;
  }
  Status s = consumer->commit();
  EXPECT_EQ(s.code(), Status::Code::kFenced) << s.to_string();
  size_t joins = broker_.count(ApiKey::kJoinGroup);
  ASSERT_TRUE(consumer->poll(50ms));
  EXPECT_EQ(broker_.count(ApiKey::kJoinGroup), joins + 1);
}

TEST_F(ConsumerTest, CommitAsyncReportsTheOutcomeToItsCallback) {
  log_.append({"t", 0}, {"a", "b"});
  auto consumer = make(config());
  ASSERT_TRUE(consumer->subscribe({"t"}).is_ok());
  ASSERT_EQ(poll_for(*consumer, 2).size(), 2u);
  std::promise<Status> done;
  consumer->commit_async([&done](Status s) { done.set_value(s); });
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(future.get().is_ok());
  std::lock_guard lock(group_.mu);
  EXPECT_EQ(group_.committed[(TopicPartition{"t", 0})], 2);
}

TEST_F(ConsumerTest, ACommitReplyWithoutThePartitionIsAnError) {
  log_.append({"t", 0}, {"a"});
  auto consumer = make(config());
  ASSERT_TRUE(consumer->subscribe({"t"}).is_ok());
  ASSERT_EQ(poll_for(*consumer, 1).size(), 1u);
  {
    std::lock_guard lock(group_.mu);
    group_.commit_reply_without_entries = true;
  }
  Status s = consumer->commit();
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("t-0"), std::string::npos) << s.to_string();
}

TEST_F(ConsumerTest, AnOffsetFetchReplyWithoutThePartitionNeitherResetsNorLosesThePosition) {
  log_.append({"t", 0}, {"v0", "v1", "v2", "v3", "v4", "v5"});
  {
    std::lock_guard lock(group_.mu);
    group_.committed[{"t", 0}] = 4;
    group_.offset_fetch_replies_without_entries = 1;
  }
  auto c = config();
  c.auto_offset_reset = ConsumerConfig::OffsetReset::kEarliest;
  auto consumer = make(c);
  ASSERT_TRUE(consumer->subscribe({"t"}).is_ok());
  auto records = poll_for(*consumer, 2, 2s);
  EXPECT_EQ(offsets_of(records), (std::vector<int64_t>{4, 5}))
      << "the committed offset, not auto_offset_reset";
  EXPECT_GE(broker_.count(ApiKey::kOffsetFetch), 2u);
}

TEST_F(ConsumerTest, CommittedIsAnErrorWhenTheReplyLacksThePartition) {
  auto consumer = make(config());
  {
    std::lock_guard lock(group_.mu);
    group_.offset_fetch_replies_without_entries = 1;
  }
  auto committed = consumer->committed({"t", 0});
  ASSERT_FALSE(committed) << "a reply without the partition does not say nothing is committed";
  EXPECT_NE(committed.error().message().find("t-0"), std::string::npos)
      << committed.error().to_string();
}

TEST_F(ConsumerTest, SeekToBeginningFailsWhenTheReplyLacksThePartition) {
  broker_.on(ApiKey::kListOffsets, [](const FakeBroker::Request&) {
    return Answer::reply(protocol::ListOffsetsResponse{});
  });
  auto c = config();
  c.group_id.clear();
  auto consumer = make(c);
  ASSERT_TRUE(consumer->assign({{"t", 0}}).is_ok());
  Status s = consumer->seek_to_beginning({{"t", 0}});
  EXPECT_FALSE(s.is_ok()) << "nothing was sought";
  EXPECT_NE(s.message().find("t-0"), std::string::npos) << s.to_string();
}

TEST_F(ConsumerTest, ADroppedFetchConnectionIsReopenedAndReadingGoesOnFromThePosition) {
  for (int b = 0; b < 3; ++b) {
    log_.append({"t", 0}, {"v" + std::to_string(2 * b), "v" + std::to_string(2 * b + 1)});
  }
  broker_.on(ApiKey::kFetch, [&](const FakeBroker::Request& r) {
    if (++fetches_ == 2) return Answer::drop_connection();
    return log_.fetch(r);
  });
  auto c = config();
  c.group_id.clear();
  c.max_partition_fetch_bytes = 1;  // one batch per fetch
  auto consumer = make(c);
  ASSERT_TRUE(consumer->assign({{"t", 0}}).is_ok());
  auto records = poll_for(*consumer, 6);
  EXPECT_EQ(offsets_of(records), (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_GE(broker_.connections(), 3) << "two at the start, one more after the drop";
}

TEST_F(ConsumerTest, ABatchThatFailsVerificationIsReportedOnceAfterTheRecordsBeforeIt) {
  log_.append({"t", 0}, {"a", "b"});
  log_.append({"t", 0}, {"c", "d"});
  log_.append({"t", 0}, {"e"});
  log_.damage({"t", 0}, 1);
  auto c = config();
  c.group_id.clear();
  auto consumer = make(c);
  ASSERT_TRUE(consumer->assign({{"t", 0}}).is_ok());
  auto before = poll_for(*consumer, 2);
  EXPECT_EQ(offsets_of(before), (std::vector<int64_t>{0, 1}));
  Result<std::vector<ConsumerRecord>> bad = std::vector<ConsumerRecord>{};
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (bad && std::chrono::steady_clock::now() < deadline) bad = consumer->poll(20ms);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), Status::Code::kCorruption);
  auto where = consumer->last_corrupt_batch();
  ASSERT_TRUE(where);
  EXPECT_EQ(where->offset, 2);
  EXPECT_EQ(where->next_offset, 4);
  // Reported once: the partition waits for a seek.
  auto again = consumer->poll(50ms);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  ASSERT_TRUE(consumer->seek({"t", 0}, where->next_offset).is_ok());
  EXPECT_EQ(offsets_of(poll_for(*consumer, 1)), std::vector<int64_t>{4});
}

TEST_F(ConsumerTest, ClosingLeavesTheGroup) {
  log_.append({"t", 0}, {"a"});
  auto consumer = make(config());
  ASSERT_TRUE(consumer->subscribe({"t"}).is_ok());
  ASSERT_EQ(poll_for(*consumer, 1).size(), 1u);
  consumer->close();
  EXPECT_EQ(broker_.count(ApiKey::kLeaveGroup), 1u);
  EXPECT_FALSE(consumer->poll(10ms));
}

}  // namespace
}  // namespace cairn::testing
