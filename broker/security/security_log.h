#pragma once

// The records of the internal `__cairn_security` topic (storage/FORMAT.md, "Security
// records"): SCRAM credentials keyed by user and mechanism, and ACL bindings keyed by the whole
// binding; a null value removes what its key names. The topic is one ordinary partition, so a
// follower copies it like any other, and replaying it in log order rebuilds the state.
//
// The broker appends a change first and applies it to its cores' copies once it is stored;
// `cairn users`/`cairn acl` with --data-dir do the same offline (offline_security_store.h).

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "broker/security/acl_set.h"
#include "broker/security/credential_store.h"
#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/topic_store.h"

namespace cairn::storage {
class PartitionLog;
}

namespace cairn::broker::security {

inline constexpr std::string_view kSecurityTopic = "__cairn_security";

// One partition, synced on every append, never trimmed by retention.
storage::TopicConfig security_topic_config();

struct CredentialChange {
  std::string user;
  ScramMechanism mechanism = ScramMechanism::kScramSha256;
  std::optional<ScramCredential> credential;  // nullopt: removed

  bool operator==(const CredentialChange&) const = default;
};

struct AclChange {
  AclBinding binding;
  bool present = true;  // false: removed

  bool operator==(const AclChange&) const = default;
};

using SecurityChange = std::variant<CredentialChange, AclChange>;

// A sealed batch holding `changes` in order; requires at least one.
std::vector<std::byte> encode_security_batch(const std::vector<SecurityChange>& changes,
                                             Timestamp now);
// The changes a stored batch holds; kCorruption naming the record that does not decode.
Result<std::vector<SecurityChange>> decode_security_batch(const protocol::RecordBatchView& batch);

// What the security records say once replayed: the credentials and the ACL bindings.
class SecurityState {
 public:
  // kInvalidArgument for a change that breaks a bound (a bad name, credential or binding).
  Status apply(const SecurityChange& change);
  // Decodes and applies every record of a stored batch; kCorruption for one that does not
  // decode or breaks a bound (the partition is then unreadable: fail closed).
  Status replay(const protocol::RecordBatchView& batch);

  const CredentialStore& credentials() const { return credentials_; }
  const AclSet& acls() const { return acls_; }

 private:
  CredentialStore credentials_;
  AclSet acls_;
};

// Replays every batch of the security partition's log, from its start to its end, into
// `state`: kCorruption naming the offset of a batch that does not replay.
Status replay_security_log(storage::PartitionLog& log, SecurityState& state);

}  // namespace cairn::broker::security
