// ApiVersions: the APIs and versions this listener serves. A version past the highest is
// answered in the v0 layout with UNSUPPORTED_VERSION and the list, so that the client retries
// with a version it finds there (KIP-511).
#include "broker/kafka/front_end.h"
#include "broker/kafka/handlers.h"

namespace cairn::broker::kafka {

awaitable<KafkaReply<pk::ApiVersionsResponse>> handle(KafkaContext& ctx, pk::ApiVersionsRequest) {
  pk::ApiVersionsResponse r;
  for (const ServedApi& api : served_apis()) {
    r.api_keys.push_back({api.key, api.min_version, api.max_version});
  }
  KafkaReply<pk::ApiVersionsResponse> reply(std::move(r));
  const ServedApi* self = find_served(static_cast<int16_t>(pk::ApiKey::kApiVersions));
  if (ctx.version() > self->max_version) {
    reply.body->error_code = pk::code_of(pk::ErrorCode::kUnsupportedVersion);
    reply.version = 0;
  }
  co_return reply;
}

}  // namespace cairn::broker::kafka
