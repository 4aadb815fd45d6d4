// Authorization of the transaction APIs (broker/security/README.md, "What each request needs"):
// Kafka's rules. Every request of a transaction needs Write on its transactional id; adding
// partitions needs Write on each topic (one refused topic refuses the request whole), adding
// offsets and committing them Read on the group (and on each topic committed); describing needs
// Describe on each transactional id.
#include <algorithm>

#include "broker/cairn/authorize.h"

namespace cairn::broker {

using protocol::ErrorCode;
using security::AclOperation;
using security::ResourceType;

namespace {

bool allowed(const RequestContext& ctx, AclOperation op, ResourceType type, std::string_view name) {
  return ctx.security->allowed(ctx.principal, op, type, name);
}

Refusals refuse(ErrorCode code, std::string message) {
  Refusals r;
  r.request = code;
  r.message = std::move(message);
  return r;
}

Refusals need_transactional_id(const RequestContext& ctx, const std::string& id) {
  if (allowed(ctx, AclOperation::kWrite, ResourceType::kTransactionalId, id)) return {};
  return refuse(ErrorCode::kTransactionalIdAuthorizationFailed,
                std::string(ctx.principal) + " may not write transactional id " + id);
}

Refusals need_read_group(const RequestContext& ctx, const std::string& id,
                         const std::string& group) {
  Refusals out = need_transactional_id(ctx, id);
  if (out.request) return out;
  if (allowed(ctx, AclOperation::kRead, ResourceType::kGroup, group)) return {};
  return refuse(ErrorCode::kGroupAuthorizationFailed,
                std::string(ctx.principal) + " may not read group " + group);
}

}  // namespace

// All or nothing, as the request is: a topic the principal may not write refuses it whole.
Refusals authorize(const RequestContext& ctx, protocol::AddPartitionsToTxnRequest& r) {
  Refusals out = need_transactional_id(ctx, r.producer.transactional_id);
  if (out.request) return out;
  for (const auto& t : r.topics) {
    if (!allowed(ctx, AclOperation::kWrite, ResourceType::kTopic, t.topic)) {
      return refuse(ErrorCode::kTopicAuthorizationFailed,
                    std::string(ctx.principal) + " may not write topic " + t.topic);
    }
  }
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::AddOffsetsToTxnRequest& r) {
  return need_read_group(ctx, r.producer.transactional_id, r.group_id);
}

Refusals authorize(const RequestContext& ctx, protocol::TxnOffsetCommitRequest& r) {
  Refusals out = need_read_group(ctx, r.producer.transactional_id, r.group_id);
  if (out.request) return out;
  std::erase_if(r.topics, [&](const protocol::CommitTopic& t) {
    if (allowed(ctx, AclOperation::kRead, ResourceType::kTopic, t.name)) return false;
    std::vector<int32_t> partitions;
    for (const auto& p : t.partitions) partitions.push_back(p.partition);
    out.topics.emplace_back(t.name, std::move(partitions));
    return true;
  });
  return out;
}

Refusals authorize(const RequestContext& ctx, protocol::EndTxnRequest& r) {
  return need_transactional_id(ctx, r.producer.transactional_id);
}

Refusals authorize(const RequestContext&, protocol::DescribeTransactionsRequest&) { return {}; }

void finish(const RequestContext& ctx, protocol::DescribeTransactionsResponse& r, const Refusals&) {
  for (auto& t : r.transactions) {
    if (allowed(ctx, AclOperation::kDescribe, ResourceType::kTransactionalId, t.transactional_id)) {
      continue;
    }
    t = protocol::TransactionDescription{.error = ErrorCode::kTransactionalIdAuthorizationFailed,
                                         .transactional_id = std::move(t.transactional_id)};
  }
}

}  // namespace cairn::broker
