#pragma once

// ScramServer: the server side of one SCRAM exchange (RFC 5802 section 5), sans I/O. It takes
// the client's messages as text and returns its replies:
//
//   client-first  ->  server-first   (state kAwaitingClientFinal)
//   client-final  ->  server-final   (state kAuthenticated)
//
// Any failure moves it to kFailed for good: the call returns kInvalidArgument with a message
// for the broker's log, and failure() says why. An unknown user is not told apart: the server
// answers with a decoy salt (derived from the name, so it is the same each time) and the
// exchange fails at the proof like a wrong password. Channel binding is not offered: the GS2
// header must be "n" or "y", and client-final's c= must repeat it.
//
// One per connection, used by one thread; it holds the user's credential until destroyed.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/sasl/scram_credential.h"
#include "protocol/sasl/scram_failure.h"
#include "protocol/status.h"

namespace cairn::protocol::sasl {

// 24 random bytes in base64: the part of a nonce one side contributes.
Result<std::string> make_random_nonce();

struct ScramServerOptions {
  ScramHash hash = ScramHash::kSha256;
  // The user's stored credential for `hash`, or nullopt for an unknown user.
  std::function<std::optional<ScramCredential>(std::string_view username)> lookup;
  // The server's part of the nonce (tests fix it to replay RFC examples).
  std::function<Result<std::string>()> make_nonce = make_random_nonce;
};

class ScramServer {
 public:
  enum class State { kAwaitingClientFirst, kAwaitingClientFinal, kAuthenticated, kFailed };

  explicit ScramServer(ScramServerOptions options);

  // The reply to the client's next message; see the class comment.
  Result<std::string> receive(std::string_view client_message);

  State state() const { return state_; }
  bool authenticated() const { return state_ == State::kAuthenticated; }
  // The user the client named (unescaped); meaningful once client-first has parsed.
  const std::string& username() const { return username_; }
  std::optional<ScramFailure> failure() const { return failure_; }

 private:
  Result<std::string> on_client_first(std::string_view text);
  Result<std::string> on_client_final(std::string_view text);
  Status fail(ScramFailure why, std::string detail);

  ScramServerOptions options_;
  State state_ = State::kAwaitingClientFirst;
  std::optional<ScramFailure> failure_;
  std::string username_;
  bool known_user_ = false;
  ScramCredential credential_;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string server_first_;
  std::string nonce_;
};

}  // namespace cairn::protocol::sasl
