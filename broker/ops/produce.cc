// Produce: each entry's batches go to the shard that owns its partition and are appended there
// (the storage log groups concurrent appends into one write and one sync); the caller resumes
// when every append is done. The request holds its memory and its in-flight slot until then, so
// a slow disk slows producers down instead of letting appends pile up.
//
// A topic whose `compression` names a codec gets its batches recompressed here, on the owning
// shard just before the append: the setting lives in the partition's config on that shard, so a
// live change applies from the next append on without a shared lookup, and a batch already in
// the codec (the common case once producers follow the topic) costs nothing but a header read.
#include <algorithm>

#include "broker/notified_waiter.h"
#include "broker/error_mapping.h"
#include "broker/ops/operations.h"
#include "broker/partition_router.h"
#include "broker/services.h"
#include "protocol/record_batch.h"
#include "protocol/recompression.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// An entry's batches, back to back, each as long as its length field says.
Result<std::vector<protocol::MutableBytes>> split_batches(protocol::MutableBytes records) {
  std::vector<protocol::MutableBytes> out;
  protocol::BatchIterator batches(records, protocol::Verify::kFramingOnly);
  size_t at = 0;
  while (auto batch = batches.next()) {
    out.push_back(records.subspan(at, batch->bytes().size()));
    at = batches.position();
  }
  CAIRN_RETURN_IF_ERROR(batches.status());
  if (out.empty()) return Status::invalid_argument("no record batch");
  return out;
}

// Checks every batch of an entry that has several, before any is appended, so that a batch
// that can never be stored does not leave the ones before it stored. (An entry of one batch is
// checked by the append itself.)
Status check_batches(const std::vector<protocol::MutableBytes>& batches) {
  if (batches.size() < 2) return Status::ok();
  for (const auto& b : batches) {
    auto view = protocol::RecordBatchView::parse(b, protocol::Verify::kProduced);
    if (!view) return view.error();
    CAIRN_RETURN_IF_ERROR(view->validate_records());
  }
  return Status::ok();
}

// KIP-890's check: a transactional batch is taken only when the coordinator added its partition
// to its producer's open transaction at that epoch. Why not, or nullopt.
// A transactional batch outside its producer's open transaction in this partition: from an
// older epoch than the partition has seen of its producer, INVALID_PRODUCER_EPOCH (a fenced
// instance: a zombie); otherwise INVALID_TXN_STATE (the partition was not added, KIP-890).
std::optional<std::pair<ErrorCode, std::string>> find_outside_transaction(
    const Partition& partition, const std::vector<protocol::MutableBytes>& batches) {
  for (const auto& b : batches) {
    auto h = protocol::decode_batch_header(b);
    // One without a producer id, epoch or sequence is malformed: the append refuses it.
    if (!h || !h->is_transactional() || h->producer_id < 0 || h->producer_epoch < 0 ||
        h->base_sequence < 0) {
      continue;
    }
    if (partition.in_transaction(h->producer_id, h->producer_epoch)) continue;
    std::string who = "producer " + std::to_string(h->producer_id) + " epoch " +
                      std::to_string(h->producer_epoch);
    auto judged = partition.log()->producer_state().check(*h);
    if (judged.verdict == storage::ProducerState::Verdict::kFenced) {
      return std::pair{ErrorCode::kInvalidProducerEpoch, who + " is fenced: " + judged.why};
    }
    return std::pair{ErrorCode::kInvalidTxnState,
                     who +
                         " has no open transaction that this partition was added to "
                         "(AddPartitionsToTxn)"};
  }
  return std::nullopt;
}

void fail(ProduceOutcome& out, ErrorCode error, std::string message) {
  out.error = error;
  out.message = std::move(message);
}

void fail(ProduceOutcome& out, const Status& status, ErrorSubject subject) {
  fail(out, to_error_code(status, subject), status.message());
}

// The appends of one shard's entries, counted down as their callbacks arrive on that shard.
struct ShardAppends {
  ShardAppends(Shard& shard, std::shared_ptr<const void> owner, size_t n)
      : outcomes(n),
        last_offsets(n, Offset(-1)),
        notifier(shard.executor()),
        request_bytes(std::move(owner)),
        budget(shard.budget_handle()) {}
  ~ShardAppends() {
    if (auto b = budget.lock()) b->release(charged_bytes);
  }
  ShardAppends(const ShardAppends&) = delete;
  ShardAppends& operator=(const ShardAppends&) = delete;

  std::vector<ProduceOutcome> outcomes;
  std::vector<Offset> last_offsets;  // of each entry's batches, once appended (acks=all waits)
  size_t outstanding = 0;
  Notifier notifier;
  std::shared_ptr<const void> request_bytes;  // the batches appended; freed after the last append
  // Batches recompressed to their topic's codec, appended instead of the request's, and the
  // bytes they and their decompressed records are charged to the shard's memory budget until
  // the last append is done (like the request's own bytes, which the session charged).
  std::vector<std::vector<std::byte>> rewritten;
  std::weak_ptr<MemoryBudget> budget;
  uint64_t charged_bytes = 0;
};

// Replaces each batch whose codec is not `codec` by its recompressed copy (PROTOCOL.md,
// "Compression"), kept in `state`.
Status recompress(protocol::Compression codec, uint32_t max_batch_bytes,
                  std::vector<protocol::MutableBytes>& batches, ShardAppends& state) {
  for (auto& b : batches) {
    auto view = protocol::RecordBatchView::parse(b, protocol::Verify::kProduced);
    if (!view) return view.error();
    auto rewritten = protocol::recompress_batch(
        *view, codec, protocol::batch::max_decompressed_bytes(max_batch_bytes));
    if (!rewritten) return rewritten.error();
    if (!rewritten->has_value()) continue;
    uint64_t charge = (*rewritten)->bytes.size() + (*rewritten)->plain_bytes;
    if (auto budget = state.budget.lock()) budget->take(charge);
    state.charged_bytes += charge;
    b = state.rewritten.emplace_back(std::move((*rewritten)->bytes));
  }
  return Status::ok();
}

// Why not, when a batch is over the limit.
std::optional<std::string> find_too_large(const std::vector<protocol::MutableBytes>& batches,
                                          uint32_t max_batch_bytes) {
  for (const auto& b : batches) {
    if (b.size() > max_batch_bytes) {
      return "batch of " + std::to_string(b.size()) + " bytes is over the limit of " +
             std::to_string(max_batch_bytes);
    }
  }
  return std::nullopt;
}

// Appends one entry's batches, or fills in why not. Counts its appends in `state`.
// What the appends of one request need to know besides its entries.
struct AppendRules {
  uint32_t max_batch_bytes = 0;
  ProduceAcks acks;
  int32_t min_insync_replicas = 1;
};

void fail_not_enough_replicas(ProduceOutcome& out, int32_t in_sync, int32_t min) {
  fail(out, ErrorCode::kNotEnoughReplicas,
       std::to_string(in_sync) + " replicas are in sync, fewer than the minimum of " +
           std::to_string(min) + " for acks=all");
}

void append_entry(Shard& shard, const ProduceEntry& entry, const AppendRules& rules, size_t i,
                  const std::shared_ptr<ShardAppends>& state) {
  const uint32_t max_batch_bytes = rules.max_batch_bytes;
  ProduceOutcome& out = state->outcomes[i];
  auto partition = shard.find_online(entry.topic, entry.partition);
  if (!partition) return fail(out, partition.error(), ErrorSubject::kPartition);
  if (rules.acks.all) {
    int32_t in_sync = (*partition)->replica().in_sync_count(ReplicaState::Clock::now());
    if (in_sync < rules.min_insync_replicas) {
      return fail_not_enough_replicas(out, in_sync, rules.min_insync_replicas);
    }
  }
  storage::PartitionLog& log = *(*partition)->log();
  auto batches = split_batches(entry.records);
  if (!batches) return fail(out, batches.error(), ErrorSubject::kRecords);
  if (auto why = find_too_large(*batches, max_batch_bytes)) {
    return fail(out, ErrorCode::kMessageTooLarge, std::move(*why));
  }
  if (Status s = check_batches(*batches); !s.is_ok()) return fail(out, s, ErrorSubject::kRecords);
  if (auto refused = find_outside_transaction(**partition, *batches)) {
    return fail(out, refused->first, std::move(refused->second));
  }
  if (auto codec = log.config().compression) {
    if (Status s = recompress(*codec, log.config().max_batch_bytes, *batches, *state); !s.is_ok()) {
      return fail(out, s, ErrorSubject::kRecords);
    }
    // Decompressed (`none`), a batch may no longer fit.
    if (auto why = find_too_large(*batches, max_batch_bytes)) {
      return fail(out, ErrorCode::kMessageTooLarge, "recompressed, the " + std::move(*why));
    }
  }
  out.log_start_offset = log.log_start_offset().value();
  const std::shared_ptr<const TopicCounters>& counters = (*partition)->counters();
  for (size_t b = 0; b < batches->size(); ++b) {
    ++state->outstanding;
    uint64_t batch_bytes = (*batches)[b].size();
    log.append((*batches)[b], [state, i, b, counters, batch_bytes,
                               shard = shard.id()](Result<storage::AppendResult> r) {
      ProduceOutcome& res = state->outcomes[i];
      if (r && !r->duplicate && counters) {
        counters->records_in.inc(shard, r->last_offset.value() - r->base_offset.value() + 1);
        counters->bytes_in.inc(shard, batch_bytes);
      }
      if (!r) {
        // An entry reports its first error.
        if (res.error == ErrorCode::kNone) fail(res, r.error(), ErrorSubject::kRecords);
      } else {
        if (b == 0) res.base_offset = r->base_offset.value();
        state->last_offsets[i] = std::max(state->last_offsets[i], r->last_offset);
      }
      if (--state->outstanding == 0) state->notifier.notify_all();
    });
  }
}

// acks=all: waits until the high watermark of every appended entry's partition has passed its
// last batch, failing an entry whose partition has fewer replicas in sync than the minimum, or
// that is still waiting at the timeout. Wakes when a follower's fetch moves a high watermark and
// when an in-sync follower would leave the in-sync set.
awaitable<void> await_replicas(Shard& shard, std::span<const ProduceEntry> entries,
                               std::span<const size_t> indexes, ShardAppends& state,
                               AppendRules rules) {
  const auto deadline = std::chrono::steady_clock::now() + rules.acks.timeout;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    auto wake_at = deadline;
    auto waiter = std::make_shared<NotifiedWaiter>(shard.executor());
    bool pending = false;
    for (size_t k = 0; k < indexes.size(); ++k) {
      ProduceOutcome& out = state.outcomes[k];
      const Offset last = state.last_offsets[k];
      if (out.error != ErrorCode::kNone || last < Offset(0)) continue;
      const ProduceEntry& entry = entries[indexes[k]];
      auto partition = shard.find_online(entry.topic, entry.partition);
      if (!partition) {
        fail(out, partition.error(), ErrorSubject::kPartition);
        continue;
      }
      Partition& p = **partition;
      // First: with too few replicas in sync the high watermark is the leader's log end, which
      // says nothing of the follower.
      int32_t in_sync = p.replica().in_sync_count(now);
      if (in_sync < rules.min_insync_replicas) {
        fail_not_enough_replicas(out, in_sync, rules.min_insync_replicas);
      } else if (p.high_watermark() > last) {
        continue;
      } else if (now >= deadline) {
        fail(out, ErrorCode::kRequestTimedOut,
             "the in-sync replicas did not acknowledge the batches within the timeout");
      } else {
        pending = true;
        p.wait_for_data(last, waiter);
        wake_at = std::min(wake_at, p.replica().next_expiry(now));
      }
    }
    if (!pending) co_return;
    co_await waiter->wait_until(wake_at);
  }
}

awaitable<std::vector<ProduceOutcome>> append_on_shard(Shard& shard,
                                                       std::span<const ProduceEntry> entries,
                                                       std::span<const size_t> indexes,
                                                       std::shared_ptr<const void> bytes_owner,
                                                       AppendRules rules) {
  auto state = std::make_shared<ShardAppends>(shard, std::move(bytes_owner), indexes.size());
  for (size_t k = 0; k < indexes.size(); ++k) {
    append_entry(shard, entries[indexes[k]], rules, k, state);
  }
  while (state->outstanding > 0) co_await state->notifier.wait();
  if (rules.acks.all) co_await await_replicas(shard, entries, indexes, *state, rules);
  // An entry that failed reports no base offset, even when a batch before the failing one
  // was stored (PROTOCOL.md, "Produce").
  for (auto& r : state->outcomes) {
    if (r.error != ErrorCode::kNone) r.base_offset = -1;
  }
  co_return std::move(state->outcomes);
}

}  // namespace

awaitable<std::vector<ProduceOutcome>> Operations::produce(std::span<const ProduceEntry> entries,
                                                           std::shared_ptr<const void> bytes_owner,
                                                           ProduceAcks acks) {
  const BrokerConfig& config = services_.config();
  std::vector<ProduceOutcome> out(entries.size());
  PartitionRouter router(services_.shards());
  // Entries of one topic usually come together: each run of them is checked once.
  std::string_view checked;
  bool valid = false, known = false;
  for (size_t i = 0; i < entries.size(); ++i) {
    const ProduceEntry& e = entries[i];
    if (i == 0 || e.topic != checked) {
      checked = e.topic;
      valid = is_valid_topic_name(e.topic);
      // Without auto-create the owner shard's lookup is the only check, so the produce path
      // never touches the shared topic registry.
      known = valid && (!config.auto_create_topics ||
                        co_await ensure_topic(services_, std::string(e.topic)));
    }
    if (services_.shutting_down()) {
      fail(out[i], ErrorCode::kBrokerShuttingDown, "");
    } else if (services_.following()) {
      fail(out[i], ErrorCode::kNotLeader,
           "this broker follows " + config.replication.leader_host + ":" +
               std::to_string(config.replication.leader_port) + " and takes no produce");
    } else if (!valid) {
      fail(out[i], ErrorCode::kInvalidTopicName, std::string(kTopicNameRule));
    } else if (is_internal_topic(e.topic)) {
      fail(out[i], ErrorCode::kInvalidTopicName, "internal topics take no produce requests");
    } else if (!known) {
      fail(out[i], ErrorCode::kUnknownTopicOrPartition, "the topic does not exist");
    } else {
      router.add(i, e.topic, e.partition);
    }
  }
  AppendRules rules{config.limits.max_batch_bytes, acks, config.replication.min_insync_replicas};
  co_await router.run(out, [&](Shard& shard, std::span<const size_t> indexes) {
    return append_on_shard(shard, entries, indexes, bytes_owner, rules);
  });
  co_return out;
}

}  // namespace cairn::broker
