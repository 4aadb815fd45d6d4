#pragma once

// One record from a line of JSON, for `cairn produce --input json`: the objects
// `cairn consume -f json` prints read back as the records they describe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/status.h"

namespace cairn::tools {

struct JsonRecord {
  std::optional<std::string> key;    // "key" (a string or null), or "key_base64"
  std::optional<std::string> value;  // "value" or "value_base64"
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;  // [{"key","value"}] or {"k":"v"}
  std::optional<int32_t> partition;  // "partition"
  std::optional<int64_t> timestamp_ms;  // "timestamp"
};

// Parses one JSON object. "topic" and "offset" are accepted and ignored (they describe where a
// consumed record was); any other field is an error that names it. kInvalidArgument says what
// is wrong and at which byte.
Result<JsonRecord> parse_json_record(std::string_view line);

}  // namespace cairn::tools
