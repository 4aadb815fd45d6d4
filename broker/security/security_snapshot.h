#pragma once

// SharedSecurity: the security state every core reads (the credentials SASL checks against and
// the authorizer with its ACLs), as one immutable snapshot behind an atomic shared pointer.
//
// Readers (a connection authenticating, a request being authorized, on any core) take the
// current snapshot and hold it for as long as they use it; they never lock. A change is
// published by building a whole new snapshot from the replayed records and swapping it in:
// every core sees either the old state or the new one, never a mix, and sees changes in the
// order they were published, which is the order of the `__cairn_security` log (the broker
// publishes only after a change is stored). The state is read-mostly and small (users and
// bindings), so copying it on each change costs nothing a request would notice.
//
// One per broker; shared by every core.

#include <atomic>
#include <memory>
#include <string_view>

#include "broker/security/authorizer.h"
#include "broker/security/credential_store.h"
#include "broker/security/security_log.h"

namespace cairn::broker::security {

struct SecuritySnapshot {
  CredentialStore credentials;
  Authorizer authorizer;

  bool allowed(std::string_view principal, AclOperation op, ResourceType type,
               std::string_view name) const {
    return authorizer.authorize(principal, op, Resource{type, std::string(name)});
  }
};

class SharedSecurity {
 public:
  // Starts with no users and no bindings.
  explicit SharedSecurity(AuthorizerConfig config);

  std::shared_ptr<const SecuritySnapshot> current() const {
    return current_.load(std::memory_order_acquire);
  }
  // The replayed records as they now stand: every later current() sees them.
  void publish(const SecurityState& state);
  bool authorizer_enabled() const { return config_.enabled; }
  // The records as last published. Read only by whoever publishes (changes are serialized by
  // the caller: the broker's start, then its admin mutex), never by readers on other cores.
  const SecurityState& state() const { return state_; }

 private:
  AuthorizerConfig config_;
  SecurityState state_;
  std::atomic<std::shared_ptr<const SecuritySnapshot>> current_;
};

}  // namespace cairn::broker::security
