#pragma once

// How `cairn consume` prints a record: --format as a template with {fields}, as a kcat-style
// %-format, or "json" (one object per line), and the escapes that --format and --key-separator
// share. Pure text work: no I/O, no client types.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/record.h"
#include "protocol/status.h"

namespace cairn::tools {

using HeaderView = client::HeaderView;

struct RecordView {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string_view> key;  // nullopt: a null key
  std::optional<std::string_view> value;
  std::vector<HeaderView> headers;
};

// `text` with \t \n \r \0 \\ and \xNN replaced by the bytes they stand for; any other
// backslash stays as it is. kInvalidArgument for a \x without two hex digits.
Result<std::string> unescape(std::string_view text);

// True when `bytes` is well-formed UTF-8.
bool is_utf8(std::string_view bytes);
// `text` as a JSON string literal, quotes included (text must be UTF-8).
std::string json_string(std::string_view text);

class RecordFormat {
 public:
  // Parses --format:
  //   "json": {"topic","partition","offset","timestamp","key","value","headers"} per line; a
  //     key or value that is not UTF-8 is written as "key_base64" / "value_base64" instead,
  //     headers as [{"key":…,"value":…}] with the same rule ("value_base64");
  //   a template with {topic} {partition} {offset} {timestamp} (ms) {time} (ISO 8601) {key}
  //     {value} {headers} (k=v,k2=v2), {key:hex} {key:base64} {value:hex} {value:base64};
  //   a kcat format, when it has a % and no {: %t topic, %p partition, %o offset, %k key, %s
  //     value, %K key bytes, %S value bytes, %T timestamp (ms), %h headers, %% a %.
  // Escapes (unescape()) apply to templates and kcat formats. A newline ends each record unless
  // the format already ends with one. kInvalidArgument names an unknown field or directive.
  static Result<RecordFormat> parse(std::string_view spec);

  std::string render(const RecordView& record) const;

 private:
  enum class Field {
    kText,
    kTopic,
    kPartition,
    kOffset,
    kTimestamp,
    kTime,
    kKey,
    kValue,
    kHeaders,
    kKeyHex,
    kKeyBase64,
    kValueHex,
    kValueBase64,
    kKeySize,
    kValueSize,
  };
  static std::string render_json(const RecordView& record);

  bool json_ = false;
  std::vector<std::pair<Field, std::string>> parts_;
};

}  // namespace cairn::tools
