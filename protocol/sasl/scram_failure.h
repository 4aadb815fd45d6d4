#pragma once

// Why a SCRAM exchange failed, for tests and for the broker's log. What a peer is told is
// decided by the front end: a server answers every failure with the same "authentication
// failed", so that nothing tells an unknown user from a wrong password.

#include <cstdint>
#include <string_view>

namespace cairn::protocol::sasl {

enum class ScramFailure : uint8_t {
  kMalformedMessage,           // does not parse (scram_messages.h)
  kUnexpectedMessage,          // a message after the exchange ended
  kUnsupportedChannelBinding,  // "p=": the client wants channel binding
  kChannelBindingMismatch,     // client-final's c= does not repeat the GS2 header
  kUnsupportedExtension,       // "m=", or Kafka's delegation-token extension
  kUnsupportedAuthorizationId,  // an authorization identity other than the user itself
  kNonceMismatch,              // a nonce that is not the one this exchange agreed
  kInvalidProof,               // wrong password or unknown user: one outcome on purpose
  kIterationsOutOfRange,       // the client refuses a server's iteration count
  kInvalidServerSignature,     // the server does not know the password's keys
  kServerRejected,             // the server ended the exchange with e=
  kInternalError,              // libcrypto failed, or a stored credential is unusable
};

inline std::string_view failure_name(ScramFailure f) {
  switch (f) {
    case ScramFailure::kMalformedMessage: return "malformed message";
    case ScramFailure::kUnexpectedMessage: return "unexpected message";
    case ScramFailure::kUnsupportedChannelBinding: return "channel binding not supported";
    case ScramFailure::kChannelBindingMismatch: return "channel bindings do not match";
    case ScramFailure::kUnsupportedExtension: return "extension not supported";
    case ScramFailure::kUnsupportedAuthorizationId: return "authorization identity not supported";
    case ScramFailure::kNonceMismatch: return "nonce mismatch";
    case ScramFailure::kInvalidProof: return "invalid proof";
    case ScramFailure::kIterationsOutOfRange: return "iteration count out of range";
    case ScramFailure::kInvalidServerSignature: return "invalid server signature";
    case ScramFailure::kServerRejected: return "rejected by the server";
    case ScramFailure::kInternalError: return "internal error";
  }
  return "unknown";
}

}  // namespace cairn::protocol::sasl
