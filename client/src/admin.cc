#include "cairn/admin.h"

#include <algorithm>
#include <set>

#include "cairn/connection.h"

namespace cairn::client {

using protocol::ApiKey;
using protocol::ErrorCode;

struct Admin::Impl {
  std::unique_ptr<Connection> conn;
};

namespace {

Status topic_status(const protocol::TopicResult& r) {
  if (r.error == ErrorCode::kNone) return Status::ok();
  std::string msg = "topic '" + r.name + "': " + std::string(protocol::error_name(r.error)) +
                    (r.message.empty() ? "" : ": " + r.message);
  if (r.error == ErrorCode::kUnknownTopicOrPartition) return Status::not_found(msg);
  return Status::invalid_argument(msg);
}

}  // namespace

Result<std::unique_ptr<Admin>> Admin::create(AdminConfig config) {
  auto conn = Connection::connect({config.broker, config.client_id, config.connect_timeout,
                                   config.request_timeout});
  if (!conn) return conn.error();
  auto impl = std::make_unique<Impl>();
  impl->conn = std::move(*conn);
  return std::unique_ptr<Admin>(new Admin(std::move(impl)));
}

Admin::Admin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Admin::~Admin() = default;

Status Admin::create_topic(const NewTopicSpec& spec) {
  protocol::CreateTopicsRequest req;
  req.topics.push_back({spec.name, spec.partitions, spec.settings});
  auto r = impl_->conn->call<protocol::CreateTopicsRequest, protocol::CreateTopicsResponse>(ApiKey::kCreateTopics, req);
  if (!r) return r.error();
  return topic_status(r->body.results.at(0));
}

Status Admin::delete_topic(const std::string& name) {
  auto r = impl_->conn->call<protocol::DeleteTopicsRequest, protocol::DeleteTopicsResponse>(
      ApiKey::kDeleteTopics, protocol::DeleteTopicsRequest{{name}});
  if (!r) return r.error();
  return topic_status(r->body.results.at(0));
}

Result<std::vector<std::string>> Admin::list_topics() {
  auto r = impl_->conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(
      ApiKey::kMetadata, protocol::MetadataRequest{});
  if (!r) return r.error();
  std::vector<std::string> out;
  for (const auto& t : r->body.topics) out.push_back(t.name);
  return out;
}

Result<protocol::TopicMetadata> Admin::describe_topic(const std::string& name) {
  auto r = impl_->conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(
      ApiKey::kMetadata, protocol::MetadataRequest{std::vector<std::string>{name}});
  if (!r) return r.error();
  if (r->body.topics.size() != 1 || r->body.topics[0].error != ErrorCode::kNone) {
    return Status::not_found("unknown topic '" + name + "'");
  }
  return std::move(r->body.topics[0]);
}

Result<std::vector<protocol::GroupListing>> Admin::list_groups() {
  auto r = impl_->conn->call<protocol::ListGroupsRequest, protocol::ListGroupsResponse>(
      ApiKey::kListGroups, protocol::ListGroupsRequest{});
  if (!r) return r.error();
  return std::move(r->body.groups);
}

Result<GroupDescription> Admin::describe_group(const std::string& group) {
  auto d = impl_->conn->call<protocol::DescribeGroupsRequest, protocol::DescribeGroupsResponse>(
      ApiKey::kDescribeGroups, protocol::DescribeGroupsRequest{{group}});
  if (!d) return d.error();
  GroupDescription out;
  out.group = std::move(d->body.groups.at(0));
  if (out.group.error == ErrorCode::kGroupIdNotFound) {
    return Status::not_found("unknown group '" + group + "'");
  }
  auto committed = impl_->conn->call<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse>(
      ApiKey::kOffsetFetch, protocol::OffsetFetchRequest{group, std::nullopt});
  if (!committed) return committed.error();

  // Every partition of every topic the group commits to or is assigned.
  std::map<TopicPartition, std::string> owners;
  std::set<std::string> topics;
  for (const auto& m : out.group.members) {
    for (const auto& a : m.assignment) {
      topics.insert(a.topic);
      for (int32_t p : a.partitions) owners[{a.topic, p}] = m.member_id;
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
  auto end_r = impl_->conn->call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(ApiKey::kListOffsets, ends);
  if (!end_r) return end_r.error();
  auto start_r = impl_->conn->call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(ApiKey::kListOffsets, starts);
  if (!start_r) return start_r.error();
  std::map<TopicPartition, int64_t> end_of, start_of;
  for (const auto& t : end_r->body.topics) {
    for (const auto& p : t.partitions) end_of[{t.name, p.partition}] = p.offset;
  }
  for (const auto& t : start_r->body.topics) {
    for (const auto& p : t.partitions) start_of[{t.name, p.partition}] = p.offset;
  }
  for (const auto& tp : all) {
    GroupPartitionLag lag;
    lag.topic_partition = tp;
    lag.end_offset = end_of[tp];
    if (auto it = commits.find(tp); it != commits.end()) lag.committed = it->second;
    lag.lag = std::max<int64_t>(0, lag.end_offset - lag.committed.value_or(start_of[tp]));
    if (auto it = owners.find(tp); it != owners.end()) lag.owner = it->second;
    out.partitions.push_back(std::move(lag));
  }
  return out;
}

Result<std::vector<PartitionOffsetReset>> Admin::plan_offset_reset(const std::string& topic,
                                                                   OffsetTarget target,
                                                                   std::optional<int32_t> partition) {
  auto meta = describe_topic(topic);
  if (!meta) return meta.error();
  std::vector<PartitionOffsetReset> plan;
  for (const auto& p : meta->partitions) {
    if (partition && p.partition != *partition) continue;
    if (p.error != ErrorCode::kNone) {
      return Status::unavailable("partition " + topic + "-" + std::to_string(p.partition) + ": " +
                                 std::string(protocol::error_name(p.error)));
    }
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
  auto r = impl_->conn->call<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(ApiKey::kOffsetCommit, commit);
  if (!r) return r.error();
  for (const auto& t : r->body.topics) {
    for (const auto& p : t.partitions) {
      if (p.error == ErrorCode::kNonEmptyGroup) {
        return Status::invalid_argument("group '" + group + "' has members (NON_EMPTY_GROUP): stop its consumers first");
      }
      if (p.error != ErrorCode::kNone) {
        return Status::invalid_argument("reset of " + topic + "-" + std::to_string(p.partition) + ": " +
                                        std::string(protocol::error_name(p.error)));
      }
    }
  }
  return Status::ok();
}

Status Admin::reset_offsets(const std::string& group, const std::string& topic, OffsetTarget target) {
  auto plan = plan_offset_reset(topic, target);
  if (!plan) return plan.error();
  return reset_offsets(group, topic, *plan);
}

}  // namespace cairn::client
