// The consumer-group APIs: each request becomes the group operation's request, and its result
// the response. The outcome travels as an error code in the body: a rebalance or an unknown
// member is an answer, not a failed request.
#include "broker/group/cooperative_assignor.h"
#include "broker/cairn/handlers.h"

namespace cairn::broker {

namespace {

std::vector<protocol::TopicPartitions> wire_assignment(std::vector<TopicPartitions> assignment) {
  std::vector<protocol::TopicPartitions> out;
  out.reserve(assignment.size());
  for (auto& tp : assignment) out.push_back({std::move(tp.topic), std::move(tp.partitions)});
  return out;
}

}  // namespace

awaitable<Reply<protocol::FindCoordinatorResponse>> handle(RequestContext& ctx,
                                                           protocol::FindCoordinatorRequest) {
  // One node: the coordinator of every group is this broker.
  protocol::FindCoordinatorResponse r;
  r.node_id = ctx.ops.config().node_id;
  r.host = ctx.ops.config().host;
  r.port = ctx.port;
  co_return r;
}

awaitable<Reply<protocol::JoinGroupResponse>> handle(RequestContext& ctx,
                                                     protocol::JoinGroupRequest r) {
  if (is_cooperative_strategy(r.strategy)) {
    // Cairn's consumers give up every partition in a rebalance: only range and roundrobin.
    protocol::JoinGroupResponse refused;
    refused.error = protocol::ErrorCode::kInvalidRequest;
    co_return refused;
  }
  JoinRequest join;
  join.group_id = std::move(r.group_id);
  join.member_id = std::move(r.member_id);
  join.client_id = ctx.header.client_id;
  join.client_host = std::string(ctx.peer_host);
  join.session_timeout = std::chrono::milliseconds(r.session_timeout_ms);
  join.rebalance_timeout = std::chrono::milliseconds(r.rebalance_timeout_ms);
  join.strategy = std::move(r.strategy);
  join.topics = std::move(r.topics);
  JoinResult joined = co_await ctx.ops.join_group(std::move(join));
  protocol::JoinGroupResponse out;
  out.error = joined.error;
  out.generation = joined.generation;
  out.member_id = std::move(joined.member_id);
  out.leader = std::move(joined.leader);
  out.strategy = std::move(joined.strategy);
  for (auto& m : joined.members) {
    out.members.push_back({std::move(m.member_id), std::move(m.client_id)});
  }
  co_return out;
}

awaitable<Reply<protocol::SyncGroupResponse>> handle(RequestContext& ctx,
                                                     protocol::SyncGroupRequest r) {
  MemberRequest member{std::move(r.group_id), r.generation, std::move(r.member_id)};
  SyncResult synced = co_await ctx.ops.sync_group(std::move(member));
  co_return protocol::SyncGroupResponse{synced.error,
                                        wire_assignment(std::move(synced.assignment))};
}

awaitable<Reply<protocol::HeartbeatResponse>> handle(RequestContext& ctx,
                                                     protocol::HeartbeatRequest r) {
  MemberRequest member{std::move(r.group_id), r.generation, std::move(r.member_id)};
  co_return protocol::HeartbeatResponse{co_await ctx.ops.heartbeat(std::move(member))};
}

awaitable<Reply<protocol::LeaveGroupResponse>> handle(RequestContext& ctx,
                                                      protocol::LeaveGroupRequest r) {
  co_return protocol::LeaveGroupResponse{
      co_await ctx.ops.leave_group(std::move(r.group_id), std::move(r.member_id))};
}

awaitable<Reply<protocol::OffsetCommitResponse>> handle(RequestContext& ctx,
                                                        protocol::OffsetCommitRequest r) {
  CommitRequest commit{std::move(r.group_id), r.generation, std::move(r.member_id), {}};
  for (auto& t : r.topics) {
    for (auto& p : t.partitions) {
      commit.entries.push_back({t.name, p.partition, p.offset, std::move(p.metadata)});
    }
  }
  auto errors = co_await ctx.ops.commit_offsets(std::move(commit));
  // One answer per partition asked, in the request's order.
  protocol::OffsetCommitResponse out;
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partitions) topic.partitions.push_back({p.partition, errors[i++]});
  }
  co_return out;
}

awaitable<Reply<protocol::OffsetFetchResponse>> handle(RequestContext& ctx,
                                                       protocol::OffsetFetchRequest r) {
  OffsetsRequest request{std::move(r.group_id), std::nullopt};
  if (r.topics) {
    request.partitions.emplace();
    for (const auto& t : *r.topics) {
      for (int32_t p : t.partitions) request.partitions->emplace_back(t.topic, p);
    }
  }
  OffsetsResult fetched = co_await ctx.ops.fetch_offsets(std::move(request));
  protocol::OffsetFetchResponse out;
  out.error = fetched.error;
  if (r.topics) {
    // One entry per partition asked, under the request's topics.
    size_t i = 0;
    for (const auto& t : *r.topics) {
      auto& topic = out.topics.emplace_back();
      topic.name = t.topic;
      for (size_t k = 0; k < t.partitions.size(); ++k, ++i) {
        FetchedOffset& f = fetched.offsets[i];
        topic.partitions.push_back({f.partition, f.offset, std::move(f.metadata), f.error});
      }
    }
    co_return out;
  }
  // Every committed partition, grouped by topic.
  for (FetchedOffset& f : fetched.offsets) {
    if (out.topics.empty() || out.topics.back().name != f.topic) {
      out.topics.push_back({f.topic, {}});
    }
    out.topics.back().partitions.push_back({f.partition, f.offset, std::move(f.metadata), f.error});
  }
  co_return out;
}

awaitable<Reply<protocol::ListGroupsResponse>> handle(RequestContext& ctx,
                                                      protocol::ListGroupsRequest) {
  protocol::ListGroupsResponse out;
  for (auto& g : co_await ctx.ops.list_groups()) {
    out.groups.push_back({std::move(g.group_id), std::move(g.state), g.members});
  }
  co_return out;
}

awaitable<Reply<protocol::DescribeGroupsResponse>> handle(RequestContext& ctx,
                                                          protocol::DescribeGroupsRequest r) {
  protocol::DescribeGroupsResponse out;
  for (auto& g : co_await ctx.ops.describe_groups(std::move(r.groups))) {
    protocol::DescribedGroup d{std::move(g.group_id), g.error,      std::move(g.state),
                               std::move(g.strategy), g.generation, {}};
    for (auto& m : g.members) {
      d.members.push_back({std::move(m.member_id), std::move(m.client_id), std::move(m.host),
                           wire_assignment(std::move(m.assignment))});
    }
    out.groups.push_back(std::move(d));
  }
  co_return out;
}

awaitable<Reply<protocol::DeleteGroupsResponse>> handle(RequestContext& ctx,
                                                        protocol::DeleteGroupsRequest r) {
  protocol::DeleteGroupsResponse out;
  for (auto& g : co_await ctx.ops.delete_groups(std::move(r.groups))) {
    out.groups.push_back({std::move(g.group_id), g.error, std::move(g.message)});
  }
  co_return out;
}

}  // namespace cairn::broker
