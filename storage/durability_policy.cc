#include "storage/durability_policy.h"

#include <charconv>

namespace cairn::storage {

Result<DurabilityPolicy> DurabilityPolicy::parse(std::string_view text) {
  if (text == "always") return always();
  if (text == "never") return never();
  constexpr std::string_view kPrefix = "interval:";
  if (text.starts_with(kPrefix)) {
    std::string_view digits = text.substr(kPrefix.size());
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
    if (ec == std::errc() && end == digits.data() + digits.size() && ms >= 1 &&
        std::chrono::milliseconds(ms) <= kMaxInterval) {
      return every(std::chrono::milliseconds(ms));
    }
  }
  return Status::invalid_argument("durability policy '" + std::string(text) +
                                  "' is not always, interval:MS (1 ms to 24 h) or never");
}

std::string DurabilityPolicy::to_string() const {
  switch (kind) {
    case Kind::kAlways: return "always";
    case Kind::kNever: return "never";
    case Kind::kInterval: return "interval:" + std::to_string(interval.count());
  }
  return "unknown";
}

}  // namespace cairn::storage
