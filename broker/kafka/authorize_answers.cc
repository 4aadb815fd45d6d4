// The answers of the Kafka authorizer (authorize.h): a request refused whole, and the entries
// authorize() took out put back into the handler's response with their error.
#include "broker/kafka/authorize.h"

#include <algorithm>

namespace cairn::broker::kafka {

using pk::ErrorCode;
using security::AclOperation;
using security::ResourceType;

namespace {

const int16_t kTopicRefused = pk::code_of(ErrorCode::kTopicAuthorizationFailed);
const int16_t kGroupRefused = pk::code_of(ErrorCode::kGroupAuthorizationFailed);

// Appends every refused topic's partitions, with TOPIC_AUTHORIZATION_FAILED, to a response's
// topics: set_name(topic, name) and add_partition(topic, partition).
template <class Topics, class SetName, class AddPartition>
void add_refused_partitions(Topics& topics, const KafkaRefusals& refused, SetName set_name,
                            AddPartition add_partition) {
  for (const auto& [name, partitions] : refused.topics) {
    auto& t = topics.emplace_back();
    set_name(t, name);
    for (int32_t p : partitions) add_partition(t, p);
  }
}

template <class Response>
void add_refused_alterations(Response& r, const KafkaRefusals& refused) {
  for (const auto& res : refused.resources) {
    r.responses.push_back({pk::code_of(res.error), "not authorized", res.type, res.name});
  }
}

}  // namespace

template <>
pk::FindCoordinatorResponse refused(const pk::FindCoordinatorRequest& r, ErrorCode error) {
  pk::FindCoordinatorResponse out;
  out.error_code = pk::code_of(error);
  out.error_message = "not authorized";
  for (const auto& key : r.coordinator_keys) {
    out.coordinators.push_back({key, -1, "", -1, pk::code_of(error), "not authorized"});
  }
  return out;
}

template <>
pk::OffsetCommitResponse refused(const pk::OffsetCommitRequest& r, ErrorCode error) {
  return each_partition_refused<pk::OffsetCommitResponse>(r, error);
}

template <>
pk::CreateAclsResponse refused(const pk::CreateAclsRequest& r, ErrorCode error) {
  pk::CreateAclsResponse out;
  out.results.assign(r.creations.size(), {pk::code_of(error), "not authorized"});
  return out;
}

template <>
pk::DeleteAclsResponse refused(const pk::DeleteAclsRequest& r, ErrorCode error) {
  pk::DeleteAclsResponse out;
  out.filter_results.assign(r.filters.size(), {pk::code_of(error), "not authorized", {}});
  return out;
}

void finish(const KafkaContext& ctx, pk::MetadataResponse& r, const KafkaRefusals& refused) {
  std::erase_if(r.topics, [&](const pk::MetadataResponseTopic& t) {
    return !allowed(ctx, AclOperation::kDescribe, ResourceType::kTopic, t.name.value_or(""));
  });
  for (const auto& [name, partitions] : refused.topics) {
    auto& t = r.topics.emplace_back();
    t.name = name;
    t.error_code = kTopicRefused;
  }
}

void finish(const KafkaContext&, pk::ProduceResponse& r, const KafkaRefusals& refused) {
  add_refused_partitions(
      r.responses, refused, [](auto& t, const std::string& name) { t.name = name; },
      [](auto& t, int32_t p) {
        auto& e = t.partition_responses.emplace_back();
        e.index = p;
        e.error_code = kTopicRefused;
        e.base_offset = -1;
      });
}

void finish(const KafkaContext&, pk::FetchResponse& r, const KafkaRefusals& refused) {
  add_refused_partitions(
      r.responses, refused, [](auto& t, const std::string& name) { t.topic = name; },
      [](auto& t, int32_t p) {
        auto& e = t.partitions.emplace_back();
        e.partition_index = p;
        e.error_code = kTopicRefused;
        e.high_watermark = -1;
      });
}

void finish(const KafkaContext&, pk::ListOffsetsResponse& r, const KafkaRefusals& refused) {
  add_refused_partitions(
      r.topics, refused, [](auto& t, const std::string& name) { t.name = name; },
      [](auto& t, int32_t p) {
        auto& e = t.partitions.emplace_back();
        e.partition_index = p;
        e.error_code = kTopicRefused;
      });
}

void finish(const KafkaContext&, pk::OffsetCommitResponse& r, const KafkaRefusals& refused) {
  add_refused_partitions(
      r.topics, refused, [](auto& t, const std::string& name) { t.name = name; },
      [](auto& t, int32_t p) {
        t.partitions.push_back({p, kTopicRefused});
      });
}

void finish(const KafkaContext&, pk::CreatePartitionsResponse& r, const KafkaRefusals& refused) {
  for (const auto& [name, partitions] : refused.topics) {
    auto& t = r.results.emplace_back();
    t.name = name;
    t.error_code = kTopicRefused;
    t.error_message = "not authorized";
  }
}

void finish(const KafkaContext&, pk::DeleteRecordsResponse& r, const KafkaRefusals& refused) {
  add_refused_partitions(
      r.topics, refused, [](auto& t, const std::string& name) { t.name = name; },
      [](auto& t, int32_t p) {
        auto& e = t.partitions.emplace_back();
        e.partition_index = p;
        e.low_watermark = -1;
        e.error_code = kTopicRefused;
      });
}

void finish(const KafkaContext&, pk::OffsetForLeaderEpochResponse& r,
            const KafkaRefusals& refused) {
  add_refused_partitions(
      r.topics, refused, [](auto& t, const std::string& name) { t.topic = name; },
      [](auto& t, int32_t p) {
        auto& e = t.partitions.emplace_back();
        e.partition = p;
        e.error_code = kTopicRefused;
      });
}

void finish(const KafkaContext&, pk::CreateTopicsResponse& r, const KafkaRefusals& refused) {
  for (const auto& [name, partitions] : refused.topics) {
    auto& t = r.topics.emplace_back();
    t.name = name;
    t.error_code = kTopicRefused;
    t.error_message = "not authorized";
  }
}

void finish(const KafkaContext&, pk::DeleteTopicsResponse& r, const KafkaRefusals& refused) {
  for (const auto& [name, partitions] : refused.topics) {
    auto& t = r.responses.emplace_back();
    t.name = name;
    t.error_code = kTopicRefused;
  }
}

// Offsets of topics the principal may not describe are not told: an entry asked for by name
// carries TOPIC_AUTHORIZATION_FAILED, one from a listing of every topic is left out.
void finish(const KafkaContext& ctx, pk::OffsetFetchResponse& r, const KafkaRefusals& refused) {
  auto hidden = [&](const std::string& name) {
    return !allowed(ctx, AclOperation::kDescribe, ResourceType::kTopic, name);
  };
  auto mask = [&](auto& topics) {
    for (auto& t : topics) {
      if (!hidden(t.name)) continue;
      for (auto& p : t.partitions) {
        p.committed_offset = -1;
        p.metadata = "";
        p.error_code = kTopicRefused;
      }
    }
  };
  mask(r.topics);
  for (auto& g : r.groups) mask(g.topics);
  for (const auto& group : refused.groups) {
    auto& g = r.groups.emplace_back();
    g.group_id = group;
    g.error_code = kGroupRefused;
  }
}

void finish(const KafkaContext& ctx, pk::ListGroupsResponse& r, const KafkaRefusals&) {
  if (on_cluster(ctx, AclOperation::kDescribe)) return;
  std::erase_if(r.groups, [&](const pk::ListedGroup& g) {
    return !allowed(ctx, AclOperation::kDescribe, ResourceType::kGroup, g.group_id);
  });
}

void finish(const KafkaContext& ctx, pk::DescribeGroupsResponse& r, const KafkaRefusals&) {
  for (auto& g : r.groups) {
    if (allowed(ctx, AclOperation::kDescribe, ResourceType::kGroup, g.group_id)) continue;
    pk::DescribedGroup hidden;
    hidden.group_id = std::move(g.group_id);
    hidden.error_code = kGroupRefused;
    g = std::move(hidden);
  }
}

void finish(const KafkaContext&, pk::DeleteGroupsResponse& r, const KafkaRefusals& refused) {
  for (const auto& group : refused.groups) r.results.push_back({group, kGroupRefused});
}

void finish(const KafkaContext&, pk::DescribeConfigsResponse& r, const KafkaRefusals& refused) {
  for (const auto& res : refused.resources) {
    r.results.push_back({pk::code_of(res.error), "not authorized", res.type, res.name, {}});
  }
}

void finish(const KafkaContext&, pk::AlterConfigsResponse& r, const KafkaRefusals& refused) {
  add_refused_alterations(r, refused);
}
void finish(const KafkaContext&, pk::IncrementalAlterConfigsResponse& r,
            const KafkaRefusals& refused) {
  add_refused_alterations(r, refused);
}

}  // namespace cairn::broker::kafka
