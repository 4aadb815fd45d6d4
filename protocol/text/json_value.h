#pragma once

// JsonValue: a parsed JSON document, for small documents whose size the caller has already
// bounded (the HTTP API caps request bodies at 1 MiB; `cairn produce` reads one line per
// record). Strict RFC 8259: one value, no trailing commas or comments, strings with their
// escapes decoded (a \u escape must make valid UTF-8), numbers finite, nesting at most 16 deep.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace cairn::protocol::text {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  size_t at = 0;  // the byte of the document where this value starts, for error messages
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
  // The number as an integer, when it is one exactly (integers up to 2^53).
  std::optional<int64_t> integer() const;
};

// The document in `text`, or kInvalidArgument saying what is wrong "at byte N".
Result<JsonValue> parse_json(std::string_view text);

}  // namespace cairn::protocol::text
