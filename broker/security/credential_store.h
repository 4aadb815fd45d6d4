#pragma once

// CredentialStore: the SCRAM credentials a broker knows, one per user and mechanism. Only
// salted verifiers (salt, iterations, StoredKey, ServerKey) are held, never a password.
//
// A value type: each core keeps its own copy, changed in the same order as every other.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/sasl/scram_credential.h"
#include "protocol/sasl/scram_mechanism.h"
#include "protocol/status.h"

namespace cairn::broker::security {

using protocol::sasl::ScramCredential;
using protocol::sasl::ScramMechanism;

inline constexpr size_t kMaxUsernameBytes = 255;

// 1 to 255 bytes, no control characters: what a user name may be (SCRAM escapes ',' and '=').
Status validate_username(std::string_view name);

class CredentialStore {
 public:
  // Sets (adds or replaces) a user's credential for one mechanism. kInvalidArgument for a bad
  // name, or a credential that is out of bounds or not of the mechanism's hash.
  Status set(const std::string& user, ScramMechanism mechanism, ScramCredential credential);
  // Whether it was there.
  bool remove(std::string_view user, ScramMechanism mechanism);

  std::optional<ScramCredential> find(std::string_view user, ScramMechanism mechanism) const;
  bool contains(std::string_view user) const;
  // Every user with the mechanisms it has a credential for, by name.
  std::map<std::string, std::vector<ScramMechanism>> users() const;
  size_t size() const { return credentials_.size(); }

 private:
  std::map<std::pair<std::string, ScramMechanism>, ScramCredential, std::less<>> credentials_;
};

}  // namespace cairn::broker::security
