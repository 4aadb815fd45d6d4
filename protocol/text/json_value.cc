#include "protocol/text/json_value.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace cairn::protocol::text {

namespace {

constexpr int kMaxDepth = 16;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<JsonValue> document() {
    JsonValue v;
    if (!value(v, 0)) return Status::invalid_argument(what_ + " at byte " + std::to_string(where_));
    skip_space();
    if (at_ != text_.size())
      return Status::invalid_argument("text after the value at byte " + std::to_string(at_));
    return v;
  }

 private:
  // Records the first failure (the innermost: callers only pass `false` up) and returns false.
  bool fail(const char* what, size_t where) {
    if (what_.empty()) {
      what_ = what;
      where_ = where;
    }
    return false;
  }
  bool fail(const char* what) { return fail(what, at_); }

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      ++at_;
    }
  }
  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  bool value(JsonValue& out, int depth) {
    if (depth > kMaxDepth) return fail("nesting deeper than 16");
    skip_space();
    if (at_ >= text_.size()) return fail("expected a value");
    out.at = at_;
    char c = text_[at_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out.kind = JsonValue::Kind::kString;
      return string(out.text);
    }
    if (literal("null")) return true;
    if (literal("true") || literal("false")) {
      out.kind = JsonValue::Kind::kBool;
      out.boolean = text_[at_ - 1] == 'e' && text_[at_ - 2] == 'u';
      return true;
    }
    return number(out);
  }

  bool object(JsonValue& out, int depth) {
    out.kind = JsonValue::Kind::kObject;
    ++at_;
    skip_space();
    if (at_ < text_.size() && text_[at_] == '}') return ++at_, true;
    for (;;) {
      skip_space();
      std::string key;
      if (at_ >= text_.size() || text_[at_] != '"') return fail("expected a string key");
      if (!string(key)) return false;
      skip_space();
      if (at_ >= text_.size() || text_[at_] != ':') return fail("expected :");
      ++at_;
      JsonValue v;
      if (!value(v, depth + 1)) return false;
      out.keys.push_back(std::move(key));
      out.values.push_back(std::move(v));
      skip_space();
      if (at_ >= text_.size() || (text_[at_] != '}' && text_[at_] != ','))
        return fail("expected , or }");
      if (text_[at_++] == '}') return true;
    }
  }

  bool array(JsonValue& out, int depth) {
    out.kind = JsonValue::Kind::kArray;
    ++at_;
    skip_space();
    if (at_ < text_.size() && text_[at_] == ']') return ++at_, true;
    for (;;) {
      JsonValue v;
      if (!value(v, depth + 1)) return false;
      out.items.push_back(std::move(v));
      skip_space();
      if (at_ >= text_.size() || (text_[at_] != ']' && text_[at_] != ','))
        return fail("expected , or ]");
      if (text_[at_++] == ']') return true;
    }
  }

  bool hex4(uint32_t& out) {
    if (at_ + 4 > text_.size()) return fail("a short \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[at_++];
      out <<= 4;
      if (c >= '0' && c <= '9') {
        out |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        out |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        out |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return fail("a bad \\u escape", at_ - 1);
      }
    }
    return true;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool string(std::string& out) {
    ++at_;  // the opening quote
    while (at_ < text_.size()) {
      char c = text_[at_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20)
        return fail("a control character in a string", at_ - 1);
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= text_.size()) break;
      char e = text_[at_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("a lone low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (!literal("\\u")) return fail("a lone high surrogate");
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail("a bad low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: return fail("an unknown escape", at_ - 1);
      }
    }
    return fail("an unterminated string");
  }

  bool number(JsonValue& out) {
    size_t start = at_;
    if (at_ < text_.size() && text_[at_] == '-') ++at_;
    auto digits = [&] {
      size_t from = at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
      return at_ > from;
    };
    if (!digits()) return fail("expected a value", start);
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      if (!digits()) return fail("expected digits after .");
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (!digits()) return fail("expected an exponent");
    }
    std::string copy(text_.substr(start, at_ - start));
    out.kind = JsonValue::Kind::kNumber;
    out.number = std::strtod(copy.c_str(), nullptr);
    return std::isfinite(out.number) || fail("a number out of range", start);
  }

  std::string_view text_;
  size_t at_ = 0;
  std::string what_;  // the first failure
  size_t where_ = 0;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view name) const {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == name) return &values[i];
  }
  return nullptr;
}

std::optional<int64_t> JsonValue::integer() const {
  // Integers up to 2^53 are exact in a double; the API's values stay well inside that.
  constexpr double kExact = 9007199254740992.0;
  if (kind != Kind::kNumber || std::trunc(number) != number || std::fabs(number) > kExact) {
    return std::nullopt;
  }
  return static_cast<int64_t>(number);
}

Result<JsonValue> parse_json(std::string_view text) { return Parser(text).document(); }

}  // namespace cairn::protocol::text
