#pragma once

// The vocabulary of the message tables. A message (or a struct inside one) is a C++ struct with
// one member per Kafka field and a single field list that says, in wire order, each field's
// name, the versions it exists in, the versions in which it may be null, and its tag if it is a
// tagged field:
//
//   struct LeaderIdAndEpoch {
//     int32_t leader_id = -1;
//     int32_t leader_epoch = -1;
//     template <class Io> void fields(Io& io) {
//       io(leader_id, "LeaderId", Versions{0});
//       io(leader_epoch, "LeaderEpoch", Versions{0});
//     }
//     bool operator==(const LeaderIdAndEpoch&) const = default;
//   };
//
// The generic codec (codec.h) passes its reader, writer and sizer as `Io`; tests pass others
// (a filler, a schema checker). The member's C++ type gives the Kafka type:
//
//   bool int8_t int16_t uint16_t int32_t uint32_t int64_t double Uuid   fixed width
//   std::string / std::optional<std::string>                             string / nullable
//   BytesView / std::optional<BytesView>                                 bytes / nullable
//   Records                                                              records (nullable)
//   std::vector<T> / std::optional<std::vector<T>>                       array / nullable
//   a struct with fields()                                               struct
//
// A member's initializer is its Kafka default: what a version without the field decodes to.
// A tagged field is written only when it differs from its default (Tag's default_value for
// integers and bools; empty or null for strings, bytes and arrays; a default-built struct).

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include "protocol/byte_io.h"

namespace cairn::protocol::kafka {

inline constexpr int16_t kMaxVersion = std::numeric_limits<int16_t>::max();

// An inclusive version range: Versions{3} is "3+", Versions{0, 12} is "0-12".
struct Versions {
  int16_t lo = 0;
  int16_t hi = kMaxVersion;

  constexpr bool has(int16_t v) const { return v >= lo && v <= hi; }
  static constexpr Versions none() { return Versions{1, 0}; }
};

// The versions in which a field may be null (Kafka's nullableVersions).
struct Nullable {
  int16_t lo = 0;
  int16_t hi = kMaxVersion;
};

// A tagged field's tag, and its default when it is an integer or a bool.
struct Tag {
  int32_t tag;
  int64_t default_value = 0;
};

// One field as a table row, built by FieldVisitor from the field list's arguments.
struct FieldSpec {
  std::string_view name;
  Versions versions;
  Versions nullable = Versions::none();
  int32_t tag = -1;
  int64_t tag_default = 0;

  bool tagged() const { return tag >= 0; }
};

// Opaque bytes (Kafka's `bytes`), as a view: into the frame after decoding, into the caller's
// memory for encoding. Compared by content.
struct BytesView {
  Bytes bytes;

  size_t size() const { return bytes.size(); }
  bool empty() const { return bytes.empty(); }
  friend bool operator==(const BytesView& a, const BytesView& b) {
    return std::ranges::equal(a.bytes, b.bytes);
  }
};

// Base of every Io: turns the field list's arguments into a FieldSpec and calls the derived
// class's `template <class T> void field(T& value, const FieldSpec& spec)`.
template <class Derived>
class FieldVisitor {
 public:
  template <class T>
  void operator()(T& v, std::string_view name, Versions versions) {
    self().field(v, FieldSpec{name, versions});
  }
  template <class T>
  void operator()(T& v, std::string_view name, Versions versions, Nullable n) {
    self().field(v, FieldSpec{name, versions, Versions{n.lo, n.hi}});
  }
  template <class T>
  void operator()(T& v, std::string_view name, Versions versions, Tag t) {
    self().field(v, FieldSpec{name, versions, Versions::none(), t.tag, t.default_value});
  }
  template <class T>
  void operator()(T& v, std::string_view name, Versions versions, Nullable n, Tag t) {
    self().field(v, FieldSpec{name, versions, Versions{n.lo, n.hi}, t.tag, t.default_value});
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

// An Io that does nothing, to detect structs.
class NullVisitor : public FieldVisitor<NullVisitor> {
 public:
  template <class T>
  void field(T&, const FieldSpec&) {}
};

template <class T>
concept Struct = std::is_class_v<T> && requires(T& t, NullVisitor& io) { t.fields(io); };

}  // namespace cairn::protocol::kafka
