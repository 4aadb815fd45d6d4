#pragma once

// The group coordinator's test fixture: GroupCoordinator on the in-memory fault backend with a
// fake host (a manual clock, the offsets partitions and the user topics' log ends), driven one
// step at a time; opened, closed and restarted over the same files.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "broker/group/coordinator.h"
#include "broker/group/offset_log.h"
#include "broker/partition.h"
#include "protocol/control_record.h"
#include "storage/partition_log.h"
#include "tests/support/fault_backend.h"
#include "tests/support/test_util.h"

namespace cairn::broker::group_testing {

using namespace std::chrono_literals;
using protocol::ErrorCode;
using testing::FaultBackend;
using testing::run_until;

// What the fake host serves: the clock, the offsets partitions and the user topics.
struct World {
  GroupTime clock = std::chrono::steady_clock::now();
  int32_t offsets_partitions = 1;
  std::map<int32_t, std::unique_ptr<Partition>> partitions;
  // Topic -> the log end offset of each of its partitions.
  std::map<std::string, std::vector<int64_t>> topics;
  // Partitions that are offline, as "topic/partition".
  std::set<std::string> offline;
};

class FakeHost final : public GroupHost {
 public:
  explicit FakeHost(World& world) : world_(world) {}

  GroupTime now() override { return world_.clock; }
  int32_t offsets_partition_count() const override { return world_.offsets_partitions; }
  std::vector<Partition*> offsets_partitions() override {
    std::vector<Partition*> out;
    for (auto& [id, p] : world_.partitions) out.push_back(p.get());
    return out;
  }
  Partition* offsets_partition(int32_t id) override {
    auto it = world_.partitions.find(id);
    return it == world_.partitions.end() ? nullptr : it->second.get();
  }
  int32_t partition_count(const std::string& topic) override {
    auto it = world_.topics.find(topic);
    return it == world_.topics.end() ? 0 : static_cast<int32_t>(it->second.size());
  }
  awaitable<std::vector<Result<Offset>>> log_ends(
      std::vector<TopicPartitionRef> partitions) override {
    std::vector<Result<Offset>> out;
    for (const auto& tp : partitions) {
      auto it = world_.topics.find(tp.topic);
      if (it == world_.topics.end() || tp.partition < 0 ||
          tp.partition >= static_cast<int32_t>(it->second.size())) {
        out.emplace_back(Status::not_found("no such partition"));
      } else if (world_.offline.count(tp.topic + "/" + std::to_string(tp.partition))) {
        out.emplace_back(Status::unavailable("offline"));
      } else {
        out.emplace_back(Offset(it->second[static_cast<size_t>(tp.partition)]));
      }
    }
    co_return out;
  }

 private:
  World& world_;
};

class CoordinatorTest : public ::testing::Test {
 protected:
  CoordinatorTest() {
    EXPECT_TRUE(io.create_directory("/data").is_ok());
    EXPECT_TRUE(io.create_directory("/data/__consumer_offsets").is_ok());
    EXPECT_TRUE(io.sync_directory("/").is_ok());
    EXPECT_TRUE(io.sync_directory("/data").is_ok());
    world.topics["t"] = {1000, 1000};
    log_config.segment_bytes = 64 << 10;
  }
  void TearDown() override {
    if (coordinator) close();
  }

  static std::filesystem::path dir(int32_t p) {
    return "/data/__consumer_offsets/" + std::to_string(p);
  }

  // Opens the offsets partitions (those in `offline` stay offline) and loads a coordinator.
  void open(const std::set<int32_t>& offline = {}) {
    for (int32_t p = 0; p < world.offsets_partitions; ++p) {
      if (offline.count(p)) {
        world.partitions[p] = std::make_unique<Partition>(std::string(kOffsetsTopic), p,
                                                          Status::corruption("damaged"));
        continue;
      }
      auto log = storage::PartitionLog::open(io, dir(p), log_config);
      ASSERT_TRUE(log) << log.error().to_string();
      world.partitions[p] =
          std::make_unique<Partition>(std::string(kOffsetsTopic), p, std::move(*log));
    }
    coordinator = std::make_unique<GroupCoordinator>(std::make_unique<FakeHost>(world), options,
                                                     ctx.get_executor());
    coordinator->load();
  }

  // A clean stop: flushes and closes the offsets partitions, drops the coordinator.
  void close() {
    settle();
    for (auto& [id, p] : world.partitions) {
      if (!p->log()) continue;
      bool flushed = false;
      p->log()->flush([&](const Status& s) {
        EXPECT_TRUE(s.is_ok()) << s.to_string();
        flushed = true;
      });
      ASSERT_TRUE(run_until(ctx, [&] { return flushed; }));
      EXPECT_TRUE(p->log()->close().is_ok());
    }
    coordinator.reset();
    world.partitions.clear();
  }

  void restart() {
    close();
    open();
  }

  storage::PartitionLog& offsets_log(int32_t p = 0) { return *world.partitions.at(p)->log(); }

  // Runs the context until nothing is ready to run and every offsets partition is idle.
  void settle() {
    for (int i = 0; i < 1'000'000; ++i) {
      if (ctx.stopped()) ctx.restart();
      if (ctx.poll() > 0) continue;
      bool idle = true;
      for (auto& [id, p] : world.partitions) idle = idle && (!p->log() || p->log()->idle());
      if (idle) return;
    }
    ADD_FAILURE() << "the coordinator did not settle";
  }

  // Starts `task`; its result appears in the returned slot once it finishes.
  template <typename T>
  std::shared_ptr<std::optional<T>> start(awaitable<T> task) {
    auto slot = std::make_shared<std::optional<T>>();
    asio::co_spawn(ctx, std::move(task), [slot](const std::exception_ptr& e, T value) {
      if (e) std::rethrow_exception(e);
      *slot = std::move(value);
    });
    return slot;
  }

  template <typename T>
  T run(awaitable<T> task) {
    auto slot = start(std::move(task));
    EXPECT_TRUE(run_until(ctx, [&] { return slot->has_value(); }));
    return slot->has_value() ? std::move(**slot) : T{};
  }

  static CommitRequest commit_request(const std::string& group, std::string topic,
                                      int32_t partition, int64_t offset,
                                      std::string metadata = "") {
    CommitRequest r;
    r.group_id = group;
    r.generation = -1;
    r.entries.push_back({std::move(topic), partition, offset, std::move(metadata)});
    return r;
  }

  static ErrorCode error_of(const std::vector<ErrorCode>& r) {
    return r.empty() ? ErrorCode::kUnknownServerError : r[0];
  }

  ErrorCode commit(const std::string& group, const std::string& topic, int32_t partition,
                   int64_t offset, std::string metadata = "") {
    return error_of(run(
        coordinator->commit(commit_request(group, topic, partition, offset, std::move(metadata)))));
  }

  static OffsetsRequest fetch_request(const std::string& group, const std::string& topic,
                                      int32_t partition) {
    return OffsetsRequest{group, std::vector<TopicPartitionKey>{{topic, partition}}};
  }

  // The committed offset, -1 for none.
  int64_t committed(const std::string& group, const std::string& topic = "t",
                    int32_t partition = 0) {
    auto r = run(coordinator->fetch_offsets(fetch_request(group, topic, partition)));
    EXPECT_EQ(r.error, ErrorCode::kNone);
    if (r.offsets.size() != 1) return -2;
    EXPECT_EQ(r.offsets[0].error, ErrorCode::kNone);
    return r.offsets[0].offset;
  }

  static JoinRequest join_request(const std::string& group, std::string client = "client") {
    JoinRequest r;
    r.group_id = group;
    r.client_id = std::move(client);
    r.client_host = "host";
    r.topics = {"t"};
    return r;
  }

  boost::asio::io_context ctx;
  FaultBackend io{ctx};
  World world;
  GroupOptions options;
  storage::PartitionConfig log_config;
  std::unique_ptr<GroupCoordinator> coordinator;
};

}  // namespace cairn::broker::group_testing
