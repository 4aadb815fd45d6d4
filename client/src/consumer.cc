// Consumer: the facade over the Fetcher (assigned partitions, positions, prefetched records; the
// fetch connection) and the GroupMember (membership, heartbeats, commits; the coordinator
// connection). It runs rebalances and finds positions by asking both; see client/src/fetcher.h
// and client/src/group_member.h for who owns what on which thread.
#include "cairn/consumer.h"

#include <atomic>
#include <thread>

#include "client/src/fetcher.h"
#include "client/src/group_member.h"
#include "client/src/retry.h"
#include "client/src/wakeup.h"
#include "client/src/wire_status.h"

namespace cairn::client {

namespace {

auto now() { return std::chrono::steady_clock::now(); }

// Both connections wait for a JoinGroup, which the broker answers when the rebalance completes.
ConnectionOptions connection_options(const ConsumerConfig& c) {
  return {c.broker,
          c.client_id,
          c.connect_timeout,
          std::max(c.request_timeout, c.rebalance_timeout + std::chrono::seconds(5)),
          c.tls,
          c.sasl,
          /*find_leader=*/true};
}

}  // namespace

// Used by the application's one thread, except `closed`, which close() may set from another.
struct Consumer::Impl {
  Impl(Consumer& owner, ConsumerConfig c)
      : owner(owner),
        config(std::move(c)),
        wakeup(std::make_shared<Wakeup>()),
        fetcher(std::make_shared<Fetcher>(config, connection_options(config), wakeup)),
        group(std::make_shared<GroupMember>(config, connection_options(config), wakeup)) {}

  Status ensure_connected() {
    CAIRN_RETURN_IF_ERROR(fetcher->ensure_connected());
    return group->ensure_connected();
  }
  Status rebalance();
  Status resolve_positions();
  Status commit(const std::map<TopicPartition, int64_t>& offsets);
  Status seek_to(const std::vector<TopicPartition>& partitions, int64_t timestamp);

  Consumer& owner;
  const ConsumerConfig config;
  const std::shared_ptr<Wakeup> wakeup;
  const std::shared_ptr<Fetcher> fetcher;
  const std::shared_ptr<GroupMember> group;
  RebalanceListener* listener = nullptr;
  std::optional<CorruptBatch> last_corrupt;  // what the last poll() reported
  PolledViews views;                         // what the last poll_views() handed out

  // The poll loop of poll() and poll_views(): rebalances, commits and corruption as poll()
  // documents; `take(fetcher)` takes records, true when it took some.
  template <class Take>
  Status poll_into(std::chrono::milliseconds timeout, Take take);
  std::mutex close_mu;  // held through close(), so a second close() waits for the first
  std::atomic<bool> closed{false};
};

// An eager rebalance: give every partition up (committing first, with auto-commit), rejoin, then
// take what the group assigns.
Status Consumer::Impl::rebalance() {
  std::vector<TopicPartition> revoked = fetcher->assignment();
  if (group->joined() && !revoked.empty()) {
    if (config.enable_auto_commit) {
      commit(fetcher->positions()).ignore_error();  // a fenced commit is the rebalance's to absorb
    }
    if (listener) listener->on_partitions_revoked(owner, revoked);
  }
  fetcher->assign({});
  group->leave_generation();
  auto assigned = group->join();
  if (!assigned) return assigned.error();
  if (!*assigned) return Status::ok();  // the group asks to rejoin at once: the next poll does
  fetcher->assign(**assigned);
  CAIRN_RETURN_IF_ERROR(resolve_positions());
  if (listener) listener->on_partitions_assigned(owner, **assigned);
  return Status::ok();
}

// A partition without a position starts at its committed offset, or, with none, where
// auto_offset_reset says. One the broker cannot tell about (unknown, offline, its commit not
// known yet) keeps no position and is asked again after its backoff; the others go on.
Status Consumer::Impl::resolve_positions() {
  auto [unknown, resets] = fetcher->unpositioned();
  if (unknown.empty() && resets.empty()) return Status::ok();
  std::map<TopicPartition, int64_t> found;
  if (!unknown.empty() && !config.group_id.empty()) {
    auto committed = group->fetch_committed(unknown);
    if (!committed) return committed.error();
    for (const auto& [tp, why] : committed->undecided) fetcher->back_off(tp, why);
    std::erase_if(unknown,
                  [&](const TopicPartition& tp) { return committed->undecided.contains(tp); });
    found = std::move(committed->offsets);
  }
  for (const auto& tp : unknown) {
    if (!found.contains(tp)) resets.push_back(tp);
  }
  if (!resets.empty()) {
    if (config.auto_offset_reset == ConsumerConfig::OffsetReset::kNone) {
      return Status::out_of_range("no committed offset for " + partition_name(resets.front()) +
                                  " and auto_offset_reset is none");
    }
    int64_t timestamp = config.auto_offset_reset == ConsumerConfig::OffsetReset::kEarliest
                            ? protocol::kEarliestTimestamp
                            : protocol::kLatestTimestamp;
    std::map<TopicPartition, Status> failed;
    auto offsets = fetcher->list_offsets(resets, timestamp, &failed);
    if (!offsets) return offsets.error();
    found.insert(offsets->begin(), offsets->end());
    for (const auto& [tp, why] : failed) fetcher->back_off(tp, why);
  }
  fetcher->set_positions(found);
  return Status::ok();
}

Status Consumer::Impl::commit(const std::map<TopicPartition, int64_t>& offsets) {
  if (config.group_id.empty()) return Status::invalid_argument("commits need a group id");
  if (offsets.empty()) return Status::ok();
  CAIRN_RETURN_IF_ERROR(ensure_connected());
  return group->commit(offsets);
}

Status Consumer::Impl::seek_to(const std::vector<TopicPartition>& partitions, int64_t timestamp) {
  CAIRN_RETURN_IF_ERROR(ensure_connected());
  auto offsets = fetcher->list_offsets(partitions, timestamp);
  if (!offsets) return offsets.error();
  for (const auto& [tp, offset] : *offsets) CAIRN_RETURN_IF_ERROR(fetcher->seek(tp, offset));
  return Status::ok();
}

Result<std::unique_ptr<Consumer>> Consumer::create(ConsumerConfig config) {
  std::unique_ptr<Consumer> consumer(new Consumer(nullptr));
  consumer->impl_ = std::make_unique<Impl>(*consumer, std::move(config));
  CAIRN_RETURN_IF_ERROR(consumer->impl_->ensure_connected());
  consumer->impl_->group->start();
  return consumer;
}

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Consumer::~Consumer() {
  if (impl_) close();
}

Status Consumer::subscribe(std::vector<std::string> topics, RebalanceListener* listener) {
  if (impl_->config.group_id.empty()) return Status::invalid_argument("subscribe needs a group id");
  if (topics.empty()) return Status::invalid_argument("subscribe to at least one topic");
  impl_->listener = listener;
  impl_->group->subscribe(std::move(topics));
  return Status::ok();
}

Status Consumer::assign(const std::vector<TopicPartition>& partitions) {
  if (impl_->group->subscribed()) return Status::invalid_argument("assign() after subscribe()");
  impl_->fetcher->assign(partitions);
  return Status::ok();
}

std::vector<TopicPartition> Consumer::assignment() const { return impl_->fetcher->assignment(); }

template <class Take>
Status Consumer::Impl::poll_into(std::chrono::milliseconds timeout, Take take) {
  Impl& s = *this;
  s.views.clear();  // the last poll_views()'s records are released
  auto deadline = now() + timeout;
  int failures = 0;
  for (;;) {
    uint64_t seen = s.wakeup->count();
    if (s.closed) return Status::unavailable("consumer is closed");
    s.last_corrupt.reset();
    Status step = s.ensure_connected();
    if (step.is_ok() && s.group->needs_rebalance()) step = s.rebalance();
    if (step.is_ok()) step = s.resolve_positions();
    if (!step.is_ok()) {
      if (step.code() == Status::Code::kOutOfRange) return step;  // auto_offset_reset none
      // The broker is unreachable or the group is moving: back off, try again until the deadline.
      auto pause =
          retry_backoff(std::chrono::milliseconds(50), std::chrono::milliseconds(1000), failures++);
      if (now() + pause >= deadline) return Status::ok();
      std::this_thread::sleep_for(pause);
      continue;
    }
    failures = 0;
    if (s.group->auto_commit_due()) s.group->auto_commit(s.fetcher->positions());
    if (auto corruption = s.fetcher->take_corruption()) {
      s.last_corrupt = corruption->where;
      return corruption->status;
    }
    bool some = take(*s.fetcher);
    s.fetcher->maybe_fetch();
    if (some || now() >= deadline) return Status::ok();
    s.wakeup->wait_until(seen, std::min(deadline, now() + std::chrono::milliseconds(100)));
  }
}

Result<std::vector<ConsumerRecord>> Consumer::poll(std::chrono::milliseconds timeout) {
  std::vector<ConsumerRecord> records;
  Status s = impl_->poll_into(timeout, [&records](Fetcher& f) {
    records = f.take();
    return !records.empty();
  });
  if (!s.is_ok()) return s;
  return records;
}

Result<std::span<const ConsumerRecordView>> Consumer::poll_views(
    std::chrono::milliseconds timeout) {
  PolledViews& views = impl_->views;
  Status s = impl_->poll_into(timeout, [&views](Fetcher& f) {
    f.take(views);
    return !views.records.empty();
  });
  if (!s.is_ok()) return s;
  views.finish();
  return std::span<const ConsumerRecordView>(views.records);
}

std::optional<CorruptBatch> Consumer::last_corrupt_batch() const { return impl_->last_corrupt; }

ConsumerGroupMetadata Consumer::group_metadata() const { return impl_->group->metadata(); }

Status Consumer::commit() { return impl_->commit(impl_->fetcher->positions()); }

Status Consumer::commit(const std::map<TopicPartition, int64_t>& offsets) {
  return impl_->commit(offsets);
}

void Consumer::commit_async(std::function<void(Status)> done) {
  if (impl_->config.group_id.empty()) {
    if (done) done(Status::invalid_argument("commits need a group id"));
    return;
  }
  impl_->group->commit_async(impl_->fetcher->positions(), std::move(done));
}

Result<std::optional<int64_t>> Consumer::committed(const TopicPartition& tp) {
  if (impl_->config.group_id.empty()) {
    return Status::invalid_argument("committed offsets need a group id");
  }
  CAIRN_RETURN_IF_ERROR(impl_->ensure_connected());
  auto committed = impl_->group->fetch_committed({tp});
  if (!committed) return committed.error();
  if (auto it = committed->undecided.find(tp); it != committed->undecided.end()) return it->second;
  auto it = committed->offsets.find(tp);
  return it == committed->offsets.end() ? std::optional<int64_t>() : std::optional(it->second);
}

Status Consumer::seek(const TopicPartition& tp, int64_t offset) {
  return impl_->fetcher->seek(tp, offset);
}

Status Consumer::seek_to_beginning(const std::vector<TopicPartition>& partitions) {
  return impl_->seek_to(partitions, protocol::kEarliestTimestamp);
}

Status Consumer::seek_to_end(const std::vector<TopicPartition>& partitions) {
  return impl_->seek_to(partitions, protocol::kLatestTimestamp);
}

Result<int64_t> Consumer::position(const TopicPartition& tp) {
  auto known = impl_->fetcher->position(tp);
  if (!known) return known.error();
  if (*known) return **known;
  CAIRN_RETURN_IF_ERROR(impl_->ensure_connected());
  CAIRN_RETURN_IF_ERROR(impl_->resolve_positions());
  known = impl_->fetcher->position(tp);
  if (!known) return known.error();
  if (*known) return **known;
  Status why = impl_->fetcher->refusal(tp);
  return Status::unavailable("no position for " + partition_name(tp) + " yet" +
                             (why.is_ok() ? "" : ": " + why.message()));
}

void Consumer::pause(const std::vector<TopicPartition>& partitions) {
  impl_->fetcher->pause(partitions);
}

void Consumer::resume(const std::vector<TopicPartition>& partitions) {
  impl_->fetcher->resume(partitions);
}

void Consumer::close() {
  Impl& s = *impl_;
  std::lock_guard lock(s.close_mu);
  if (s.closed.exchange(true)) return;
  if (s.group->joined()) {
    if (s.config.enable_auto_commit) commit().ignore_error();
    s.group->leave();
  }
  s.group->stop();
  s.fetcher->stop();
}

}  // namespace cairn::client
