#pragma once

// Shared by the SCRAM tests: credentials and machines built from an RFC example's inputs.

#include <gtest/gtest.h>

#include <string>

#include "protocol/text/base64.h"
#include "protocol/sasl/scram_client.h"
#include "protocol/sasl/scram_server.h"

namespace cairn::protocol::sasl::testing {

using text::base64_decode;
using text::base64_encode;

inline std::vector<std::byte> from_base64(std::string_view text) {
  auto bytes = base64_decode(text);
  EXPECT_TRUE(bytes.has_value()) << text;
  return bytes ? *bytes : std::vector<std::byte>{};
}

inline std::function<Result<std::string>()> fixed_nonce(std::string nonce) {
  return [nonce] { return Result<std::string>(nonce); };
}

inline ScramCredential credential(ScramHash h, const std::string& password, uint32_t iterations,
                                  std::string_view salt_base64 = "") {
  auto salt = salt_base64.empty() ? std::vector<std::byte>{} : from_base64(salt_base64);
  auto c = make_scram_credential(h, password, iterations, salt);
  EXPECT_TRUE(c.has_value()) << c.status().to_string();
  return c ? *c : ScramCredential{};
}

// A server that knows one user.
inline ScramServer server_for(ScramHash h, std::string user, ScramCredential c,
                              std::function<Result<std::string>()> nonce = make_random_nonce) {
  ScramServerOptions o;
  o.hash = h;
  o.lookup = [user = std::move(user),
              c = std::move(c)](std::string_view name) -> std::optional<ScramCredential> {
    if (name == user) return c;
    return std::nullopt;
  };
  o.make_nonce = std::move(nonce);
  return ScramServer(std::move(o));
}

inline ScramClientOptions client_options(ScramHash h, std::string user, std::string password) {
  ScramClientOptions o;
  o.hash = h;
  o.username = std::move(user);
  o.password = std::move(password);
  return o;
}

}  // namespace cairn::protocol::sasl::testing
