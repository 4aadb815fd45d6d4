#pragma once

// Operations: what the broker does for its clients, whatever protocol they speak. A front end
// (broker/cairn/ for Cairn's protocol, a Kafka one next) decodes its frames into these calls and
// encodes their results; nothing here knows which protocol a request came by, and no wire
// struct appears in these headers: inputs and outputs are plain structs in the protocol's
// vocabulary (Offset, Timestamp, record batch bytes, stored slices, protocol::ErrorCode).
//
// Errors: an outcome's protocol::ErrorCode is the broker's verdict, every Status among them
// translated by error_mapping.h. Cairn's front end writes the codes as they are; another front
// end maps them to its own with one table.
//
// Threads: call on any shard; each call resumes on the caller's shard. Work for a partition runs
// on the shard that owns it (partition_router.h); topic changes and producer ids on shard 0; a
// group's requests on its coordinator's shard. Memory: the caller charges what it builds from a
// request before it builds it (the k*BytesPerEntry constants give the operations' share).
//
// Owned by the Broker and outlives every request; it holds nothing but the services it reaches.

#include "broker/async.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker/config.h"
#include "broker/group/requests.h"
#include "broker/ops/delete_records.h"
#include "broker/ops/describe_topics.h"
#include "broker/ops/fetch.h"
#include "broker/ops/list_offsets.h"
#include "broker/ops/produce.h"
#include "broker/ops/replication.h"
#include "broker/ops/topic_admin.h"
#include "protocol/control_record.h"

namespace cairn::broker {

class BrokerServices;
class MemoryCharge;

struct ProducerIdOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

struct TxnInit {
  std::string transactional_id;
  std::chrono::milliseconds timeout{0};
  int64_t producer_id = -1;  // what the producer holds; -1 when nothing
  int16_t producer_epoch = -1;
};

struct TxnTopicPartition {
  std::string topic;
  int32_t partition = 0;
};

// The producer a transaction request comes from.
struct TxnProducerRef {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

// EndTxn's answer: the producer id and epoch for the next transaction.
struct TxnEndOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

struct TxnDescription {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string transactional_id;
  std::string state;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t timeout_ms = 0;
  int64_t start_time_ms = -1;  // -1 when no transaction is open
  std::vector<std::pair<std::string, std::vector<int32_t>>> partitions;  // by topic
};

// ListTransactions' question (each filter: any when empty; duration -1: any) and answer.
struct TxnListQuery {
  std::vector<std::string> states;
  std::vector<int64_t> producer_ids;
  int64_t min_duration_ms = -1;
};

struct TxnListed {
  std::string transactional_id;
  int64_t producer_id = -1;
  std::string state;
};

struct TxnListOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::vector<TxnListed> transactions;  // by transactional id
};

class Operations {
 public:
  explicit Operations(BrokerServices& services) : services_(services) {}

  // The broker's settings: its node id and address, limits, topic defaults.
  const BrokerConfig& config() const;
  // Whether this broker follows another (or is being promoted): it does not take produce.
  bool following() const;

  // Appends each entry's batches to its partition (checked, then appended in order; the storage
  // log groups concurrent appends into one write and one sync) and resumes once every append has
  // completed or failed, with one outcome per entry. With auto-create on, unknown topics are
  // created first. `bytes_owner` owns the entries' records: appends still in flight hold it.
  // A follower refuses every entry (NOT_LEADER). With acks=all an entry is first refused when
  // fewer replicas are in sync than --min-insync-replicas (NOT_ENOUGH_REPLICAS), then answered
  // once the high watermark passes its last batch (REQUEST_TIMED_OUT after the timeout;
  // NOT_ENOUGH_REPLICAS when the in-sync set shrank below the minimum meanwhile).
  awaitable<std::vector<ProduceOutcome>> produce(std::span<const ProduceEntry> entries,
                                                 std::shared_ptr<const void> bytes_owner,
                                                 ProduceAcks acks = {});

  // Reads stored batches from each entry's partition, within the entry's and the whole answer's
  // max bytes (whole batches; the first batch of the answer always, the first of a partition if
  // the answer has room). With fewer than min_bytes over all partitions it waits, for an append
  // to any of them (a long poll, woken by the partition) or max_wait; partitions with errors end
  // the wait only when every partition has one. One read per entry.
  awaitable<std::vector<PartitionRead>> fetch(std::span<const FetchEntry> entries,
                                              FetchLimits limits);

  // The earliest or latest offset of partitions, or the first at or after a timestamp.
  awaitable<std::vector<OffsetAnswer>> list_offsets(std::span<const OffsetQuery> queries);

  // Moves each partition's log start forward to the entry's offset (-1: the high watermark):
  // records before it are no longer read and whole segments below it are deleted. Past the high
  // watermark: OFFSET_OUT_OF_RANGE; an internal topic: INVALID_TOPIC_NAME; a follower refuses
  // every entry (NOT_LEADER). An offset at or before the log start changes nothing.
  awaitable<std::vector<RecordsDeletionOutcome>> delete_records(
      std::span<const RecordsDeletion> deletions);

  // The named topics (every topic but the internal ones when nullopt), each with its settings
  // and each partition's offsets and size. With auto-create on and `create_missing`, a named
  // topic that does not exist is created first (a producer's question; describing and consuming
  // never create). Charges `memory` for the partitions before it describes them.
  awaitable<std::vector<TopicDescription>> describe_topics(
      std::optional<std::vector<std::string>> names, bool create_missing, MemoryCharge& memory);
  // Creates a topic with `config` (complete and validated by the caller or refused here:
  // INVALID_CONFIG, INVALID_PARTITIONS) and opens its partitions.
  awaitable<TopicOutcome> create_topic(std::string name, storage::TopicConfig config);
  // Reads a topic's settings and applies `changes` (topic.conf keys and values) all or none:
  // checked first (INVALID_CONFIG naming the key, UNKNOWN_TOPIC_OR_PARTITION,
  // INVALID_TOPIC_NAME for a malformed or internal name), then written to topic.conf
  // atomically and handed to each partition on its owner shard, which takes them live.
  awaitable<TopicSettingsOutcome> topic_config(
      std::string name, std::vector<std::pair<std::string, std::string>> changes);
  // Closes a topic's partitions (after their in-flight appends) and deletes its files. Refused
  // with BROKER_SHUTTING_DOWN once the broker is stopping (it is then closing those partitions).
  awaitable<TopicOutcome> delete_topic(std::string name);

  // Makes this follower the leader: stops copying the leader, starts the epoch after its latest
  // on every partition (durably, in its leader epoch checkpoint; once the last replica appends
  // are written) and then takes produce. INVALID_REQUEST on a broker that is not a follower.
  awaitable<PromoteOutcome> promote();
  // Where each queried leader epoch ended in its partition (OffsetForLeaderEpoch). NOT_LEADER
  // for every query on a follower.
  awaitable<std::vector<EpochAnswer>> epoch_ends(std::span<const EpochQuery> queries);

  // A new producer id, epoch 0, unique across restarts, for an idempotent producer (no
  // transactional id).
  awaitable<ProducerIdOutcome> init_producer_id(std::string transactional_id);

  // The transactions (txn_coordinator/coordinator.h has the rules): each on the shard of its
  // transactional id's `__transaction_state` partition. A transactional InitProducerId gets or
  // bumps the id's producer id and epoch.
  awaitable<ProducerIdOutcome> init_transactional_producer_id(TxnInit request);
  // One error per partition, in order.
  awaitable<std::vector<protocol::ErrorCode>> add_partitions_to_txn(
      TxnProducerRef producer, std::vector<TxnTopicPartition> partitions);
  // Whether each partition is in the producer's open transaction, adding none (Kafka's
  // verify-only AddPartitionsToTxn): NONE or INVALID_TXN_STATE each, in order.
  awaitable<std::vector<protocol::ErrorCode>> verify_partitions_in_txn(
      TxnProducerRef producer, std::vector<TxnTopicPartition> partitions);
  awaitable<protocol::ErrorCode> add_offsets_to_txn(TxnProducerRef producer, std::string group_id);
  // Whether TxnOffsetCommit adds the group's offsets partition to the transaction: Kafka's
  // requires AddOffsetsToTxn before it; Cairn's adds the partition itself (PROTOCOL.md).
  enum class OffsetsPartition { kMustBeInTransaction, kAddToTransaction };
  // TxnOffsetCommit: checked by the transaction coordinator (the group's offsets partition in the
  // open transaction, or added to it as AddOffsetsToTxn would), then stored by the group's
  // coordinator, pending until the transaction's marker. One error per entry, in order.
  awaitable<std::vector<protocol::ErrorCode>> txn_commit_offsets(TxnProducerRef producer,
                                                                 CommitRequest request,
                                                                 OffsetsPartition offsets);
  awaitable<TxnEndOutcome> end_txn(TxnProducerRef producer, protocol::TxnResult result);
  awaitable<std::vector<TxnDescription>> describe_transactions(
      std::vector<std::string> transactional_ids);
  // The transactional ids of every shard's coordinator that pass the query's filters;
  // COORDINATOR_LOAD_IN_PROGRESS while one still replays its partitions.
  awaitable<TxnListOutcome> list_transactions(TxnListQuery query);

  // The consumer groups (group/coordinator.h has the rules): each on its coordinator's shard.
  awaitable<JoinResult> join_group(JoinRequest request);
  awaitable<SyncResult> sync_group(MemberRequest request);
  awaitable<protocol::ErrorCode> heartbeat(MemberRequest request);
  awaitable<protocol::ErrorCode> leave_group(std::string group_id, std::string member_id);
  awaitable<std::vector<protocol::ErrorCode>> commit_offsets(CommitRequest request);
  awaitable<OffsetsResult> fetch_offsets(OffsetsRequest request);
  // Every group with members or committed offsets, by group id.
  awaitable<std::vector<GroupListing>> list_groups();
  awaitable<std::vector<GroupDescription>> describe_groups(std::vector<std::string> group_ids);
  // Deletes each group that has no members, with its committed offsets (durably).
  awaitable<std::vector<DeleteGroupResult>> delete_groups(std::vector<std::string> group_ids);

 private:
  BrokerServices& services_;
};

}  // namespace cairn::broker
