// TransactionStateMachine against PROTOCOL.md's "Transactions": the transition table pair by
// pair, every request in every state, fencing by epoch, timeouts, expiry, pending writes and
// replay. A manual clock (plain timestamps) and a counter for new producer ids; no I/O.
#include "broker/txn/transaction_state_machine.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <utility>

namespace cairn::broker::txn {
namespace {

using protocol::ErrorCode;
using protocol::TxnProducer;
using protocol::TxnResult;
using std::chrono::milliseconds;
using S = TxnState;

constexpr S kAllStates[] = {S::kEmpty,        S::kOngoing,        S::kPrepareCommit,
                            S::kPrepareAbort, S::kCompleteCommit, S::kCompleteAbort};

Timestamp at(int64_t ms) { return timestamp_from_millis(ms); }

// PROTOCOL.md's transition table, as pairs.
const std::set<std::pair<S, S>> kLegal = {
    {S::kEmpty, S::kEmpty},
    {S::kCompleteCommit, S::kEmpty},
    {S::kCompleteAbort, S::kEmpty},
    {S::kEmpty, S::kOngoing},
    {S::kCompleteCommit, S::kOngoing},
    {S::kCompleteAbort, S::kOngoing},
    {S::kOngoing, S::kOngoing},
    {S::kOngoing, S::kPrepareCommit},
    {S::kOngoing, S::kPrepareAbort},
    {S::kPrepareCommit, S::kCompleteCommit},
    {S::kPrepareAbort, S::kCompleteAbort},
};

TEST(TransactionState, EveryPairOfStatesIsLegalExactlyWhenTheTransitionTableListsIt) {
  for (S from : kAllStates) {
    for (S to : kAllStates) {
      EXPECT_EQ(is_legal_transition(from, to), kLegal.contains({from, to}))
          << state_name(from) << " -> " << state_name(to);
    }
  }
}

TEST(TransactionState, StatesAreNamedAsDescribeTransactionsAnswers) {
  EXPECT_EQ(state_name(S::kEmpty), "Empty");
  EXPECT_EQ(state_name(S::kOngoing), "Ongoing");
  EXPECT_EQ(state_name(S::kPrepareCommit), "PrepareCommit");
  EXPECT_EQ(state_name(S::kPrepareAbort), "PrepareAbort");
  EXPECT_EQ(state_name(S::kCompleteCommit), "CompleteCommit");
  EXPECT_EQ(state_name(S::kCompleteAbort), "CompleteAbort");
}

class TransactionStateMachineTest : public ::testing::Test {
 protected:
  static constexpr int64_t kPid = 500;
  static constexpr int16_t kEpoch = 4;
  const TxnPartition p0{"out", 0};
  const TxnPartition p1{"out", 1};

  TransactionStateMachine machine{
      TxnLimits{.max_timeout = milliseconds(900000), .id_expiry = milliseconds(100000)}};
  int64_t next_id = 1000;
  TransactionStateMachine::NewProducerId new_id = [this] { return next_id++; };

  TxnProducer producer(int16_t epoch = kEpoch) const { return {"tx", kPid, epoch}; }

  // "tx" replayed into `state` (with p0 open since t=1000 in the open states).
  void start_in(S state) {
    TransactionMetadata m;
    m.transactional_id = "tx";
    m.producer_id = kPid;
    m.producer_epoch = kEpoch;
    m.state = state;
    m.timeout = milliseconds(10000);
    m.last_update = at(1000);
    if (has_open_transaction(state)) {
      m.partitions = {p0};
      m.start_time = at(1000);
    }
    ASSERT_TRUE(machine.replay({"tx", m}).is_ok());
  }

  // Stores a decision's write, as the coordinator does once the append succeeded.
  void store(const TxnDecision& d) {
    ASSERT_TRUE(d.write);
    machine.apply({d.write->transactional_id, *d.write});
  }

  const TransactionMetadata& tx() const { return *machine.find("tx"); }
};

// One request in one state: the error answered, and the state stored (none: no write).
struct Expect {
  ErrorCode error;
  std::optional<S> writes;
};

enum class Op { kInit, kAddNew, kAddExisting, kCommit, kAbort, kComplete, kTimeout };

TEST_F(TransactionStateMachineTest, EveryRequestInEveryStateGetsTheAnswerOfTheSpec) {
  using E = ErrorCode;
  const std::map<std::pair<S, Op>, Expect> table = {
      {{S::kEmpty, Op::kInit}, {E::kNone, S::kEmpty}},
      {{S::kEmpty, Op::kAddNew}, {E::kNone, S::kOngoing}},
      {{S::kEmpty, Op::kAddExisting}, {E::kNone, S::kOngoing}},
      {{S::kEmpty, Op::kCommit}, {E::kInvalidTxnState, {}}},
      {{S::kEmpty, Op::kAbort}, {E::kInvalidTxnState, {}}},
      {{S::kEmpty, Op::kComplete}, {E::kInvalidTxnState, {}}},
      {{S::kEmpty, Op::kTimeout}, {E::kNone, {}}},
      {{S::kOngoing, Op::kInit}, {E::kConcurrentTransactions, S::kPrepareAbort}},
      {{S::kOngoing, Op::kAddNew}, {E::kNone, S::kOngoing}},
      {{S::kOngoing, Op::kAddExisting}, {E::kNone, {}}},
      {{S::kOngoing, Op::kCommit}, {E::kNone, S::kPrepareCommit}},
      {{S::kOngoing, Op::kAbort}, {E::kNone, S::kPrepareAbort}},
      {{S::kOngoing, Op::kComplete}, {E::kInvalidTxnState, {}}},
      {{S::kOngoing, Op::kTimeout}, {E::kNone, S::kPrepareAbort}},
      {{S::kPrepareCommit, Op::kInit}, {E::kConcurrentTransactions, {}}},
      {{S::kPrepareCommit, Op::kAddNew}, {E::kConcurrentTransactions, {}}},
      {{S::kPrepareCommit, Op::kAddExisting}, {E::kConcurrentTransactions, {}}},
      {{S::kPrepareCommit, Op::kCommit}, {E::kConcurrentTransactions, {}}},
      {{S::kPrepareCommit, Op::kAbort}, {E::kInvalidTxnState, {}}},
      {{S::kPrepareCommit, Op::kComplete}, {E::kNone, S::kCompleteCommit}},
      {{S::kPrepareCommit, Op::kTimeout}, {E::kNone, {}}},
      {{S::kPrepareAbort, Op::kInit}, {E::kConcurrentTransactions, {}}},
      {{S::kPrepareAbort, Op::kAddNew}, {E::kConcurrentTransactions, {}}},
      {{S::kPrepareAbort, Op::kAddExisting}, {E::kConcurrentTransactions, {}}},
      {{S::kPrepareAbort, Op::kCommit}, {E::kInvalidTxnState, {}}},
      {{S::kPrepareAbort, Op::kAbort}, {E::kConcurrentTransactions, {}}},
      {{S::kPrepareAbort, Op::kComplete}, {E::kNone, S::kCompleteAbort}},
      {{S::kPrepareAbort, Op::kTimeout}, {E::kNone, {}}},
      {{S::kCompleteCommit, Op::kInit}, {E::kNone, S::kEmpty}},
      {{S::kCompleteCommit, Op::kAddNew}, {E::kNone, S::kOngoing}},
      {{S::kCompleteCommit, Op::kAddExisting}, {E::kNone, S::kOngoing}},
      {{S::kCompleteCommit, Op::kCommit}, {E::kNone, {}}},
      {{S::kCompleteCommit, Op::kAbort}, {E::kInvalidTxnState, {}}},
      {{S::kCompleteCommit, Op::kComplete}, {E::kInvalidTxnState, {}}},
      {{S::kCompleteCommit, Op::kTimeout}, {E::kNone, {}}},
      {{S::kCompleteAbort, Op::kInit}, {E::kNone, S::kEmpty}},
      {{S::kCompleteAbort, Op::kAddNew}, {E::kNone, S::kOngoing}},
      {{S::kCompleteAbort, Op::kAddExisting}, {E::kNone, S::kOngoing}},
      {{S::kCompleteAbort, Op::kCommit}, {E::kInvalidTxnState, {}}},
      {{S::kCompleteAbort, Op::kAbort}, {E::kNone, {}}},
      {{S::kCompleteAbort, Op::kComplete}, {E::kInvalidTxnState, {}}},
      {{S::kCompleteAbort, Op::kTimeout}, {E::kNone, {}}},
  };
  for (const auto& [key, expect] : table) {
    auto [state, op] = key;
    TransactionStateMachine m{TxnLimits{}};
    machine = std::move(m);
    start_in(state);
    Timestamp late = at(1000 + 10001);  // past the timeout of a transaction begun at 1000
    TxnDecision d;
    switch (op) {
      case Op::kInit:
        d = machine.init_producer_id({"tx", milliseconds(10000)}, late, new_id);
        break;
      case Op::kAddNew: d = machine.add_partitions(producer(), std::vector{p1}, late); break;
      case Op::kAddExisting: d = machine.add_partitions(producer(), std::vector{p0}, late); break;
      case Op::kCommit: d = machine.end_transaction(producer(), TxnResult::kCommit, late); break;
      case Op::kAbort: d = machine.end_transaction(producer(), TxnResult::kAbort, late); break;
      case Op::kComplete: d = machine.complete("tx", late); break;
      case Op::kTimeout: {
        auto aborts = machine.expire_timed_out(late);
        if (!aborts.empty()) d.write = aborts.front();
        break;
      }
    }
    std::string where = std::string(state_name(state)) + " op " + std::to_string(int(op));
    EXPECT_EQ(d.error, expect.error) << where;
    ASSERT_EQ(d.write.has_value(), expect.writes.has_value()) << where;
    if (!d.write) {
      EXPECT_FALSE(machine.is_pending("tx")) << where;
      continue;
    }
    EXPECT_EQ(d.write->state, *expect.writes) << where;
    EXPECT_TRUE(is_legal_transition(state, d.write->state)) << where;
    EXPECT_TRUE(machine.is_pending("tx")) << where;
    EXPECT_EQ(has_open_transaction(d.write->state), d.write->start_time.has_value()) << where;
    EXPECT_EQ(has_open_transaction(d.write->state), !d.write->partitions.empty()) << where;
  }
}

TEST_F(TransactionStateMachineTest, AFirstInitProducerIdGetsANewProducerIdAtEpochZero) {
  auto d = machine.init_producer_id({"tx", milliseconds(5000)}, at(1), new_id);
  EXPECT_EQ(d.error, ErrorCode::kNone);
  EXPECT_EQ(d.producer_id, 1000);
  EXPECT_EQ(d.producer_epoch, 0);
  store(d);
  EXPECT_EQ(tx().state, S::kEmpty);
  EXPECT_EQ(tx().timeout, milliseconds(5000));
}

TEST_F(TransactionStateMachineTest, InitProducerIdAgainBumpsTheEpochAndFencesTheOlderInstance) {
  start_in(S::kCompleteCommit);
  auto d = machine.init_producer_id({"tx", milliseconds(5000)}, at(2), new_id);
  EXPECT_EQ(d.producer_id, kPid);
  EXPECT_EQ(d.producer_epoch, kEpoch + 1);
  store(d);
  auto old = machine.add_partitions(producer(kEpoch), std::vector{p0}, at(3));
  EXPECT_EQ(old.error, ErrorCode::kProducerFenced);
  EXPECT_EQ(machine.end_transaction(producer(kEpoch), TxnResult::kCommit, at(3)).error,
            ErrorCode::kProducerFenced);
}

TEST_F(TransactionStateMachineTest, ANewerInstanceAbortsTheOpenTransactionThenGetsItsEpoch) {
  start_in(S::kOngoing);
  auto fence = machine.init_producer_id({"tx", milliseconds(5000)}, at(2), new_id);
  EXPECT_EQ(fence.error, ErrorCode::kConcurrentTransactions);
  ASSERT_TRUE(fence.write);
  EXPECT_EQ(fence.write->state, S::kPrepareAbort);
  EXPECT_EQ(fence.write->producer_epoch, kEpoch + 1);
  EXPECT_EQ(fence.write->partitions, (std::set<TxnPartition>{p0}));
  store(fence);
  // The old instance cannot commit what it began.
  EXPECT_EQ(machine.end_transaction(producer(kEpoch), TxnResult::kCommit, at(3)).error,
            ErrorCode::kProducerFenced);
  EXPECT_EQ(machine.init_producer_id({"tx", milliseconds(5000)}, at(3), new_id).error,
            ErrorCode::kConcurrentTransactions);
  store(machine.complete("tx", at(4)));
  auto retry = machine.init_producer_id({"tx", milliseconds(5000)}, at(5), new_id);
  EXPECT_EQ(retry.error, ErrorCode::kNone);
  EXPECT_EQ(retry.producer_epoch, kEpoch + 2);
}

TEST_F(TransactionStateMachineTest, TheLastEpochIsFollowedByANewProducerIdAtEpochZero) {
  TransactionMetadata m;
  m.transactional_id = "tx";
  m.producer_id = kPid;
  m.producer_epoch = kMaxProducerEpoch;
  m.timeout = milliseconds(100);
  ASSERT_TRUE(machine.replay({"tx", m}).is_ok());
  auto d = machine.init_producer_id({"tx", milliseconds(100)}, at(1), new_id);
  EXPECT_EQ(d.producer_id, 1000);
  EXPECT_EQ(d.producer_epoch, 0);
}

TEST_F(TransactionStateMachineTest, ATimeoutOutsideOneMillisecondToTheMaximumIsRefused) {
  for (auto t : {milliseconds(0), milliseconds(-1), milliseconds(900001)}) {
    EXPECT_EQ(machine.init_producer_id({"tx", t}, at(1), new_id).error,
              ErrorCode::kInvalidTransactionTimeout);
  }
  EXPECT_EQ(machine.init_producer_id({"tx", milliseconds(900000)}, at(1), new_id).error,
            ErrorCode::kNone);
}

TEST_F(TransactionStateMachineTest, AnEmptyTransactionalIdIsMalformed) {
  EXPECT_EQ(machine.init_producer_id({"", milliseconds(10)}, at(1), new_id).error,
            ErrorCode::kInvalidRequest);
  EXPECT_EQ(machine.add_partitions({"", kPid, kEpoch}, std::vector{p0}, at(1)).error,
            ErrorCode::kInvalidRequest);
}

TEST_F(TransactionStateMachineTest, AProducerIdThatCannotBeRecordedIsAStorageError) {
  auto d = machine.init_producer_id({"tx", milliseconds(10)}, at(1), [] { return int64_t{-1}; });
  EXPECT_EQ(d.error, ErrorCode::kStorageError);
  EXPECT_FALSE(d.write);
  EXPECT_FALSE(machine.is_pending("tx"));
}

TEST_F(TransactionStateMachineTest, AVersionOneInitProducerIdHoldingAnotherIdOrEpochIsFenced) {
  start_in(S::kEmpty);
  InitProducerIdArgs other{"tx", milliseconds(10), kPid, kEpoch - 1};
  EXPECT_EQ(machine.init_producer_id(other, at(1), new_id).error, ErrorCode::kProducerFenced);
  other.producer_id = kPid + 1;
  other.producer_epoch = kEpoch;
  EXPECT_EQ(machine.init_producer_id(other, at(1), new_id).error, ErrorCode::kProducerFenced);
  InitProducerIdArgs same{"tx", milliseconds(10), kPid, kEpoch};
  EXPECT_EQ(machine.init_producer_id(same, at(1), new_id).producer_epoch, kEpoch + 1);
}

TEST_F(TransactionStateMachineTest, AnUnknownIdOrAnotherProducerIdIsAnInvalidMapping) {
  EXPECT_EQ(machine.add_partitions(producer(), std::vector{p0}, at(1)).error,
            ErrorCode::kInvalidProducerIdMapping);
  start_in(S::kEmpty);
  EXPECT_EQ(machine.add_partitions({"tx", kPid + 1, kEpoch}, std::vector{p0}, at(1)).error,
            ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(machine.end_transaction({"tx", kPid + 1, kEpoch}, TxnResult::kAbort, at(1)).error,
            ErrorCode::kInvalidProducerIdMapping);
}

TEST_F(TransactionStateMachineTest, ANewerEpochThanTheCoordinatorsIsFencedToo) {
  start_in(S::kEmpty);
  EXPECT_EQ(machine.add_partitions(producer(kEpoch + 1), std::vector{p0}, at(1)).error,
            ErrorCode::kProducerFenced);
}

TEST_F(TransactionStateMachineTest, WhileAChangeIsBeingStoredTheIdAnswersConcurrentTransactions) {
  start_in(S::kEmpty);
  auto d = machine.add_partitions(producer(), std::vector{p0}, at(1));
  ASSERT_TRUE(d.write);
  EXPECT_EQ(machine.add_partitions(producer(), std::vector{p1}, at(2)).error,
            ErrorCode::kConcurrentTransactions);
  EXPECT_EQ(machine.end_transaction(producer(), TxnResult::kCommit, at(2)).error,
            ErrorCode::kConcurrentTransactions);
  EXPECT_EQ(machine.init_producer_id({"tx", milliseconds(10)}, at(2), new_id).error,
            ErrorCode::kConcurrentTransactions);
  EXPECT_EQ(machine.complete("tx", at(2)).error, ErrorCode::kConcurrentTransactions);
}

TEST_F(TransactionStateMachineTest, AFailedWriteLeavesTheStateAsItWasAndFreesTheId) {
  start_in(S::kEmpty);
  ASSERT_TRUE(machine.add_partitions(producer(), std::vector{p0}, at(1)).write);
  machine.abandon("tx");
  EXPECT_FALSE(machine.is_pending("tx"));
  EXPECT_EQ(tx().state, S::kEmpty);
  EXPECT_TRUE(machine.add_partitions(producer(), std::vector{p0}, at(2)).write);
}

TEST_F(TransactionStateMachineTest, ATransactionRunsFromItsFirstPartitionToItsCompleteCommit) {
  store(machine.init_producer_id({"tx", milliseconds(10000)}, at(1), new_id));
  TxnProducer me{"tx", tx().producer_id, tx().producer_epoch};
  store(machine.add_partitions(me, std::vector{p0}, at(10)));
  EXPECT_EQ(tx().start_time, at(10));
  store(machine.add_partitions(me, std::vector{p1}, at(20)));
  EXPECT_EQ(tx().start_time, at(10)) << "adding partitions does not restart the clock";
  EXPECT_EQ(tx().partitions, (std::set<TxnPartition>{p0, p1}));
  auto end = machine.end_transaction(me, TxnResult::kCommit, at(30));
  EXPECT_EQ(end.producer_epoch, me.producer_epoch);
  store(end);
  EXPECT_EQ(machine.to_complete().size(), 1u);
  store(machine.complete("tx", at(40)));
  EXPECT_EQ(tx().state, S::kCompleteCommit);
  EXPECT_TRUE(tx().partitions.empty());
  EXPECT_FALSE(tx().start_time);
  EXPECT_TRUE(machine.to_complete().empty());
  // The next transaction starts its own clock with only its own partitions.
  store(machine.add_partitions(me, std::vector{p1}, at(50)));
  EXPECT_EQ(tx().partitions, (std::set<TxnPartition>{p1}));
  EXPECT_EQ(tx().start_time, at(50));
}

TEST_F(TransactionStateMachineTest, ATransactionIsAbortedOnlyOnceItsTimeoutHasPassed) {
  start_in(S::kOngoing);  // began at 1000, timeout 10 s
  EXPECT_TRUE(machine.expire_timed_out(at(11000)).empty());
  auto aborts = machine.expire_timed_out(at(11001));
  ASSERT_EQ(aborts.size(), 1u);
  EXPECT_EQ(aborts[0].state, S::kPrepareAbort);
  EXPECT_EQ(aborts[0].producer_epoch, kEpoch + 1);
  EXPECT_TRUE(machine.expire_timed_out(at(20000)).empty()) << "pending: not aborted twice";
  machine.apply({"tx", aborts[0]});
  EXPECT_EQ(machine.end_transaction(producer(), TxnResult::kCommit, at(12000)).error,
            ErrorCode::kProducerFenced);
}

TEST_F(TransactionStateMachineTest, AnIdIdleLongerThanTheExpiryWithNothingOpenIsForgotten) {
  start_in(S::kCompleteAbort);  // last update 1000, expiry 100 s
  EXPECT_TRUE(machine.expire_idle(at(101000)).empty());
  auto gone = machine.expire_idle(at(101001));
  ASSERT_EQ(gone, std::vector<std::string>{"tx"});
  machine.apply({"tx", std::nullopt});
  EXPECT_EQ(machine.find("tx"), nullptr);
  EXPECT_EQ(machine.size(), 0u);
}

TEST_F(TransactionStateMachineTest, AnOpenTransactionIsNeverForgotten) {
  start_in(S::kOngoing);
  EXPECT_TRUE(machine.expire_idle(at(10'000'000)).empty());
}

TEST_F(TransactionStateMachineTest, ReplayKeepsTheLastRecordOfEachIdAndANullForgetsIt) {
  start_in(S::kEmpty);
  TransactionMetadata m = tx();
  m.state = S::kOngoing;
  m.partitions = {p0};
  m.start_time = at(5);
  ASSERT_TRUE(machine.replay({"tx", m}).is_ok());
  EXPECT_EQ(tx(), m);
  ASSERT_TRUE(machine.replay({"tx", std::nullopt}).is_ok());
  EXPECT_EQ(machine.find("tx"), nullptr);
  m.state = S::kPrepareCommit;
  ASSERT_TRUE(machine.replay({"tx", m}).is_ok()) << "the first record of an id may be any state";
  EXPECT_EQ(machine.to_complete().size(), 1u);
}

TEST_F(TransactionStateMachineTest, ReplayOfAnIllegalTransitionIsCorruption) {
  start_in(S::kEmpty);
  TransactionMetadata m = tx();
  m.state = S::kCompleteCommit;
  Status s = machine.replay({"tx", m});
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_EQ(tx().state, S::kEmpty);
}

}  // namespace
}  // namespace cairn::broker::txn

namespace cairn::broker::txn {
namespace {

class TxnOffsetCheckTest : public TransactionStateMachineTest {};

TEST_F(TxnOffsetCheckTest, OffsetsMayBeCommittedOnlyForAPartitionOfTheOpenTransaction) {
  start_in(S::kOngoing);
  EXPECT_EQ(machine.check_in_transaction(producer(), p0), ErrorCode::kNone);
  EXPECT_EQ(machine.check_in_transaction(producer(), p1), ErrorCode::kInvalidTxnState);
}

TEST_F(TxnOffsetCheckTest, OffsetsWithNoTransactionOpenAreInvalidTxnState) {
  for (S state : {S::kEmpty, S::kCompleteCommit, S::kCompleteAbort}) {
    machine = TransactionStateMachine{TxnLimits{}};
    start_in(state);
    EXPECT_EQ(machine.check_in_transaction(producer(), p0), ErrorCode::kInvalidTxnState)
        << state_name(state);
  }
}

TEST_F(TxnOffsetCheckTest, OffsetsWhileTheTransactionEndsAreConcurrentTransactions) {
  start_in(S::kPrepareCommit);
  EXPECT_EQ(machine.check_in_transaction(producer(), p0), ErrorCode::kConcurrentTransactions);
}

TEST_F(TxnOffsetCheckTest, OffsetsOfAnOlderEpochAreFencedAndOfAnUnknownProducerUnmapped) {
  start_in(S::kOngoing);
  EXPECT_EQ(machine.check_in_transaction(producer(kEpoch - 1), p0), ErrorCode::kProducerFenced);
  EXPECT_EQ(machine.check_in_transaction({"tx", kPid + 1, kEpoch}, p0),
            ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(machine.check_in_transaction({"other", kPid, kEpoch}, p0),
            ErrorCode::kInvalidProducerIdMapping);
}

}  // namespace
}  // namespace cairn::broker::txn
