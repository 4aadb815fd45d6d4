#pragma once

// Authorizer: may this principal perform this operation on this resource? Kafka's rules
// (AclAuthorizer / StandardAuthorizer), for one broker:
//
//   1. The authorizer off: everything is allowed.
//   2. A super user (by exact principal) is allowed everything.
//   3. A DENY binding that applies (principal or User:*, a pattern matching the resource, the
//      operation itself or kAll) refuses, whatever allows it: deny beats allow.
//   4. An ALLOW binding that applies allows. Describe is also allowed by Read, Write, Delete or
//      Alter, and DescribeConfigs by AlterConfigs; these implications hold for ALLOW only (a
//      DENY of Read does not deny Describe).
//   5. Nothing applies: refused (default deny; there is no allow-if-no-ACL switch).
//
// Owned by one core, used by its thread only; a copy per core.

#include <set>
#include <string>
#include <string_view>

#include "broker/security/acl_set.h"

namespace cairn::broker::security {

struct AuthorizerConfig {
  bool enabled = false;                            // --authorizer on|off
  std::set<std::string, std::less<>> super_users;  // --super-users User:NAME,...
};

class Authorizer {
 public:
  explicit Authorizer(AuthorizerConfig config, AclSet acls = {});

  bool authorize(std::string_view principal, AclOperation op, const Resource& r) const;
  // Whether some resource of `type` allows `op` to `principal` (Kafka's authorizeByResourceType,
  // which an idempotent producer's InitProducerId asks for Write on any topic): a super user,
  // or an ALLOW binding of `op` (or kAll) for the principal or User:* that no DENY covers, where a
  // literal "*" DENY covers everything, a literal DENY the same literal name, and a prefixed
  // DENY every name and prefix starting with its prefix.
  bool authorize_any(std::string_view principal, AclOperation op, ResourceType type) const;

  bool enabled() const { return config_.enabled; }
  bool is_super_user(std::string_view principal) const;
  const AclSet& acls() const { return acls_; }
  AclSet& acls() { return acls_; }

 private:
  AuthorizerConfig config_;
  AclSet acls_;
};

}  // namespace cairn::broker::security
