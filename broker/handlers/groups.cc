// The consumer-group APIs. Each request runs on the shard whose coordinator owns the group
// (the shard of the group's `__consumer_offsets` partition) and comes back to the session.
#include "broker/broker.h"
#include "broker/group/coordinator.h"
#include "broker/handlers/dispatch.h"
#include "protocol/messages/group.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

GroupCoordinator& coordinator_for(Broker& broker, const std::string& group, Shard*& shard) {
  shard = &broker.coordinator_shard(group);
  return broker.coordinator(shard->id());
}

// The synchronous coordinator calls, as coroutines to run on the coordinator's shard. (Free
// functions with value parameters: a capturing lambda coroutine would dangle.)
awaitable<protocol::SyncGroupResponse> sync_on(GroupCoordinator& c, protocol::SyncGroupRequest r) {
  co_return c.sync(r);
}
awaitable<protocol::GroupErrorResponse> heartbeat_on(GroupCoordinator& c, protocol::HeartbeatRequest r) {
  co_return c.heartbeat(r);
}
awaitable<protocol::GroupErrorResponse> leave_on(GroupCoordinator& c, protocol::LeaveGroupRequest r) {
  co_return c.leave(r);
}
awaitable<std::vector<protocol::GroupListing>> list_on(GroupCoordinator& c) { co_return c.list(); }
awaitable<protocol::DescribedGroup> describe_on(GroupCoordinator& c, std::string group) {
  co_return c.describe(group);
}

template <typename Request>
Result<Request> decode(const RequestContext& ctx) {
  return Request::decode(ctx.body, ctx.header.api_version);
}

}  // namespace

awaitable<HandlerResult> handle_find_coordinator(RequestContext& ctx) {
  auto request = decode<protocol::FindCoordinatorRequest>(ctx);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  // One node: the coordinator of every group is this broker.
  protocol::FindCoordinatorResponse r;
  r.node_id = ctx.broker.config().node_id;
  r.host = ctx.broker.config().host;
  r.port = ctx.broker.port();
  co_return respond(ctx, r);
}

awaitable<HandlerResult> handle_join_group(RequestContext& ctx) {
  auto request = decode<protocol::JoinGroupRequest>(ctx);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  if (ctx.broker.shutting_down()) {
    co_return respond(ctx, protocol::JoinGroupResponse{ErrorCode::kCoordinatorNotAvailable});
  }
  Shard* shard = nullptr;
  auto& c = coordinator_for(ctx.broker, request->group_id, shard);
  auto r = co_await run_on(shard->executor(),
                           c.join(std::move(*request), ctx.header.client_id, std::string(ctx.peer_host)));
  co_return respond(ctx, r);
}

awaitable<HandlerResult> handle_sync_group(RequestContext& ctx) {
  auto request = decode<protocol::SyncGroupRequest>(ctx);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  Shard* shard = nullptr;
  auto& c = coordinator_for(ctx.broker, request->group_id, shard);
  co_return respond(ctx, co_await run_on(shard->executor(), sync_on(c, std::move(*request))));
}

awaitable<HandlerResult> handle_heartbeat(RequestContext& ctx) {
  auto request = decode<protocol::HeartbeatRequest>(ctx);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  Shard* shard = nullptr;
  auto& c = coordinator_for(ctx.broker, request->group_id, shard);
  co_return respond(ctx, co_await run_on(shard->executor(), heartbeat_on(c, std::move(*request))));
}

awaitable<HandlerResult> handle_leave_group(RequestContext& ctx) {
  auto request = decode<protocol::LeaveGroupRequest>(ctx);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  Shard* shard = nullptr;
  auto& c = coordinator_for(ctx.broker, request->group_id, shard);
  co_return respond(ctx, co_await run_on(shard->executor(), leave_on(c, std::move(*request))));
}

awaitable<HandlerResult> handle_offset_commit(RequestContext& ctx) {
  auto request = decode<protocol::OffsetCommitRequest>(ctx);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  Shard* shard = nullptr;
  auto& c = coordinator_for(ctx.broker, request->group_id, shard);
  co_return respond(ctx, co_await run_on(shard->executor(), c.commit(std::move(*request))));
}

awaitable<HandlerResult> handle_offset_fetch(RequestContext& ctx) {
  auto request = decode<protocol::OffsetFetchRequest>(ctx);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  Shard* shard = nullptr;
  auto& c = coordinator_for(ctx.broker, request->group_id, shard);
  co_return respond(ctx, co_await run_on(shard->executor(), c.fetch_offsets(std::move(*request))));
}

awaitable<HandlerResult> handle_list_groups(RequestContext& ctx) {
  auto request = decode<protocol::ListGroupsRequest>(ctx);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<protocol::GroupListing>>>> tasks;
  for (unsigned i = 0; i < ctx.broker.shard_count(); ++i) {
    tasks.emplace_back(ctx.broker.shard(i).executor(), list_on(ctx.broker.coordinator(i)));
  }
  protocol::ListGroupsResponse r;
  for (auto& part : co_await gather(std::move(tasks))) {
    r.groups.insert(r.groups.end(), part.begin(), part.end());
  }
  std::sort(r.groups.begin(), r.groups.end(),
            [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
  co_return respond(ctx, r);
}

awaitable<HandlerResult> handle_describe_groups(RequestContext& ctx) {
  auto request = decode<protocol::DescribeGroupsRequest>(ctx);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  protocol::DescribeGroupsResponse r;
  for (const auto& group : request->groups) {
    Shard* shard = nullptr;
    auto& c = coordinator_for(ctx.broker, group, shard);
    r.groups.push_back(co_await run_on(shard->executor(), describe_on(c, group)));
  }
  co_return respond(ctx, r);
}

}  // namespace cairn::broker
