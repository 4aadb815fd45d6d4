#include "broker/cairn/authorize.h"

#include <algorithm>

namespace cairn::broker {

using protocol::ErrorCode;
using security::AclOperation;
using security::ResourceType;

namespace {

bool allowed(const RequestContext& ctx, AclOperation op, ResourceType type, std::string_view name) {
  if (ctx.security->allowed(ctx.principal, op, type, name)) return true;
  // A follower (ClusterAction on the cluster) learns every topic and its settings.
  return type == ResourceType::kTopic &&
         (op == AclOperation::kDescribe || op == AclOperation::kDescribeConfigs) &&
         ctx.security->allowed(ctx.principal, AclOperation::kClusterAction, ResourceType::kCluster,
                               security::kClusterResourceName);
}

bool on_cluster(const RequestContext& ctx, AclOperation op) {
  return allowed(ctx, op, ResourceType::kCluster, security::kClusterResourceName);
}

Refusals refuse(ErrorCode code, std::string message) {
  Refusals r;
  r.request = code;
  r.message = std::move(message);
  return r;
}

Refusals need_group(const RequestContext& ctx, AclOperation op, const std::string& group) {
  if (allowed(ctx, op, ResourceType::kGroup, group)) return {};
  return refuse(ErrorCode::kGroupAuthorizationFailed, std::string(ctx.principal) + " may not " +
                                                          std::string(security::name_of(op)) +
                                                          " group " + group);
}

// Takes out of `topics` (entries with a name and partitions) those `op` is not allowed on.
template <class Topics>
void take_out_topics(const RequestContext& ctx, AclOperation op, Topics& topics, Refusals& out) {
  std::erase_if(topics, [&](const auto& t) {
    if (allowed(ctx, op, ResourceType::kTopic, t.name)) return false;
    std::vector<int32_t> partitions;
    for (const auto& p : t.partitions) partitions.push_back(p.partition);
    out.topics.emplace_back(t.name, std::move(partitions));
    return true;
  });
}

// Answers every refused partition in a response whose topics have a name and partition entries
// with a partition and an error.
template <class Response>
void add_refused_partitions(Response& r, const Refusals& refused) {
  for (const auto& [name, partitions] : refused.topics) {
    auto& t = r.topics.emplace_back();
    t.name = name;
    for (int32_t p : partitions) {
      auto& entry = t.partitions.emplace_back();
      entry.partition = p;
      entry.error = ErrorCode::kTopicAuthorizationFailed;
    }
  }
}

}  // namespace

Refusals authorize(const RequestContext&, protocol::ApiVersionsRequest&) { return {}; }
Refusals authorize(const RequestContext&, protocol::SaslHandshakeRequest&) { return {}; }
Refusals authorize(const RequestContext&, protocol::SaslAuthenticateRequest&) { return {}; }

Refusals need_cluster(const RequestContext& ctx, AclOperation op) {
  if (on_cluster(ctx, op)) return {};
  return refuse(ErrorCode::kClusterAuthorizationFailed, std::string(ctx.principal) + " may not " +
                                                            std::string(security::name_of(op)) +
                                                            " the cluster");
}

Refusals authorize(const RequestContext& ctx, protocol::CreateAclsRequest&) {
  return need_cluster(ctx, AclOperation::kAlter);
}
Refusals authorize(const RequestContext& ctx, protocol::DescribeAclsRequest&) {
  return need_cluster(ctx, AclOperation::kDescribe);
}
Refusals authorize(const RequestContext& ctx, protocol::DeleteAclsRequest&) {
  return need_cluster(ctx, AclOperation::kAlter);
}
Refusals authorize(const RequestContext& ctx, protocol::AlterUserScramCredentialsRequest&) {
  return need_cluster(ctx, AclOperation::kAlter);
}
Refusals authorize(const RequestContext& ctx, protocol::DescribeUserScramCredentialsRequest&) {
  return need_cluster(ctx, AclOperation::kDescribe);
}
// Replication's own requests: a promotion changes the whole broker; where epochs ended is asked
// by a follower, Kafka's inter-broker right.
Refusals authorize(const RequestContext& ctx, protocol::PromoteRequest&) {
  return need_cluster(ctx, AclOperation::kAlter);
}
Refusals authorize(const RequestContext& ctx, protocol::OffsetForLeaderEpochRequest&) {
  return need_cluster(ctx, AclOperation::kClusterAction);
}

Refusals authorize(const RequestContext& ctx, protocol::MetadataRequest& r) {
  Refusals out;
  if (!r.topics) return out;  // every topic: finish() leaves out what may not be described
  std::erase_if(*r.topics, [&](const std::string& name) {
    if (allowed(ctx, AclOperation::kDescribe, ResourceType::kTopic, name)) return false;
    out.topics.emplace_back(name, std::vector<int32_t>{});
    return true;
  });
  // Auto-creation needs Create on the cluster or on every topic it would create.
  if (r.create_missing && !on_cluster(ctx, AclOperation::kCreate)) {
    for (const auto& name : *r.topics) {
      if (!allowed(ctx, AclOperation::kCreate, ResourceType::kTopic, name)) {
        r.create_missing = false;
      }
    }
  }
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::CreateTopicsRequest& r) {
  Refusals out;
  if (on_cluster(ctx, AclOperation::kCreate)) return out;
  std::erase_if(r.topics, [&](const protocol::NewTopic& t) {
    if (allowed(ctx, AclOperation::kCreate, ResourceType::kTopic, t.name)) return false;
    out.topics.emplace_back(t.name, std::vector<int32_t>{});
    return true;
  });
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::DeleteTopicsRequest& r) {
  Refusals out;
  std::erase_if(r.names, [&](const std::string& name) {
    if (allowed(ctx, AclOperation::kDelete, ResourceType::kTopic, name)) return false;
    out.topics.emplace_back(name, std::vector<int32_t>{});
    return true;
  });
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::ProduceRequest& r) {
  Refusals out;
  take_out_topics(ctx, AclOperation::kWrite, r.topics, out);
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::FetchRequest& r) {
  // A replica fetch moves the high watermark and the in-sync set: a follower's right, on every
  // topic.
  if (r.replica_id >= 0) return need_cluster(ctx, AclOperation::kClusterAction);
  Refusals out;
  bool asked = !r.topics.empty();
  take_out_topics(ctx, AclOperation::kRead, r.topics, out);
  if (asked && r.topics.empty()) r.max_wait_ms = 0;  // nothing left to wait for
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::ListOffsetsRequest& r) {
  Refusals out;
  take_out_topics(ctx, AclOperation::kDescribe, r.topics, out);
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::FindCoordinatorRequest& r) {
  if (r.key_type == protocol::kCoordinatorKeyTransaction) {
    if (allowed(ctx, AclOperation::kDescribe, ResourceType::kTransactionalId, r.key)) return {};
    return refuse(ErrorCode::kTransactionalIdAuthorizationFailed,
                  std::string(ctx.principal) + " may not describe transactional id " + r.key);
  }
  return need_group(ctx, AclOperation::kDescribe, r.key);
}
Refusals authorize(const RequestContext& ctx, protocol::JoinGroupRequest& r) {
  return need_group(ctx, AclOperation::kRead, r.group_id);
}
Refusals authorize(const RequestContext& ctx, protocol::SyncGroupRequest& r) {
  return need_group(ctx, AclOperation::kRead, r.group_id);
}
Refusals authorize(const RequestContext& ctx, protocol::HeartbeatRequest& r) {
  return need_group(ctx, AclOperation::kRead, r.group_id);
}
Refusals authorize(const RequestContext& ctx, protocol::LeaveGroupRequest& r) {
  return need_group(ctx, AclOperation::kRead, r.group_id);
}

Refusals authorize(const RequestContext& ctx, protocol::OffsetCommitRequest& r) {
  Refusals out = need_group(ctx, AclOperation::kRead, r.group_id);
  if (out.request) return out;
  take_out_topics(ctx, AclOperation::kRead, r.topics, out);
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::OffsetFetchRequest& r) {
  Refusals out = need_group(ctx, AclOperation::kDescribe, r.group_id);
  if (out.request || !r.topics) return out;
  std::erase_if(*r.topics, [&](const protocol::TopicPartitions& t) {
    if (allowed(ctx, AclOperation::kDescribe, ResourceType::kTopic, t.topic)) return false;
    out.topics.emplace_back(t.topic, t.partitions);
    return true;
  });
  return out;
}

Refusals authorize(const RequestContext&, protocol::ListGroupsRequest&) { return {}; }
Refusals authorize(const RequestContext&, protocol::DescribeGroupsRequest&) { return {}; }

Refusals authorize(const RequestContext& ctx, protocol::InitProducerIdRequest& r) {
  if (!r.transactional_id.empty()) {
    if (allowed(ctx, AclOperation::kWrite, ResourceType::kTransactionalId, r.transactional_id)) {
      return {};
    }
    return refuse(
        ErrorCode::kTransactionalIdAuthorizationFailed,
        std::string(ctx.principal) + " may not write transactional id " + r.transactional_id);
  }
  if (on_cluster(ctx, AclOperation::kIdempotentWrite) ||
      ctx.security->authorizer.authorize_any(ctx.principal, AclOperation::kWrite,
                                             ResourceType::kTopic)) {
    return {};
  }
  return refuse(ErrorCode::kClusterAuthorizationFailed,
                std::string(ctx.principal) + " may not produce idempotently");
}

Refusals authorize(const RequestContext& ctx, protocol::DeleteGroupsRequest& r) {
  Refusals out;
  std::erase_if(r.groups, [&](const std::string& group) {
    if (allowed(ctx, AclOperation::kDelete, ResourceType::kGroup, group)) return false;
    out.groups.push_back(group);
    return true;
  });
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::TopicConfigRequest& r) {
  AclOperation op =
      r.changes.empty() ? AclOperation::kDescribeConfigs : AclOperation::kAlterConfigs;
  if (allowed(ctx, op, ResourceType::kTopic, r.topic)) return {};
  return refuse(ErrorCode::kTopicAuthorizationFailed, std::string(ctx.principal) + " may not " +
                                                          std::string(security::name_of(op)) +
                                                          " topic " + r.topic);
}

void finish(const RequestContext& ctx, protocol::MetadataResponse& r, const Refusals& refused) {
  std::erase_if(r.topics, [&](const protocol::TopicMetadata& t) {
    return !allowed(ctx, AclOperation::kDescribe, ResourceType::kTopic, t.name);
  });
  for (const auto& [name, partitions] : refused.topics) {
    auto& t = r.topics.emplace_back();
    t.name = name;
    t.error = ErrorCode::kTopicAuthorizationFailed;
  }
}

void finish(const RequestContext&, protocol::TopicResultsResponse& r, const Refusals& refused) {
  for (const auto& [name, partitions] : refused.topics) {
    r.results.push_back({name, ErrorCode::kTopicAuthorizationFailed, "not authorized"});
  }
}

void finish(const RequestContext&, protocol::ProduceResponse& r, const Refusals& refused) {
  add_refused_partitions(r, refused);
}
void finish(const RequestContext&, protocol::FetchResponse& r, const Refusals& refused) {
  add_refused_partitions(r, refused);
}
void finish(const RequestContext&, protocol::ListOffsetsResponse& r, const Refusals& refused) {
  add_refused_partitions(r, refused);
}
void finish(const RequestContext&, protocol::OffsetCommitResponse& r, const Refusals& refused) {
  add_refused_partitions(r, refused);
}

void finish(const RequestContext& ctx, protocol::OffsetFetchResponse& r, const Refusals& refused) {
  std::erase_if(r.topics, [&](const protocol::FetchedOffsets& t) {
    return !allowed(ctx, AclOperation::kDescribe, ResourceType::kTopic, t.name);
  });
  add_refused_partitions(r, refused);
}

void finish(const RequestContext& ctx, protocol::ListGroupsResponse& r, const Refusals&) {
  if (on_cluster(ctx, AclOperation::kDescribe)) return;
  std::erase_if(r.groups, [&](const protocol::GroupListing& g) {
    return !allowed(ctx, AclOperation::kDescribe, ResourceType::kGroup, g.group_id);
  });
}

void finish(const RequestContext& ctx, protocol::DescribeGroupsResponse& r, const Refusals&) {
  for (auto& g : r.groups) {
    if (allowed(ctx, AclOperation::kDescribe, ResourceType::kGroup, g.group_id)) continue;
    g = protocol::DescribedGroup{.group_id = std::move(g.group_id),
                                 .error = ErrorCode::kGroupAuthorizationFailed};
  }
}

void finish(const RequestContext&, protocol::DeleteGroupsResponse& r, const Refusals& refused) {
  for (const auto& group : refused.groups) {
    r.groups.push_back({group, ErrorCode::kGroupAuthorizationFailed, "not authorized"});
  }
}

}  // namespace cairn::broker
