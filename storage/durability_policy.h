#pragma once

// DurabilityPolicy: when a partition fdatasyncs its appends (FORMAT.md, "Durability").
//   always       every append is synced before it is acknowledged; appends that arrive while a
//                sync is in flight share the next one (group commit). The default.
//   interval:MS  appends are acknowledged once written; the log is synced every MS milliseconds.
//   never        appends are acknowledged once written; the OS decides when to write back.
// Every policy syncs on a clean close, when a segment is sealed, and before the recovery point
// moves.

#include <chrono>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace cairn::storage {

struct DurabilityPolicy {
  enum class Kind { kAlways, kInterval, kNever };

  // The longest sync interval interval:MS may ask for.
  static constexpr std::chrono::milliseconds kMaxInterval = std::chrono::hours(24);

  Kind kind = Kind::kAlways;
  std::chrono::milliseconds interval{0};  // only for kInterval

  static DurabilityPolicy always() { return {Kind::kAlways, {}}; }
  static DurabilityPolicy every(std::chrono::milliseconds ms) { return {Kind::kInterval, ms}; }
  static DurabilityPolicy never() { return {Kind::kNever, {}}; }

  // Parses "always", "interval:MS" (MS >= 1) or "never".
  static Result<DurabilityPolicy> parse(std::string_view text);
  std::string to_string() const;

  friend bool operator==(const DurabilityPolicy&, const DurabilityPolicy&) = default;
};

}  // namespace cairn::storage
