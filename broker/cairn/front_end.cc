#include "broker/cairn/front_end.h"

#include "broker/cairn/handler_table.h"
#include "protocol/frame.h"

namespace cairn::broker {

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
  RequestContext ctx{ops_,
                     request.head,
                     request.body,
                     request.body_owner,
                     request.peer_host,
                     request.memory,
                     port_.load(std::memory_order_relaxed)};
  co_return co_await dispatch(ctx);
}

OutboundFrame CairnFrontEnd::error_frame(const RequestHead& head, protocol::ErrorCode error,
                                         std::string_view message) const {
  OutboundFrame f;
  f.bytes = protocol::error_response(head.correlation_id, error, message);
  return f;
}

}  // namespace cairn::broker
