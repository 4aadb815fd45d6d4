#include "tests/support/network_namespace.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>

#include "tests/support/process.h"

namespace cairn::testing {
namespace {

RunResult ip(std::vector<std::string> args) {
  args.insert(args.begin(), ip_program());
  return run_program(args, std::nullopt, std::chrono::seconds(20));
}

void must(const std::vector<std::string>& args) {
  RunResult r = ip(args);
  if (r.exit_code != 0) {
    std::string line = "ip";
    for (const auto& a : args) line += " " + a;
    throw std::runtime_error(line + " failed (" + std::to_string(r.exit_code) + "): " + r.err);
  }
}

}  // namespace

std::string ip_program() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
    if (std::filesystem::exists(p)) return p;
  }
  return "ip";
}

bool NetworkNamespace::available() {
  if (geteuid() != 0 || !std::filesystem::exists(ip_program())) return false;
  std::string probe = "cairn-probe-" + std::to_string(getpid());
  if (ip({"netns", "add", probe}).exit_code != 0) return false;
  ip({"netns", "delete", probe});
  return true;
}

NetworkNamespace::NetworkNamespace() {
  static std::atomic<int> made{0};
  const int n = made++;
  const auto pid = static_cast<unsigned>(getpid());
  const std::string id = std::to_string(pid) + "x" + std::to_string(n);
  name_ = "cairn-test-" + id;
  // Interface names are at most 15 bytes.
  outside_link_ = "cv" + std::to_string(pid % 100000) + "o" + std::to_string(n % 100);
  const std::string inside_link =
      "cv" + std::to_string(pid % 100000) + "i" + std::to_string(n % 100);
  // 10.(pid bits).(pid bits).(n * 4 + 1 | 2)/30: distinct for tests running at once.
  const std::string net =
      "10." + std::to_string((pid >> 8) & 0xff) + "." + std::to_string(pid & 0xff) + ".";
  outside_ = net + std::to_string((n % 64) * 4 + 1);
  inside_ = net + std::to_string((n % 64) * 4 + 2);
  must({"netns", "add", name_});
  try {
    must({"link", "add", outside_link_, "type", "veth", "peer", "name", inside_link});
    must({"link", "set", inside_link, "netns", name_});
    must({"addr", "add", outside_ + "/30", "dev", outside_link_});
    must({"link", "set", outside_link_, "up"});
    must({"-n", name_, "addr", "add", inside_ + "/30", "dev", inside_link});
    must({"-n", name_, "link", "set", inside_link, "up"});
    must({"-n", name_, "link", "set", "lo", "up"});
  } catch (...) {
    ip({"link", "delete", outside_link_});
    ip({"netns", "delete", name_});
    throw;
  }
}

NetworkNamespace::~NetworkNamespace() {
  // Deleting the namespace deletes the veth end inside it, and with it the pair.
  ip({"netns", "delete", name_});
  ip({"link", "delete", outside_link_});
}

std::vector<std::string> NetworkNamespace::exec_prefix() const {
  return {ip_program(), "netns", "exec", name_};
}

void NetworkNamespace::cut() { must({"link", "set", outside_link_, "down"}); }
void NetworkNamespace::heal() { must({"link", "set", outside_link_, "up"}); }

}  // namespace cairn::testing
