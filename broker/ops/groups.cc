// The group operations: each runs on the shard whose coordinator owns the group (the shard of
// the group's `__consumer_offsets` partition) and resumes on the caller's.
#include <algorithm>

#include "broker/group/coordinator.h"
#include "broker/ops/operations.h"
#include "broker/services.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// The coordinator calls, as coroutines to run on the coordinator's shard, where they look it up.
// (Free functions with value parameters: a capturing lambda coroutine would dangle.)
awaitable<JoinResult> join_on(BrokerServices& s, unsigned shard, JoinRequest r) {
  co_return co_await s.coordinator(shard).join(std::move(r));
}
awaitable<SyncResult> sync_on(BrokerServices& s, unsigned shard, MemberRequest r) {
  co_return co_await s.coordinator(shard).sync(std::move(r));
}
awaitable<ErrorCode> heartbeat_on(BrokerServices& s, unsigned shard, MemberRequest r) {
  co_return s.coordinator(shard).heartbeat(r);
}
awaitable<ErrorCode> leave_on(BrokerServices& s, unsigned shard, std::string group,
                              std::string member) {
  co_return s.coordinator(shard).leave(group, member);
}
awaitable<std::vector<ErrorCode>> commit_on(BrokerServices& s, unsigned shard, CommitRequest r) {
  co_return co_await s.coordinator(shard).commit(std::move(r));
}
awaitable<OffsetsResult> fetch_offsets_on(BrokerServices& s, unsigned shard, OffsetsRequest r) {
  co_return co_await s.coordinator(shard).fetch_offsets(std::move(r));
}
awaitable<std::vector<GroupListing>> list_on(BrokerServices& s, unsigned shard) {
  co_return s.coordinator(shard).list();
}
awaitable<GroupDescription> describe_on(BrokerServices& s, unsigned shard, std::string group) {
  co_return s.coordinator(shard).describe(group);
}
awaitable<DeleteGroupResult> delete_on(BrokerServices& s, unsigned shard, std::string group) {
  co_return co_await s.coordinator(shard).delete_group(std::move(group));
}

}  // namespace

awaitable<JoinResult> Operations::join_group(JoinRequest request) {
  if (services_.shutting_down()) co_return JoinResult{ErrorCode::kCoordinatorNotAvailable};
  Shard& shard = services_.coordinator_shard(request.group_id);
  co_return co_await run_on(shard.executor(), join_on(services_, shard.id(), std::move(request)));
}

awaitable<SyncResult> Operations::sync_group(MemberRequest request) {
  Shard& shard = services_.coordinator_shard(request.group_id);
  co_return co_await run_on(shard.executor(), sync_on(services_, shard.id(), std::move(request)));
}

awaitable<ErrorCode> Operations::heartbeat(MemberRequest request) {
  Shard& shard = services_.coordinator_shard(request.group_id);
  co_return co_await run_on(shard.executor(),
                            heartbeat_on(services_, shard.id(), std::move(request)));
}

awaitable<ErrorCode> Operations::leave_group(std::string group_id, std::string member_id) {
  Shard& shard = services_.coordinator_shard(group_id);
  co_return co_await run_on(
      shard.executor(), leave_on(services_, shard.id(), std::move(group_id), std::move(member_id)));
}

awaitable<std::vector<ErrorCode>> Operations::commit_offsets(CommitRequest request) {
  Shard& shard = services_.coordinator_shard(request.group_id);
  co_return co_await run_on(shard.executor(), commit_on(services_, shard.id(), std::move(request)));
}

awaitable<OffsetsResult> Operations::fetch_offsets(OffsetsRequest request) {
  Shard& shard = services_.coordinator_shard(request.group_id);
  co_return co_await run_on(shard.executor(),
                            fetch_offsets_on(services_, shard.id(), std::move(request)));
}

awaitable<std::vector<GroupListing>> Operations::list_groups() {
  std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<GroupListing>>>> tasks;
  for (unsigned i = 0; i < services_.shard_count(); ++i) {
    tasks.emplace_back(services_.shard(i).executor(), list_on(services_, i));
  }
  std::vector<GroupListing> out;
  for (auto& part : co_await gather(std::move(tasks))) {
    out.insert(out.end(), part.begin(), part.end());
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
  co_return out;
}

awaitable<std::vector<GroupDescription>> Operations::describe_groups(
    std::vector<std::string> group_ids) {
  std::vector<GroupDescription> out;
  out.reserve(group_ids.size());
  for (auto& group : group_ids) {
    Shard& shard = services_.coordinator_shard(group);
    out.push_back(
        co_await run_on(shard.executor(), describe_on(services_, shard.id(), std::move(group))));
  }
  co_return out;
}

awaitable<std::vector<DeleteGroupResult>> Operations::delete_groups(
    std::vector<std::string> group_ids) {
  std::vector<DeleteGroupResult> out;
  out.reserve(group_ids.size());
  for (auto& group : group_ids) {
    if (services_.shutting_down()) {
      out.push_back({std::move(group), ErrorCode::kCoordinatorNotAvailable, ""});
      continue;
    }
    Shard& shard = services_.coordinator_shard(group);
    out.push_back(
        co_await run_on(shard.executor(), delete_on(services_, shard.id(), std::move(group))));
  }
  co_return out;
}

}  // namespace cairn::broker
