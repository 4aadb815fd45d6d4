#pragma once

// MessageFiller: gives every field of a message that exists at a version a pseudo-random
// value, walking the same field list as the codec. Nullable fields are sometimes null, arrays
// hold zero to two elements, tagged fields sometimes keep their defaults. Deterministic for a
// seed. Byte fields are views of a static buffer.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka::test {

class MessageFiller : public FieldVisitor<MessageFiller> {
 public:
  MessageFiller(int16_t version, uint64_t seed) : version_(version), state_(seed) {}

  template <class T>
  void field(T& v, const FieldSpec& f) {
    if (f.versions.has(version_)) fill(v, f.nullable.has(version_));
  }

  template <class T>
  void fill(T& v, bool nullable) {
    if constexpr (std::is_same_v<T, bool>) {
      v = (next() & 1) != 0;
    } else if constexpr (std::is_integral_v<T>) {
      v = static_cast<T>(next() % 4 == 0 ? 0 : next());
    } else if constexpr (std::is_same_v<T, double>) {
      v = static_cast<double>(next() % 1000) / 8;
    } else if constexpr (std::is_same_v<T, Uuid>) {
      for (auto& b : v.bytes) b = static_cast<uint8_t>(next());
    } else if constexpr (std::is_same_v<T, std::string>) {
      v = text();
    } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
      if (nullable && next() % 4 == 0) v.reset(); else v = text();
    } else if constexpr (std::is_same_v<T, BytesView>) {
      v = BytesView{blob()};
    } else if constexpr (std::is_same_v<T, std::optional<BytesView>>) {
      if (nullable && next() % 4 == 0) v.reset(); else v = BytesView{blob()};
    } else if constexpr (std::is_same_v<T, Records>) {
      v = nullable && next() % 4 == 0 ? Records() : Records::view(blob());
    } else if constexpr (detail::kIsVector<T>) {
      fill_vector(v);
    } else if constexpr (detail::kIsOptionalVector<T>) {
      if (nullable && next() % 4 == 0) {
        v.reset();
      } else {
        v.emplace();
        fill_vector(*v);
      }
    } else {
      ++depth_;
      v.fields(*this);
      --depth_;
    }
  }

 private:
  template <class E>
  void fill_vector(std::vector<E>& v) {
    v.resize(depth_ >= 4 ? 0 : next() % 3);
    for (E& e : v) fill(e, false);
  }

  std::string text() {
    static constexpr const char* kWords[] = {"", "t", "topic-1", "a.longer_name-with-parts"};
    return kWords[next() % 4];
  }

  Bytes blob() {
    static const std::array<std::byte, 16> kBlob = {
        std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}, std::byte{5}, std::byte{6},
        std::byte{7}, std::byte{8}, std::byte{9}, std::byte{10}, std::byte{11}, std::byte{12},
        std::byte{13}, std::byte{14}, std::byte{15}, std::byte{16}};
    return Bytes(kBlob).first(next() % kBlob.size());
  }

  uint64_t next() {  // splitmix64
    uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  int16_t version_;
  uint64_t state_;
  int depth_ = 0;
};

// A message of type M filled for `version` from `seed`.
template <class M>
M filled(int16_t version, uint64_t seed) {
  M m{};
  MessageFiller filler(version, seed);
  m.fields(filler);
  return m;
}

}  // namespace cairn::protocol::kafka::test
