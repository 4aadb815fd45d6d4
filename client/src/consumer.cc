#include "cairn/consumer.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <map>
#include <set>
#include <thread>

#include "client/src/connection.h"
#include "client/src/retry.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/group.h"
#include "protocol/record_batch.h"
#include "protocol/wire_format.h"

namespace cairn::client {

namespace {

using protocol::ApiKey;
using protocol::ErrorCode;
using SteadyTime = std::chrono::steady_clock::time_point;
SteadyTime now() { return std::chrono::steady_clock::now(); }

struct PartitionState {
  int64_t position = -1;      // the next offset poll() returns; -1 until known
  int64_t fetch_offset = -1;  // the next offset to fetch
  bool reset = false;         // position out of range: apply auto_offset_reset, not the commit
  bool paused = false;
  int64_t high_watermark = -1;  // as the last fetch reported it
  std::deque<ConsumerRecord> buffered;
  size_t buffered_bytes = 0;
  // The batch at fetch_offset failed verification: nothing past it is fetched until a seek.
  // poll() reports it once, when the records before it have been returned.
  std::optional<CorruptBatch> corrupt;
  Status corruption;
  bool corruption_reported = false;
  // The broker refused this partition (unknown, offline): neither fetched nor looked up again
  // before retry_at, which backs off per consecutive failure.
  int failures = 0;
  SteadyTime retry_at{};
  ErrorCode last_error = ErrorCode::kNone;
};

std::string partition_name(const TopicPartition& tp) {
  return tp.topic + "-" + std::to_string(tp.partition);
}

bool rejoin_error(ErrorCode e) {
  return e == ErrorCode::kRebalanceInProgress || e == ErrorCode::kIllegalGeneration ||
         e == ErrorCode::kUnknownMemberId;
}

std::string error_text(ErrorCode e) { return std::string(protocol::error_name(e)); }

}  // namespace

struct Consumer::Impl {
  explicit Impl(ConsumerConfig c) : config(std::move(c)) {}

  ConsumerConfig config;
  Consumer* self = nullptr;
  mutable std::mutex mu;
  std::condition_variable changed;  // records arrived, a fetch ended, a rejoin is needed
  // Two connections, as Kafka clients keep: long-polling fetches on one would hold up commits
  // and heartbeats behind them on the other (responses come back in request order).
  std::shared_ptr<Connection> conn;   // fetches and offset lookups
  std::shared_ptr<Connection> coord;  // the group: join, sync, heartbeat, commits

  std::vector<std::string> topics;
  RebalanceListener* listener = nullptr;
  bool subscribed = false;
  std::string member_id;
  int32_t generation = -1;
  bool joined = false;
  bool needs_rejoin = false;

  std::map<TopicPartition, PartitionState> parts;
  size_t buffered_bytes = 0;
  uint64_t fetch_epoch = 0;
  bool fetch_in_flight = false;
  int fetch_failures = 0;        // fetch requests failed in a row (no answer, refused as a whole)
  SteadyTime fetch_retry_at{};   // no fetch before this after such a failure
  std::optional<CorruptBatch> last_corrupt;  // what the last poll() reported
  size_t round_robin = 0;
  SteadyTime next_auto_commit{};
  std::map<TopicPartition, int64_t> last_committed;

  std::thread heartbeat;
  std::condition_variable heartbeat_wake;
  bool stopping = false;
  bool closed = false;

  Status connect();
  std::shared_ptr<Connection> connection();
  std::shared_ptr<Connection> coordinator();
  Status ensure_connected();
  Status run_rebalance();
  Status resolve_positions();
  void back_off_locked(PartitionState& ps, ErrorCode error);
  void start_fetch_locked();
  std::optional<Status> take_corruption_locked();
  void on_fetch(uint64_t epoch, std::map<TopicPartition, int64_t> asked,
                Result<Reply<protocol::FetchResponse>> r);
  std::vector<ConsumerRecord> take_locked();
  Status commit_offsets(const std::map<TopicPartition, int64_t>& offsets);
  protocol::OffsetCommitRequest commit_request(const std::map<TopicPartition, int64_t>& offsets);
  Status handle_commit_response(const Result<Reply<protocol::OffsetCommitResponse>>& r);
  std::map<TopicPartition, int64_t> positions_locked() const;
  Result<std::map<TopicPartition, int64_t>> list_offsets(
      const std::vector<TopicPartition>& tps, int64_t ts,
      std::map<TopicPartition, ErrorCode>* failed = nullptr);
  void run_heartbeat();
};

Status Consumer::Impl::connect() {
  ConnectionOptions o{config.broker, config.client_id, config.connect_timeout,
                      std::max(config.request_timeout,
                               config.rebalance_timeout + std::chrono::seconds(5))};
  std::shared_ptr<Connection> old_conn, old_coord;  // destroyed outside the lock: their callbacks take it
  std::shared_ptr<Connection> fetch_side, group_side;
  {
    std::lock_guard lock(mu);
    if (conn && conn->health().is_ok()) fetch_side = conn;
    if (coord && coord->health().is_ok()) group_side = coord;
  }
  if (!fetch_side) {
    auto c = Connection::connect(o);
    if (!c) return c.error();
    fetch_side = std::move(*c);
  }
  if (!group_side) {
    auto c = Connection::connect(o);
    if (!c) return c.error();
    group_side = std::move(*c);
  }
  std::lock_guard lock(mu);
  if (conn != fetch_side) {
    old_conn = std::move(conn);
    conn = fetch_side;
    fetch_in_flight = false;
    ++fetch_epoch;
  }
  if (coord != group_side) {
    old_coord = std::move(coord);
    coord = group_side;
  }
  return Status::ok();
}

std::shared_ptr<Connection> Consumer::Impl::connection() {
  std::lock_guard lock(mu);
  return conn;
}

std::shared_ptr<Connection> Consumer::Impl::coordinator() {
  std::lock_guard lock(mu);
  return coord;
}

Status Consumer::Impl::ensure_connected() {
  auto c = connection();
  auto g = coordinator();
  if (c && c->health().is_ok() && g && g->health().is_ok()) return Status::ok();
  return connect();
}

// Per-partition errors fail the call, or, with `failed`, are returned there.
Result<std::map<TopicPartition, int64_t>> Consumer::Impl::list_offsets(
    const std::vector<TopicPartition>& tps, int64_t ts, std::map<TopicPartition, ErrorCode>* failed) {
  protocol::ListOffsetsRequest req;
  for (const auto& tp : tps) {
    if (req.topics.empty() || req.topics.back().name != tp.topic) req.topics.push_back({tp.topic, {}});
    req.topics.back().partitions.push_back({tp.partition, ts});
  }
  auto r = connection()->call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
      ApiKey::kListOffsets, req);
  if (!r) return r.error();
  std::map<TopicPartition, int64_t> out;
  for (const auto& t : r->body.topics) {
    for (const auto& p : t.partitions) {
      if (p.error != ErrorCode::kNone && failed) {
        (*failed)[{t.name, p.partition}] = p.error;
        continue;
      }
      if (p.error != ErrorCode::kNone) {
        return Status::unavailable("list offsets of " + t.name + "-" + std::to_string(p.partition) +
                                   ": " + error_text(p.error));
      }
      out[{t.name, p.partition}] = p.offset;
    }
  }
  return out;
}

void Consumer::Impl::back_off_locked(PartitionState& ps, ErrorCode error) {
  ps.retry_at = now() + retry_backoff(config.retry_backoff, config.retry_backoff_max, ps.failures);
  ps.failures = std::min(ps.failures + 1, 30);
  ps.last_error = error;
}

// A partition the broker refuses to list (unknown, offline) keeps no position and is retried
// after its backoff; the others go on.
Status Consumer::Impl::resolve_positions() {
  std::vector<TopicPartition> unknown, resets;
  {
    std::lock_guard lock(mu);
    auto t = now();
    for (auto& [tp, ps] : parts) {
      if (ps.position >= 0 || t < ps.retry_at) continue;
      (ps.reset ? resets : unknown).push_back(tp);
    }
  }
  if (unknown.empty() && resets.empty()) return Status::ok();
  std::map<TopicPartition, int64_t> found;
  if (!unknown.empty() && !config.group_id.empty()) {
    protocol::OffsetFetchRequest req{config.group_id, std::vector<protocol::TopicPartitions>{}};
    for (const auto& tp : unknown) {
      if (req.topics->empty() || req.topics->back().topic != tp.topic) req.topics->push_back({tp.topic, {}});
      req.topics->back().partitions.push_back(tp.partition);
    }
    auto r = coordinator()->call<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse>(
        ApiKey::kOffsetFetch, req);
    if (!r) return r.error().with_context("fetching committed offsets");
    // A partition whose commit the coordinator cannot tell (its offsets are not loaded) waits and
    // asks again; only "nothing committed" (offset -1 without an error) applies the reset policy.
    std::map<TopicPartition, ErrorCode> undecided;
    for (const auto& t : r->body.topics) {
      for (const auto& p : t.partitions) {
        ErrorCode error = r->body.error != ErrorCode::kNone ? r->body.error : p.error;
        if (error != ErrorCode::kNone) {
          undecided[{t.name, p.partition}] = error;
        } else if (p.offset >= 0) {
          found[{t.name, p.partition}] = p.offset;
        }
      }
    }
    if (r->body.error != ErrorCode::kNone) {
      for (const auto& tp : unknown) undecided[tp] = r->body.error;
    }
    if (!undecided.empty()) {
      std::lock_guard lock(mu);
      for (const auto& [tp, error] : undecided) {
        if (auto it = parts.find(tp); it != parts.end()) back_off_locked(it->second, error);
      }
    }
    std::erase_if(unknown, [&](const TopicPartition& tp) { return undecided.contains(tp); });
  }
  for (const auto& tp : unknown) {
    if (!found.count(tp)) resets.push_back(tp);
  }
  if (!resets.empty()) {
    if (config.auto_offset_reset == ConsumerConfig::OffsetReset::kNone) {
      return Status::out_of_range("no committed offset for " + resets.front().topic + "-" +
                                  std::to_string(resets.front().partition) +
                                  " and auto_offset_reset is none");
    }
    int64_t ts = config.auto_offset_reset == ConsumerConfig::OffsetReset::kEarliest
                     ? protocol::kEarliestTimestamp
                     : protocol::kLatestTimestamp;
    std::map<TopicPartition, ErrorCode> failed;
    auto offsets = list_offsets(resets, ts, &failed);
    if (!offsets) return offsets.error();
    found.insert(offsets->begin(), offsets->end());
    std::lock_guard lock(mu);
    for (const auto& [tp, error] : failed) {
      if (auto it = parts.find(tp); it != parts.end()) back_off_locked(it->second, error);
    }
  }
  std::lock_guard lock(mu);
  bool moved = false;
  for (const auto& [tp, offset] : found) {
    auto it = parts.find(tp);
    if (it == parts.end() || it->second.position >= 0) continue;
    it->second.position = it->second.fetch_offset = offset;
    it->second.reset = false;
    moved = true;
  }
  if (moved) ++fetch_epoch;  // a fetch in flight was asked without these partitions
  return Status::ok();
}

void Consumer::Impl::start_fetch_locked() {
  if (fetch_in_flight || !conn || !conn->health().is_ok() || buffered_bytes >= config.max_buffered_bytes) {
    return;
  }
  auto t = now();
  if (t < fetch_retry_at) return;
  // While some partition is skipped for its full buffer, it will want fetching as soon as poll()
  // drains it, and a long poll on the others (responses come back in order) would hold that
  // fetch up for max wait. Then fetch without waiting, and only partitions with data to read.
  bool refill_soon = false;
  for (const auto& [tp, ps] : parts) {
    refill_soon = refill_soon || (!ps.paused && ps.fetch_offset >= 0 &&
                                  ps.buffered_bytes >= config.max_partition_fetch_bytes);
  }
  protocol::FetchRequest req;
  req.max_wait_ms = refill_soon ? 0 : static_cast<uint32_t>(config.fetch_max_wait.count());
  req.min_bytes = 1;
  req.max_bytes = config.fetch_max_bytes;
  std::map<TopicPartition, int64_t> asked;
  for (const auto& [tp, ps] : parts) {
    if (ps.paused || ps.fetch_offset < 0 || ps.buffered_bytes >= config.max_partition_fetch_bytes) continue;
    if (ps.corrupt || t < ps.retry_at) continue;
    if (refill_soon && ps.high_watermark >= 0 && ps.fetch_offset >= ps.high_watermark) continue;
    if (req.topics.empty() || req.topics.back().name != tp.topic) req.topics.push_back({tp.topic, {}});
    req.topics.back().partitions.push_back({tp.partition, ps.fetch_offset, config.max_partition_fetch_bytes});
    asked[tp] = ps.fetch_offset;
  }
  if (asked.empty()) return;
  fetch_in_flight = true;
  uint64_t epoch = fetch_epoch;
  conn->call_async<protocol::FetchRequest, protocol::FetchResponse>(
      ApiKey::kFetch, req, [this, epoch, asked](Result<Reply<protocol::FetchResponse>> r) {
        on_fetch(epoch, asked, std::move(r));
      });
}

namespace {

// One partition's part of a fetch response, decoded.
struct FetchedPartition {
  TopicPartition tp;
  ErrorCode error = ErrorCode::kNone;
  int64_t high_watermark = -1;
  std::vector<ConsumerRecord> records;
  size_t bytes = 0;          // as counted against max_buffered_bytes
  int64_t next_fetch = -1;   // after the last whole batch
  Status corruption;         // the batch at next_fetch failed verification
  int64_t resume_at = -1;    // then: where a reader can go on past it
};

size_t buffered_size(const ConsumerRecord& r) {
  return 64 + (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
}

// Where a reader can go on after the batch at the front of `bytes`, which failed verification
// at `offset`. Its extent is known for sure only from the next batch, when that one's header
// checksum (over its base offset and length) matches; else from its own header, when the
// header checksum holds and its record count agrees with its last offset delta (one damaged
// byte cannot change both); else it is unknown, and offset + 1 may meet the same batch again.
int64_t resume_offset(protocol::Bytes bytes, int64_t offset) {
  auto h = protocol::decode_batch_header(bytes);
  if (!h || h->batch_length < protocol::batch::kHeaderSize || h->batch_length > bytes.size() ||
      protocol::header_checksum(bytes) != h->header_checksum) {
    return offset + 1;
  }
  protocol::Bytes after = bytes.subspan(h->batch_length);
  auto next = protocol::decode_batch_header(after);
  if (next && protocol::header_checksum(after) == next->header_checksum &&
      next->base_offset.value() > offset) {
    return next->base_offset.value();
  }
  bool counts_agree = h->record_count >= 1 && h->last_offset_delta == h->record_count - 1 &&
                      static_cast<uint64_t>(h->record_count) <=
                          (h->batch_length - protocol::batch::kHeaderSize) / protocol::batch::kMinRecordSize;
  if (counts_agree && h->next_offset().value() > offset) {
    return h->next_offset().value();
  }
  return offset + 1;
}

// Decodes a partition's batches from the offset it was asked at, up to the first batch that
// fails verification: what came before it is kept, and that batch is described in `f`.
void decode_partition(const protocol::FetchPartitionResult& p, int64_t asked, FetchedPartition& f) {
  f.next_fetch = asked;
  protocol::Bytes rest = p.records;
  while (!rest.empty()) {
    size_t records_before = f.records.size(), bytes_before = f.bytes;
    auto batch = protocol::RecordBatchView::parse(rest, protocol::Verify::kStored);
    Status bad = batch ? Status::ok() : batch.error();
    if (batch) {
      protocol::RecordReader reader(*batch);
      protocol::RecordView rec;
      while (reader.next(rec)) {
        if (rec.offset.value() < asked) continue;
        ConsumerRecord& r = f.records.emplace_back();
        r.topic_partition = f.tp;
        r.offset = rec.offset.value();
        r.timestamp = rec.timestamp;
        if (rec.key) r.key.emplace(protocol::as_string_view(*rec.key));
        if (rec.value) r.value.emplace(protocol::as_string_view(*rec.value));
        for (const auto& h : rec.headers()) {
          r.headers.push_back({std::string(h.key),
                               h.value ? std::optional<std::string>(protocol::as_string_view(*h.value))
                                       : std::nullopt});
        }
        f.bytes += buffered_size(r);
      }
      bad = reader.status();
    }
    if (!bad.is_ok()) {  // the whole batch goes, even the records that decoded
      f.records.resize(records_before);
      f.bytes = bytes_before;
      f.corruption = bad;
      f.resume_at = resume_offset(rest, f.next_fetch);
      return;
    }
    f.next_fetch = batch->header().next_offset().value();
    rest = rest.subspan(batch->bytes().size());
  }
}

// Decodes every partition of a response that was asked for.
std::vector<FetchedPartition> decode_fetch(const protocol::FetchResponse& response,
                                           const std::map<TopicPartition, int64_t>& asked) {
  std::vector<FetchedPartition> out;
  for (const auto& t : response.topics) {
    for (const auto& p : t.partitions) {
      TopicPartition tp{t.name, p.partition};
      auto a = asked.find(tp);
      if (a == asked.end()) continue;
      FetchedPartition& f = out.emplace_back();
      f.tp = tp;
      f.error = p.error;
      f.high_watermark = p.high_watermark;
      if (p.error == ErrorCode::kNone) decode_partition(p, a->second, f);
    }
  }
  return out;
}

}  // namespace

void Consumer::Impl::on_fetch(uint64_t epoch, std::map<TopicPartition, int64_t> asked,
                              Result<Reply<protocol::FetchResponse>> r) {
  // Decoded before taking the lock: a full response is over 100,000 records, and poll() should
  // hand out what is already buffered meanwhile instead of waiting for all of them.
  std::vector<FetchedPartition> fetched;
  if (r) fetched = decode_fetch(r->body, asked);
  std::lock_guard lock(mu);
  fetch_in_flight = false;
  changed.notify_all();
  if (!r) {
    // No answer, or the request refused as a whole: asking again at once would only repeat it.
    fetch_retry_at = now() + retry_backoff(config.retry_backoff, config.retry_backoff_max, fetch_failures);
    fetch_failures = std::min(fetch_failures + 1, 30);
    return;
  }
  fetch_failures = 0;
  if (epoch != fetch_epoch || stopping) return;
  for (auto& f : fetched) {
    auto it = parts.find(f.tp);
    // Moved on since (a seek): this data is from the old position.
    if (it == parts.end() || it->second.fetch_offset != asked[f.tp]) continue;
    PartitionState& ps = it->second;
    if (f.error == ErrorCode::kOffsetOutOfRange) {
      ps.position = ps.fetch_offset = -1;
      ps.reset = true;
      ps.buffered.clear();
      buffered_bytes -= ps.buffered_bytes;
      ps.buffered_bytes = 0;
      continue;
    }
    if (f.error != ErrorCode::kNone) {
      // The broker answers at once when a partition has an error, so without a pause the
      // next fetch would follow at once too, again and again.
      back_off_locked(ps, f.error);
      continue;
    }
    ps.failures = 0;
    ps.last_error = ErrorCode::kNone;
    for (auto& rec : f.records) ps.buffered.push_back(std::move(rec));
    ps.buffered_bytes += f.bytes;
    buffered_bytes += f.bytes;
    ps.fetch_offset = f.next_fetch;
    ps.high_watermark = f.high_watermark;
    if (!f.corruption.is_ok()) {
      ps.corrupt = CorruptBatch{f.tp, f.next_fetch, f.resume_at};
      ps.corruption = Status::corruption("corrupt batch in " + partition_name(f.tp) + " at offset " +
                                         std::to_string(f.next_fetch) + ": " + f.corruption.message());
      ps.corruption_reported = false;
    }
  }
  start_fetch_locked();  // keep prefetching while there is room
}

// The corruption of a partition whose records before it have all been returned, once.
std::optional<Status> Consumer::Impl::take_corruption_locked() {
  for (auto& [tp, ps] : parts) {
    if (!ps.corrupt || ps.corruption_reported || ps.paused || !ps.buffered.empty()) continue;
    ps.corruption_reported = true;
    last_corrupt = ps.corrupt;
    return ps.corruption;
  }
  return std::nullopt;
}

std::vector<ConsumerRecord> Consumer::Impl::take_locked() {
  std::vector<ConsumerRecord> out;
  if (parts.empty()) return out;
  std::vector<PartitionState*> order;
  for (auto& [tp, ps] : parts) order.push_back(&ps);
  size_t n = order.size();
  for (size_t k = 0; k < n && out.size() < config.max_poll_records; ++k) {
    PartitionState& ps = *order[(round_robin + k) % n];
    while (!ps.paused && !ps.buffered.empty() && out.size() < config.max_poll_records) {
      ConsumerRecord& rec = ps.buffered.front();
      size_t size = buffered_size(rec);
      ps.buffered_bytes -= size;
      buffered_bytes -= size;
      ps.position = rec.offset + 1;
      out.push_back(std::move(rec));
      ps.buffered.pop_front();
    }
  }
  ++round_robin;
  return out;
}

std::map<TopicPartition, int64_t> Consumer::Impl::positions_locked() const {
  std::map<TopicPartition, int64_t> out;
  for (const auto& [tp, ps] : parts) {
    if (ps.position >= 0) out[tp] = ps.position;
  }
  return out;
}

protocol::OffsetCommitRequest Consumer::Impl::commit_request(const std::map<TopicPartition, int64_t>& offsets) {
  protocol::OffsetCommitRequest req;
  req.group_id = config.group_id;
  {
    std::lock_guard lock(mu);
    req.generation = joined ? generation : -1;
    req.member_id = joined ? member_id : "";
  }
  for (const auto& [tp, offset] : offsets) {
    if (req.topics.empty() || req.topics.back().name != tp.topic) req.topics.push_back({tp.topic, {}});
    req.topics.back().partitions.push_back({tp.partition, offset, ""});
  }
  return req;
}

Status Consumer::Impl::handle_commit_response(const Result<Reply<protocol::OffsetCommitResponse>>& r) {
  if (!r) return r.error();
  for (const auto& t : r->body.topics) {
    for (const auto& p : t.partitions) {
      if (p.error == ErrorCode::kNone) continue;
      if (rejoin_error(p.error)) {
        std::lock_guard lock(mu);
        needs_rejoin = true;
        if (p.error == ErrorCode::kUnknownMemberId) member_id.clear();
        changed.notify_all();
        return Status::fenced("commit rejected (" + error_text(p.error) +
                              "): the group has rebalanced; records since the last commit will be redelivered");
      }
      const auto& info = protocol::error_info(p.error);
      std::string msg = "commit of " + t.name + "-" + std::to_string(p.partition) + ": " + error_text(p.error);
      return info.retriable ? Status::unavailable(msg) : Status::invalid_argument(msg);
    }
  }
  return Status::ok();
}

Status Consumer::Impl::commit_offsets(const std::map<TopicPartition, int64_t>& offsets) {
  if (config.group_id.empty()) return Status::invalid_argument("commits need a group id");
  if (offsets.empty()) return Status::ok();
  CAIRN_RETURN_IF_ERROR(ensure_connected());
  auto r = coordinator()->call<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
      ApiKey::kOffsetCommit, commit_request(offsets));
  Status s = handle_commit_response(r);
  if (s.is_ok()) {
    std::lock_guard lock(mu);
    for (const auto& [tp, o] : offsets) last_committed[tp] = o;
  }
  return s;
}

Status Consumer::Impl::run_rebalance() {
  std::vector<TopicPartition> revoked;
  {
    std::lock_guard lock(mu);
    for (const auto& [tp, ps] : parts) revoked.push_back(tp);
  }
  if (joined && !revoked.empty()) {
    if (config.enable_auto_commit) {
      std::map<TopicPartition, int64_t> positions;
      {
        std::lock_guard lock(mu);
        positions = positions_locked();
      }
      commit_offsets(positions).ignore_error();  // a fenced commit is the rebalance's to absorb
    }
    if (listener) listener->on_partitions_revoked(*self, revoked);
  }
  {
    std::lock_guard lock(mu);
    for (auto& [tp, ps] : parts) buffered_bytes -= ps.buffered_bytes;
    parts.clear();
    ++fetch_epoch;
    joined = false;
  }
  for (int attempt = 0;; ++attempt) {
    protocol::JoinGroupRequest join;
    join.group_id = config.group_id;
    join.session_timeout_ms = static_cast<int32_t>(config.session_timeout.count());
    join.rebalance_timeout_ms = static_cast<int32_t>(config.rebalance_timeout.count());
    join.strategy = config.assignment_strategy;
    {
      std::lock_guard lock(mu);
      join.member_id = member_id;
      join.topics = topics;
    }
    auto r = coordinator()->call<protocol::JoinGroupRequest, protocol::JoinGroupResponse>(ApiKey::kJoinGroup, join);
    if (!r) return r.error().with_context("joining group " + config.group_id);
    if (r->body.error == ErrorCode::kUnknownMemberId && attempt < 3) {
      std::lock_guard lock(mu);
      member_id.clear();
      continue;
    }
    if (r->body.error != ErrorCode::kNone) {
      return Status::unavailable("joining group " + config.group_id + ": " + error_text(r->body.error));
    }
    std::lock_guard lock(mu);
    member_id = r->body.member_id;
    generation = r->body.generation;
    break;
  }
  protocol::SyncGroupRequest sync;
  sync.group_id = config.group_id;
  {
    std::lock_guard lock(mu);
    sync.generation = generation;
    sync.member_id = member_id;
  }
  auto r = coordinator()->call<protocol::SyncGroupRequest, protocol::SyncGroupResponse>(ApiKey::kSyncGroup, sync);
  if (!r) return r.error().with_context("syncing group " + config.group_id);
  if (rejoin_error(r->body.error)) {
    std::lock_guard lock(mu);
    needs_rejoin = true;
    if (r->body.error == ErrorCode::kUnknownMemberId) member_id.clear();
    return Status::ok();  // the next poll rejoins
  }
  if (r->body.error != ErrorCode::kNone) {
    return Status::unavailable("syncing group " + config.group_id + ": " + error_text(r->body.error));
  }
  std::vector<TopicPartition> assigned;
  {
    std::lock_guard lock(mu);
    for (const auto& t : r->body.assignment) {
      for (int32_t p : t.partitions) {
        parts[{t.topic, p}];
        assigned.push_back({t.topic, p});
      }
    }
    joined = true;
    needs_rejoin = false;
    next_auto_commit = now() + config.auto_commit_interval;
    last_committed.clear();
  }
  heartbeat_wake.notify_all();
  CAIRN_RETURN_IF_ERROR(resolve_positions());
  if (listener) listener->on_partitions_assigned(*self, assigned);
  return Status::ok();
}

void Consumer::Impl::run_heartbeat() {
  std::unique_lock lock(mu);
  while (!stopping) {
    heartbeat_wake.wait_for(lock, config.heartbeat_interval);
    if (stopping) break;
    if (!joined || !coord) continue;
    protocol::HeartbeatRequest hb{config.group_id, generation, member_id};
    auto c = coord;
    lock.unlock();
    auto r = c->call<protocol::HeartbeatRequest, protocol::HeartbeatResponse>(ApiKey::kHeartbeat, hb);
    c.reset();  // never the last owner while holding the lock
    lock.lock();
    if (r && rejoin_error(r->body.error) && joined && generation == hb.generation) {
      needs_rejoin = true;
      if (r->body.error == ErrorCode::kUnknownMemberId) member_id.clear();
      changed.notify_all();
    }
  }
}

Result<std::unique_ptr<Consumer>> Consumer::create(ConsumerConfig config) {
  auto impl = std::make_unique<Impl>(std::move(config));
  CAIRN_RETURN_IF_ERROR(impl->connect());
  Impl* raw = impl.get();
  impl->heartbeat = std::thread([raw] { raw->run_heartbeat(); });
  std::unique_ptr<Consumer> consumer(new Consumer(std::move(impl)));
  consumer->impl_->self = consumer.get();
  return consumer;
}

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Consumer::~Consumer() { close(); }

Status Consumer::subscribe(std::vector<std::string> topics, RebalanceListener* listener) {
  Impl& s = *impl_;
  if (s.config.group_id.empty()) return Status::invalid_argument("subscribe needs a group id");
  if (topics.empty()) return Status::invalid_argument("subscribe to at least one topic");
  std::lock_guard lock(s.mu);
  std::sort(topics.begin(), topics.end());
  s.topics = std::move(topics);
  s.listener = listener;
  s.subscribed = true;
  s.needs_rejoin = true;
  return Status::ok();
}

Status Consumer::assign(std::vector<TopicPartition> partitions) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.subscribed) return Status::invalid_argument("assign() after subscribe()");
  for (auto& [tp, ps] : s.parts) s.buffered_bytes -= ps.buffered_bytes;
  s.parts.clear();
  for (auto& tp : partitions) s.parts[tp];
  ++s.fetch_epoch;
  return Status::ok();
}

std::vector<TopicPartition> Consumer::assignment() const {
  std::lock_guard lock(impl_->mu);
  std::vector<TopicPartition> out;
  for (const auto& [tp, ps] : impl_->parts) out.push_back(tp);
  return out;
}

Result<std::vector<ConsumerRecord>> Consumer::poll(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  auto deadline = now() + timeout;
  int failures = 0;
  for (;;) {
    Status step = s.ensure_connected();
    bool rebalance;
    {
      std::lock_guard lock(s.mu);
      if (s.closed) return Status::unavailable("consumer is closed");
      s.last_corrupt.reset();
      rebalance = s.subscribed && (s.needs_rejoin || !s.joined);
    }
    if (step.is_ok() && rebalance) step = s.run_rebalance();
    if (step.is_ok()) step = s.resolve_positions();
    if (!step.is_ok()) {
      if (step.code() == Status::Code::kOutOfRange) return step;  // auto_offset_reset none
      // The broker is unreachable or the group is moving: back off, try again until the deadline.
      auto pause = retry_backoff(std::chrono::milliseconds(50), std::chrono::milliseconds(1000), failures++);
      if (now() + pause >= deadline) return std::vector<ConsumerRecord>{};
      std::this_thread::sleep_for(pause);
      continue;
    }
    failures = 0;
    std::unique_lock lock(s.mu);
    if (s.config.enable_auto_commit && s.joined && now() >= s.next_auto_commit) {
      auto positions = s.positions_locked();
      s.next_auto_commit = now() + s.config.auto_commit_interval;
      if (positions != s.last_committed && s.coord) {
        auto c = s.coord;
        auto req = protocol::OffsetCommitRequest{s.config.group_id, s.generation, s.member_id, {}};
        for (const auto& [tp, offset] : positions) {
          if (req.topics.empty() || req.topics.back().name != tp.topic) req.topics.push_back({tp.topic, {}});
          req.topics.back().partitions.push_back({tp.partition, offset, ""});
        }
        Impl* impl = &s;
        c->call_async<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
            ApiKey::kOffsetCommit, req,
            [impl, positions](Result<Reply<protocol::OffsetCommitResponse>> r) {
              if (impl->handle_commit_response(r).is_ok()) {
                std::lock_guard l(impl->mu);
                impl->last_committed = positions;
              }
            });
      }
    }
    if (auto corruption = s.take_corruption_locked()) return *corruption;
    auto records = s.take_locked();
    s.start_fetch_locked();
    if (!records.empty()) return records;
    if (now() >= deadline) return records;
    s.changed.wait_until(lock, std::min(deadline, now() + std::chrono::milliseconds(100)));
  }
}

Status Consumer::commit() {
  std::map<TopicPartition, int64_t> positions;
  {
    std::lock_guard lock(impl_->mu);
    positions = impl_->positions_locked();
  }
  return impl_->commit_offsets(positions);
}

Status Consumer::commit(const std::map<TopicPartition, int64_t>& offsets) {
  return impl_->commit_offsets(offsets);
}

void Consumer::commit_async(std::function<void(Status)> done) {
  Impl& s = *impl_;
  std::map<TopicPartition, int64_t> positions;
  {
    std::lock_guard lock(s.mu);
    positions = s.positions_locked();
  }
  auto c = s.coordinator();
  if (s.config.group_id.empty() || !c) {
    if (done) done(Status::invalid_argument("commits need a group id and a connection"));
    return;
  }
  Impl* impl = &s;
  c->call_async<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
      ApiKey::kOffsetCommit, s.commit_request(positions),
      [impl, positions, done](Result<Reply<protocol::OffsetCommitResponse>> r) {
        Status st = impl->handle_commit_response(r);
        if (st.is_ok()) {
          std::lock_guard lock(impl->mu);
          for (const auto& [tp, o] : positions) impl->last_committed[tp] = o;
        }
        if (done) done(st);
      });
}

Result<std::optional<int64_t>> Consumer::committed(const TopicPartition& tp) {
  Impl& s = *impl_;
  if (s.config.group_id.empty()) return Status::invalid_argument("committed offsets need a group id");
  CAIRN_RETURN_IF_ERROR(s.ensure_connected());
  protocol::OffsetFetchRequest req{s.config.group_id, std::vector<protocol::TopicPartitions>{{tp.topic, {tp.partition}}}};
  auto r = s.coordinator()->call<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse>(ApiKey::kOffsetFetch, req);
  if (!r) return r.error();
  auto refused = [](ErrorCode e) {
    std::string msg = "fetching the committed offset: " + std::string(protocol::error_name(e));
    return protocol::is_retriable(e) ? Status::unavailable(msg) : Status::invalid_argument(msg);
  };
  if (r->body.error != ErrorCode::kNone) return refused(r->body.error);
  for (const auto& t : r->body.topics) {
    for (const auto& p : t.partitions) {
      if (p.error != ErrorCode::kNone) return refused(p.error);
      if (p.offset >= 0) return std::optional<int64_t>(p.offset);
    }
  }
  return std::optional<int64_t>();
}

Status Consumer::seek(const TopicPartition& tp, int64_t offset) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  auto it = s.parts.find(tp);
  if (it == s.parts.end()) return Status::invalid_argument(tp.topic + "-" + std::to_string(tp.partition) + " is not assigned");
  PartitionState& ps = it->second;
  s.buffered_bytes -= ps.buffered_bytes;
  ps.buffered.clear();
  ps.buffered_bytes = 0;
  ps.position = ps.fetch_offset = offset;
  ps.reset = false;
  ps.corrupt.reset();
  ps.corruption = Status::ok();
  ++s.fetch_epoch;
  return Status::ok();
}

Status Consumer::seek_to_beginning(const std::vector<TopicPartition>& partitions) {
  CAIRN_RETURN_IF_ERROR(impl_->ensure_connected());
  auto offsets = impl_->list_offsets(partitions, protocol::kEarliestTimestamp);
  if (!offsets) return offsets.error();
  for (const auto& [tp, o] : *offsets) CAIRN_RETURN_IF_ERROR(seek(tp, o));
  return Status::ok();
}

Status Consumer::seek_to_end(const std::vector<TopicPartition>& partitions) {
  CAIRN_RETURN_IF_ERROR(impl_->ensure_connected());
  auto offsets = impl_->list_offsets(partitions, protocol::kLatestTimestamp);
  if (!offsets) return offsets.error();
  for (const auto& [tp, o] : *offsets) CAIRN_RETURN_IF_ERROR(seek(tp, o));
  return Status::ok();
}

Result<int64_t> Consumer::position(const TopicPartition& tp) {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    auto it = s.parts.find(tp);
    if (it == s.parts.end()) return Status::invalid_argument(tp.topic + "-" + std::to_string(tp.partition) + " is not assigned");
    if (it->second.position >= 0) return it->second.position;
  }
  CAIRN_RETURN_IF_ERROR(s.ensure_connected());
  CAIRN_RETURN_IF_ERROR(s.resolve_positions());
  std::lock_guard lock(s.mu);
  const PartitionState& ps = s.parts[tp];
  if (ps.position < 0) {
    return Status::unavailable("no position for " + partition_name(tp) + " yet: " +
                               error_text(ps.last_error));
  }
  return ps.position;
}

std::optional<CorruptBatch> Consumer::last_corrupt_batch() const {
  std::lock_guard lock(impl_->mu);
  return impl_->last_corrupt;
}

void Consumer::pause(const std::vector<TopicPartition>& partitions) {
  std::lock_guard lock(impl_->mu);
  for (const auto& tp : partitions) {
    if (auto it = impl_->parts.find(tp); it != impl_->parts.end()) it->second.paused = true;
  }
}

void Consumer::resume(const std::vector<TopicPartition>& partitions) {
  std::lock_guard lock(impl_->mu);
  for (const auto& tp : partitions) {
    if (auto it = impl_->parts.find(tp); it != impl_->parts.end()) it->second.paused = false;
  }
}

void Consumer::close() {
  Impl& s = *impl_;
  bool was_joined;
  {
    std::lock_guard lock(s.mu);
    if (s.closed) return;
    s.closed = true;
    was_joined = s.joined;
  }
  if (was_joined && s.config.enable_auto_commit) commit().ignore_error();
  if (was_joined) {
    auto c = s.coordinator();
    if (c && c->health().is_ok()) {
      c->call<protocol::LeaveGroupRequest, protocol::LeaveGroupResponse>(
           ApiKey::kLeaveGroup, protocol::LeaveGroupRequest{s.config.group_id, s.member_id})
          .status()
          .ignore_error();
    }
  }
  {
    std::lock_guard lock(s.mu);
    s.stopping = true;
    s.joined = false;
  }
  s.heartbeat_wake.notify_all();
  if (s.heartbeat.joinable()) s.heartbeat.join();
  std::shared_ptr<Connection> c, g;
  {
    std::lock_guard lock(s.mu);
    c = std::move(s.conn);
    g = std::move(s.coord);
  }
  c.reset();
  g.reset();
}

}  // namespace cairn::client
