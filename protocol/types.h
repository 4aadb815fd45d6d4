#pragma once

// Shared vocabulary at the bottom of the dependency graph: offsets and timestamps.

#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace cairn {

// The position of a record in a partition's log: 0, 1, 2, ... Never converts implicitly to or
// from an integer, a byte position or a count.
class Offset {
 public:
  constexpr Offset() = default;
  constexpr explicit Offset(int64_t value) : value_(value) {}

  constexpr int64_t value() const { return value_; }

  constexpr Offset operator+(int64_t delta) const { return Offset(value_ + delta); }
  constexpr Offset operator-(int64_t delta) const { return Offset(value_ - delta); }
  // The number of offsets from `other` to this one.
  constexpr int64_t operator-(Offset other) const { return value_ - other.value_; }
  constexpr auto operator<=>(const Offset&) const = default;

  std::string to_string() const { return std::to_string(value_); }

 private:
  int64_t value_ = 0;
};

// Record timestamps: milliseconds since the Unix epoch, as carried on the wire.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

inline Timestamp timestamp_from_millis(int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}
inline int64_t to_millis(Timestamp ts) { return ts.time_since_epoch().count(); }

// The wall clock, injectable so tests can use a manual one.
using Clock = std::function<Timestamp()>;
inline Timestamp system_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace cairn

template <>
struct std::hash<cairn::Offset> {
  size_t operator()(cairn::Offset o) const noexcept { return std::hash<int64_t>()(o.value()); }
};
