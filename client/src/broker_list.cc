#include "client/src/broker_list.h"

#include <charconv>

namespace cairn::client {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool valid_address(std::string_view a) {
  auto colon = a.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == a.size()) return false;
  std::string_view port = a.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc{} && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

}  // namespace

Result<std::vector<std::string>> parse_broker_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    auto comma = text.find(',');
    std::string_view entry = trim(text.substr(0, comma));
    if (!valid_address(entry)) {
      return Status::invalid_argument("broker address '" + std::string(entry) +
                                      "' is not HOST:PORT");
    }
    out.emplace_back(entry);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

BrokerList::BrokerList(std::vector<std::string> bootstrap) : bootstrap_(std::move(bootstrap)) {
  if (bootstrap_.empty()) bootstrap_.emplace_back("127.0.0.1:9292");
}

const std::string& BrokerList::current() const { return leader_ ? *leader_ : bootstrap_[next_]; }

void BrokerList::connect_failed() {
  ++failures_;
  if (leader_) {
    leader_.reset();
  }
  next_ = (next_ + 1) % bootstrap_.size();
}

void BrokerList::not_leader(std::string_view leader) {
  if (!leader.empty() && valid_address(leader)) {
    leader_ = std::string(leader);
    return;
  }
  leader_.reset();
  next_ = (next_ + 1) % bootstrap_.size();
}

}  // namespace cairn::client
