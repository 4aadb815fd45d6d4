#include "client/src/group_member.h"

#include <algorithm>

#include "client/src/wire_status.h"

namespace cairn::client {

namespace {

using protocol::ApiKey;
using protocol::ErrorCode;
auto now() { return std::chrono::steady_clock::now(); }

bool rejoin_error(ErrorCode e) {
  return e == ErrorCode::kRebalanceInProgress || e == ErrorCode::kIllegalGeneration ||
         e == ErrorCode::kUnknownMemberId;
}

}  // namespace

GroupMember::GroupMember(const ConsumerConfig& config, ConnectionOptions options,
                         std::shared_ptr<Wakeup> wakeup)
    : config_(config), options_(std::move(options)), wakeup_(std::move(wakeup)) {}

GroupMember::~GroupMember() {
  // stop() joins the thread; if the thread itself let go of the last reference, it is ending.
  if (heartbeat_.joinable()) heartbeat_.detach();
}

Status GroupMember::ensure_connected() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::unavailable("consumer is closed");
    if (conn_ && conn_->health().is_ok()) return Status::ok();
  }
  auto c = Connection::connect(options_);
  if (!c) return c.error();
  std::shared_ptr<Connection> old(std::move(*c));  // the fresh one, until swapped in
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::unavailable("consumer is closed");
    std::swap(old, conn_);
  }
  return Status::ok();  // `old` closes here, outside the lock: its callbacks take it
}

std::shared_ptr<Connection> GroupMember::connection() const {
  std::lock_guard lock(mu_);
  return conn_;
}

void GroupMember::start() {
  heartbeat_ = std::thread([self = shared_from_this()] { self->run_heartbeats(); });
}

void GroupMember::stop() {
  std::shared_ptr<Connection> c;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    joined_ = false;
  }
  heartbeat_wake_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  std::lock_guard lock(mu_);
  c = std::move(conn_);
}

void GroupMember::subscribe(std::vector<std::string> topics) {
  std::sort(topics.begin(), topics.end());
  std::lock_guard lock(mu_);
  topics_ = std::move(topics);
  subscribed_ = true;
  needs_rejoin_ = true;
}

bool GroupMember::subscribed() const {
  std::lock_guard lock(mu_);
  return subscribed_;
}

bool GroupMember::joined() const {
  std::lock_guard lock(mu_);
  return joined_;
}

bool GroupMember::needs_rebalance() const {
  std::lock_guard lock(mu_);
  return subscribed_ && (needs_rejoin_ || !joined_);
}

void GroupMember::leave_generation() {
  std::lock_guard lock(mu_);
  joined_ = false;
}

bool GroupMember::maybe_rejoin_locked(ErrorCode error) {
  if (!rejoin_error(error)) return false;
  needs_rejoin_ = true;
  if (error == ErrorCode::kUnknownMemberId) member_id_.clear();
  wakeup_->notify();
  return true;
}

Result<std::optional<std::vector<TopicPartition>>> GroupMember::join() {
  auto c = connection();
  if (!c) return Status::unavailable("not connected to the group coordinator");
  std::string context = "joining group " + config_.group_id;
  for (int attempt = 0;; ++attempt) {
    protocol::JoinGroupRequest join;
    join.group_id = config_.group_id;
    join.session_timeout_ms = static_cast<int32_t>(config_.session_timeout.count());
    join.rebalance_timeout_ms = static_cast<int32_t>(config_.rebalance_timeout.count());
    join.strategy = config_.assignment_strategy;
    {
      std::lock_guard lock(mu_);
      join.member_id = member_id_;
      join.topics = topics_;
    }
    auto r =
        c->call<protocol::JoinGroupRequest, protocol::JoinGroupResponse>(ApiKey::kJoinGroup, join);
    if (!r) return r.error().with_context(context);
    c->note_error(r->body.error);
    if (r->body.error == ErrorCode::kUnknownMemberId && attempt < 3) {
      std::lock_guard lock(mu_);
      member_id_.clear();
      continue;
    }
    CAIRN_RETURN_IF_ERROR(to_status(r->body.error, context));
    std::lock_guard lock(mu_);
    member_id_ = r->body.member_id;
    generation_ = r->body.generation;
    break;
  }
  protocol::SyncGroupRequest sync;
  sync.group_id = config_.group_id;
  {
    std::lock_guard lock(mu_);
    sync.generation = generation_;
    sync.member_id = member_id_;
  }
  auto r =
      c->call<protocol::SyncGroupRequest, protocol::SyncGroupResponse>(ApiKey::kSyncGroup, sync);
  if (!r) return r.error().with_context("syncing group " + config_.group_id);
  c->note_error(r->body.error);
  std::vector<TopicPartition> assigned;
  {
    std::lock_guard lock(mu_);
    if (maybe_rejoin_locked(r->body.error)) return std::optional<std::vector<TopicPartition>>();
    CAIRN_RETURN_IF_ERROR(to_status(r->body.error, "syncing group " + config_.group_id));
    for (const auto& t : r->body.assignment) {
      for (int32_t p : t.partitions) assigned.push_back({t.topic, p});
    }
    joined_ = true;
    needs_rejoin_ = false;
    next_auto_commit_ = now() + config_.auto_commit_interval;
    last_committed_.clear();
  }
  heartbeat_wake_.notify_all();
  return std::optional(std::move(assigned));
}

void GroupMember::leave() {
  std::string member;
  {
    std::lock_guard lock(mu_);
    if (!joined_) return;
    joined_ = false;
    member = member_id_;
  }
  auto c = connection();
  if (!c || !c->health().is_ok()) return;
  c->call<protocol::LeaveGroupRequest, protocol::LeaveGroupResponse>(
       ApiKey::kLeaveGroup, protocol::LeaveGroupRequest{config_.group_id, member})
      .status()
      .ignore_error();  // leaving is a courtesy: the session timeout removes the member anyway
}

ConsumerGroupMetadata GroupMember::metadata() const {
  std::lock_guard lock(mu_);
  return {config_.group_id, joined_ ? generation_ : -1, joined_ ? member_id_ : ""};
}

protocol::OffsetCommitRequest GroupMember::commit_request(
    const std::map<TopicPartition, int64_t>& offsets) const {
  protocol::OffsetCommitRequest req;
  req.group_id = config_.group_id;
  {
    std::lock_guard lock(mu_);
    req.generation = joined_ ? generation_ : -1;
    req.member_id = joined_ ? member_id_ : "";
  }
  for (const auto& [tp, offset] : offsets) {
    if (req.topics.empty() || req.topics.back().name != tp.topic)
      req.topics.push_back({tp.topic, {}});
    req.topics.back().partitions.push_back({tp.partition, offset, ""});
  }
  return req;
}

Status GroupMember::on_committed(const std::map<TopicPartition, int64_t>& offsets,
                                 const Result<Reply<protocol::OffsetCommitResponse>>& r) {
  if (!r) return r.error();
  std::lock_guard lock(mu_);
  for (const auto& [tp, offset] : offsets) {
    std::string context = "commit of " + partition_name(tp);
    const auto* p = find_partition(r->body.topics, tp.topic, tp.partition);
    if (p == nullptr) return missing_entry(context);
    if (maybe_rejoin_locked(p->error)) {
      return to_status(
          p->error, context,
          "the group has rebalanced; records since the last commit will be redelivered");
    }
    CAIRN_RETURN_IF_ERROR(to_status(p->error, context));
  }
  for (const auto& [tp, offset] : offsets) last_committed_[tp] = offset;
  return Status::ok();
}

Status GroupMember::commit(const std::map<TopicPartition, int64_t>& offsets) {
  auto c = connection();
  if (!c) return Status::unavailable("not connected to the group coordinator");
  auto r = c->call<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
      ApiKey::kOffsetCommit, commit_request(offsets));
  return on_committed(offsets, r);
}

void GroupMember::commit_async(std::map<TopicPartition, int64_t> offsets,
                               std::function<void(Status)> done) {
  auto c = connection();
  if (!c) {
    if (done) done(Status::unavailable("not connected to the group coordinator"));
    return;
  }
  auto req = commit_request(offsets);
  c->call_async<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
      ApiKey::kOffsetCommit, req,
      [weak = weak_from_this(), offsets = std::move(offsets),
       done = std::move(done)](const Result<Reply<protocol::OffsetCommitResponse>>& r) {
        auto self = weak.lock();
        Status s = self ? self->on_committed(offsets, r) : Status::unavailable("consumer closed");
        if (done) done(s);
      });
}

bool GroupMember::auto_commit_due() const {
  std::lock_guard lock(mu_);
  return config_.enable_auto_commit && joined_ && now() >= next_auto_commit_;
}

void GroupMember::auto_commit(std::map<TopicPartition, int64_t> positions) {
  {
    std::lock_guard lock(mu_);
    next_auto_commit_ = now() + config_.auto_commit_interval;
    if (positions == last_committed_) return;
  }
  commit_async(std::move(positions), {});
}

Result<GroupMember::Committed> GroupMember::fetch_committed(
    const std::vector<TopicPartition>& partitions) {
  protocol::OffsetFetchRequest req{config_.group_id, std::vector<protocol::TopicPartitions>{}};
  for (const auto& tp : partitions) {
    if (req.topics->empty() || req.topics->back().topic != tp.topic)
      req.topics->push_back({tp.topic, {}});
    req.topics->back().partitions.push_back(tp.partition);
  }
  auto c = connection();
  if (!c) return Status::unavailable("not connected to the group coordinator");
  auto r = c->call<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse>(
      ApiKey::kOffsetFetch, req);
  if (!r) return r.error().with_context("fetching committed offsets");
  // A partition whose commit the coordinator cannot tell (its offsets are not loaded) or that the
  // reply leaves out is undecided: only "nothing committed" (offset -1 without an error) lets the
  // consumer apply its reset policy.
  Committed out;
  for (const auto& tp : partitions) {
    std::string context = "committed offset of " + partition_name(tp);
    const auto* p = find_partition(r->body.topics, tp.topic, tp.partition);
    Status s = r->body.error != ErrorCode::kNone ? to_status(r->body.error, context)
               : p == nullptr                    ? missing_entry(context)
                                                 : to_status(p->error, context);
    if (!s.is_ok()) {
      out.undecided[tp] = s;
    } else if (p->offset >= 0) {
      out.offsets[tp] = p->offset;
    }
  }
  return out;
}

void GroupMember::run_heartbeats() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    heartbeat_wake_.wait_for(lock, config_.heartbeat_interval);
    if (stopping_) break;
    if (!joined_ || !conn_) continue;
    protocol::HeartbeatRequest hb{config_.group_id, generation_, member_id_};
    auto c = conn_;
    lock.unlock();
    auto r =
        c->call<protocol::HeartbeatRequest, protocol::HeartbeatResponse>(ApiKey::kHeartbeat, hb);
    if (r) c->note_error(r->body.error);
    c.reset();  // never the last owner while holding the lock
    lock.lock();
    if (r && joined_ && generation_ == hb.generation) maybe_rejoin_locked(r->body.error);
  }
}

}  // namespace cairn::client
