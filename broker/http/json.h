#pragma once

// JsonWriter: builds one JSON text by appending, without a document tree. Commas and nesting are
// tracked for the caller, strings are escaped (quote, backslash, control characters as \uXXXX)
// and bytes that are not valid UTF-8 become U+FFFD, so the output is always valid JSON that a
// browser's JSON.parse takes. Numbers: integers exactly, doubles shortest round-trip; a NaN or an
// infinity (which JSON cannot spell) becomes null.
//
//   JsonWriter w;
//   w.begin_object().key("name").value("orders").key("partitions").value(3).end_object();
//   std::string text = std::move(w).take();

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cairn::broker::http {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // Inside an object, before each value.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b);
  template <std::integral T>
  requires(!std::is_same_v<T, bool> && !std::is_same_v<T, char>) JsonWriter& value(T v) {
    before_value();
    if constexpr (std::is_signed_v<T>) {
      write_int(static_cast<int64_t>(v));
    } else {
      write_uint(static_cast<uint64_t>(v));
    }
    return *this;
  }
  JsonWriter& value(double v);
  JsonWriter& null();
  // Text that is already JSON (another writer's output), inserted as one value.
  JsonWriter& raw(std::string_view json);

  const std::string& text() const { return out_; }
  std::string take() && { return std::move(out_); }

 private:
  void before_value();
  void write_int(int64_t v);
  void write_uint(uint64_t v);

  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace cairn::broker::http
