#pragma once

// Two hosts on one machine for tests: a network namespace of the test's own joined to the test's
// namespace by a veth pair, each end with an address of a private /30 chosen from the test's PID.
// `cut()` takes the link down (packets between the two ends are dropped, connections stall until
// their timeouts), `heal()` brings it back. The namespace, and with it the veth pair, is removed
// when the object goes. Needs root (CAP_NET_ADMIN) and iproute2's `ip`: `available()` says whether
// this process can make one.

#include <string>
#include <vector>

namespace cairn::testing {

class NetworkNamespace {
 public:
  // Whether namespaces can be made here (root, `ip` present, `ip netns add` works).
  static bool available();

  NetworkNamespace();  // throws std::runtime_error with `ip`'s output if a step fails
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;

  const std::string& name() const { return name_; }
  // This side's address (in the test's namespace) and the namespace's.
  const std::string& outside_address() const { return outside_; }
  const std::string& inside_address() const { return inside_; }
  // The prefix that runs a program inside the namespace.
  std::vector<std::string> exec_prefix() const;

  void cut();
  void heal();

 private:
  std::string name_;
  std::string outside_link_;
  std::string outside_;
  std::string inside_;
};

// iproute2's `ip` program.
std::string ip_program();

}  // namespace cairn::testing
