// SaslHandshake (v1) and SaslAuthenticate: the connection's SASL exchange, driven through the
// same SaslAuthenticator (broker/security/) as Cairn's listener, against the same credentials.
// SaslHandshake v0 (raw SASL tokens after the handshake) is refused with UNSUPPORTED_VERSION
// and the connection closed: every current client sends v1 and then SaslAuthenticate (KIP-152). A
// failed authentication is answered only after the fixed delay, with one message whatever failed,
// and is the connection's last answer.
#include <spdlog/spdlog.h>

#include "broker/kafka/handlers.h"
#include "broker/security/sasl_authenticator.h"

namespace cairn::broker::kafka {

using security::SaslAuthenticator;
using Outcome = SaslAuthenticator::Step::Outcome;

awaitable<KafkaReply<pk::SaslHandshakeResponse>> handle(KafkaContext& ctx,
                                                        pk::SaslHandshakeRequest r) {
  pk::SaslHandshakeResponse out;
  if (ctx.version() == 0) {
    spdlog::info("{}: kafka SaslHandshake v0 (raw SASL tokens) is not served; clients use v1",
                 ctx.peer_host);
    out.error_code = pk::code_of(pk::ErrorCode::kUnsupportedVersion);
    ctx.close_after = true;
    co_return out;
  }
  if (ctx.sasl == nullptr) {
    out.error_code = pk::code_of(pk::ErrorCode::kUnsupportedSaslMechanism);  // none offered
    co_return out;
  }
  auto step = ctx.sasl->handshake(r.mechanism);
  out.mechanisms = ctx.sasl->offered_mechanisms();
  if (step.outcome == Outcome::kUnsupportedMechanism) {
    out.error_code = pk::code_of(pk::ErrorCode::kUnsupportedSaslMechanism);
  } else if (step.outcome != Outcome::kContinue) {
    spdlog::info("{}: kafka SASL handshake refused: {}", ctx.peer_host, step.reason);
    out.error_code = pk::code_of(pk::ErrorCode::kIllegalSaslState);
    ctx.close_after = true;
  }
  co_return out;
}

awaitable<KafkaReply<pk::SaslAuthenticateResponse>> handle(KafkaContext& ctx,
                                                           pk::SaslAuthenticateRequest r) {
  pk::SaslAuthenticateResponse out;
  if (ctx.sasl == nullptr) {
    out.error_code = pk::code_of(pk::ErrorCode::kIllegalSaslState);
    out.error_message = "this listener does not authenticate with SASL";
    co_return out;
  }
  std::string_view bytes(reinterpret_cast<const char*>(r.auth_bytes.bytes.data()),
                         r.auth_bytes.size());
  auto step = ctx.sasl->authenticate(bytes);
  switch (step.outcome) {
    case Outcome::kContinue:
    case Outcome::kAuthenticated: {
      KafkaReply<pk::SaslAuthenticateResponse> reply(std::move(out));
      const auto* first = reinterpret_cast<const std::byte*>(step.reply.data());
      auto& owned = reply.buffers.emplace_back(first, first + step.reply.size());
      reply.body->auth_bytes.bytes = owned;
      co_return reply;
    }
    case Outcome::kFailed: {
      spdlog::info("{}: kafka SASL authentication failed: {}", ctx.peer_host, step.reason);
      asio::steady_timer delay(co_await asio::this_coro::executor);
      delay.expires_after(security::kFailedAuthenticationDelay);
      boost::system::error_code ec;
      co_await delay.async_wait(asio::redirect_error(use_awaitable, ec));
      out.error_code = pk::code_of(pk::ErrorCode::kSaslAuthenticationFailed);
      out.error_message = "authentication failed";
      ctx.close_after = true;
      break;
    }
    case Outcome::kUnsupportedMechanism:
    case Outcome::kIllegalState:
      spdlog::info("{}: kafka SASL authenticate refused: {}", ctx.peer_host, step.reason);
      out.error_code = pk::code_of(pk::ErrorCode::kIllegalSaslState);
      out.error_message = "a SASL request out of turn";
      ctx.close_after = true;
      break;
  }
  co_return out;
}

}  // namespace cairn::broker::kafka
