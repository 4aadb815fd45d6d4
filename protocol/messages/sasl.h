#pragma once

// Bodies of SaslHandshake and SaslAuthenticate (PROTOCOL.md, "Authentication"): the mechanism a
// client picks, then the SASL exchange's messages, shaped like Kafka's requests of the same
// names so that one authenticator serves both listeners.

#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/error_code.h"

namespace cairn::protocol {

struct SaslHandshakeRequest {
  std::string mechanism;  // "SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"

  void encode(Encoder& e, uint16_t version) const;
  static Result<SaslHandshakeRequest> decode(Bytes body, uint16_t version);
};

struct SaslHandshakeResponse {
  ErrorCode error = ErrorCode::kNone;
  std::vector<std::string> mechanisms;  // what this connection may ask for

  void encode(Encoder& e, uint16_t version) const;
  static Result<SaslHandshakeResponse> decode(Bytes body, uint16_t version);
};

struct SaslAuthenticateRequest {
  std::string auth_bytes;  // the mechanism's next client message

  void encode(Encoder& e, uint16_t version) const;
  static Result<SaslAuthenticateRequest> decode(Bytes body, uint16_t version);
};

struct SaslAuthenticateResponse {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::string auth_bytes;  // the mechanism's next server message

  void encode(Encoder& e, uint16_t version) const;
  static Result<SaslAuthenticateResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
