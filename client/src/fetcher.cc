#include "client/src/fetcher.h"

#include <algorithm>

#include "client/src/fetched_records.h"
#include "client/src/retry.h"
#include "client/src/wire_status.h"
#include "protocol/wire_format.h"

namespace cairn::client {

namespace {

using protocol::ErrorCode;
using SteadyTime = std::chrono::steady_clock::time_point;
SteadyTime now() { return std::chrono::steady_clock::now(); }

Status not_assigned(const TopicPartition& tp) {
  return Status::invalid_argument(partition_name(tp) + " is not assigned");
}

}  // namespace

Fetcher::Fetcher(const ConsumerConfig& config, ConnectionOptions options,
                 std::shared_ptr<Wakeup> wakeup)
    : config_(config), options_(std::move(options)), wakeup_(std::move(wakeup)) {}

Status Fetcher::ensure_connected() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status::unavailable("consumer is closed");
    if (conn_ && conn_->health().is_ok()) return Status::ok();
  }
  auto c = Connection::connect(options_);
  if (!c) return c.error();
  std::shared_ptr<Connection> old(std::move(*c));  // the fresh one, until swapped in
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status::unavailable("consumer is closed");
    std::swap(old, conn_);
    fetch_in_flight_ = false;
    ++fetch_epoch_;
  }
  return Status::ok();  // `old` closes here, outside the lock: its callbacks take it
}

void Fetcher::stop() {
  std::shared_ptr<Connection> c;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    c = std::move(conn_);
  }
}

void Fetcher::drop_buffer_locked(PartitionState& ps) {
  buffered_bytes_ -= ps.buffered_bytes;
  ps.buffered.clear();
  ps.buffered_bytes = 0;
}

void Fetcher::assign(const std::vector<TopicPartition>& partitions) {
  std::lock_guard lock(mu_);
  for (auto& [tp, ps] : parts_) drop_buffer_locked(ps);
  parts_.clear();
  for (const auto& tp : partitions) parts_[tp];
  ++fetch_epoch_;
}

std::vector<TopicPartition> Fetcher::assignment() const {
  std::lock_guard lock(mu_);
  std::vector<TopicPartition> out;
  for (const auto& [tp, ps] : parts_) out.push_back(tp);
  return out;
}

Fetcher::Unpositioned Fetcher::unpositioned() const {
  Unpositioned out;
  std::lock_guard lock(mu_);
  auto t = now();
  for (const auto& [tp, ps] : parts_) {
    if (ps.position >= 0 || t < ps.retry_at) continue;
    (ps.reset ? out.reset : out.unknown).push_back(tp);
  }
  return out;
}

void Fetcher::set_positions(const std::map<TopicPartition, int64_t>& found) {
  std::lock_guard lock(mu_);
  bool moved = false;
  for (const auto& [tp, offset] : found) {
    auto it = parts_.find(tp);
    if (it == parts_.end() || it->second.position >= 0) continue;
    it->second.position = it->second.fetch_offset = offset;
    it->second.reset = false;
    moved = true;
  }
  if (moved) ++fetch_epoch_;  // a fetch in flight was asked without these partitions
}

void Fetcher::back_off_locked(PartitionState& ps, const Status& why) {
  ps.retry_at =
      now() + retry_backoff(config_.retry_backoff, config_.retry_backoff_max, ps.failures);
  ps.failures = std::min(ps.failures + 1, 30);
  ps.refusal = why;
}

void Fetcher::back_off(const TopicPartition& tp, const Status& why) {
  std::lock_guard lock(mu_);
  if (auto it = parts_.find(tp); it != parts_.end()) back_off_locked(it->second, why);
}

Result<std::map<TopicPartition, int64_t>> Fetcher::list_offsets(
    const std::vector<TopicPartition>& partitions, int64_t timestamp,
    std::map<TopicPartition, Status>* failed) {
  protocol::ListOffsetsRequest req;
  for (const auto& tp : partitions) {
    if (req.topics.empty() || req.topics.back().name != tp.topic)
      req.topics.push_back({tp.topic, {}});
    req.topics.back().partitions.push_back({tp.partition, timestamp});
  }
  std::shared_ptr<Connection> c;
  {
    std::lock_guard lock(mu_);
    c = conn_;
  }
  if (!c) return Status::unavailable("not connected");
  auto r = c->call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
      protocol::ApiKey::kListOffsets, req);
  if (!r) return r.error();
  std::map<TopicPartition, int64_t> out;
  for (const auto& tp : partitions) {
    std::string context = "offsets of " + partition_name(tp);
    const auto* p = find_partition(r->body.topics, tp.topic, tp.partition);
    Status refused = p == nullptr ? missing_entry(context) : to_status(p->error, context);
    if (refused.is_ok()) {
      out[tp] = p->offset;
    } else if (failed != nullptr) {
      (*failed)[tp] = refused;
    } else {
      return refused;
    }
  }
  return out;
}

std::map<TopicPartition, int64_t> Fetcher::positions() const {
  std::lock_guard lock(mu_);
  std::map<TopicPartition, int64_t> out;
  for (const auto& [tp, ps] : parts_) {
    if (ps.position >= 0) out[tp] = ps.position;
  }
  return out;
}

Result<std::optional<int64_t>> Fetcher::position(const TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  auto it = parts_.find(tp);
  if (it == parts_.end()) return not_assigned(tp);
  if (it->second.position < 0) return std::optional<int64_t>();
  return std::optional<int64_t>(it->second.position);
}

Status Fetcher::refusal(const TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  auto it = parts_.find(tp);
  return it == parts_.end() ? not_assigned(tp) : it->second.refusal;
}

Status Fetcher::seek(const TopicPartition& tp, int64_t offset) {
  std::lock_guard lock(mu_);
  auto it = parts_.find(tp);
  if (it == parts_.end()) return not_assigned(tp);
  PartitionState& ps = it->second;
  drop_buffer_locked(ps);
  ps.position = ps.fetch_offset = offset;
  ps.reset = false;
  ps.corrupt.reset();
  ps.corruption = Status::ok();
  ++fetch_epoch_;
  return Status::ok();
}

void Fetcher::pause(const std::vector<TopicPartition>& partitions) {
  std::lock_guard lock(mu_);
  for (const auto& tp : partitions) {
    if (auto it = parts_.find(tp); it != parts_.end()) it->second.paused = true;
  }
}

void Fetcher::resume(const std::vector<TopicPartition>& partitions) {
  std::lock_guard lock(mu_);
  for (const auto& tp : partitions) {
    if (auto it = parts_.find(tp); it != parts_.end()) it->second.paused = false;
  }
}

std::optional<Fetcher::Corruption> Fetcher::take_corruption() {
  std::lock_guard lock(mu_);
  for (auto& [tp, ps] : parts_) {
    if (!ps.corrupt || ps.corruption_reported || ps.paused || !ps.buffered.empty()) continue;
    ps.corruption_reported = true;
    return Corruption{ps.corruption, *ps.corrupt};
  }
  return std::nullopt;
}

namespace {

size_t count_of(const std::vector<ConsumerRecord>& out) { return out.size(); }
size_t count_of(const PolledViews& out) { return out.records.size(); }
void reserve(std::vector<ConsumerRecord>& out, size_t n) { out.reserve(n); }
void reserve(PolledViews& out, size_t n) { out.records.reserve(n); }

}  // namespace

std::vector<ConsumerRecord> Fetcher::take() {
  std::vector<ConsumerRecord> out;
  take_into(out);
  return out;
}

void Fetcher::take(PolledViews& out) { take_into(out); }

template <class Out>
void Fetcher::take_into(Out& out) {
  std::lock_guard lock(mu_);
  if (parts_.empty()) return;
  std::vector<std::pair<const TopicPartition*, PartitionState*>> order;
  size_t ready = 0;
  for (auto& [tp, ps] : parts_) {
    order.emplace_back(&tp, &ps);
    if (!ps.paused) ready += ps.buffered.size();
  }
  reserve(out, std::min(ready, config_.max_poll_records));
  size_t n = order.size();
  for (size_t k = 0; k < n && count_of(out) < config_.max_poll_records; ++k) {
    auto [tp, ps] = order[(round_robin_ + k) % n];
    if (!ps->paused) {
      auto taken = ps->buffered.take(config_.max_poll_records - count_of(out), *tp, out);
      ps->buffered_bytes -= taken.bytes;
      buffered_bytes_ -= taken.bytes;
      if (taken.count > 0) ps->position = taken.next_offset;
    }
    // Everything fetched is taken: the position moves past what was skipped after the last
    // record (transaction markers, aborted records).
    if (ps->buffered.empty() && ps->fetch_offset > ps->position) ps->position = ps->fetch_offset;
  }
  ++round_robin_;
}

void Fetcher::maybe_fetch() {
  std::lock_guard lock(mu_);
  start_fetch_locked();
}

// Builds the next fetch under the lock; the connection only queues it (the answer comes on its
// I/O thread), so sending it here never waits.
void Fetcher::start_fetch_locked() {
  if (stopped_ || fetch_in_flight_ || !conn_ || !conn_->health().is_ok() ||
      buffered_bytes_ >= config_.max_buffered_bytes) {
    return;
  }
  auto t = now();
  if (t < fetch_retry_at_) return;
  // While some partition is skipped for its full buffer, it will want fetching as soon as poll()
  // drains it, and a long poll on the others (answers come back in order) would hold that fetch
  // up for max wait. Then fetch without waiting, and only partitions with data to read.
  bool refill_soon = std::ranges::any_of(parts_, [&](const auto& entry) {
    const PartitionState& ps = entry.second;
    return !ps.paused && ps.fetch_offset >= 0 &&
           ps.buffered_bytes >= config_.max_partition_fetch_bytes;
  });
  protocol::FetchRequest req;
  req.max_wait_ms = refill_soon ? 0 : static_cast<uint32_t>(config_.fetch_max_wait.count());
  req.min_bytes = 1;
  req.max_bytes = config_.fetch_max_bytes;
  const bool read_committed = config_.isolation == ConsumerConfig::Isolation::kReadCommitted;
  req.isolation_level = read_committed ? 1 : 0;
  // Version 2 carries the last stable offset and the aborted transactions; a broker without it
  // has no transactions to hide.
  const uint16_t version = conn_->version_for(protocol::ApiKey::kFetch, 2);
  std::map<TopicPartition, int64_t> asked;
  for (const auto& [tp, ps] : parts_) {
    if (ps.paused || ps.fetch_offset < 0 ||
        ps.buffered_bytes >= config_.max_partition_fetch_bytes) {
      continue;
    }
    if (ps.corrupt || t < ps.retry_at) continue;
    if (refill_soon && ps.high_watermark >= 0 && ps.fetch_offset >= ps.high_watermark) continue;
    if (req.topics.empty() || req.topics.back().name != tp.topic)
      req.topics.push_back({tp.topic, {}});
    req.topics.back().partitions.push_back(
        {tp.partition, ps.fetch_offset, config_.max_partition_fetch_bytes});
    asked[tp] = ps.fetch_offset;
  }
  if (asked.empty()) return;
  fetch_in_flight_ = true;
  std::weak_ptr<Fetcher> weak = weak_from_this();
  conn_->call_async<protocol::FetchRequest, protocol::FetchResponse>(
      protocol::ApiKey::kFetch, req,
      [weak, epoch = fetch_epoch_, asked, max_decompressed_bytes = max_decompressed_bytes(),
       read_committed =
           read_committed && version >= 2](const Result<Reply<protocol::FetchResponse>>& r) {
        if (auto self = weak.lock()) {
          self->on_fetch(epoch, asked, max_decompressed_bytes, read_committed, r);
        }
      },
      RequestOptions{.version = version});
}

size_t Fetcher::max_decompressed_bytes() const {
  // The broker's own bound: its max batch bytes times the ratio cap (PROTOCOL.md).
  uint32_t max_batch = conn_->broker_info().max_batch_bytes;
  return max_batch > 0 ? protocol::batch::max_decompressed_bytes(max_batch)
                       : protocol::batch::kDefaultMaxDecompressedBytes;
}

void Fetcher::on_fetch(uint64_t epoch, const std::map<TopicPartition, int64_t>& asked,
                       size_t max_decompressed_bytes, bool read_committed,
                       const Result<Reply<protocol::FetchResponse>>& r) {
  // Decoded before taking the lock: a full answer is over 100,000 records, and poll() should
  // hand out what is already buffered meanwhile instead of waiting for all of them.
  std::vector<FetchedPartition> fetched;
  if (r) fetched = decode_fetch(r->body, r->frame, asked, max_decompressed_bytes, read_committed);
  std::lock_guard lock(mu_);
  fetch_in_flight_ = false;
  wakeup_->notify();
  if (!r) {
    // No answer, or the request refused as a whole: asking again at once would only repeat it.
    fetch_retry_at_ =
        now() + retry_backoff(config_.retry_backoff, config_.retry_backoff_max, fetch_failures_);
    fetch_failures_ = std::min(fetch_failures_ + 1, 30);
    return;
  }
  fetch_failures_ = 0;
  if (epoch != fetch_epoch_ || stopped_) return;
  for (auto& f : fetched) {
    auto it = parts_.find(f.tp);
    // Moved on since (a seek): this data is from the old position.
    if (it == parts_.end() || it->second.fetch_offset != asked.find(f.tp)->second) continue;
    PartitionState& ps = it->second;
    if (f.error == ErrorCode::kOffsetOutOfRange) {
      ps.position = ps.fetch_offset = -1;
      ps.reset = true;
      drop_buffer_locked(ps);
      continue;
    }
    if (f.error != ErrorCode::kNone) {
      if (conn_) conn_->note_error(f.error);
      // The broker answers at once when a partition has an error, so without a pause the next
      // fetch would follow at once too, again and again.
      back_off_locked(ps, to_status(f.error, "fetch from " + partition_name(f.tp)));
      continue;
    }
    ps.failures = 0;
    ps.refusal = Status::ok();
    ps.buffered.append(std::move(f.batches));
    ps.buffered_bytes += f.bytes;
    buffered_bytes_ += f.bytes;
    ps.fetch_offset = f.next_fetch;
    // Nothing left to take: the position moves past the batches skipped (markers, aborted).
    if (ps.buffered.empty() && ps.fetch_offset > ps.position) ps.position = ps.fetch_offset;
    ps.high_watermark = f.high_watermark;
    if (!f.corruption.is_ok()) {
      ps.corrupt = CorruptBatch{f.tp, f.next_fetch, f.resume_at};
      ps.corruption =
          Status::corruption("corrupt batch in " + partition_name(f.tp) + " at offset " +
                             std::to_string(f.next_fetch) + ": " + f.corruption.message());
      ps.corruption_reported = false;
    }
  }
  start_fetch_locked();  // keep prefetching while there is room
}

}  // namespace cairn::client
