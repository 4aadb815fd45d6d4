#include "tools/cairn/record_format.h"

#include <fmt/format.h>

#include "protocol/text/base64.h"
#include "tools/cairn/text.h"

namespace cairn::tools {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return out;
}

std::string headers_text(const std::vector<HeaderView>& headers) {
  std::string out;
  for (const auto& h : headers) {
    if (!out.empty()) out += ',';
    out += h.key;
    out += '=';
    if (h.value) out += *h.value;
  }
  return out;
}

// "name":"text" for UTF-8, else "name_base64":"...", or "name":null.
void json_bytes(std::string& out, std::string_view name,
                const std::optional<std::string_view>& bytes) {
  if (!bytes) {
    out += fmt::format("\"{}\":null", name);
  } else if (is_utf8(*bytes)) {
    out += fmt::format("\"{}\":{}", name, json_string(*bytes));
  } else {
    out += fmt::format("\"{}_base64\":\"{}\"", name, protocol::text::base64_encode(*bytes));
  }
}

}  // namespace

Result<std::string> unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 == text.size()) {
      out += c;
      continue;
    }
    char n = text[++i];
    switch (n) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case 'x': {
        int high = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
        int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
        if (high < 0 || low < 0) {
          return Status::invalid_argument("\\x needs two hex digits, as in \\x1f");
        }
        out += static_cast<char>(high * 16 + low);
        i += 2;
        break;
      }
      default:  // not an escape: keep both characters ({ and } stay literal after a backslash)
        out += '\\';
        out += n;
    }
  }
  return out;
}

bool is_utf8(std::string_view bytes) {
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  size_t i = 0;
  while (i < bytes.size()) {
    auto c = static_cast<unsigned char>(bytes[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c >> 5) == 0x6) {
      extra = 1;
      code = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      extra = 2;
      code = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (bytes.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(bytes[i + k]);
      if ((cc >> 6) != 0x2) return false;
      code = code << 6 | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if (code < kMin[extra] || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return false;
    i += extra + 1;
  }
  return true;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

Result<RecordFormat> RecordFormat::parse(std::string_view spec) {
  RecordFormat format;
  if (spec == "json") {
    format.json_ = true;
    return format;
  }
  bool kcat = spec.find('%') != std::string_view::npos && spec.find('{') == std::string_view::npos;
  std::string text;
  auto flush_text = [&] {
    if (text.empty()) return;
    auto unescaped = unescape(text);
    text.clear();
    if (!unescaped) return;
    format.parts_.push_back({Field::kText, std::move(*unescaped)});
  };
  for (size_t i = 0; i < spec.size(); ++i) {
    char c = spec[i];
    if (c == '\\' && i + 1 < spec.size()) {  // an escape: kept whole for unescape()
      text += c;
      text += spec[++i];
      continue;
    }
    Field field = Field::kText;
    if (kcat && c == '%') {
      if (i + 1 == spec.size()) return Status::invalid_argument("--format: a lone % at the end");
      char d = spec[++i];
      if (d == '%') {
        text += '%';
        continue;
      }
      switch (d) {
        case 't': field = Field::kTopic; break;
        case 'p': field = Field::kPartition; break;
        case 'o': field = Field::kOffset; break;
        case 'k': field = Field::kKey; break;
        case 's': field = Field::kValue; break;
        case 'K': field = Field::kKeySize; break;
        case 'S': field = Field::kValueSize; break;
        case 'T': field = Field::kTimestamp; break;
        case 'h': field = Field::kHeaders; break;
        default:
          return Status::invalid_argument(std::string("--format: unknown directive %") + d +
                                          " (%t %p %o %k %s %K %S %T %h %%)");
      }
    } else if (!kcat && c == '{') {
      auto close = spec.find('}', i);
      if (close == std::string_view::npos) return Status::invalid_argument("--format: unclosed {");
      auto name = spec.substr(i + 1, close - i - 1);
      field = name == "topic"          ? Field::kTopic
              : name == "partition"    ? Field::kPartition
              : name == "offset"       ? Field::kOffset
              : name == "timestamp"    ? Field::kTimestamp
              : name == "time"         ? Field::kTime
              : name == "key"          ? Field::kKey
              : name == "value"        ? Field::kValue
              : name == "headers"      ? Field::kHeaders
              : name == "key:hex"      ? Field::kKeyHex
              : name == "key:base64"   ? Field::kKeyBase64
              : name == "value:hex"    ? Field::kValueHex
              : name == "value:base64" ? Field::kValueBase64
                                       : Field::kText;
      if (field == Field::kText) {
        return Status::invalid_argument(
            "--format: unknown field {" + std::string(name) +
            "} (topic, partition, offset, timestamp, time, key, value, headers; key:hex, "
            "key:base64, value:hex, value:base64; or json)");
      }
      i = close;
    } else {
      text += c;
      continue;
    }
    if (auto check = unescape(text); !check)
      return Status::invalid_argument("--format: " + check.error().message());
    flush_text();
    format.parts_.push_back({field, {}});
  }
  if (auto check = unescape(text); !check)
    return Status::invalid_argument("--format: " + check.error().message());
  flush_text();
  if (format.parts_.empty() || format.parts_.back().first != Field::kText ||
      format.parts_.back().second.empty() || format.parts_.back().second.back() != '\n') {
    format.parts_.push_back({Field::kText, "\n"});
  }
  return format;
}

std::string RecordFormat::render_json(const RecordView& r) {
  std::string out = fmt::format("{{\"topic\":{},\"partition\":{},\"offset\":{},\"timestamp\":{},",
                                json_string(r.topic), r.partition, r.offset, r.timestamp_ms);
  json_bytes(out, "key", r.key);
  out += ',';
  json_bytes(out, "value", r.value);
  out += ",\"headers\":[";
  for (size_t i = 0; i < r.headers.size(); ++i) {
    const auto& h = r.headers[i];
    out += i == 0 ? "{" : ",{";
    json_bytes(out, "key", h.key);
    out += ',';
    json_bytes(out, "value", h.value);
    out += '}';
  }
  out += "]}\n";
  return out;
}

std::string RecordFormat::render(const RecordView& r) const {
  if (json_) return render_json(r);
  std::string out;
  for (const auto& [field, text] : parts_) {
    switch (field) {
      case Field::kText: out += text; break;
      case Field::kTopic: out += r.topic; break;
      case Field::kPartition: out += std::to_string(r.partition); break;
      case Field::kOffset: out += std::to_string(r.offset); break;
      case Field::kTimestamp: out += std::to_string(r.timestamp_ms); break;
      case Field::kTime: out += format_timestamp(r.timestamp_ms); break;
      case Field::kKey:
        if (r.key) out += *r.key;
        break;
      case Field::kValue:
        if (r.value) out += *r.value;
        break;
      case Field::kHeaders: out += headers_text(r.headers); break;
      case Field::kKeyHex:
        if (r.key) out += hex(*r.key);
        break;
      case Field::kKeyBase64:
        if (r.key) out += protocol::text::base64_encode(*r.key);
        break;
      case Field::kValueHex:
        if (r.value) out += hex(*r.value);
        break;
      case Field::kValueBase64:
        if (r.value) out += protocol::text::base64_encode(*r.value);
        break;
      case Field::kKeySize: out += r.key ? std::to_string(r.key->size()) : "-1"; break;
      case Field::kValueSize: out += r.value ? std::to_string(r.value->size()) : "-1"; break;
    }
  }
  return out;
}

}  // namespace cairn::tools
