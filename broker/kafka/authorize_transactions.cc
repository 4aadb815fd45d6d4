// Authorization of the Kafka transaction APIs, with the Cairn listener's rules (Kafka's): every
// request of a transaction needs Write on its transactional id; adding partitions Write on each
// topic (one refused topic fails the transaction: its partitions TOPIC_AUTHORIZATION_FAILED,
// the others OPERATION_NOT_ATTEMPTED); adding and committing offsets Read on the group (and on
// each committed topic); the batched AddPartitionsToTxn of version 4 on, a broker's request,
// ClusterAction. Describing and listing show only the ids the principal may describe.
#include "broker/kafka/authorize.h"

#include <algorithm>

namespace cairn::broker::kafka {

using pk::ErrorCode;
using security::AclOperation;
using security::ResourceType;

namespace {

KafkaRefusals refuse(ErrorCode code) {
  KafkaRefusals r;
  r.request = code;
  return r;
}

KafkaRefusals need_transactional_id(const KafkaContext& ctx, const std::string& id) {
  if (allowed(ctx, AclOperation::kWrite, ResourceType::kTransactionalId, id)) return {};
  return refuse(ErrorCode::kTransactionalIdAuthorizationFailed);
}

KafkaRefusals need_read_group(const KafkaContext& ctx, const std::string& id,
                              const std::string& group) {
  KafkaRefusals out = need_transactional_id(ctx, id);
  if (out.request) return out;
  if (allowed(ctx, AclOperation::kRead, ResourceType::kGroup, group)) return {};
  return refuse(ErrorCode::kGroupAuthorizationFailed);
}

}  // namespace

KafkaRefusals authorize(const KafkaContext& ctx, pk::AddPartitionsToTxnRequest& r) {
  if (ctx.version() >= 4) {
    if (on_cluster(ctx, AclOperation::kClusterAction)) return {};
    return refuse(ErrorCode::kClusterAuthorizationFailed);
  }
  KafkaRefusals out = need_transactional_id(ctx, r.v3_and_below_transactional_id);
  if (out.request) return out;
  bool any_refused =
      std::any_of(r.v3_and_below_topics.begin(), r.v3_and_below_topics.end(),
                  [&](const pk::AddPartitionsToTxnTopic& t) {
                    return !allowed(ctx, AclOperation::kWrite, ResourceType::kTopic, t.name);
                  });
  if (!any_refused) return out;
  // The handler sees no partition: finish() answers every one.
  for (auto& t : r.v3_and_below_topics) {
    bool ok = allowed(ctx, AclOperation::kWrite, ResourceType::kTopic, t.name);
    (ok ? out.not_attempted : out.topics).emplace_back(t.name, t.partitions);
  }
  r.v3_and_below_topics.clear();
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::AddOffsetsToTxnRequest& r) {
  return need_read_group(ctx, r.transactional_id, r.group_id);
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::TxnOffsetCommitRequest& r) {
  KafkaRefusals out = need_read_group(ctx, r.transactional_id, r.group_id);
  if (out.request) return out;
  std::erase_if(r.topics, [&](const pk::TxnOffsetCommitRequestTopic& t) {
    if (allowed(ctx, AclOperation::kRead, ResourceType::kTopic, t.name)) return false;
    std::vector<int32_t> partitions;
    for (const auto& p : t.partitions) partitions.push_back(p.partition_index);
    out.topics.emplace_back(t.name, std::move(partitions));
    return true;
  });
  return out;
}

KafkaRefusals authorize(const KafkaContext& ctx, pk::EndTxnRequest& r) {
  return need_transactional_id(ctx, r.transactional_id);
}

template <>
pk::ProduceResponse refused(const pk::ProduceRequest& r, ErrorCode error) {
  pk::ProduceResponse out;
  for (const auto& t : r.topic_data) {
    auto& topic = out.responses.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partition_data) {
      topic.partition_responses.push_back({p.index, pk::code_of(error), -1});
    }
  }
  return out;
}

template <>
pk::AddPartitionsToTxnResponse refused(const pk::AddPartitionsToTxnRequest& r, ErrorCode error) {
  pk::AddPartitionsToTxnResponse out;
  out.error_code = pk::code_of(error);  // versions 4 on
  for (const auto& t : r.v3_and_below_topics) {
    auto& topic = out.results_by_topic_v3_and_below.emplace_back();
    topic.name = t.name;
    for (int32_t p : t.partitions) topic.results_by_partition.push_back({p, pk::code_of(error)});
  }
  return out;
}

template <>
pk::TxnOffsetCommitResponse refused(const pk::TxnOffsetCommitRequest& r, ErrorCode error) {
  return each_partition_refused<pk::TxnOffsetCommitResponse>(r, error);
}

void finish(const KafkaContext&, pk::AddPartitionsToTxnResponse& r, const KafkaRefusals& refused) {
  auto add = [&](const auto& topics, ErrorCode error) {
    for (const auto& [name, partitions] : topics) {
      auto& topic = r.results_by_topic_v3_and_below.emplace_back();
      topic.name = name;
      for (int32_t p : partitions) topic.results_by_partition.push_back({p, pk::code_of(error)});
    }
  };
  add(refused.topics, ErrorCode::kTopicAuthorizationFailed);
  add(refused.not_attempted, ErrorCode::kOperationNotAttempted);
}

void finish(const KafkaContext&, pk::TxnOffsetCommitResponse& r, const KafkaRefusals& refused) {
  for (const auto& [name, partitions] : refused.topics) {
    auto& topic = r.topics.emplace_back();
    topic.name = name;
    for (int32_t p : partitions) {
      topic.partitions.push_back({p, pk::code_of(ErrorCode::kTopicAuthorizationFailed)});
    }
  }
}

void finish(const KafkaContext& ctx, pk::DescribeTransactionsResponse& r, const KafkaRefusals&) {
  for (auto& t : r.transaction_states) {
    if (allowed(ctx, AclOperation::kDescribe, ResourceType::kTransactionalId, t.transactional_id)) {
      continue;
    }
    pk::DescribedTransactionState hidden;
    hidden.error_code = pk::code_of(ErrorCode::kTransactionalIdAuthorizationFailed);
    hidden.transactional_id = std::move(t.transactional_id);
    t = std::move(hidden);
  }
}

void finish(const KafkaContext& ctx, pk::ListTransactionsResponse& r, const KafkaRefusals&) {
  std::erase_if(r.transaction_states, [&](const pk::ListedTransactionState& t) {
    return !allowed(ctx, AclOperation::kDescribe, ResourceType::kTransactionalId,
                    t.transactional_id);
  });
}

}  // namespace cairn::broker::kafka
