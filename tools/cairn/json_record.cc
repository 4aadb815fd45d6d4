#include "tools/cairn/json_record.h"

#include <charconv>
#include <cstring>

namespace cairn::tools {

namespace {

// A cursor over one line of JSON; every read checks what is left first.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  Status error(const std::string& what) const {
    return Status::invalid_argument(what + " at byte " + std::to_string(at_));
  }
  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\r' || text_[at_] == '\n')) {
      ++at_;
    }
  }
  bool done() {
    skip_space();
    return at_ == text_.size();
  }
  // Consumes `c` after spaces, if it is next.
  bool take(char c) {
    skip_space();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool take_word(std::string_view word) {
    skip_space();
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }
  char peek() {
    skip_space();
    return at_ < text_.size() ? text_[at_] : '\0';
  }

  Result<std::string> string() {
    if (!take('"')) return error("expected a string");
    std::string out;
    while (at_ < text_.size()) {
      char c = text_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return error("a control character in a string");
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
          auto code = hex4();
          if (!code) return code.error();
          uint32_t cp = *code;
          if (cp >= 0xd800 && cp <= 0xdbff) {  // a surrogate pair
            if (!take_word("\\u")) return error("a lone high surrogate");
            auto low = hex4();
            if (!low) return low.error();
            if (*low < 0xdc00 || *low > 0xdfff) return error("a bad low surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (*low - 0xdc00);
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            return error("a lone low surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default: return error(std::string("an unknown escape \\") + e);
      }
    }
    return error("an unterminated string");
  }

  Result<int64_t> integer() {
    skip_space();
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text_.data() + at_, text_.data() + text_.size(), v);
    if (ec != std::errc() || end == text_.data() + at_) return error("expected an integer");
    at_ = static_cast<size_t>(end - text_.data());
    return v;
  }

 private:
  Result<uint32_t> hex4() {
    if (text_.size() - at_ < 4) return error("a short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[at_++];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return error("a bad \\u escape");
      v = v * 16 + static_cast<uint32_t>(d);
    }
    return v;
  }
  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  std::string_view text_;
  size_t at_ = 0;
};

Result<std::string> from_base64(std::string_view text) {
  auto digit = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    int d = digit(c);
    if (d < 0) return Status::invalid_argument("not base64");
    bits = bits << 6 | static_cast<uint32_t>(d);
    if (++count == 4) {
      out += static_cast<char>(bits >> 16);
      out += static_cast<char>(bits >> 8);
      out += static_cast<char>(bits);
      bits = 0;
      count = 0;
    }
  }
  if (count == 1) return Status::invalid_argument("not base64");
  if (count == 2) out += static_cast<char>(bits >> 4);
  if (count == 3) {
    out += static_cast<char>(bits >> 10);
    out += static_cast<char>(bits >> 2);
  }
  return out;
}

// A string, null, or (for *_base64 names) base64 text.
Result<std::optional<std::string>> bytes(Reader& in, bool base64) {
  if (in.take_word("null")) return std::optional<std::string>();
  auto text = in.string();
  if (!text) return text.error();
  if (!base64) return std::optional<std::string>(std::move(*text));
  auto decoded = from_base64(*text);
  if (!decoded) return in.error("a *_base64 field that is not base64");
  return std::optional<std::string>(std::move(*decoded));
}

Status headers(Reader& in, JsonRecord& record) {
  if (in.take('{')) {  // {"k": "v", ...}
    if (in.take('}')) return Status::ok();
    do {
      auto key = in.string();
      if (!key) return key.error();
      if (!in.take(':')) return in.error("expected :");
      auto value = bytes(in, false);
      if (!value) return value.error();
      record.headers.emplace_back(std::move(*key), std::move(*value));
    } while (in.take(','));
    return in.take('}') ? Status::ok() : in.error("expected } after the headers");
  }
  if (!in.take('[')) return in.error("\"headers\" must be an array or an object");
  if (in.take(']')) return Status::ok();
  do {  // [{"key": "k", "value": "v"}, ...]
    if (!in.take('{')) return in.error("expected a header object");
    std::string key;
    std::optional<std::string> value;
    do {
      auto name = in.string();
      if (!name) return name.error();
      if (!in.take(':')) return in.error("expected :");
      if (*name == "key") {
        auto k = in.string();
        if (!k) return k.error();
        key = std::move(*k);
      } else if (*name == "value" || *name == "value_base64") {
        auto v = bytes(in, *name == "value_base64");
        if (!v) return v.error();
        value = std::move(*v);
      } else {
        return in.error("a header has an unknown field \"" + *name + "\"");
      }
    } while (in.take(','));
    if (!in.take('}')) return in.error("expected } after a header");
    record.headers.emplace_back(std::move(key), std::move(value));
  } while (in.take(','));
  return in.take(']') ? Status::ok() : in.error("expected ] after the headers");
}

}  // namespace

Result<JsonRecord> parse_json_record(std::string_view line) {
  Reader in(line);
  JsonRecord record;
  if (!in.take('{')) return in.error("expected a JSON object");
  if (!in.take('}')) {
    do {
      auto name = in.string();
      if (!name) return name.error();
      if (!in.take(':')) return in.error("expected :");
      const std::string& n = *name;
      if (n == "key" || n == "key_base64" || n == "value" || n == "value_base64") {
        auto b = bytes(in, n.size() > 6 && n.compare(n.size() - 7, 7, "_base64") == 0);
        if (!b) return b.error();
        (n[0] == 'k' ? record.key : record.value) = std::move(*b);
      } else if (n == "headers") {
        if (Status s = headers(in, record); !s.is_ok()) return s;
      } else if (n == "partition") {
        auto p = in.integer();
        if (!p) return p.error();
        if (*p < 0 || *p > INT32_MAX) return in.error("\"partition\" out of range");
        record.partition = static_cast<int32_t>(*p);
      } else if (n == "timestamp") {
        auto t = in.integer();
        if (!t) return t.error();
        record.timestamp_ms = *t;
      } else if (n == "topic") {
        auto t = in.string();
        if (!t) return t.error();
      } else if (n == "offset") {
        auto o = in.integer();
        if (!o) return o.error();
      } else {
        return in.error("unknown field \"" + n +
                        "\" (key, value, key_base64, value_base64, headers, partition, timestamp)");
      }
    } while (in.take(','));
    if (!in.take('}')) return in.error("expected , or }");
  }
  if (!in.done()) return in.error("text after the object");
  return record;
}

}  // namespace cairn::tools
