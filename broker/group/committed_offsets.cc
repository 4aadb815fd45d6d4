// GroupCoordinator: committed offsets. Commits are checked, held pending while their record is
// written and applied once it is stored; fetches wait for the commits pending on what they ask;
// offsets past the retention are deleted with tombstones, from memory once those are stored.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "broker/error_mapping.h"
#include "broker/group/coordinator.h"
#include "broker/group/offset_log.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// Expired offsets are deleted in batches of about this size.
constexpr size_t kDeleteBatchBytes = 1 << 20;

}  // namespace

awaitable<std::vector<ErrorCode>> GroupCoordinator::commit(CommitRequest request) {
  // One answer per entry, in the request's order.
  std::vector<ErrorCode> out(request.entries.size(), ErrorCode::kNone);
  auto fail_all = [&](ErrorCode code) { std::fill(out.begin(), out.end(), code); };
  if (!is_valid_group_id(request.group_id)) {
    fail_all(ErrorCode::kInvalidGroupId);
    co_return out;
  }
  if (ErrorCode e = availability(request.group_id); e != ErrorCode::kNone) {
    fail_all(e);
    co_return out;
  }

  // Each partition must exist and its offset lie in 0..log end. An offline partition's log end
  // cannot be read, so its offset is not checked.
  std::vector<TopicPartitionRef> asked;
  std::vector<size_t> where;  // the entry of each asked
  for (size_t i = 0; i < request.entries.size(); ++i) {
    const CommitEntry& e = request.entries[i];
    if (e.offset < 0) {
      out[i] = ErrorCode::kOffsetOutOfRange;
      continue;
    }
    asked.push_back({e.topic, e.partition});
    where.push_back(i);
  }
  auto ends = co_await host_->log_ends(std::move(asked));
  for (size_t k = 0; k < where.size() && k < ends.size(); ++k) {
    size_t i = where[k];
    if (!ends[k]) {
      if (ends[k].error().code() == Status::Code::kNotFound) {
        out[i] = to_error_code(ends[k].error(), ErrorSubject::kPartition);
      }
    } else if (request.entries[i].offset > ends[k]->value()) {
      out[i] = ErrorCode::kOffsetOutOfRange;
    }
  }
  // The broker may have begun stopping while the log ends were looked up.
  if (ErrorCode e = availability(request.group_id); e != ErrorCode::kNone) {
    fail_all(e);
    co_return out;
  }

  RuntimePtr rt = runtime(request.group_id);
  Group& group = rt->group;
  bool transactional = request.producer_id >= 0;
  if (transactional && request.generation < 0 && request.member_id.empty()) {
    // A transactional commit from outside the membership: no check (PROTOCOL.md).
  } else if (request.generation < 0) {
    if (!group.members().empty()) {
      fail_all(ErrorCode::kNonEmptyGroup);
      co_return out;
    }
  } else if (group.find(request.member_id) == nullptr) {
    fail_all(ErrorCode::kUnknownMemberId);
    co_return out;
  } else if (request.generation != group.generation()) {
    fail_all(ErrorCode::kIllegalGeneration);
    co_return out;
  } else {
    group.touch(request.member_id, host_->now());
  }
  GroupTime accepted = host_->now();
  int64_t when = to_millis(system_now());
  auto records = std::make_shared<std::vector<OffsetRecord>>();
  std::vector<TopicPartitionKey> keys;
  for (size_t i = 0; i < request.entries.size(); ++i) {
    if (out[i] != ErrorCode::kNone) continue;
    CommitEntry& e = request.entries[i];
    records->push_back({request.group_id, e.topic, e.partition,
                        CommittedOffset{e.offset, std::move(e.metadata), when, accepted}});
    keys.emplace_back(e.topic, e.partition);
  }
  if (records->empty()) co_return out;

  // Accepted: pending from here until stored or failed.
  uint64_t id = ++next_commit_;
  rt->pending[id] = std::move(keys);
  if (transactional) ++rt->txn_writing;
  auto part = offsets_partition(request.group_id);
  Status s = Status::unavailable("the broker is stopping");
  if (co_await part->wait_until_writable()) {
    int64_t producer = request.producer_id;
    auto batch = std::make_shared<std::vector<std::byte>>(
        transactional ? encode_txn_offset_batch(producer, *records, system_now())
                      : encode_offset_batch(*records, system_now()));
    auto result = std::make_shared<std::optional<Status>>();
    auto done = std::make_shared<Notifier>(executor_);
    // Applied in the callback, which runs in log order: memory follows the log. A transactional
    // commit waits for its producer's marker.
    part->write(batch, [rt, records, id, result, done, producer](Status written) {
      if (written.is_ok()) {
        for (auto& r : *records) {
          TopicPartitionKey key{r.topic, r.partition};
          if (producer >= 0) {
            rt->txn_offsets[producer][key] = std::move(*r.value);
          } else {
            rt->group.offsets()[key] = std::move(*r.value);
          }
        }
      }
      if (producer >= 0) --rt->txn_writing;
      rt->pending.erase(id);
      rt->resolved.notify_all();
      *result = std::move(written);
      done->notify_all();
    });
    while (!*result) co_await done->wait();
    s = **result;
  } else {
    if (transactional) --rt->txn_writing;
    rt->pending.erase(id);
    rt->resolved.notify_all();
  }
  if (!s.is_ok()) {
    spdlog::warn("group {}: commit failed: {}", request.group_id, s.to_string());
    ErrorCode failed = to_error_code(s, ErrorSubject::kGroupCommit);
    for (ErrorCode& e : out) {
      if (e == ErrorCode::kNone) e = failed;
    }
  }
  co_return out;
}

awaitable<OffsetsResult> GroupCoordinator::fetch_offsets(OffsetsRequest request) {
  OffsetsResult out;
  ErrorCode error = availability(request.group_id);
  RuntimePtr rt = error == ErrorCode::kNone ? existing(request.group_id) : nullptr;
  if (rt) {
    // Answer no offset older than a commit already accepted: wait for those pending now.
    std::set<TopicPartitionKey> asked;
    if (request.partitions) asked.insert(request.partitions->begin(), request.partitions->end());
    std::vector<uint64_t> waiting;
    for (const auto& [id, keys] : rt->pending) {
      if (!request.partitions || std::any_of(keys.begin(), keys.end(),
                                             [&](const auto& k) { return asked.count(k) > 0; })) {
        waiting.push_back(id);
      }
    }
    while (!waiting.empty() && !stopped_) {
      co_await rt->resolved.wait();
      std::erase_if(waiting, [&](uint64_t id) { return !rt->pending.count(id); });
    }
    if (!waiting.empty()) error = ErrorCode::kCoordinatorNotAvailable;
  }
  out.error = error;
  if (request.partitions) {
    for (auto& [topic, partition] : *request.partitions) {
      FetchedOffset f;
      f.partition = partition;
      f.error = error;
      if (rt && error == ErrorCode::kNone && request.require_stable &&
          std::any_of(rt->txn_offsets.begin(), rt->txn_offsets.end(), [&](const auto& e) {
            return e.second.count({topic, partition}) > 0;
          })) {
        f.error = ErrorCode::kUnstableOffsetCommit;
      } else if (rt && error == ErrorCode::kNone) {
        auto it = rt->group.offsets().find({topic, partition});
        if (it != rt->group.offsets().end()) {
          f.offset = it->second.offset;
          f.metadata = it->second.metadata;
        }
      }
      f.topic = std::move(topic);
      out.offsets.push_back(std::move(f));
    }
    co_return out;
  }
  if (rt == nullptr || error != ErrorCode::kNone) co_return out;
  for (const auto& [tp, c] : rt->group.offsets()) {
    out.offsets.push_back({tp.first, tp.second, c.offset, c.metadata, ErrorCode::kNone});
  }
  co_return out;
}

void GroupCoordinator::transaction_ended(int32_t partition, int64_t producer_id,
                                         protocol::TxnResult result) {
  for (auto& [id, rt] : groups_) {
    if (partition_of(id) != partition) continue;
    auto it = rt->txn_offsets.find(producer_id);
    if (it == rt->txn_offsets.end()) continue;
    if (result == protocol::TxnResult::kCommit) {
      GroupTime now = host_->now();
      for (auto& [key, c] : it->second) {
        c.committed_at = now;
        rt->group.offsets()[key] = std::move(c);
      }
    }
    rt->txn_offsets.erase(it);
  }
}

awaitable<DeleteGroupResult> GroupCoordinator::delete_group(std::string group_id) {
  DeleteGroupResult out{group_id};
  if (!is_valid_group_id(group_id)) {
    out.error = ErrorCode::kInvalidGroupId;
    co_return out;
  }
  if (ErrorCode e = availability(group_id); e != ErrorCode::kNone) {
    out.error = e;
    co_return out;
  }
  RuntimePtr rt = existing(group_id);
  if (rt == nullptr ||
      (rt->group.members().empty() && rt->group.offsets().empty() && rt->pending.empty())) {
    out.error = ErrorCode::kGroupIdNotFound;
    out.message = "it has neither members nor committed offsets";
    co_return out;
  }
  if (size_t n = rt->group.members().size(); n > 0) {
    out.error = ErrorCode::kNonEmptyGroup;
    out.message = "it has " + std::to_string(n) + " member" + (n == 1 ? "" : "s") +
                  "; stop its consumers, then delete it";
    co_return out;
  }
  // Commits accepted before now are ordered before the tombstones in the log; wait for them, so
  // that their offsets are deleted too.
  while (!rt->pending.empty() && availability(group_id) == ErrorCode::kNone) {
    co_await rt->resolved.wait();
  }
  auto part = offsets_partition(group_id);
  if (availability(group_id) != ErrorCode::kNone || !co_await part->wait_until_writable()) {
    out.error = ErrorCode::kCoordinatorNotAvailable;
    co_return out;
  }
  if (!rt->group.members().empty()) {
    out.error = ErrorCode::kNonEmptyGroup;
    out.message = "it gained a member; stop its consumers, then delete it";
    co_return out;
  }
  auto keys = std::make_shared<std::vector<TopicPartitionKey>>();
  std::vector<OffsetRecord> tombstones;
  for (const auto& [key, offset] : rt->group.offsets()) {
    keys->push_back(key);
    tombstones.push_back({group_id, key.first, key.second, std::nullopt});
  }
  if (tombstones.empty()) co_return out;
  auto batch =
      std::make_shared<std::vector<std::byte>>(encode_offset_batch(tombstones, system_now()));
  auto result = std::make_shared<std::optional<Status>>();
  auto done = std::make_shared<Notifier>(executor_);
  // Applied in the callback, which runs in log order: memory follows the log.
  part->write(batch, [rt, keys, result, done](Status written) {
    if (written.is_ok()) {
      for (const auto& key : *keys) rt->group.offsets().erase(key);
    }
    *result = std::move(written);
    done->notify_all();
  });
  while (!*result) co_await done->wait();
  if (!result->value().is_ok()) {
    out.error = to_error_code(result->value(), ErrorSubject::kGroupCommit);
    out.message = "its offsets could not be deleted: " + result->value().message();
    co_return out;
  }
  spdlog::info("group {}: deleted with its {} committed offsets", group_id, keys->size());
  co_return out;
}

void GroupCoordinator::expire_offsets(GroupTime t) {
  struct Expiring {
    RuntimePtr rt;
    TopicPartitionKey key;
    GroupTime committed_at;
  };
  std::map<int32_t, std::vector<Expiring>> by_partition;
  for (const auto& [id, rt] : groups_) {
    auto part = offsets_partition(id);
    if (part == nullptr || !part->may_expire(t)) continue;
    std::set<TopicPartitionKey> busy(rt->expiring);
    for (const auto& [commit, keys] : rt->pending) busy.insert(keys.begin(), keys.end());
    size_t n = 0;
    for (auto& key : rt->group.expired_offsets(t, options_.offsets_retention)) {
      if (busy.count(key)) continue;
      GroupTime at = rt->group.offsets().at(key).committed_at;
      by_partition[part->id()].push_back({rt, std::move(key), at});
      ++n;
    }
    if (n > 0)
      spdlog::info("group {}: deleting {} offsets older than the offsets retention", id, n);
  }
  for (auto& [partition, items] : by_partition) {
    auto part = partitions_.at(partition);
    // Batches of about kDeleteBatchBytes, each deleting its offsets from memory once stored.
    size_t first = 0;
    while (first < items.size()) {
      auto chunk = std::make_shared<std::vector<Expiring>>();
      std::vector<OffsetRecord> tombstones;
      size_t bytes = 0;
      for (; first < items.size() && (chunk->empty() || bytes < kDeleteBatchBytes); ++first) {
        auto& e = items[first];
        tombstones.push_back({e.rt->group.id(), e.key.first, e.key.second, std::nullopt});
        bytes += offset_record_bytes(tombstones.back());
        e.rt->expiring.insert(e.key);
        chunk->push_back(std::move(e));
      }
      auto batch =
          std::make_shared<std::vector<std::byte>>(encode_offset_batch(tombstones, system_now()));
      part->write(batch, [chunk, part, t](const Status& written) {
        for (auto& e : *chunk) {
          e.rt->expiring.erase(e.key);
          if (!written.is_ok()) continue;
          // A commit stored since then keeps its offset.
          auto& offsets = e.rt->group.offsets();
          auto it = offsets.find(e.key);
          if (it != offsets.end() && it->second.committed_at == e.committed_at) offsets.erase(it);
        }
        part->expiry_written(written, t);
      });
    }
  }
}

std::vector<OffsetRecord> GroupCoordinator::live_offsets(int32_t partition) const {
  std::vector<OffsetRecord> out;
  for (const auto& [id, rt] : groups_) {
    if (partition_of(id) != partition) continue;
    for (const auto& [tp, c] : rt->group.offsets()) out.push_back({id, tp.first, tp.second, c});
  }
  return out;
}

std::vector<GroupCoordinator::Committed> GroupCoordinator::committed_offsets() const {
  std::vector<Committed> out;
  for (const auto& [id, rt] : groups_) {
    for (const auto& [key, committed] : rt->group.offsets()) {
      out.push_back({id, key.first, key.second, committed.offset});
    }
  }
  return out;
}

}  // namespace cairn::broker
