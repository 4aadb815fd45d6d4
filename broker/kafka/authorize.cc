#include "broker/kafka/authorize.h"

#include <algorithm>

namespace cairn::broker::kafka {

using pk::ErrorCode;
using security::AclOperation;
using security::ResourceType;

namespace {

constexpr int8_t kTopicResource = 2;  // Kafka's config resource types
constexpr int8_t kBrokerResource = 4;
constexpr int8_t kTransactionKey = 1;  // FindCoordinator's key type of a transactional id

KafkaRefusals refuse(ErrorCode code) {
  KafkaRefusals r;
  r.request = code;
  return r;
}

KafkaRefusals need_group(const KafkaContext& ctx, AclOperation op, const std::string& group) {
  if (allowed(ctx, op, ResourceType::kGroup, group)) return {};
  return refuse(ErrorCode::kGroupAuthorizationFailed);
}

KafkaRefusals need_cluster(const KafkaContext& ctx, AclOperation op) {
  if (on_cluster(ctx, op)) return {};
  return refuse(ErrorCode::kClusterAuthorizationFailed);
}

// Takes out of `topics` those `op` is not allowed on; name_of(topic) is its name,
// partition_of(entry) an entry's partition, and partitions_of(topic) its entries.
template <class Topics, class Name, class Partitions, class Partition>
void take_out_topics(const KafkaContext& ctx, AclOperation op, Topics& topics, Name name_of,
                     Partitions partitions_of, Partition partition_of, KafkaRefusals& out) {
  std::erase_if(topics, [&](const auto& t) {
    if (allowed(ctx, op, ResourceType::kTopic, name_of(t))) return false;
    std::vector<int32_t> partitions;
    for (const auto& p : partitions_of(t)) partitions.push_back(partition_of(p));
    out.topics.emplace_back(name_of(t), std::move(partitions));
    return true;
  });
}

// A config resource's right: the topic's, or the cluster's for the broker resource.
template <class Resources>
void take_out_config_resources(const KafkaContext& ctx, AclOperation op, Resources& resources,
                               KafkaRefusals& out) {
  std::erase_if(resources, [&](const auto& res) {
    if (res.resource_type == kTopicResource) {
      if (allowed(ctx, op, ResourceType::kTopic, res.resource_name)) return false;
      out.resources.push_back(
          {res.resource_type, res.resource_name, ErrorCode::kTopicAuthorizationFailed});
      return true;
    }
    if (res.resource_type == kBrokerResource && !on_cluster(ctx, op)) {
      out.resources.push_back(
          {res.resource_type, res.resource_name, ErrorCode::kClusterAuthorizationFailed});
      return true;
    }
    return false;  // the handler answers what it does not know
  });
}

}  // namespace

KafkaRefusals authorize(const KafkaContext& ctx, pk::MetadataRequest& r) {
  KafkaRefusals out;
  if (!r.topics) return out;  // every topic: finish() leaves out what may not be described
  std::erase_if(*r.topics, [&](const pk::MetadataRequestTopic& t) {
    std::string name = t.name.value_or("");
    if (allowed(ctx, AclOperation::kDescribe, ResourceType::kTopic, name)) return false;
    out.topics.emplace_back(std::move(name), std::vector<int32_t>{});
    return true;
  });
  // Auto-creation needs Create on the cluster or on every topic it would create.
  if (r.allow_auto_topic_creation && !on_cluster(ctx, AclOperation::kCreate)) {
    for (const auto& t : *r.topics) {
      if (!allowed(ctx, AclOperation::kCreate, ResourceType::kTopic, t.name.value_or(""))) {
        r.allow_auto_topic_creation = false;
      }
    }
  }
  return out;
}

// A transactional producer's request also needs Write on its transactional id (every partition
// refused otherwise).
KafkaRefusals authorize(const KafkaContext& ctx, pk::ProduceRequest& r) {
  if (r.transactional_id && !r.transactional_id->empty() &&
      !allowed(ctx, AclOperation::kWrite, ResourceType::kTransactionalId, *r.transactional_id)) {
    return refuse(ErrorCode::kTransactionalIdAuthorizationFailed);
  }
  KafkaRefusals out;
  take_out_topics(
      ctx, AclOperation::kWrite, r.topic_data, [](const auto& t) { return t.name; },
      [](const auto& t) -> const auto& { return t.partition_data; },
      [](const auto& p) { return p.index; }, out);
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::FetchRequest& r) {
  KafkaRefusals out;
  bool asked = !r.topics.empty();
  take_out_topics(
      ctx, AclOperation::kRead, r.topics, [](const auto& t) { return t.topic; },
      [](const auto& t) -> const auto& { return t.partitions; },
      [](const auto& p) { return p.partition; }, out);
  if (asked && r.topics.empty()) r.max_wait_ms = 0;  // nothing left to wait for
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::ListOffsetsRequest& r) {
  KafkaRefusals out;
  take_out_topics(
      ctx, AclOperation::kDescribe, r.topics, [](const auto& t) { return t.name; },
      [](const auto& t) -> const auto& { return t.partitions; },
      [](const auto& p) { return p.partition_index; }, out);
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::CreateTopicsRequest& r) {
  KafkaRefusals out;
  if (on_cluster(ctx, AclOperation::kCreate)) return out;
  std::erase_if(r.topics, [&](const pk::CreatableTopic& t) {
    if (allowed(ctx, AclOperation::kCreate, ResourceType::kTopic, t.name)) return false;
    out.topics.emplace_back(t.name, std::vector<int32_t>{});
    return true;
  });
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::DeleteTopicsRequest& r) {
  KafkaRefusals out;
  std::erase_if(r.topic_names, [&](const std::string& name) {
    if (allowed(ctx, AclOperation::kDelete, ResourceType::kTopic, name)) return false;
    out.topics.emplace_back(name, std::vector<int32_t>{});
    return true;
  });
  std::erase_if(r.topics, [&](const pk::DeleteTopicState& t) {
    std::string name = t.name.value_or("");
    if (allowed(ctx, AclOperation::kDelete, ResourceType::kTopic, name)) return false;
    out.topics.emplace_back(std::move(name), std::vector<int32_t>{});
    return true;
  });
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::InitProducerIdRequest& r) {
  if (r.transactional_id && !r.transactional_id->empty()) {
    if (allowed(ctx, AclOperation::kWrite, ResourceType::kTransactionalId, *r.transactional_id)) {
      return {};
    }
    return refuse(ErrorCode::kTransactionalIdAuthorizationFailed);
  }
  if (on_cluster(ctx, AclOperation::kIdempotentWrite) ||
      ctx.security->authorizer.authorize_any(ctx.principal, AclOperation::kWrite,
                                             ResourceType::kTopic)) {
    return {};
  }
  return refuse(ErrorCode::kClusterAuthorizationFailed);
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::FindCoordinatorRequest& r) {
  std::vector<std::string> keys = r.coordinator_keys;
  if (ctx.version() < 4) keys = {r.key};
  for (const auto& key : keys) {
    if (r.key_type == kTransactionKey) {
      if (!allowed(ctx, AclOperation::kDescribe, ResourceType::kTransactionalId, key)) {
        return refuse(ErrorCode::kTransactionalIdAuthorizationFailed);
      }
    } else if (!allowed(ctx, AclOperation::kDescribe, ResourceType::kGroup, key)) {
      return refuse(ErrorCode::kGroupAuthorizationFailed);
    }
  }
  return {};
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::JoinGroupRequest& r) {
  return need_group(ctx, AclOperation::kRead, r.group_id);
}
KafkaRefusals authorize(const KafkaContext& ctx, pk::SyncGroupRequest& r) {
  return need_group(ctx, AclOperation::kRead, r.group_id);
}
KafkaRefusals authorize(const KafkaContext& ctx, pk::HeartbeatRequest& r) {
  return need_group(ctx, AclOperation::kRead, r.group_id);
}
KafkaRefusals authorize(const KafkaContext& ctx, pk::LeaveGroupRequest& r) {
  return need_group(ctx, AclOperation::kRead, r.group_id);
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::OffsetCommitRequest& r) {
  KafkaRefusals out = need_group(ctx, AclOperation::kRead, r.group_id);
  if (out.request) return out;
  take_out_topics(
      ctx, AclOperation::kRead, r.topics, [](const auto& t) { return t.name; },
      [](const auto& t) -> const auto& { return t.partitions; },
      [](const auto& p) { return p.partition_index; }, out);
  return out;
}

// Topics the principal may not describe are answered in finish(); groups are checked here.
KafkaRefusals authorize(const KafkaContext& ctx, pk::OffsetFetchRequest& r) {
  if (ctx.version() < 8) return need_group(ctx, AclOperation::kDescribe, r.group_id);
  KafkaRefusals out;
  std::erase_if(r.groups, [&](const pk::OffsetFetchRequestGroup& g) {
    if (allowed(ctx, AclOperation::kDescribe, ResourceType::kGroup, g.group_id)) return false;
    out.groups.push_back(g.group_id);
    return true;
  });
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::DeleteGroupsRequest& r) {
  KafkaRefusals out;
  std::erase_if(r.groups_names, [&](const std::string& group) {
    if (allowed(ctx, AclOperation::kDelete, ResourceType::kGroup, group)) return false;
    out.groups.push_back(group);
    return true;
  });
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::DescribeConfigsRequest& r) {
  KafkaRefusals out;
  take_out_config_resources(ctx, AclOperation::kDescribeConfigs, r.resources, out);
  return out;
}
KafkaRefusals authorize(const KafkaContext& ctx, pk::AlterConfigsRequest& r) {
  KafkaRefusals out;
  take_out_config_resources(ctx, AclOperation::kAlterConfigs, r.resources, out);
  return out;
}
KafkaRefusals authorize(const KafkaContext& ctx, pk::IncrementalAlterConfigsRequest& r) {
  KafkaRefusals out;
  take_out_config_resources(ctx, AclOperation::kAlterConfigs, r.resources, out);
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::CreatePartitionsRequest& r) {
  KafkaRefusals out;
  std::erase_if(r.topics, [&](const pk::CreatePartitionsTopic& t) {
    if (allowed(ctx, AclOperation::kAlter, ResourceType::kTopic, t.name)) return false;
    out.topics.emplace_back(t.name, std::vector<int32_t>{});
    return true;
  });
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::DeleteRecordsRequest& r) {
  KafkaRefusals out;
  take_out_topics(
      ctx, AclOperation::kDelete, r.topics, [](const auto& t) { return t.name; },
      [](const auto& t) -> const auto& { return t.partitions; },
      [](const auto& p) { return p.partition_index; }, out);
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::OffsetForLeaderEpochRequest& r) {
  KafkaRefusals out;
  take_out_topics(
      ctx, AclOperation::kDescribe, r.topics, [](const auto& t) { return t.topic; },
      [](const auto& t) -> const auto& { return t.partitions; },
      [](const auto& p) { return p.partition; }, out);
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::CreateAclsRequest&) {
  return need_cluster(ctx, AclOperation::kAlter);
}
KafkaRefusals authorize(const KafkaContext& ctx, pk::DescribeAclsRequest&) {
  return need_cluster(ctx, AclOperation::kDescribe);
}
KafkaRefusals authorize(const KafkaContext& ctx, pk::DeleteAclsRequest&) {
  return need_cluster(ctx, AclOperation::kAlter);
}

}  // namespace cairn::broker::kafka
