#include "broker/cairn/front_end.h"

#include <cctype>
#include <string>

#include "broker/cairn/handler_table.h"
#include "broker/security/security_snapshot.h"
#include "broker/shard.h"
#include "protocol/frame.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"

namespace cairn::broker {

CairnFrontEnd::CairnFrontEnd(Operations& ops, BrokerMetrics& metrics,
                             const security::SharedSecurity* authorizer,
                             SecurityAdmin* security_admin)
    : ops_(ops), authorizer_(authorizer), security_admin_(security_admin) {
  // Labelled as the catalogue says, in snake case: "ApiVersions" is api="api_versions".
  for (const HandlerEntry& entry : handler_table()) {
    std::string label;
    for (char ch : entry.name) {
      if (std::isupper(static_cast<unsigned char>(ch))) {
        if (!label.empty()) label += '_';
        label += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      } else {
        label += ch;
      }
    }
    apis_.push_back(metrics.api(label));
  }
}

uint32_t CairnFrontEnd::frame_length(std::span<const std::byte, kLengthPrefixBytes> prefix) const {
  static_assert(kLengthPrefixBytes == protocol::frame::kLengthSize);
  return protocol::load_le<uint32_t>(prefix.data());
}

uint32_t CairnFrontEnd::min_frame_bytes() const { return protocol::frame::kMinRequestHeaderSize; }

Result<RequestHead> CairnFrontEnd::decode_head(protocol::Bytes frame) const {
  auto decoded = protocol::decode_request_header(frame);
  if (!decoded) return decoded.error();
  RequestHead head;
  head.api_key = decoded->header.api_key;
  head.api_version = decoded->header.api_version;
  head.correlation_id = decoded->header.correlation_id;
  head.client_id = std::move(decoded->header.client_id);
  head.body_offset = decoded->body_offset;
  return head;
}

std::string_view CairnFrontEnd::api_name(const RequestHead& head) const {
  return protocol::api_name(static_cast<uint16_t>(head.api_key));
}

awaitable<std::optional<OutboundFrame>> CairnFrontEnd::handle(InboundRequest& request) {
  auto started = std::chrono::steady_clock::now();
  RequestContext ctx{ops_,
                     request.head,
                     request.body,
                     request.body_owner,
                     request.peer_host,
                     request.memory,
                     port_.load(std::memory_order_relaxed),
                     false};
  ctx.principal = request.principal;
  ctx.sasl = request.sasl;
  ctx.security_admin = security_admin_;
  if (authorizer_ != nullptr) ctx.security = authorizer_->current();
  auto result = co_await dispatch(ctx);
  if (result && ctx.close_after) result->then_close = true;
  // Once for every API, here: an unknown API key counts nowhere (its label would be unbounded).
  auto key = static_cast<size_t>(request.head.api_key);
  if (request.head.api_key >= 0 && key < apis_.size()) {
    const ApiMetrics& api = apis_[key];
    unsigned shard = Shard::current_id();
    api.requests.inc(shard);
    if (ctx.failed) api.errors.inc(shard);
    api.duration.observe(shard, std::chrono::steady_clock::now() - started);
  }
  co_return result;
}

namespace {

// The shard owning every partition of `topics`, or nullopt when they span several or are none.
template <typename Topics>
std::optional<unsigned> one_owner(const Topics& topics, unsigned shard_count) {
  SingleOwner owner(shard_count);
  for (const auto& t : topics) {
    for (const auto& p : t.partitions) owner.add(t.name, p.partition);
  }
  return owner.shard();
}

}  // namespace

Placement CairnFrontEnd::placement(const RequestHead& head, protocol::MutableBytes body,
                                   unsigned shard_count) const {
  using protocol::ApiKey;
  auto version = static_cast<uint16_t>(head.api_version);
  if (head.api_key == static_cast<int32_t>(ApiKey::kProduce)) {
    auto request = protocol::ProduceRequest::decode(body, version);
    if (!request) return {};  // its handler answers the error
    return {true, one_owner(request->topics, shard_count)};
  }
  if (head.api_key == static_cast<int32_t>(ApiKey::kFetch)) {
    auto request = protocol::FetchRequest::decode(body, version);
    if (!request) return {};
    return {true, one_owner(request->topics, shard_count)};
  }
  return {false, std::nullopt};  // ApiVersions, Metadata and the like: the next request tells
}

bool CairnFrontEnd::allowed_before_authentication(const RequestHead& head) const {
  using protocol::ApiKey;
  auto key = head.api_key;
  return key == static_cast<int32_t>(ApiKey::kApiVersions) ||
         key == static_cast<int32_t>(ApiKey::kSaslHandshake) ||
         key == static_cast<int32_t>(ApiKey::kSaslAuthenticate);
}

OutboundFrame CairnFrontEnd::error_frame(const RequestHead& head, protocol::ErrorCode error,
                                         std::string_view message) const {
  OutboundFrame f;
  f.bytes = protocol::error_response(head.correlation_id, error, message);
  return f;
}

}  // namespace cairn::broker
