#include "broker/cairn/handler_table.h"

#include <spdlog/spdlog.h>

#include <array>
#include <concepts>

#include "broker/cairn/authorize.h"
#include "broker/cairn/handlers.h"
#include "protocol/frame.h"

namespace cairn::broker {

using protocol::ApiKey;
using protocol::ErrorCode;

namespace {

template <class Api>
concept Handled = requires(RequestContext& ctx, typename Api::Request request) {
  { handle(ctx, std::move(request)) } -> std::same_as<awaitable<Reply<typename Api::Response>>>;
};

// Whether a response carries an error code anywhere: at its top, or in a topic or partition
// entry. Responses name their error fields `error` and their entries `topics` and `partitions`.
template <class T>
bool any_error(const T& value) {
  if constexpr (requires { value.error != ErrorCode::kNone; }) {
    if (value.error != ErrorCode::kNone) return true;
  }
  if constexpr (requires { value.topics.begin(); }) {
    for (const auto& t : value.topics) {
      if (any_error(t)) return true;
    }
  }
  if constexpr (requires { value.partitions.begin(); }) {
    for (const auto& p : value.partitions) {
      if (any_error(p)) return true;
    }
  }
  return false;
}

template <class Response>
OutboundFrame encode_reply(const RequestContext& ctx, Reply<Response>& reply) {
  OutboundFrame f;
  protocol::Encoder e(f.bytes);
  protocol::begin_response(e, ctx.header.correlation_id, ErrorCode::kNone, "");
  reply.body->encode(e, reply.version.value_or(ctx.version()));
  e.end_frame();
  f.external = e.external();
  f.sources = std::move(reply.files);
  return f;
}

template <class Api>
awaitable<HandlerResult> run(RequestContext& ctx) {
  auto request = decode_body<typename Api::Request>(ctx);
  if (!request) {
    ctx.failed = true;
    co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  }
  Refusals refused;
  if (ctx.security) {  // the authorizer is on
    refused = authorize(ctx, *request);
    if (refused.request) {
      ctx.failed = true;
      co_return respond_error(ctx, *refused.request, refused.message);
    }
  }
  Reply<typename Api::Response> reply = co_await handle(ctx, std::move(*request));
  if (ctx.security && reply.body) finish(ctx, *reply.body, refused);
  if (reply.body) ctx.failed = any_error(*reply.body);
  if (!reply.body) co_return std::nullopt;
  co_return encode_reply(ctx, reply);
}

template <class... A>
constexpr std::array<HandlerEntry, sizeof...(A)> make_table(protocol::ApiList<A...>) {
  static_assert((Handled<A> && ...),
                "every API of protocol/apis.h needs its handle() in broker/cairn/handlers.h");
  return {HandlerEntry{A::kVersions.api_key, A::kVersions.min_version, A::kVersions.max_version,
                       A::kName, &run<A>}...};
}

constexpr auto kHandlers = make_table(protocol::Apis{});

}  // namespace

std::span<const HandlerEntry> handler_table() { return kHandlers; }

OutboundFrame respond_error(const RequestContext& ctx, ErrorCode error, std::string_view message) {
  OutboundFrame f;
  bool unanswered = ctx.header.api_key == static_cast<int32_t>(ApiKey::kProduce) &&
                    protocol::peek_produce_acks(ctx.body) == 0;
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
  int32_t key = ctx.header.api_key;
  if (key < 0 || static_cast<size_t>(key) >= kHandlers.size()) {
    ctx.failed = true;
    co_return respond_error(ctx, ErrorCode::kUnsupportedVersion,
                            "unknown API key " + std::to_string(key));
  }
  const HandlerEntry& entry = kHandlers[static_cast<size_t>(key)];
  bool version_ok =
      ctx.header.api_version >= entry.min_version && ctx.header.api_version <= entry.max_version;
  if (!version_ok && key != static_cast<int32_t>(ApiKey::kApiVersions)) {
    ctx.failed = true;
    co_return respond_error(ctx, ErrorCode::kUnsupportedVersion,
                            std::string(entry.name) + " v" +
                                std::to_string(ctx.header.api_version) + " is not supported");
  }
  co_return co_await entry.run(ctx);
}

}  // namespace cairn::broker
