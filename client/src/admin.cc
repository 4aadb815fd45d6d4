#include "cairn/admin.h"

#include <algorithm>
#include <set>

#include "client/src/connection.h"
#include "client/src/wire_status.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/group.h"

namespace cairn::client {

using protocol::ApiKey;
using protocol::ErrorCode;

// Owns one connection; each call is a blocking request on it from the caller's thread.
struct Admin::Impl {
  std::unique_ptr<Connection> conn;
};

namespace {

// The outcome for `name` in a CreateTopics or DeleteTopics reply.
Status topic_status(const protocol::TopicResultsResponse& r, const std::string& name) {
  std::string context = "topic '" + name + "'";
  for (const auto& t : r.results) {
    if (t.name == name) return to_status(t.error, context, t.message);
  }
  return missing_entry(context);
}

TopicSettings settings_of(const protocol::TopicSettings& s) {
  return {s.retention_ms, s.retention_bytes, s.segment_bytes, s.segment_ms, s.durability};
}

protocol::TopicSettings wire_settings(const TopicSettings& s) {
  return {s.retention_ms, s.retention_bytes, s.segment_bytes, s.segment_ms, s.durability};
}

TopicDescription description_of(const protocol::TopicMetadata& t) {
  TopicDescription out{t.name, settings_of(t.settings), {}};
  for (const auto& p : t.partitions) {
    std::string context = "partition " + partition_name({t.name, p.partition});
    out.partitions.push_back({p.partition, to_status(p.error, context, p.error_message),
                              p.log_start_offset, p.high_watermark, p.size_bytes});
  }
  return out;
}

GroupDescription description_of(const protocol::DescribedGroup& g) {
  GroupDescription out{g.group_id, g.state, g.strategy, g.generation, {}, {}};
  for (const auto& m : g.members) {
    GroupMemberDescription& member = out.members.emplace_back();
    member.member_id = m.member_id;
    member.client_id = m.client_id;
    member.host = m.host;
    for (const auto& a : m.assignment) {
      for (int32_t p : a.partitions) member.assignment.push_back({a.topic, p});
    }
  }
  return out;
}

// The offsets a ListOffsets reply gives for `all`, each of which it must hold.
Result<std::map<TopicPartition, int64_t>> offsets_of(const protocol::ListOffsetsResponse& r,
                                                     const std::vector<TopicPartition>& all) {
  std::map<TopicPartition, int64_t> out;
  for (const auto& tp : all) {
    const auto* p = find_partition(r.topics, tp.topic, tp.partition);
    if (p == nullptr) return missing_entry("offsets of " + partition_name(tp));
    out[tp] = p->offset;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Admin>> Admin::create(const AdminConfig& config) {
  auto conn = Connection::connect({config.broker, config.client_id, config.connect_timeout,
                                   config.request_timeout, config.tls, config.sasl,
                                   /*find_leader=*/true});
  if (!conn) return conn.error();
  auto impl = std::make_unique<Impl>();
  impl->conn = std::move(*conn);
  return std::unique_ptr<Admin>(new Admin(std::move(impl)));
}

Admin::Admin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Admin::~Admin() = default;

Status Admin::create_topic(const NewTopicSpec& spec) {
  protocol::CreateTopicsRequest req;
  req.topics.push_back({spec.name, spec.partitions, wire_settings(spec.settings)});
  auto r = impl_->conn->call<protocol::CreateTopicsRequest, protocol::CreateTopicsResponse>(
      ApiKey::kCreateTopics, req);
  if (!r) return r.error();
  return topic_status(r->body, spec.name);
}

Status Admin::delete_topic(const std::string& name) {
  auto r = impl_->conn->call<protocol::DeleteTopicsRequest, protocol::DeleteTopicsResponse>(
      ApiKey::kDeleteTopics, protocol::DeleteTopicsRequest{{name}});
  if (!r) return r.error();
  return topic_status(r->body, name);
}

Result<std::vector<std::string>> Admin::list_topics() {
  auto r = impl_->conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(
      ApiKey::kMetadata, protocol::MetadataRequest{});
  if (!r) return r.error();
  std::vector<std::string> out;
  for (const auto& t : r->body.topics) out.push_back(t.name);
  return out;
}

Result<TopicDescription> Admin::describe_topic(const std::string& name) {
  auto r = impl_->conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(
      ApiKey::kMetadata, protocol::MetadataRequest{std::vector<std::string>{name}},
      impl_->conn->metadata_options());
  if (!r) return r.error();
  std::string context = "topic '" + name + "'";
  for (const auto& t : r->body.topics) {
    if (t.name != name) continue;
    CAIRN_RETURN_IF_ERROR(to_status(t.error, context));
    return description_of(t);
  }
  return missing_entry(context);
}

Result<std::vector<GroupListing>> Admin::list_groups() {
  auto r = impl_->conn->call<protocol::ListGroupsRequest, protocol::ListGroupsResponse>(
      ApiKey::kListGroups, protocol::ListGroupsRequest{});
  if (!r) return r.error();
  std::vector<GroupListing> out;
  for (const auto& g : r->body.groups) out.push_back({g.group_id, g.state, g.members});
  return out;
}

Result<GroupDescription> Admin::describe_group(const std::string& group) {
  auto d = impl_->conn->call<protocol::DescribeGroupsRequest, protocol::DescribeGroupsResponse>(
      ApiKey::kDescribeGroups, protocol::DescribeGroupsRequest{{group}});
  if (!d) return d.error();
  std::string context = "group '" + group + "'";
  auto described = std::ranges::find(d->body.groups, group, &protocol::DescribedGroup::group_id);
  if (described == d->body.groups.end()) return missing_entry(context);
  CAIRN_RETURN_IF_ERROR(to_status(described->error, context));
  GroupDescription out = description_of(*described);
  auto committed = impl_->conn->call<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse>(
      ApiKey::kOffsetFetch, protocol::OffsetFetchRequest{group, std::nullopt});
  if (!committed) return committed.error();
  CAIRN_RETURN_IF_ERROR(to_status(committed->body.error, "committed offsets of " + context));

  // Every partition of every topic the group commits to or is assigned.
  std::map<TopicPartition, std::string> owners;
  std::set<std::string> topics;
  for (const auto& m : out.members) {
    for (const auto& tp : m.assignment) {
      topics.insert(tp.topic);
      owners[tp] = m.member_id;
    }
  }
  std::map<TopicPartition, int64_t> commits;
  for (const auto& t : committed->body.topics) {
    topics.insert(t.name);
    for (const auto& p : t.partitions) commits[{t.name, p.partition}] = p.offset;
  }
  protocol::ListOffsetsRequest ends, starts;
  std::vector<TopicPartition> all;
  for (const auto& topic : topics) {
    auto meta = describe_topic(topic);
    if (!meta) continue;  // deleted since
    ends.topics.push_back({topic, {}});
    starts.topics.push_back({topic, {}});
    for (const auto& p : meta->partitions) {
      ends.topics.back().partitions.push_back({p.partition, protocol::kLatestTimestamp});
      starts.topics.back().partitions.push_back({p.partition, protocol::kEarliestTimestamp});
      all.push_back({topic, p.partition});
    }
  }
  auto end_r = impl_->conn->call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
      ApiKey::kListOffsets, ends);
  if (!end_r) return end_r.error();
  auto start_r = impl_->conn->call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
      ApiKey::kListOffsets, starts);
  if (!start_r) return start_r.error();
  auto end_of = offsets_of(end_r->body, all);
  if (!end_of) return end_of.error();
  auto start_of = offsets_of(start_r->body, all);
  if (!start_of) return start_of.error();
  for (const auto& tp : all) {
    GroupPartitionLag lag;
    lag.topic_partition = tp;
    lag.end_offset = (*end_of)[tp];
    if (auto it = commits.find(tp); it != commits.end()) lag.committed = it->second;
    lag.lag = std::max<int64_t>(0, lag.end_offset - lag.committed.value_or((*start_of)[tp]));
    if (auto it = owners.find(tp); it != owners.end()) lag.owner = it->second;
    out.partitions.push_back(std::move(lag));
  }
  return out;
}

Result<std::vector<PartitionOffsetReset>> Admin::plan_offset_reset(
    const std::string& topic, OffsetTarget target, std::optional<int32_t> partition) {
  auto meta = describe_topic(topic);
  if (!meta) return meta.error();
  std::vector<PartitionOffsetReset> plan;
  for (const auto& p : meta->partitions) {
    if (partition && p.partition != *partition) continue;
    CAIRN_RETURN_IF_ERROR(p.status);
    PartitionOffsetReset& r = plan.emplace_back();
    r.partition = p.partition;
    r.log_start = p.log_start_offset;
    r.log_end = p.high_watermark;
    switch (target.kind) {
      case OffsetTarget::Kind::kEarliest: r.offset = r.log_start; break;
      case OffsetTarget::Kind::kLatest: r.offset = r.log_end; break;
      case OffsetTarget::Kind::kOffset:
        r.offset = std::clamp(target.offset, r.log_start, r.log_end);
        r.clamped = r.offset != target.offset;
        break;
    }
  }
  if (plan.empty()) {
    return Status::not_found("topic '" + topic + "' has no partition " +
                             std::to_string(partition.value_or(0)));
  }
  return plan;
}

Status Admin::reset_offsets(const std::string& group, const std::string& topic,
                            const std::vector<PartitionOffsetReset>& plan) {
  protocol::OffsetCommitRequest commit{group, -1, "", {{topic, {}}}};
  for (const auto& p : plan) commit.topics[0].partitions.push_back({p.partition, p.offset, ""});
  auto r = impl_->conn->call<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
      ApiKey::kOffsetCommit, commit);
  if (!r) return r.error();
  for (const auto& p : plan) {
    std::string context = "reset of " + partition_name({topic, p.partition});
    const auto* result = find_partition(r->body.topics, topic, p.partition);
    if (result == nullptr) return missing_entry(context);
    if (result->error == ErrorCode::kNonEmptyGroup) {
      return to_status(result->error, "group '" + group + "'",
                       "it has members: stop its consumers first");
    }
    CAIRN_RETURN_IF_ERROR(to_status(result->error, context));
  }
  return Status::ok();
}

Status Admin::reset_offsets(const std::string& group, const std::string& topic,
                            OffsetTarget target) {
  auto plan = plan_offset_reset(topic, target);
  if (!plan) return plan.error();
  return reset_offsets(group, topic, *plan);
}

Status Admin::delete_group(const std::string& group) {
  std::string context = "group '" + group + "'";
  auto r = impl_->conn->call<protocol::DeleteGroupsRequest, protocol::DeleteGroupsResponse>(
      ApiKey::kDeleteGroups, protocol::DeleteGroupsRequest{{group}});
  if (!r) return r.error();
  auto deleted = std::ranges::find(r->body.groups, group, &protocol::DeletedGroup::group_id);
  if (deleted == r->body.groups.end()) return missing_entry(context);
  return to_status(deleted->error, context, deleted->message);
}

}  // namespace cairn::client
