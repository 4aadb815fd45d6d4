#pragma once

// The four SCRAM messages (RFC 5802 section 7) as text: parsing with every field checked, and
// formatting. Cairn speaks the subset without channel binding: a client-first message's GS2
// flag is "n" or "y" (a server that offers no -PLUS mechanism accepts both); "p=" parses, and
// the server refuses it.
//
// Limits (bytes): a message kMaxScramMessageBytes, a user name kMaxUsernameBytes after
// unescaping, a client nonce kMaxNonceBytes, the combined nonce twice that. Extensions (attributes
// after the ones RFC 5802 requires) are kept by name and value; the reserved "m=" attribute is
// recorded so that the receiver can refuse it, as RFC 5802 requires.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/status.h"

namespace cairn::protocol::sasl {

inline constexpr size_t kMaxScramMessageBytes = 4096;
inline constexpr size_t kMaxUsernameBytes = 255;
inline constexpr size_t kMaxNonceBytes = 255;

using ScramExtensions = std::vector<std::pair<std::string, std::string>>;

struct ClientFirstMessage {
  char cbind_flag = 'n';              // 'n', 'y' or 'p'
  std::string cbind_name;             // the channel binding type after "p="
  std::optional<std::string> authzid;  // unescaped
  std::string username;                // unescaped
  std::string nonce;
  bool mandatory_extension = false;  // the reserved "m=" attribute was present
  ScramExtensions extensions;
  std::string gs2_header;  // "n,," and the like, as sent: client-final's c= repeats it
  std::string bare;        // client-first-message-bare, as sent: part of AuthMessage
};

struct ServerFirstMessage {
  std::string nonce;
  std::vector<std::byte> salt;
  uint32_t iterations = 0;
  bool mandatory_extension = false;
  ScramExtensions extensions;
};

struct ClientFinalMessage {
  std::vector<std::byte> channel_binding;  // decoded c=
  std::string nonce;
  ScramExtensions extensions;
  std::vector<std::byte> proof;  // decoded p=
  std::string without_proof;     // client-final-message-without-proof: part of AuthMessage
};

struct ServerFinalMessage {
  std::vector<std::byte> signature;  // decoded v=, empty when `error` is set
  std::optional<std::string> error;  // the value of e=
};

// Each parser returns kInvalidArgument naming the message and what is wrong with it.
Result<ClientFirstMessage> parse_client_first(std::string_view text);
Result<ServerFirstMessage> parse_server_first(std::string_view text);
Result<ClientFinalMessage> parse_client_final(std::string_view text);
Result<ServerFinalMessage> parse_server_final(std::string_view text);

// "n,,n=<saslname>,r=<nonce>".
std::string format_client_first(std::string_view username, std::string_view nonce);
// "r=<nonce>,s=<base64 salt>,i=<iterations>".
std::string format_server_first(std::string_view nonce, Bytes salt, uint32_t iterations);
// "c=<base64 GS2 header>,r=<nonce>".
std::string format_client_final_without_proof(std::string_view gs2_header, std::string_view nonce);
// `without_proof` + ",p=<base64 proof>".
std::string format_client_final(std::string_view without_proof, Bytes proof);
// "v=<base64 signature>".
std::string format_server_final(Bytes signature);
// "e=<error>": one of RFC 5802's server-error-value names.
std::string format_server_error(std::string_view error);

// saslname escaping: ',' as "=2C", '=' as "=3D".
std::string encode_saslname(std::string_view name);
// kInvalidArgument for an empty name, a NUL, or '=' not starting "=2C" or "=3D".
Result<std::string> decode_saslname(std::string_view text);

}  // namespace cairn::protocol::sasl
