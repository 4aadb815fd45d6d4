#include "broker/security/security_snapshot.h"

namespace cairn::broker::security {

SharedSecurity::SharedSecurity(AuthorizerConfig config) : config_(std::move(config)) {
  publish(SecurityState{});
}

void SharedSecurity::publish(const SecurityState& state) {
  state_ = state;
  auto next = std::make_shared<const SecuritySnapshot>(
      SecuritySnapshot{state.credentials(), Authorizer(config_, state.acls())});
  current_.store(std::move(next), std::memory_order_release);
}

}  // namespace cairn::broker::security
