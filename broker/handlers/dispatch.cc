#include "broker/handlers/dispatch.h"

#include <spdlog/spdlog.h>

#include <array>

namespace cairn::broker {

using protocol::ApiKey;
using protocol::ErrorCode;

OutboundFrame respond_error(const RequestContext& ctx, ErrorCode error, std::string_view message) {
  OutboundFrame f;
  bool unanswered = ctx.header.api_key == static_cast<uint16_t>(ApiKey::kProduce) &&
                    ctx.body.size() >= 2 && protocol::load_le<int16_t>(ctx.body.data()) == 0;
  if (unanswered) {
    spdlog::warn("acks=0 produce failed ({}: {}); closing the connection",
                 protocol::error_name(error), message);
    f.close_connection = true;
    return f;
  }
  f.bytes = protocol::error_response(ctx.header.correlation_id, error, message);
  return f;
}

awaitable<HandlerResult> dispatch(RequestContext& ctx) {
  using Handler = awaitable<HandlerResult> (*)(RequestContext&);
  static constexpr std::array<Handler, 17> kHandlers = {
      handle_api_versions,     handle_metadata,      handle_create_topics,  handle_delete_topics,
      handle_produce,          handle_fetch,         handle_list_offsets,   handle_find_coordinator,
      handle_join_group,       handle_sync_group,    handle_heartbeat,      handle_leave_group,
      handle_offset_commit,    handle_offset_fetch,  handle_list_groups,    handle_describe_groups,
      handle_init_producer_id};
  uint16_t key = ctx.header.api_key;
  const protocol::ApiVersionRange* api = protocol::find_api(key);
  if (api == nullptr || key >= kHandlers.size()) {
    co_return respond_error(ctx, ErrorCode::kUnsupportedVersion,
                            "unknown API key " + std::to_string(key));
  }
  bool version_ok = ctx.header.api_version >= api->min_version &&
                    ctx.header.api_version <= api->max_version;
  if (!version_ok && key != static_cast<uint16_t>(ApiKey::kApiVersions)) {
    co_return respond_error(ctx, ErrorCode::kUnsupportedVersion,
                            std::string(protocol::api_name(key)) + " v" +
                                std::to_string(ctx.header.api_version) + " is not supported");
  }
  co_return co_await kHandlers[key](ctx);
}

}  // namespace cairn::broker
