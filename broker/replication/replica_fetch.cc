// The follower's replica fetch (follower_state.h): one fetch of every partition, the replica
// appends on the partitions' shards, and the divergence check against the leader's epochs.
#include "broker/replication/follower_state.h"

namespace cairn::broker::replica {

namespace {

// One partition's fetched batches, to append on its shard.
struct ReplicaWork {
  std::string_view topic;
  int32_t partition = 0;
  Offset fetch_offset;
  std::span<std::byte> records;  // within the response buffer
  Offset leader_high_watermark;
  Offset leader_log_start;
};

// A partition whose log ends below the leader's log start: emptied and restarted there.
struct Restart {
  size_t partition = 0;  // index into Follower::State::partitions
  Offset leader_log_start;
  Offset leader_high_watermark;
};

// The appends of one shard's partitions, counted down as their callbacks arrive on that shard.
struct ShardReplicaAppends {
  ShardReplicaAppends(const asio::any_io_executor& ex, size_t n, Buffer owner)
      : results(n), notifier(ex), buffer(std::move(owner)) {}
  std::vector<Status> results;
  size_t outstanding = 0;
  Notifier notifier;
  Buffer buffer;  // the fetched batches, until the last append
};

// On the partitions' shard: appends each one's batches at the leader's offsets, then takes the
// leader's high watermark.
awaitable<std::vector<Status>> append_on_shard(Shard& shard, Follower::State& s,
                                               std::span<const ReplicaWork> work,
                                               std::span<const size_t> indexes, Buffer buffer) {
  auto state = std::make_shared<ShardReplicaAppends>(shard.executor(), indexes.size(), buffer);
  for (size_t k = 0; k < indexes.size(); ++k) {
    const ReplicaWork& w = work[indexes[k]];
    // A promotion began: its coordinators and security records load from what is stored now.
    if (!s.services.replicating()) {
      state->results[k] = Status::unavailable("this broker is being promoted");
      continue;
    }
    auto partition = shard.find_online(w.topic, w.partition);
    if (!partition) {
      state->results[k] = partition.error();
      continue;
    }
    storage::PartitionLog& log = *(*partition)->log();
    protocol::BatchIterator batches(w.records, protocol::Verify::kFramingOnly);
    size_t at = 0;
    while (auto batch = batches.next()) {
      std::span<std::byte> bytes = w.records.subspan(at, batch->bytes().size());
      at = batches.position();
      // The first batch may begin before the offset asked for (it holds it): we have it.
      if (batch->header().next_offset() <= w.fetch_offset) continue;
      // Unless our log holds no batch: restarted at a leader's log start that lies inside this
      // batch. It restarts again at the batch's base (the log start follows the leader's below).
      if (batch->header().base_offset < log.high_watermark() && log.size_bytes() == 0 &&
          log.segment_count() == 1) {
        Status restarted = log.restart_at(batch->header().base_offset);
        if (!restarted.is_ok()) {
          state->results[k] = restarted;
          break;
        }
      }
      int64_t producer = batch->header().producer_id;
      int64_t seen = s.max_producer_id.load();
      while (producer > seen && !s.max_producer_id.compare_exchange_weak(seen, producer)) {
      }
      ++state->outstanding;
      log.append_replica(bytes, [state, k](const Result<storage::AppendResult>& r) {
        if (!r && state->results[k].is_ok()) state->results[k] = r.error();
        if (--state->outstanding == 0) state->notifier.notify_all();
      });
    }
    if (!batches.status().is_ok()) state->results[k] = batches.status();
  }
  while (state->outstanding > 0) co_await state->notifier.wait();
  for (size_t k = 0; k < indexes.size(); ++k) {
    const ReplicaWork& w = work[indexes[k]];
    // Not once a promotion began: it clears what the leader said, for good.
    auto partition = shard.find_online(w.topic, w.partition);
    if (!partition || !s.services.replicating()) continue;
    (*partition)->set_leader_high_watermark(w.leader_high_watermark);
    // Records the leader deleted (DeleteRecords, or its retention) go here too: our log start
    // follows the leader's, up to our log end.
    storage::PartitionLog& log = *(*partition)->log();
    if (w.leader_log_start > log.log_start_offset() && state->results[k].is_ok()) {
      auto moved = log.delete_records_before(std::min(w.leader_log_start, log.high_watermark()));
      if (!moved)
        state->results[k] = moved.error().with_context("following the leader's log start");
    }
  }
  co_return std::move(state->results);
}

// On the partition's shard: empties our log, which ends below the leader's log start, and
// restarts it there (storage/FORMAT.md, "Restarting a log at an offset").
Status restart_on_shard(Shard& shard, Follower::State& s, const Restart& r) {
  const auto& [topic, partition] = s.partitions[r.partition];
  if (!s.services.replicating()) return Status::unavailable("this broker is being promoted");
  auto p = shard.find_online(topic, partition);
  if (!p) return Status::ok();  // gone meanwhile: the topic sync catches up
  storage::PartitionLog& log = *(*p)->log();
  if (log.high_watermark() >= r.leader_log_start) return Status::ok();
  const Offset end = log.high_watermark();
  CAIRN_RETURN_IF_ERROR(log.restart_at(r.leader_log_start));
  spdlog::warn(
      "replica: {}-{}: our log ends at {}, below the leader's log start {} (the records between "
      "were deleted there): emptied our log and restarted it at {}",
      topic, partition, end.value(), r.leader_log_start.value(), r.leader_log_start.value());
  (*p)->set_leader_high_watermark(r.leader_high_watermark);
  return Status::ok();
}

}  // namespace

// One replica fetch of every partition from our log ends, appended.
awaitable<Status> fetch_once(Follower::State& s) {
  const auto& partitions = s.partitions;
  PartitionRouter router(s.services.shards());
  for (size_t i = 0; i < partitions.size(); ++i) {
    router.add(i, partitions[i].first, partitions[i].second);
  }
  std::vector<int64_t> ends(partitions.size(), -1);
  auto log_end = [&partitions](Shard& shard, size_t i) -> int64_t {
    auto p = shard.find_online(partitions[i].first, partitions[i].second);
    return p ? (*p)->log()->high_watermark().value() : -1;
  };
  co_await router.for_each(ends, log_end);

  protocol::FetchRequest request;
  request.max_wait_ms = kFetchWaitMs;
  request.min_bytes = 1;
  request.max_bytes = kFetchBytes;
  request.replica_id = std::max(s.services.config().node_id, 0);
  std::vector<size_t> asked;  // partition index of each entry, in request order
  for (size_t i = 0; i < partitions.size(); ++i) {
    if (ends[i] < 0) {
      s.topics_changed = true;  // not open here (yet)
      continue;
    }
    if (request.topics.empty() || request.topics.back().name != partitions[i].first) {
      request.topics.push_back(protocol::FetchTopic{partitions[i].first, {}});
    }
    request.topics.back().partitions.push_back(
        protocol::FetchPartition{partitions[i].second, ends[i], kPartitionFetchBytes});
    asked.push_back(i);
  }
  if (asked.empty()) co_return Status::ok();
  auto buffer = std::make_shared<std::vector<std::byte>>();
  auto response =
      co_await call<protocol::FetchResponse>(s, protocol::ApiKey::kFetch, 1, request, *buffer);
  if (!response) co_return response.error();

  std::vector<ReplicaWork> work;
  std::vector<Restart> restarts;
  PartitionRouter appends(s.services.shards());
  PartitionRouter restarting(s.services.shards());
  size_t entry = 0;
  bool refused = false;  // a partition answered with an error
  for (const auto& topic : response->topics) {
    for (const auto& p : topic.partitions) {
      if (entry >= asked.size()) co_return Status::corruption("the leader's fetch answer is long");
      size_t i = asked[entry++];
      if (partitions[i].first != topic.name || partitions[i].second != p.partition) {
        co_return Status::corruption("the leader's fetch answer is out of order");
      }
      if (p.error == ErrorCode::kUnknownTopicOrPartition && is_internal_topic(topic.name)) {
        if (s.absent_internal.insert(topic.name).second) {
          spdlog::warn(
              "replica: the leader has no {}-{}: not copied (give both brokers the same "
              "--offsets-partitions, and SASL or the authorizer on both or on neither)",
              topic.name, p.partition);
        }
        s.topics_changed = true;
        continue;
      }
      if (p.error == ErrorCode::kUnknownTopicOrPartition) {
        s.topics_changed = true;
        continue;
      }
      if (p.error == ErrorCode::kOffsetOutOfRange && p.log_start_offset > ends[i]) {
        restarting.add(restarts.size(), topic.name, p.partition);
        restarts.push_back(Restart{i, Offset(p.log_start_offset), Offset(p.high_watermark)});
        continue;
      }
      if (p.error != ErrorCode::kNone) {
        refused = true;
        spdlog::warn("replica: fetching {}-{} at {}: {}", topic.name, p.partition, ends[i],
                     protocol::error_name(p.error));
        continue;
      }
      // A view into our own buffer, which the appends write their checks into no byte of.
      auto at = static_cast<size_t>(p.records.data() - buffer->data());
      std::span<std::byte> records(buffer->data() + (p.records.empty() ? 0 : at), p.records.size());
      appends.add(work.size(), topic.name, p.partition);
      work.push_back(ReplicaWork{partitions[i].first, p.partition, Offset(ends[i]), records,
                                 Offset(p.high_watermark), Offset(p.log_start_offset)});
    }
  }
  if (!restarts.empty()) {
    std::vector<Status> restarted(restarts.size());
    auto restart = [&s, &restarts](Shard& shard, size_t r) {
      return restart_on_shard(shard, s, restarts[r]);
    };
    co_await restarting.for_each(restarted, restart);
    for (const Status& r : restarted) {
      if (r.is_unavailable()) {
        refused = true;  // busy (its last appends still being sealed): asked again after a pause
      } else if (!r.is_ok()) {
        co_return r.with_context("restarting a log at the leader's log start");
      }
    }
  }
  if (work.empty() && refused) {
    // The leader answers errors at once: pause, rather than ask again in a tight loop.
    s.timer.expires_after(kReconnectDelay);
    boost::system::error_code ec;
    co_await s.timer.async_wait(asio::redirect_error(use_awaitable, ec));
    co_return Status::ok();
  }
  std::vector<Status> results(work.size());
  std::span<const ReplicaWork> all(work);
  auto append = [&s, all, buffer](Shard& shard, std::span<const size_t> indexes) {
    return append_on_shard(shard, s, all, indexes, buffer);
  };
  co_await appends.run(results, append);
  // Back on shard 0: ids the leader issued are never issued here, should this broker lead.
  if (int64_t seen = s.max_producer_id.load(); seen >= 0) {
    Status advanced = s.services.producer_ids().advance_past(seen);
    if (!advanced.is_ok()) co_return advanced.with_context("recording the leader's producer ids");
  }
  bool security_changed = false;
  for (size_t w = 0; w < work.size(); ++w) {
    if (!results[w].is_ok()) {
      co_return results[w].with_context("appending the leader's batches of " +
                                        std::string(work[w].topic) + "-" +
                                        std::to_string(work[w].partition));
    }
    security_changed |= is_security_topic(work[w].topic) && !work[w].records.empty();
  }
  // Users and ACLs as the leader has them, for this broker's logins now and once promoted.
  if (security_changed) {
    Status reloaded = co_await reload_security(s.services);
    if (!reloaded.is_ok()) co_return reloaded.with_context("the copied security records");
  }
  co_return Status::ok();
}

// The latest leader epoch of one of our partitions and its log end; epoch -1 when offline.
struct LocalEpoch {
  int32_t epoch = -1;
  int64_t log_start = -1;
  int64_t log_end = -1;
};

// Asks the leader where the latest epoch of each of our partitions ended there, and cuts our log
// back to that point when it holds more: records a former leader wrote that the leader never
// had. A leader that knows no epoch as new as ours is itself a former leader: it is not
// followed (FENCED_LEADER_EPOCH), since following it would drop what a newer leader wrote.
awaitable<Status> truncate_divergence(Follower::State& s) {
  const auto& partitions = s.partitions;
  PartitionRouter router(s.services.shards());
  for (size_t i = 0; i < partitions.size(); ++i) {
    router.add(i, partitions[i].first, partitions[i].second);
  }
  std::vector<LocalEpoch> local(partitions.size());
  auto read_local = [&partitions](Shard& shard, size_t i) {
    auto p = shard.find_online(partitions[i].first, partitions[i].second);
    if (!p) return LocalEpoch{};
    const storage::PartitionLog& log = *(*p)->log();
    return LocalEpoch{log.leader_epochs().latest_epoch().value_or(-1),
                      log.log_start_offset().value(), log.high_watermark().value()};
  };
  co_await router.for_each(local, read_local);
  protocol::OffsetForLeaderEpochRequest request;
  std::vector<size_t> asked;
  for (size_t i = 0; i < partitions.size(); ++i) {
    if (local[i].epoch < 0) continue;
    if (request.topics.empty() || request.topics.back().name != partitions[i].first) {
      request.topics.push_back(protocol::EpochQueryTopic{partitions[i].first, {}});
    }
    request.topics.back().partitions.push_back({partitions[i].second, local[i].epoch});
    asked.push_back(i);
  }
  if (asked.empty()) co_return Status::ok();
  std::vector<std::byte> buffer;
  auto response = co_await call<protocol::OffsetForLeaderEpochResponse>(
      s, protocol::ApiKey::kOffsetForLeaderEpoch, 0, request, buffer);
  if (!response) co_return response.error();
  std::vector<int64_t> cut(partitions.size(), -1);
  size_t entry = 0;
  for (const auto& topic : response->topics) {
    for (const auto& p : topic.partitions) {
      if (entry >= asked.size()) {
        co_return Status::corruption("the leader's OffsetForLeaderEpoch answer is long");
      }
      size_t i = asked[entry++];
      if (p.error == ErrorCode::kNotLeader) {
        co_return Status::unavailable("the broker followed is itself a follower");
      }
      if (p.error != ErrorCode::kNone) continue;
      if (p.leader_epoch < 0) {
        co_return Status::fenced(
            "FENCED_LEADER_EPOCH: the broker followed knows no leader epoch as new as " +
            std::to_string(local[i].epoch) + " of " + topic.name + "-" +
            std::to_string(p.partition) +
            ": it is a former leader; follow the newer leader, or promote this broker");
      }
      // Never below our log start: what lies below it is gone already (a log restarted at the
      // leader's log start holds no batch, and no epoch of its own, until it copies one).
      int64_t end = std::max(p.end_offset, local[i].log_start);
      if (end < local[i].log_end) cut[i] = end;
    }
  }
  std::vector<Status> results(partitions.size());
  auto truncate = [&partitions, &cut](Shard& shard, size_t i) {
    if (cut[i] < 0) return Status::ok();
    auto p = shard.find_online(partitions[i].first, partitions[i].second);
    if (!p) return Status::ok();
    auto end = (*p)->log()->truncate_to(Offset(cut[i]));
    if (!end) return end.error();
    spdlog::warn("replica: {}-{}: cut the log back to {}, where the leader's epoch ended",
                 partitions[i].first, partitions[i].second, end->value());
    return Status::ok();
  };
  co_await router.for_each(results, truncate);
  for (const Status& r : results) {
    if (!r.is_ok()) co_return r;
  }
  co_return Status::ok();
}

}  // namespace cairn::broker::replica
