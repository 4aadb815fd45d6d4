#pragma once

// JsonValue: a parsed JSON document, for the API's small request bodies (the listener caps
// them at 1 MiB). Strict RFC 8259: one value, no trailing commas or comments, strings with
// their escapes decoded (a \u escape must make valid UTF-8), nesting at most 16 deep.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::broker::http {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string text;              // kString
  std::vector<JsonValue> items;  // kArray
  // kObject: its keys and values, in document order (two vectors: a vector may hold the
  // incomplete JsonValue, a pair may not).
  std::vector<std::string> keys;
  std::vector<JsonValue> values;

  // The field `name` of an object, or null (also when this is not an object).
  const JsonValue* find(std::string_view name) const;
  // The number as an integer, when it is one exactly.
  std::optional<int64_t> integer() const;
};

// The document in `text`, or nullopt when it is not valid JSON.
std::optional<JsonValue> parse_json(std::string_view text);

}  // namespace cairn::broker::http
