#pragma once

// ScramClient: the client side of one SCRAM exchange (RFC 5802 section 5), sans I/O:
//
//   client_first()                     -> client-first   (state kAwaitingServerFirst)
//   receive_server_first(server-first) -> client-final   (state kAwaitingServerFinal)
//   receive_server_final(server-final) -> OK             (state kAuthenticated)
//
// It checks what the server sends: the combined nonce must extend the client's, the iteration
// count must lie within kMinIterations and `max_iterations`, and the server's signature must
// prove that it holds the password's ServerKey, so a server that merely accepts everyone is
// refused. Any failure moves it to kFailed for good and failure() says why. The password is
// used as its UTF-8 bytes, without SASLprep, as Kafka's clients do; it is wiped from memory
// once the proof is computed.
//
// One per connection attempt, used by one thread.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/sasl/scram_crypto.h"
#include "protocol/sasl/scram_failure.h"
#include "protocol/sasl/scram_mechanism.h"
#include "protocol/sasl/scram_server.h"
#include "protocol/status.h"

namespace cairn::protocol::sasl {

struct ScramClientOptions {
  ScramHash hash = ScramHash::kSha256;
  std::string username;
  std::string password;
  // The client's nonce (tests fix it to replay RFC examples).
  std::function<Result<std::string>()> make_nonce = make_random_nonce;
  // The most iterations this client agrees to compute (a hostile server could ask for more).
  uint32_t max_iterations = kMaxIterations;
};

class ScramClient {
 public:
  enum class State { kInitial, kAwaitingServerFirst, kAwaitingServerFinal, kAuthenticated, kFailed };

  explicit ScramClient(ScramClientOptions options);
  ~ScramClient();
  ScramClient(ScramClient&&) = default;
  ScramClient& operator=(ScramClient&&) = default;

  Result<std::string> client_first();
  Result<std::string> receive_server_first(std::string_view server_first);
  Status receive_server_final(std::string_view server_final);

  State state() const { return state_; }
  bool authenticated() const { return state_ == State::kAuthenticated; }
  std::optional<ScramFailure> failure() const { return failure_; }

 private:
  Status fail(ScramFailure why, std::string detail);

  ScramClientOptions options_;
  State state_ = State::kInitial;
  std::optional<ScramFailure> failure_;
  std::string nonce_;
  std::string client_first_bare_;
  Digest expected_server_signature_;
};

}  // namespace cairn::protocol::sasl
