// SaslHandshake and SaslAuthenticate: the connection's SASL exchange, driven through its
// SaslAuthenticator (broker/security/). A failed authentication is answered only after the
// fixed delay, with one message whatever failed, and is the connection's last answer.
#include <spdlog/spdlog.h>

#include "broker/cairn/handlers.h"
#include "broker/security/sasl_authenticator.h"

namespace cairn::broker {

using protocol::ErrorCode;
using security::SaslAuthenticator;
using Outcome = SaslAuthenticator::Step::Outcome;

namespace {

constexpr std::string_view kFailedMessage = "authentication failed";

}  // namespace

awaitable<Reply<protocol::SaslHandshakeResponse>> handle(RequestContext& ctx,
                                                         protocol::SaslHandshakeRequest r) {
  protocol::SaslHandshakeResponse out;
  if (ctx.sasl == nullptr) {
    out.error = ErrorCode::kUnsupportedSaslMechanism;  // this listener offers none
    co_return out;
  }
  auto step = ctx.sasl->handshake(r.mechanism);
  out.mechanisms = ctx.sasl->offered_mechanisms();
  if (step.outcome == Outcome::kUnsupportedMechanism) {
    out.error = ErrorCode::kUnsupportedSaslMechanism;
  } else if (step.outcome != Outcome::kContinue) {
    spdlog::info("{}: SASL handshake refused: {}", ctx.peer_host, step.reason);
    out.error = ErrorCode::kIllegalSaslState;
    ctx.close_after = true;
  }
  co_return out;
}

awaitable<Reply<protocol::SaslAuthenticateResponse>> handle(RequestContext& ctx,
                                                            protocol::SaslAuthenticateRequest r) {
  protocol::SaslAuthenticateResponse out;
  if (ctx.sasl == nullptr) {
    out.error = ErrorCode::kIllegalSaslState;
    out.message = "this listener does not authenticate with SASL";
    co_return out;
  }
  auto step = ctx.sasl->authenticate(r.auth_bytes);
  switch (step.outcome) {
    case Outcome::kContinue:
    case Outcome::kAuthenticated: out.auth_bytes = std::move(step.reply); break;
    case Outcome::kFailed: {
      spdlog::info("{}: SASL authentication failed: {}", ctx.peer_host, step.reason);
      asio::steady_timer delay(co_await asio::this_coro::executor);
      delay.expires_after(security::kFailedAuthenticationDelay);
      boost::system::error_code ec;
      co_await delay.async_wait(asio::redirect_error(use_awaitable, ec));
      out.error = ErrorCode::kSaslAuthenticationFailed;
      out.message = kFailedMessage;
      ctx.close_after = true;
      break;
    }
    case Outcome::kUnsupportedMechanism:
    case Outcome::kIllegalState:
      spdlog::info("{}: SASL authenticate refused: {}", ctx.peer_host, step.reason);
      out.error = ErrorCode::kIllegalSaslState;
      out.message = "a SASL request out of turn";
      ctx.close_after = true;
      break;
  }
  co_return out;
}

}  // namespace cairn::broker
