// The client side of SASL authentication on a new connection (PROTOCOL.md, "Authentication"):
// SaslHandshake with the configured mechanism, then the SCRAM exchange in SaslAuthenticate
// requests, checking the broker's final signature.
#include "client/src/connection.h"
#include "client/src/wire_status.h"
#include "protocol/messages/sasl.h"
#include "protocol/sasl/scram_client.h"
#include "protocol/sasl/scram_mechanism.h"

namespace cairn::client {

namespace {

Result<std::string> exchange(Connection& conn, std::string bytes) {
  protocol::SaslAuthenticateRequest req{std::move(bytes)};
  auto reply = conn.call<protocol::SaslAuthenticateRequest, protocol::SaslAuthenticateResponse>(
      protocol::ApiKey::kSaslAuthenticate, req);
  if (!reply) return reply.error().with_context("SASL authentication");
  if (reply->body.error != protocol::ErrorCode::kNone) {
    return to_status(reply->body.error, "SASL authentication", reply->body.message);
  }
  return std::move(reply->body.auth_bytes);
}

}  // namespace

Status Connection::authenticate() {
  const SaslConfig& sasl = options_.sasl;
  auto mechanism = protocol::sasl::parse_scram_mechanism(sasl.mechanism);
  if (!mechanism) {
    return Status::invalid_argument("SASL mechanism '" + sasl.mechanism +
                                    "': the client speaks SCRAM-SHA-256 and SCRAM-SHA-512");
  }
  protocol::SaslHandshakeRequest hello{sasl.mechanism};
  auto offered = call<protocol::SaslHandshakeRequest, protocol::SaslHandshakeResponse>(
      protocol::ApiKey::kSaslHandshake, hello);
  if (!offered) return offered.error().with_context("SASL handshake");
  if (offered->body.error != protocol::ErrorCode::kNone) {
    std::string names;
    for (const auto& m : offered->body.mechanisms) names += (names.empty() ? "" : ", ") + m;
    std::string offers = names.empty() ? "no SASL" : names;
    return Status::invalid_argument("the broker does not offer " + sasl.mechanism + " (it offers " +
                                    offers + ")");
  }
  protocol::sasl::ScramClient scram({.hash = protocol::sasl::hash_of(*mechanism),
                                     .username = sasl.username,
                                     .password = sasl.password});
  auto first = scram.client_first();
  if (!first) return first.error();
  auto server_first = exchange(*this, std::move(*first));
  if (!server_first) return server_first.error();
  auto final_message = scram.receive_server_first(*server_first);
  if (!final_message) return final_message.error().with_context("SASL authentication");
  auto server_final = exchange(*this, std::move(*final_message));
  if (!server_final) return server_final.error();
  return scram.receive_server_final(*server_final).with_context("the broker's SCRAM signature");
}

}  // namespace cairn::client
