#include "broker/kafka/front_end.h"

#include <spdlog/spdlog.h>

#include <array>

#include "broker/kafka/authorize.h"
#include "broker/kafka/handlers.h"
#include "broker/security/security_snapshot.h"
#include "protocol/kafka/header.h"
#include "protocol/kafka/wire.h"

namespace cairn::broker {

namespace kafka {

namespace {

using pk::ApiKey;

constexpr int16_t key_of(ApiKey k) { return static_cast<int16_t>(k); }

// Served versions stop where Kafka replaces topic names with topic ids (Produce 13, Fetch 13,
// DeleteTopics 6): Cairn's topics have no ids. Produce 0-2 are advertised but refused, as the
// codec's table explains. SaslHandshake is advertised from 0 because librdkafka looks for v0
// before it sends v1, but v0 (raw SASL tokens after it instead of SaslAuthenticate requests) is
// refused by its handler. The transaction APIs stop before KIP-890's second part (EndTxn 5,
// TxnOffsetCommit 5: an epoch bumped by every EndTxn, partitions added by Produce), which a
// Kafka client uses only when the broker lists the transaction.version feature, which this
// one does not; ListTransactions 2 (a transactional id pattern) is not served.
constexpr std::array<ServedApi, 36> kServed = {{
    {key_of(ApiKey::kProduce), 0, 12},
    {key_of(ApiKey::kFetch), 4, 12},
    {key_of(ApiKey::kListOffsets), 1, 11},
    {key_of(ApiKey::kMetadata), 0, 12},
    {key_of(ApiKey::kOffsetCommit), 2, 9},
    {key_of(ApiKey::kOffsetFetch), 1, 9},
    {key_of(ApiKey::kFindCoordinator), 0, 6},
    {key_of(ApiKey::kJoinGroup), 0, 9},
    {key_of(ApiKey::kHeartbeat), 0, 4},
    {key_of(ApiKey::kLeaveGroup), 0, 5},
    {key_of(ApiKey::kSyncGroup), 0, 5},
    {key_of(ApiKey::kDescribeGroups), 0, 6},
    {key_of(ApiKey::kListGroups), 0, 5},
    {key_of(ApiKey::kApiVersions), 0, 4},
    {key_of(ApiKey::kCreateTopics), 2, 7},
    {key_of(ApiKey::kDeleteTopics), 1, 5},
    {key_of(ApiKey::kInitProducerId), 0, 5},
    {key_of(ApiKey::kDeleteGroups), 0, 2},
    {key_of(ApiKey::kDescribeCluster), 0, 1},
    {key_of(ApiKey::kDescribeConfigs), 1, 4},
    {key_of(ApiKey::kAlterConfigs), 0, 2},
    {key_of(ApiKey::kIncrementalAlterConfigs), 0, 1},
    {key_of(ApiKey::kSaslHandshake), 0, 1},
    {key_of(ApiKey::kSaslAuthenticate), 0, 2},
    {key_of(ApiKey::kDescribeAcls), 1, 3},
    {key_of(ApiKey::kCreateAcls), 1, 3},
    {key_of(ApiKey::kDeleteAcls), 1, 3},
    {key_of(ApiKey::kCreatePartitions), 0, 3},
    {key_of(ApiKey::kDeleteRecords), 0, 2},
    {key_of(ApiKey::kOffsetForLeaderEpoch), 2, 4},
    {key_of(ApiKey::kAddPartitionsToTxn), 0, 5},
    {key_of(ApiKey::kAddOffsetsToTxn), 0, 4},
    {key_of(ApiKey::kEndTxn), 0, 4},
    {key_of(ApiKey::kTxnOffsetCommit), 0, 4},
    {key_of(ApiKey::kDescribeTransactions), 0, 0},
    {key_of(ApiKey::kListTransactions), 0, 1},
}};

template <class Response>
OutboundFrame encode_reply(const KafkaContext& ctx, const KafkaReply<Response>& reply) {
  OutboundFrame f;
  pk::Writer w(f.bytes);
  Status s = pk::encode_response_frame(*reply.body, reply.version.value_or(ctx.version()),
                                       static_cast<int32_t>(ctx.head.correlation_id), w);
  if (!s.is_ok()) {
    spdlog::error("kafka: cannot encode {} response: {}", Response::kApi.name, s.to_string());
    OutboundFrame closing;
    closing.close_connection = true;
    return closing;
  }
  return f;
}

// The response type of a handler's awaitable<KafkaReply<Response>>.
template <class Awaitable>
struct ResponseOf;
template <class Response>
struct ResponseOf<awaitable<KafkaReply<Response>>> {
  using type = Response;
};

template <class Request>
awaitable<std::optional<OutboundFrame>> run(KafkaContext& ctx) {
  Request request;
  // ApiVersions ignores its body, so that a request of any version (a later one may add
  // fields) is answered.
  if constexpr (!std::is_same_v<Request, pk::ApiVersionsRequest>) {
    Result<Request> decoded = [&] {
      if constexpr (std::is_same_v<Request, pk::MetadataRequest>) {
        return pk::decode_metadata_request(ctx.body, ctx.version(), ctx.head.body_offset);
      } else {
        return pk::decode<Request>(ctx.body, ctx.version(), ctx.head.body_offset);
      }
    }();
    if (!decoded) {
      spdlog::warn("{}: kafka {} v{}: {}; closing the connection", ctx.peer_host,
                   Request::kApi.name, ctx.version(), decoded.error().message());
      OutboundFrame closing;
      closing.close_connection = true;
      co_return closing;
    }
    request = std::move(*decoded);
  }
  KafkaRefusals refusals;
  if (ctx.security) {
    refusals = authorize(ctx, request);
    if (refusals.request) {
      using Response = typename ResponseOf<decltype(handle(ctx, std::move(request)))>::type;
      co_return encode_reply(ctx,
                             KafkaReply<Response>(refused<Response>(request, *refusals.request)));
    }
  }
  auto reply = co_await handle(ctx, std::move(request));
  if (!reply.body) co_return std::nullopt;
  if (ctx.security) finish(ctx, *reply.body, refusals);
  co_return encode_reply(ctx, reply);
}

awaitable<std::optional<OutboundFrame>> dispatch(KafkaContext& ctx) {
  switch (static_cast<ApiKey>(ctx.head.api_key)) {
    case ApiKey::kProduce: co_return co_await run<pk::ProduceRequest>(ctx);
    case ApiKey::kFetch: co_return co_await run<pk::FetchRequest>(ctx);
    case ApiKey::kListOffsets: co_return co_await run<pk::ListOffsetsRequest>(ctx);
    case ApiKey::kMetadata: co_return co_await run<pk::MetadataRequest>(ctx);
    case ApiKey::kApiVersions: co_return co_await run<pk::ApiVersionsRequest>(ctx);
    case ApiKey::kCreateTopics: co_return co_await run<pk::CreateTopicsRequest>(ctx);
    case ApiKey::kDeleteTopics: co_return co_await run<pk::DeleteTopicsRequest>(ctx);
    case ApiKey::kCreatePartitions: co_return co_await run<pk::CreatePartitionsRequest>(ctx);
    case ApiKey::kDeleteRecords: co_return co_await run<pk::DeleteRecordsRequest>(ctx);
    case ApiKey::kOffsetForLeaderEpoch:
      co_return co_await run<pk::OffsetForLeaderEpochRequest>(ctx);
    case ApiKey::kInitProducerId: co_return co_await run<pk::InitProducerIdRequest>(ctx);
    case ApiKey::kAddPartitionsToTxn: co_return co_await run<pk::AddPartitionsToTxnRequest>(ctx);
    case ApiKey::kAddOffsetsToTxn: co_return co_await run<pk::AddOffsetsToTxnRequest>(ctx);
    case ApiKey::kEndTxn: co_return co_await run<pk::EndTxnRequest>(ctx);
    case ApiKey::kTxnOffsetCommit: co_return co_await run<pk::TxnOffsetCommitRequest>(ctx);
    case ApiKey::kDescribeTransactions:
      co_return co_await run<pk::DescribeTransactionsRequest>(ctx);
    case ApiKey::kListTransactions: co_return co_await run<pk::ListTransactionsRequest>(ctx);
    case ApiKey::kOffsetCommit: co_return co_await run<pk::OffsetCommitRequest>(ctx);
    case ApiKey::kOffsetFetch: co_return co_await run<pk::OffsetFetchRequest>(ctx);
    case ApiKey::kFindCoordinator: co_return co_await run<pk::FindCoordinatorRequest>(ctx);
    case ApiKey::kJoinGroup: co_return co_await run<pk::JoinGroupRequest>(ctx);
    case ApiKey::kHeartbeat: co_return co_await run<pk::HeartbeatRequest>(ctx);
    case ApiKey::kLeaveGroup: co_return co_await run<pk::LeaveGroupRequest>(ctx);
    case ApiKey::kSyncGroup: co_return co_await run<pk::SyncGroupRequest>(ctx);
    case ApiKey::kDescribeGroups: co_return co_await run<pk::DescribeGroupsRequest>(ctx);
    case ApiKey::kListGroups: co_return co_await run<pk::ListGroupsRequest>(ctx);
    case ApiKey::kDeleteGroups: co_return co_await run<pk::DeleteGroupsRequest>(ctx);
    case ApiKey::kDescribeCluster: co_return co_await run<pk::DescribeClusterRequest>(ctx);
    case ApiKey::kDescribeConfigs: co_return co_await run<pk::DescribeConfigsRequest>(ctx);
    case ApiKey::kAlterConfigs: co_return co_await run<pk::AlterConfigsRequest>(ctx);
    case ApiKey::kIncrementalAlterConfigs:
      co_return co_await run<pk::IncrementalAlterConfigsRequest>(ctx);
    case ApiKey::kSaslHandshake: co_return co_await run<pk::SaslHandshakeRequest>(ctx);
    case ApiKey::kSaslAuthenticate: co_return co_await run<pk::SaslAuthenticateRequest>(ctx);
    case ApiKey::kDescribeAcls: co_return co_await run<pk::DescribeAclsRequest>(ctx);
    case ApiKey::kCreateAcls: co_return co_await run<pk::CreateAclsRequest>(ctx);
    case ApiKey::kDeleteAcls: co_return co_await run<pk::DeleteAclsRequest>(ctx);
    default: break;
  }
  OutboundFrame closing;  // decode_head lets only served APIs through
  closing.close_connection = true;
  co_return closing;
}

}  // namespace

std::span<const ServedApi> served_apis() { return kServed; }

const ServedApi* find_served(int16_t key) {
  for (const ServedApi& api : kServed) {
    if (api.key == key) return &api;
  }
  return nullptr;
}

}  // namespace kafka

Placement KafkaFrontEnd::placement(const RequestHead& head, protocol::MutableBytes body,
                                   unsigned shard_count) const {
  namespace pk = protocol::kafka;
  auto version = static_cast<int16_t>(head.api_version);
  SingleOwner owner(shard_count);
  if (head.api_key == static_cast<int32_t>(pk::ApiKey::kProduce)) {
    auto request = pk::decode<pk::ProduceRequest>(body, version, head.body_offset);
    if (!request) return {};  // its handler closes the connection
    for (const auto& t : request->topic_data) {
      for (const auto& p : t.partition_data) owner.add(t.name, p.index);
    }
    return {true, owner.shard()};
  }
  if (head.api_key == static_cast<int32_t>(pk::ApiKey::kFetch)) {
    auto request = pk::decode<pk::FetchRequest>(body, version, head.body_offset);
    if (!request) return {};
    for (const auto& t : request->topics) {
      for (const auto& p : t.partitions) owner.add(t.topic, p.partition);
    }
    return {true, owner.shard()};
  }
  return {false, std::nullopt};  // ApiVersions, Metadata and the like: the next request tells
}

uint32_t KafkaFrontEnd::frame_length(std::span<const std::byte, kLengthPrefixBytes> prefix) const {
  static_assert(kLengthPrefixBytes == protocol::kafka::kFrameSizeBytes);
  return protocol::kafka::load_be<uint32_t>(prefix.data());
}

// api key, api version, correlation id: request header v0.
uint32_t KafkaFrontEnd::min_frame_bytes() const { return 8; }

Result<RequestHead> KafkaFrontEnd::decode_head(protocol::Bytes frame) const {
  auto decoded = protocol::kafka::decode_request_header(frame);
  if (!decoded) return decoded.error();
  const auto& h = decoded->header;
  const kafka::ServedApi* served = kafka::find_served(h.api_key);
  if (served == nullptr) {
    return Status::invalid_argument("kafka API " + std::string(decoded->api->name) + " (key " +
                                    std::to_string(h.api_key) + ") is not served");
  }
  bool version_ok = h.api_version >= served->min_version && h.api_version <= served->max_version;
  if (!version_ok && h.api_key != static_cast<int16_t>(protocol::kafka::ApiKey::kApiVersions)) {
    return Status::invalid_argument("kafka " + std::string(decoded->api->name) + " v" +
                                    std::to_string(h.api_version) + " is not served");
  }
  RequestHead head;
  head.api_key = h.api_key;
  head.api_version = h.api_version;
  head.correlation_id = static_cast<uint32_t>(h.correlation_id);
  head.client_id = h.client_id.value_or("");
  head.body_offset = decoded->body_offset;
  return head;
}

std::string_view KafkaFrontEnd::api_name(const RequestHead& head) const {
  const auto* api = protocol::kafka::find_api(static_cast<int16_t>(head.api_key));
  return api != nullptr ? api->name : "unknown";
}

awaitable<std::optional<OutboundFrame>> KafkaFrontEnd::handle(InboundRequest& request) {
  // Which versions clients negotiate, for whoever debugs a client (--log-level debug).
  spdlog::debug("kafka {} v{} from client '{}'", api_name(request.head), request.head.api_version,
                request.head.client_id);
  uint16_t port =
      advertised_port_ != 0 ? advertised_port_ : bound_port_.load(std::memory_order_relaxed);
  kafka::KafkaContext ctx{
      ops_,           request.head, request.body, request.body_owner, request.peer_host,
      request.memory, host_,        port};
  ctx.principal = request.principal;
  ctx.sasl = request.sasl;
  ctx.security_admin = security_admin_;
  if (authorizer_ != nullptr) ctx.security = authorizer_->current();
  auto result = co_await kafka::dispatch(ctx);
  if (result && ctx.close_after) result->then_close = true;
  co_return result;
}

bool KafkaFrontEnd::allowed_before_authentication(const RequestHead& head) const {
  using protocol::kafka::ApiKey;
  auto key = static_cast<ApiKey>(head.api_key);
  return key == ApiKey::kApiVersions || key == ApiKey::kSaslHandshake ||
         key == ApiKey::kSaslAuthenticate;
}

OutboundFrame KafkaFrontEnd::error_frame(const RequestHead& head, protocol::ErrorCode error,
                                         std::string_view message) const {
  spdlog::warn("kafka {} request {}: {} ({}); closing the connection", api_name(head),
               head.correlation_id, message, protocol::error_name(error));
  OutboundFrame f;
  f.close_connection = true;
  return f;
}

}  // namespace cairn::broker
