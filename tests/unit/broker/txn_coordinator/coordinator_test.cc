// TxnCoordinator over a fake host: every state stored before it is answered (a Complete state
// with the next one), markers, retries
// by housekeeping, replay, timeouts and partitions that cannot be loaded.
#include "broker/txn_coordinator/coordinator.h"

#include <gtest/gtest.h>

#include <optional>

#include "tests/support/test_util.h"

namespace cairn::broker {
namespace {

using namespace std::chrono_literals;
using protocol::ErrorCode;
using protocol::TxnResult;
using testing::run_until;
using txn::TxnState;

struct Marker {
  txn::TxnPartition partition;
  protocol::MarkerOptions options;
};

// What the fake host holds: one state partition, its stored records, the markers written.
struct World {
  Timestamp clock = timestamp_from_millis(1'000'000);
  std::vector<txn::TransactionLogRecord> stored;
  size_t batches = 0;                  // appended
  Status read_error;                   // read_state() fails with this when not OK
  bool fail_appends = false;           // append_state() fails
  std::set<std::string> marker_fails;  // topics whose markers fail
  std::vector<Marker> markers;
  int64_t next_producer_id = 100;
  std::vector<std::pair<txn::TxnPartition, int16_t>> told;  // add_to_transaction()
  size_t queued = 0;  // batches appended by append_state_queued()
  // What open_transactions() answers (nullopt: a group coordinator still loading).
  std::optional<std::vector<txn::OpenTransaction>> open = std::vector<txn::OpenTransaction>{};
};

class FakeHost final : public TxnHost {
 public:
  explicit FakeHost(World& world) : world_(world) {}

  Timestamp now() override { return world_.clock; }
  int32_t state_partition_count() const override { return 1; }
  int32_t offsets_partition_count() const override { return 1; }
  std::vector<int32_t> state_partitions() override { return {0}; }
  Result<std::vector<txn::TransactionLogRecord>> read_state(int32_t) override {
    if (!world_.read_error.is_ok()) return world_.read_error;
    return world_.stored;
  }
  awaitable<Status> append_state(int32_t, std::shared_ptr<std::vector<std::byte>> batch) override {
    co_return store(*batch);
  }
  Status append_state_queued(int32_t, std::shared_ptr<std::vector<std::byte>> batch) override {
    Status s = store(*batch);
    if (s.is_ok()) ++world_.queued;
    return s;
  }
  awaitable<std::optional<std::vector<txn::OpenTransaction>>> open_transactions() override {
    co_return world_.open;
  }
  bool partition_exists(const std::string& topic, int32_t partition) override {
    return (topic == "t" || topic == "__consumer_offsets") && partition >= 0 && partition < 2;
  }
  awaitable<std::vector<Status>> write_markers(std::vector<txn::TxnPartition> partitions,
                                               protocol::MarkerOptions marker) override {
    std::vector<Status> out;
    for (auto& p : partitions) {
      if (world_.marker_fails.contains(p.topic)) {
        out.push_back(Status::unavailable("offline"));
        continue;
      }
      world_.markers.push_back({p, marker});
      out.push_back(Status::ok());
    }
    co_return out;
  }
  awaitable<int64_t> new_producer_id() override { co_return world_.next_producer_id++; }
  awaitable<void> add_to_transaction(std::vector<txn::TxnPartition> partitions, int64_t,
                                     int16_t epoch) override {
    for (auto& p : partitions) world_.told.emplace_back(p, epoch);
    co_return;
  }

 private:
  Status store(const std::vector<std::byte>& batch) {
    if (world_.fail_appends) return Status::io_error("disk gone");
    ++world_.batches;
    protocol::BatchIterator batches(batch, protocol::Verify::kProduced);
    while (auto b = batches.next()) {
      protocol::RecordReader reader(*b);
      protocol::RecordView rec;
      while (reader.next(rec)) {
        auto r = txn::decode_transaction_record(rec.key, rec.value);
        EXPECT_TRUE(r) << r.error().to_string();
        if (r) world_.stored.push_back(std::move(*r));
      }
    }
    return Status::ok();
  }

  World& world_;
};

class TxnCoordinatorTest : public ::testing::Test {
 protected:
  void open(bool load = true) {
    coordinator = std::make_unique<TxnCoordinator>(std::make_unique<FakeHost>(world), limits,
                                                   ctx.get_executor());
    if (load) {
      coordinator->load();
      // And the recovery of Ongoing transactions it started.
      ctx.restart();
      ctx.poll();
    }
  }
  template <typename T>
  T run(awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(ctx, std::move(task), [&out](const std::exception_ptr& e, T v) {
      if (e) std::rethrow_exception(e);
      out = std::move(v);
    });
    EXPECT_TRUE(run_until(ctx, [&] { return out.has_value(); }));
    // And what it left running (an EndTxn's markers and Complete state, answered before them).
    ctx.restart();
    ctx.poll();
    return std::move(*out);
  }
  TxnInitResult init(const std::string& id, std::chrono::milliseconds timeout = 60s) {
    return run(coordinator->init_producer_id({id, timeout}));
  }
  ErrorCode add(const protocol::TxnProducer& p, int32_t partition) {
    std::vector<txn::TxnPartition> parts{{"t", partition}};
    return run(coordinator->add_partitions(p, parts)).at(0);
  }
  // Runs housekeeping and everything it started.
  void housekeep() {
    coordinator->housekeep();
    ctx.restart();
    ctx.poll();
  }
  std::vector<TxnState> stored_states() const {
    std::vector<TxnState> out;
    for (const auto& r : world.stored) out.push_back(r.value ? r.value->state : TxnState::kEmpty);
    return out;
  }

  asio::io_context ctx;
  World world;
  txn::TxnLimits limits;
  std::unique_ptr<TxnCoordinator> coordinator;
};

TEST_F(TxnCoordinatorTest, EveryStateOfACommitIsStoredAndItsMarkersWritten) {
  open();
  auto id = init("tx");
  ASSERT_EQ(id.error, ErrorCode::kNone);
  EXPECT_EQ(id.producer_id, 100);
  EXPECT_EQ(id.producer_epoch, 0);
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  EXPECT_EQ(add(p, 0), ErrorCode::kNone);
  EXPECT_EQ(add(p, 1), ErrorCode::kNone);
  auto ended = run(coordinator->end_txn(p, TxnResult::kCommit));
  EXPECT_EQ(ended.error, ErrorCode::kNone);
  // The Complete state is applied once the markers are stored, and stored a tick later when no
  // next state comes to store it with.
  EXPECT_EQ(stored_states(), (std::vector<TxnState>{TxnState::kEmpty, TxnState::kOngoing,
                                                    TxnState::kOngoing, TxnState::kPrepareCommit}));
  EXPECT_EQ(coordinator->describe("tx").state, "CompleteCommit");
  housekeep();
  EXPECT_EQ(stored_states().size(), 4u) << "not before a tick";
  world.clock += 100ms;
  housekeep();
  EXPECT_EQ(stored_states(),
            (std::vector<TxnState>{TxnState::kEmpty, TxnState::kOngoing, TxnState::kOngoing,
                                   TxnState::kPrepareCommit, TxnState::kCompleteCommit}));
  ASSERT_EQ(world.markers.size(), 2u);
  for (const auto& m : world.markers) {
    EXPECT_EQ(m.options.result, TxnResult::kCommit);
    EXPECT_EQ(m.options.producer_id, 100);
    EXPECT_EQ(m.options.producer_epoch, 0);
  }
  EXPECT_EQ(coordinator->describe("tx").state, "CompleteCommit");
  ASSERT_EQ(world.told.size(), 2u) << "each partition is told before the add is answered";
  EXPECT_EQ(world.told[1].first.partition, 1);
}

TEST_F(TxnCoordinatorTest, AnUnstoredCompleteStateIsStoredInOneBatchWithTheNextState) {
  open();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, 0), ErrorCode::kNone);
  ASSERT_EQ(run(coordinator->end_txn(p, TxnResult::kCommit)).error, ErrorCode::kNone);
  size_t batches = world.batches;
  ASSERT_EQ(add(p, 1), ErrorCode::kNone) << "the next transaction";
  EXPECT_EQ(world.batches, batches + 1) << "one append, so one sync";
  EXPECT_EQ(stored_states(),
            (std::vector<TxnState>{TxnState::kEmpty, TxnState::kOngoing, TxnState::kPrepareCommit,
                                   TxnState::kCompleteCommit, TxnState::kOngoing}));
  coordinator.reset();  // the log replays with every transition legal
  open();
  EXPECT_EQ(coordinator->describe("tx").state, "Ongoing");
}

TEST_F(TxnCoordinatorTest, AnAddWithinAnOngoingTransactionIsAnsweredOnceQueued) {
  open();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, 0), ErrorCode::kNone);
  EXPECT_EQ(world.queued, 0u) << "a transaction's first state is stored before it is answered";
  ASSERT_EQ(run(coordinator->add_offsets(p, "g")), ErrorCode::kNone);
  ASSERT_EQ(add(p, 1), ErrorCode::kNone);
  EXPECT_EQ(world.queued, 2u);
  ASSERT_EQ(run(coordinator->end_txn(p, TxnResult::kCommit)).error, ErrorCode::kNone);
  EXPECT_EQ(world.markers.size(), 3u);
  ASSERT_EQ(add(p, 0), ErrorCode::kNone) << "the next transaction";
  EXPECT_EQ(world.queued, 2u) << "its first state (with the last one's Complete) is stored";
}

TEST_F(TxnCoordinatorTest, PartitionsHoldingAnOngoingTransactionItsStoredStateMissesAreAdded) {
  open();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, 0), ErrorCode::kNone);
  ASSERT_EQ(add(p, 1), ErrorCode::kNone);
  ASSERT_EQ(run(coordinator->add_offsets(p, "g")), ErrorCode::kNone);
  coordinator.reset();
  // A crash lost the two queued adds; partition 1 and the offsets partition kept what the
  // producer wrote. Another producer's transaction and an older epoch's are not this one's.
  world.stored.resize(world.stored.size() - 2);
  world.open.reset();
  std::vector<txn::OpenTransaction> held{
      {{"t", 1}, id.producer_id, id.producer_epoch},
      {{"__consumer_offsets", 0}, id.producer_id, -1},
      {{"t", 0}, id.producer_id + 7, 0},
      {{"t", 1}, id.producer_id, static_cast<int16_t>(id.producer_epoch + 1)}};
  open();
  EXPECT_EQ(coordinator->describe("tx").error, ErrorCode::kCoordinatorLoadInProgress)
      << "while a group coordinator has not loaded";
  world.open = held;
  ASSERT_TRUE(
      run_until(ctx, [&] { return coordinator->describe("tx").error == ErrorCode::kNone; }));
  auto d = coordinator->describe("tx");
  EXPECT_EQ(d.state, "Ongoing");
  ASSERT_EQ(d.topics.size(), 2u);
  EXPECT_EQ(d.topics[0].topic, "__consumer_offsets");
  EXPECT_EQ(d.topics[1].partitions, (std::vector<int32_t>{0, 1}));
  ASSERT_EQ(run(coordinator->end_txn(p, TxnResult::kCommit)).error, ErrorCode::kNone);
  EXPECT_EQ(world.markers.size(), 3u) << "a marker into each";
}

TEST_F(TxnCoordinatorTest, AStateThatCannotBeStoredIsNotAppliedAndTheIdIsFreeAgain) {
  open();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  world.fail_appends = true;
  EXPECT_EQ(add(p, 0), ErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(coordinator->describe("tx").state, "Empty");
  world.fail_appends = false;
  EXPECT_EQ(add(p, 0), ErrorCode::kNone);
  EXPECT_EQ(coordinator->describe("tx").state, "Ongoing");
}

TEST_F(TxnCoordinatorTest, MarkersThatCouldNotBeWrittenAreWrittenAgainByHousekeeping) {
  open();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, 0), ErrorCode::kNone);
  world.marker_fails.insert("t");
  EXPECT_EQ(run(coordinator->end_txn(p, TxnResult::kAbort)).error, ErrorCode::kNone)
      << "answered once the PrepareAbort state is stored";
  EXPECT_EQ(coordinator->describe("tx").state, "PrepareAbort");
  EXPECT_EQ(run(coordinator->end_txn(p, TxnResult::kAbort)).error,
            ErrorCode::kConcurrentTransactions);
  world.marker_fails.clear();
  housekeep();
  EXPECT_EQ(coordinator->describe("tx").state, "CompleteAbort");
  ASSERT_EQ(world.markers.size(), 1u);
  EXPECT_EQ(run(coordinator->end_txn(p, TxnResult::kAbort)).error, ErrorCode::kNone);
}

TEST_F(TxnCoordinatorTest, AReplayedPrepareStateIsFinishedAfterTheLoad) {
  open();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, 1), ErrorCode::kNone);
  world.marker_fails.insert("t");
  run(coordinator->end_txn(p, TxnResult::kCommit));
  coordinator.reset();  // a crash with the commit prepared
  world.marker_fails.clear();
  open();
  EXPECT_EQ(coordinator->describe("tx").state, "PrepareCommit");
  housekeep();
  EXPECT_EQ(coordinator->describe("tx").state, "CompleteCommit");
  ASSERT_EQ(world.markers.size(), 1u);
  EXPECT_EQ(world.markers[0].options.result, TxnResult::kCommit);
  EXPECT_EQ(world.markers[0].partition.partition, 1);
}

TEST_F(TxnCoordinatorTest, ATransactionPastItsTimeoutIsAbortedWithTheEpochBumped) {
  open();
  auto id = init("tx", 1s);
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, 0), ErrorCode::kNone);
  housekeep();
  EXPECT_EQ(coordinator->describe("tx").state, "Ongoing");
  world.clock += 1001ms;
  housekeep();
  auto d = coordinator->describe("tx");
  EXPECT_EQ(d.state, "CompleteAbort");
  EXPECT_EQ(d.producer_epoch, 1);
  ASSERT_EQ(world.markers.size(), 1u);
  EXPECT_EQ(world.markers[0].options.producer_epoch, 1) << "the marker fences the old epoch";
  EXPECT_EQ(run(coordinator->end_txn(p, TxnResult::kCommit)).error, ErrorCode::kProducerFenced);
}

TEST_F(TxnCoordinatorTest, ANewInstanceAbortsTheOpenTransactionThenGetsTheNextEpoch) {
  open();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  ASSERT_EQ(add(p, 0), ErrorCode::kNone);
  EXPECT_EQ(init("tx").error, ErrorCode::kConcurrentTransactions);
  EXPECT_EQ(coordinator->describe("tx").state, "CompleteAbort");
  auto second = init("tx");
  EXPECT_EQ(second.error, ErrorCode::kNone);
  EXPECT_EQ(second.producer_id, id.producer_id);
  EXPECT_EQ(second.producer_epoch, 2);
  EXPECT_EQ(run(coordinator->end_txn(p, TxnResult::kCommit)).error, ErrorCode::kProducerFenced);
}

TEST_F(TxnCoordinatorTest, APartitionNotYetLoadedOrThatCannotBeReadRefusesItsIds) {
  open(/*load=*/false);
  EXPECT_EQ(init("tx").error, ErrorCode::kCoordinatorLoadInProgress);
  world.read_error = Status::corruption("damaged");
  coordinator->load();
  EXPECT_EQ(init("tx").error, ErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(coordinator->describe("tx").error, ErrorCode::kCoordinatorNotAvailable);
}

TEST_F(TxnCoordinatorTest, AddOffsetsAddsTheGroupsOffsetsPartition) {
  open();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  EXPECT_EQ(run(coordinator->add_offsets(p, "g")), ErrorCode::kNone);
  auto d = coordinator->describe("tx");
  ASSERT_EQ(d.topics.size(), 1u);
  EXPECT_EQ(d.topics[0].topic, "__consumer_offsets");
}

TEST_F(TxnCoordinatorTest, VerifyingPartitionsAnswersEachAndAddsNone) {
  open();
  auto id = init("tx");
  protocol::TxnProducer p{"tx", id.producer_id, id.producer_epoch};
  std::vector<txn::TxnPartition> both{{"t", 0}, {"t", 1}};
  EXPECT_EQ(coordinator->verify_partitions(p, both),
            (std::vector<ErrorCode>{ErrorCode::kInvalidTxnState, ErrorCode::kInvalidTxnState}));
  EXPECT_EQ(coordinator->describe("tx").state, "Empty") << "verifying adds nothing";
  size_t stored = world.stored.size();
  ASSERT_EQ(add(p, 1), ErrorCode::kNone);
  EXPECT_EQ(coordinator->verify_partitions(p, both),
            (std::vector<ErrorCode>{ErrorCode::kInvalidTxnState, ErrorCode::kNone}));
  EXPECT_EQ(world.stored.size(), stored + 1);
  protocol::TxnProducer stale{"tx", id.producer_id, static_cast<int16_t>(id.producer_epoch + 1)};
  EXPECT_EQ(coordinator->verify_partitions(stale, both),
            (std::vector<ErrorCode>{ErrorCode::kProducerFenced, ErrorCode::kProducerFenced}));
}

TEST_F(TxnCoordinatorTest, ListingFiltersByStateProducerIdAndHowLongTheTransactionIsOpen) {
  open();
  auto a = init("a");
  auto b = init("b");
  init("c");
  ASSERT_EQ(add({"a", a.producer_id, a.producer_epoch}, 0), ErrorCode::kNone);
  world.clock += 5s;
  ASSERT_EQ(add({"b", b.producer_id, b.producer_epoch}, 0), ErrorCode::kNone);
  auto ids = [](const TxnListResult& r) {
    std::vector<std::string> out;
    for (const auto& t : r.transactions) out.push_back(t.transactional_id);
    return out;
  };
  TxnListResult all = coordinator->list({});
  EXPECT_EQ(all.error, ErrorCode::kNone);
  EXPECT_EQ(ids(all), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(all.transactions[2].state, "Empty");
  EXPECT_EQ(all.transactions[1].producer_id, b.producer_id);
  EXPECT_EQ(ids(coordinator->list({.states = {"Ongoing"}})), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ids(coordinator->list({.producer_ids = {b.producer_id}})),
            (std::vector<std::string>{"b"}));
  EXPECT_EQ(ids(coordinator->list({.min_duration_ms = 3000})), (std::vector<std::string>{"a"}));
}

TEST_F(TxnCoordinatorTest, ListingBeforeTheLoadSaysTheCoordinatorIsLoading) {
  open(false);
  EXPECT_EQ(coordinator->list({}).error, ErrorCode::kCoordinatorLoadInProgress);
}

}  // namespace
}  // namespace cairn::broker
