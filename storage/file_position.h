#pragma once

#include <compare>
#include <cstdint>

namespace cairn::storage {

// A byte position inside one file. Never converts implicitly to or from an Offset or an integer.
class FilePosition {
 public:
  constexpr FilePosition() = default;
  constexpr explicit FilePosition(uint64_t value) : value_(value) {}

  constexpr uint64_t value() const { return value_; }
  constexpr FilePosition operator+(uint64_t bytes) const { return FilePosition(value_ + bytes); }
  // Bytes from `other` to this position.
  constexpr uint64_t operator-(FilePosition other) const { return value_ - other.value_; }
  constexpr auto operator<=>(const FilePosition&) const = default;

 private:
  uint64_t value_ = 0;
};

}  // namespace cairn::storage
