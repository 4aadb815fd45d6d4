#include "tools/cairn/json_record.h"

#include <cstdint>

#include "protocol/text/base64.h"
#include "protocol/text/json_value.h"

namespace cairn::tools {

namespace {

using protocol::text::JsonValue;
using Kind = JsonValue::Kind;

Status error_at(const JsonValue& v, const std::string& what) {
  return Status::invalid_argument(what + " at byte " + std::to_string(v.at));
}

// A string, null, or (for *_base64 names) base64 text.
Result<std::optional<std::string>> bytes(const JsonValue& v, bool base64) {
  if (v.kind == Kind::kNull) return std::optional<std::string>();
  if (v.kind != Kind::kString) return error_at(v, "expected a string or null");
  if (!base64) return std::optional<std::string>(v.text);
  auto decoded = protocol::text::base64_decode(v.text);
  if (!decoded) return error_at(v, "a *_base64 field that is not base64");
  return std::optional<std::string>(protocol::as_string_view(*decoded));
}

Status headers(const JsonValue& v, JsonRecord& record) {
  if (v.kind == Kind::kObject) {  // {"k": "v", ...}
    for (size_t i = 0; i < v.keys.size(); ++i) {
      auto value = bytes(v.values[i], false);
      if (!value) return value.error();
      record.headers.emplace_back(v.keys[i], std::move(*value));
    }
    return Status::ok();
  }
  if (v.kind != Kind::kArray) return error_at(v, "\"headers\" must be an array or an object");
  for (const JsonValue& h : v.items) {  // [{"key": "k", "value": "v"}, ...]
    if (h.kind != Kind::kObject) return error_at(h, "expected a header object");
    std::string key;
    std::optional<std::string> value;
    for (size_t i = 0; i < h.keys.size(); ++i) {
      const std::string& name = h.keys[i];
      const JsonValue& field = h.values[i];
      if (name == "key") {
        if (field.kind != Kind::kString) return error_at(field, "a header key must be a string");
        key = field.text;
      } else if (name == "value" || name == "value_base64") {
        auto b = bytes(field, name == "value_base64");
        if (!b) return b.error();
        value = std::move(*b);
      } else {
        return error_at(field, "a header has an unknown field \"" + name + "\"");
      }
    }
    record.headers.emplace_back(std::move(key), std::move(value));
  }
  return Status::ok();
}

Result<int64_t> integer(const JsonValue& v, const char* name) {
  auto i = v.integer();
  if (!i) return error_at(v, std::string("\"") + name + "\" must be an integer");
  return *i;
}

}  // namespace

Result<JsonRecord> parse_json_record(std::string_view line) {
  auto doc = protocol::text::parse_json(line);
  if (!doc) return doc.error();
  if (doc->kind != Kind::kObject) return error_at(*doc, "expected a JSON object");
  JsonRecord record;
  for (size_t i = 0; i < doc->keys.size(); ++i) {
    const std::string& n = doc->keys[i];
    const JsonValue& v = doc->values[i];
    if (n == "key" || n == "key_base64" || n == "value" || n == "value_base64") {
      auto b = bytes(v, n.ends_with("_base64"));
      if (!b) return b.error();
      (n[0] == 'k' ? record.key : record.value) = std::move(*b);
    } else if (n == "headers") {
      if (Status s = headers(v, record); !s.is_ok()) return s;
    } else if (n == "partition") {
      auto p = integer(v, "partition");
      if (!p) return p.error();
      if (*p < 0 || *p > INT32_MAX) return error_at(v, "\"partition\" out of range");
      record.partition = static_cast<int32_t>(*p);
    } else if (n == "timestamp") {
      auto t = integer(v, "timestamp");
      if (!t) return t.error();
      record.timestamp_ms = *t;
    } else if (n == "topic") {
      if (v.kind != Kind::kString) return error_at(v, "\"topic\" must be a string");
    } else if (n == "offset") {
      auto o = integer(v, "offset");
      if (!o) return o.error();
    } else {
      return error_at(
          v, "unknown field \"" + n +
                 "\" (key, value, key_base64, value_base64, headers, partition, timestamp)");
    }
  }
  return record;
}

}  // namespace cairn::tools
