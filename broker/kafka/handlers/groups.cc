// The consumer-group APIs on the broker's one group coordinator, the same one Cairn's consumers
// join: a group is a group whichever protocol its members speak. For a Kafka consumer (protocol
// type "consumer") offering an assignor Cairn knows (range, roundrobin or cooperative-sticky),
// Cairn assigns partitions on the broker: the JoinGroup names the first of its protocols Cairn
// knows and its subscription (read from the protocol metadata); no member is told it leads the
// group (JoinGroup's leader is an id no member has), so none runs an assignor, and SyncGroup
// answers each member with the coordinator's assignment, whatever the request carried. A
// cooperative-sticky member follows KIP-429: the coordinator withholds a moving partition for
// one generation, until its owner has given it up and rejoined. Any other member (Kafka
// Connect's "connect" protocol type, Kafka Streams' "stream" assignor, ...) joins a group whose
// leader assigns, as Kafka's classic protocol has it: the leader gets every member's metadata
// and its SyncGroup's assignments reach the members.
#include "broker/kafka/consumer_protocol.h"
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"

namespace cairn::broker::kafka {

namespace {

constexpr std::string_view kConsumer = "consumer";
// Given as JoinGroup's leader: no member has this id, so none computes an assignment.
constexpr std::string_view kBrokerAssigns = "cairn-broker-assigns";

// Cairn's name for a client's assignment protocol: Kafka's own names, and kafkajs's
// RoundRobinAssigner (what it offers by default); empty when Cairn does not know it.
std::string_view strategy_of(std::string_view protocol) {
  if (protocol == "RoundRobinAssigner") return "roundrobin";
  return is_known_strategy(protocol) ? protocol : std::string_view();
}

JoinRequest join_request(const KafkaContext& ctx, pk::JoinGroupRequest& r) {
  JoinRequest join;
  join.group_id = std::move(r.group_id);
  join.member_id = std::move(r.member_id);
  join.client_id = ctx.head.client_id;
  join.client_host = std::string(ctx.peer_host);
  join.session_timeout = std::chrono::milliseconds(r.session_timeout_ms);
  join.rebalance_timeout = std::chrono::milliseconds(
      r.rebalance_timeout_ms >= 0 ? r.rebalance_timeout_ms : r.session_timeout_ms);
  return join;
}

// A member of a group whose leader assigns: the leader is told so and gets every member's
// metadata for the chosen protocol.
awaitable<KafkaReply<pk::JoinGroupResponse>> join_client_assigned(KafkaContext& ctx,
                                                                  pk::JoinGroupRequest r) {
  JoinRequest join = join_request(ctx, r);
  join.protocol_type = std::move(r.protocol_type);
  for (const auto& p : r.protocols) {
    ctx.memory.add(p.metadata.bytes.size());
    join.protocols.push_back(
        {p.name, std::vector<std::byte>(p.metadata.bytes.begin(), p.metadata.bytes.end())});
  }
  JoinResult joined = co_await ctx.ops.join_group(std::move(join));
  KafkaReply<pk::JoinGroupResponse> reply{pk::JoinGroupResponse{}};
  pk::JoinGroupResponse& out = *reply.body;
  out.error_code = kafka_code(joined.error);
  out.generation_id = joined.generation;
  out.member_id = std::move(joined.member_id);
  out.protocol_type = std::move(joined.protocol_type);
  out.protocol_name = std::move(joined.strategy);
  out.leader = std::move(joined.leader);
  if (out.leader == out.member_id) {
    reply.buffers.reserve(joined.members.size());  // the metadata, which members view
    for (auto& m : joined.members) {
      pk::JoinGroupResponseMember member;
      member.member_id = std::move(m.member_id);
      member.metadata.bytes = reply.buffers.emplace_back(std::move(m.metadata));
      out.members.push_back(std::move(member));
    }
  }
  co_return reply;
}

}  // namespace

awaitable<KafkaReply<pk::FindCoordinatorResponse>> handle(KafkaContext& ctx,
                                                          pk::FindCoordinatorRequest r) {
  // One node: the coordinator of every group is this broker. Transactions are not served: a
  // transaction coordinator is refused as InitProducerId refuses a transactional id, with an
  // error the client does not retry (COORDINATOR_NOT_AVAILABLE would have it retry until its
  // own timeout).
  pk::FindCoordinatorResponse out;
  int32_t node = ctx.ops.config().node_id;
  constexpr int8_t kGroupKey = 0;
  constexpr int8_t kTransactionKey = 1;
  int16_t error = 0;
  if (r.key_type == kTransactionKey) {
    error = pk::code_of(pk::ErrorCode::kTransactionalIdAuthorizationFailed);
  } else if (r.key_type != kGroupKey) {
    error = pk::code_of(pk::ErrorCode::kInvalidRequest);
  }
  out.error_code = error;
  out.error_message = std::nullopt;
  out.node_id = error == 0 ? node : -1;
  out.host = error == 0 ? std::string(ctx.advertised_host) : "";
  out.port = error == 0 ? ctx.advertised_port : -1;
  for (auto& key : r.coordinator_keys) {
    pk::Coordinator c;
    c.key = std::move(key);
    c.node_id = out.node_id;
    c.host = out.host;
    c.port = out.port;
    c.error_code = error;
    c.error_message = std::nullopt;
    out.coordinators.push_back(std::move(c));
  }
  co_return out;
}

awaitable<KafkaReply<pk::JoinGroupResponse>> handle(KafkaContext& ctx, pk::JoinGroupRequest r) {
  pk::JoinGroupResponse out;
  out.protocol_type = std::string(kConsumer);
  const pk::JoinGroupRequestProtocol* chosen = nullptr;
  for (const auto& p : r.protocols) {
    if (!strategy_of(p.name).empty()) {
      chosen = &p;
      break;
    }
  }
  if (r.protocol_type != kConsumer || chosen == nullptr) {
    co_return co_await join_client_assigned(ctx, std::move(r));
  }
  auto topics = subscription_topics(chosen->metadata.bytes);
  if (!topics) {
    out.error_code = pk::code_of(pk::ErrorCode::kInconsistentGroupProtocol);
    out.member_id = r.member_id;
    co_return out;
  }
  JoinRequest join = join_request(ctx, r);
  join.strategy = strategy_of(chosen->name);
  join.topics = std::move(*topics);
  std::string join_strategy = join.strategy;
  std::string chosen_name = chosen->name;
  JoinResult joined = co_await ctx.ops.join_group(std::move(join));
  out.error_code = kafka_code(joined.error);
  out.generation_id = joined.generation;
  out.member_id = std::move(joined.member_id);
  // The group's strategy in the member's own spelling when it is the one the member chose.
  if (joined.strategy.empty()) {
    out.protocol_name = std::nullopt;
  } else {
    out.protocol_name = joined.strategy == join_strategy ? chosen_name : joined.strategy;
  }
  out.leader = std::string(kBrokerAssigns);
  co_return out;
}

awaitable<KafkaReply<pk::SyncGroupResponse>> handle(KafkaContext& ctx, pk::SyncGroupRequest r) {
  MemberRequest member{std::move(r.group_id), r.generation_id, std::move(r.member_id), {}};
  for (const auto& a : r.assignments) {
    ctx.memory.add(a.assignment.bytes.size());
    member.assignments.emplace_back(
        a.member_id, std::vector<std::byte>(a.assignment.bytes.begin(), a.assignment.bytes.end()));
  }
  SyncResult synced = co_await ctx.ops.sync_group(std::move(member));
  pk::SyncGroupResponse out;
  out.error_code = kafka_code(synced.error);
  out.protocol_type =
      synced.client_assigned ? std::move(r.protocol_type) : std::optional<std::string>(kConsumer);
  out.protocol_name = std::move(r.protocol_name);
  std::vector<std::byte> bytes;
  if (synced.client_assigned) {
    bytes = std::move(synced.client_assignment);
  } else if (synced.error == protocol::ErrorCode::kNone) {
    write_assignment(synced.assignment, bytes);
  }
  KafkaReply<pk::SyncGroupResponse> reply(std::move(out));
  reply.buffers.push_back(std::move(bytes));
  reply.body->assignment.bytes = reply.buffers.back();
  co_return reply;
}

awaitable<KafkaReply<pk::HeartbeatResponse>> handle(KafkaContext& ctx, pk::HeartbeatRequest r) {
  MemberRequest member{std::move(r.group_id), r.generation_id, std::move(r.member_id)};
  pk::HeartbeatResponse out;
  out.error_code = kafka_code(co_await ctx.ops.heartbeat(std::move(member)));
  co_return out;
}

awaitable<KafkaReply<pk::LeaveGroupResponse>> handle(KafkaContext& ctx, pk::LeaveGroupRequest r) {
  pk::LeaveGroupResponse out;
  if (r.members.empty()) {  // versions 0-2: one member
    out.error_code = kafka_code(co_await ctx.ops.leave_group(r.group_id, r.member_id));
    co_return out;
  }
  for (auto& m : r.members) {
    pk::MemberResponse result;
    result.member_id = m.member_id;
    result.group_instance_id = m.group_instance_id;
    result.error_code = kafka_code(co_await ctx.ops.leave_group(r.group_id, m.member_id));
    out.members.push_back(std::move(result));
  }
  co_return out;
}

awaitable<KafkaReply<pk::OffsetCommitResponse>> handle(KafkaContext& ctx,
                                                       pk::OffsetCommitRequest r) {
  size_t count = 0;
  for (const auto& t : r.topics) count += t.partitions.size();
  ctx.memory.add(count * (sizeof(CommitEntry) + sizeof(pk::OffsetCommitResponsePartition) + 16));
  CommitRequest commit{r.group_id, r.generation_id_or_member_epoch, r.member_id, {}};
  commit.entries.reserve(count);
  for (auto& t : r.topics) {
    for (auto& p : t.partitions) {
      commit.entries.push_back(
          {t.name, p.partition_index, p.committed_offset, p.committed_metadata.value_or("")});
    }
  }
  auto errors = co_await ctx.ops.commit_offsets(std::move(commit));
  pk::OffsetCommitResponse out;
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partitions) {
      topic.partitions.push_back({p.partition_index, kafka_code(errors[i++])});
    }
  }
  co_return out;
}

namespace {

// One group's committed offsets as OffsetFetch gives them (either layout: `Topic` is the
// response's topic type, `Partition` its partition type).
template <class Topic, class Partition, class Asked>
awaitable<std::pair<int16_t, std::vector<Topic>>> fetch_group_offsets(KafkaContext& ctx,
                                                                      std::string group_id,
                                                                      const Asked* asked) {
  OffsetsRequest request{std::move(group_id), std::nullopt};
  if (asked != nullptr) {
    request.partitions.emplace();
    for (const auto& t : *asked) {
      for (int32_t p : t.partition_indexes) request.partitions->emplace_back(t.name, p);
    }
  }
  OffsetsResult fetched = co_await ctx.ops.fetch_offsets(std::move(request));
  std::vector<Topic> topics;
  auto partition = [](FetchedOffset& f) {
    Partition p;
    p.partition_index = f.partition;
    p.committed_offset = f.offset;
    p.metadata = std::move(f.metadata);
    p.error_code = kafka_code(f.error);
    return p;
  };
  if (asked != nullptr) {
    size_t i = 0;
    for (const auto& t : *asked) {
      auto& topic = topics.emplace_back();
      topic.name = t.name;
      for (size_t k = 0; k < t.partition_indexes.size() && i < fetched.offsets.size(); ++k, ++i) {
        topic.partitions.push_back(partition(fetched.offsets[i]));
      }
    }
  } else {
    for (FetchedOffset& f : fetched.offsets) {
      if (topics.empty() || topics.back().name != f.topic) topics.emplace_back().name = f.topic;
      topics.back().partitions.push_back(partition(f));
    }
  }
  co_return std::pair{kafka_code(fetched.error), std::move(topics)};
}

}  // namespace

awaitable<KafkaReply<pk::OffsetFetchResponse>> handle(KafkaContext& ctx, pk::OffsetFetchRequest r) {
  pk::OffsetFetchResponse out;
  if (ctx.version() < 8) {
    auto [error, topics] = co_await fetch_group_offsets<pk::OffsetFetchResponseTopic,
                                                        pk::OffsetFetchResponsePartition>(
        ctx, r.group_id, r.topics ? &*r.topics : nullptr);
    out.error_code = error;
    out.topics = std::move(topics);
    co_return out;
  }
  for (auto& g : r.groups) {
    auto& group = out.groups.emplace_back();
    group.group_id = g.group_id;
    auto [error, topics] = co_await fetch_group_offsets<pk::OffsetFetchResponseTopics,
                                                        pk::OffsetFetchResponsePartitions>(
        ctx, g.group_id, g.topics ? &*g.topics : nullptr);
    group.error_code = error;
    group.topics = std::move(topics);
  }
  co_return out;
}

awaitable<KafkaReply<pk::ListGroupsResponse>> handle(KafkaContext& ctx, pk::ListGroupsRequest) {
  pk::ListGroupsResponse out;
  for (auto& g : co_await ctx.ops.list_groups()) {
    pk::ListedGroup listed;
    listed.group_id = std::move(g.group_id);
    listed.protocol_type = g.protocol_type.empty() ? std::string(kConsumer) : g.protocol_type;
    listed.group_state = std::move(g.state);
    listed.group_type = "classic";
    out.groups.push_back(std::move(listed));
  }
  co_return out;
}

awaitable<KafkaReply<pk::DescribeGroupsResponse>> handle(KafkaContext& ctx,
                                                         pk::DescribeGroupsRequest r) {
  KafkaReply<pk::DescribeGroupsResponse> reply{pk::DescribeGroupsResponse{}};
  auto groups = co_await ctx.ops.describe_groups(std::move(r.groups));
  size_t members = 0;
  for (const auto& g : groups) members += g.members.size();
  reply.buffers.reserve(2 * members);  // the metadata and assignments, which members view
  for (auto& g : groups) {
    pk::DescribedGroup d;
    d.error_code = kafka_code(g.error);
    d.group_id = std::move(g.group_id);
    d.group_state = std::move(g.state);
    d.protocol_type = g.protocol_type.empty() ? std::string(kConsumer) : g.protocol_type;
    d.protocol_data = std::move(g.strategy);
    for (auto& m : g.members) {
      pk::DescribedGroupMember member;
      member.member_id = std::move(m.member_id);
      member.client_id = std::move(m.client_id);
      member.client_host = std::move(m.host);
      if (d.protocol_type == kConsumer) {
        write_assignment(m.assignment, reply.buffers.emplace_back());
      } else {
        member.member_metadata.bytes = reply.buffers.emplace_back(std::move(m.metadata));
        reply.buffers.emplace_back(std::move(m.client_assignment));
      }
      member.member_assignment.bytes = reply.buffers.back();
      d.members.push_back(std::move(member));
    }
    reply.body->groups.push_back(std::move(d));
  }
  co_return reply;
}

awaitable<KafkaReply<pk::DeleteGroupsResponse>> handle(KafkaContext& ctx,
                                                       pk::DeleteGroupsRequest r) {
  pk::DeleteGroupsResponse out;
  for (auto& g : co_await ctx.ops.delete_groups(std::move(r.groups_names))) {
    out.results.push_back({std::move(g.group_id), kafka_code(g.error)});
  }
  co_return out;
}

}  // namespace cairn::broker::kafka
