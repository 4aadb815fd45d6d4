#include "tools/cairn/exposition.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace cairn::tools {

namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// A cursor over one line.
class LineReader {
 public:
  explicit LineReader(std::string_view line) : line_(line) {}

  void skip_blanks() {
    while (pos_ < line_.size() && (line_[pos_] == ' ' || line_[pos_] == '\t')) ++pos_;
  }
  bool at_end() const { return pos_ >= line_.size(); }
  bool take(char c) {
    if (pos_ < line_.size() && line_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::optional<std::string> name() {
    if (at_end() || !is_name_start(line_[pos_])) return std::nullopt;
    size_t start = pos_;
    while (pos_ < line_.size() && is_name_char(line_[pos_])) ++pos_;
    return std::string(line_.substr(start, pos_ - start));
  }
  // A double-quoted label value with \\, \" and \n escapes.
  std::optional<std::string> quoted() {
    if (!take('"')) return std::nullopt;
    std::string out;
    while (pos_ < line_.size()) {
      char c = line_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= line_.size()) return std::nullopt;
      char e = line_[pos_++];
      if (e == 'n') {
        out += '\n';
      } else if (e == '\\' || e == '"') {
        out += e;
      } else {
        return std::nullopt;
      }
    }
    return std::nullopt;
  }
  std::string_view token() {
    size_t start = pos_;
    while (pos_ < line_.size() && line_[pos_] != ' ' && line_[pos_] != '\t') ++pos_;
    return line_.substr(start, pos_ - start);
  }

 private:
  std::string_view line_;
  size_t pos_ = 0;
};

std::optional<double> parse_value(std::string_view text) {
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (std::isnan(value) || std::isinf(value)) return std::nullopt;  // only the spellings above
  return value;
}

Result<Sample> parse_line(std::string_view line) {
  LineReader r(line);
  Sample sample;
  auto name = r.name();
  if (!name) return Status::invalid_argument("expected a metric name");
  sample.name = std::move(*name);
  if (r.take('{')) {
    r.skip_blanks();
    while (!r.take('}')) {
      auto label = r.name();
      if (!label) return Status::invalid_argument("expected a label name");
      r.skip_blanks();
      if (!r.take('=')) return Status::invalid_argument("expected '=' after label " + *label);
      r.skip_blanks();
      auto value = r.quoted();
      if (!value) return Status::invalid_argument("a malformed value for label " + *label);
      sample.labels.emplace_back(std::move(*label), std::move(*value));
      r.skip_blanks();
      if (r.take(',')) {
        r.skip_blanks();
        continue;
      }
      if (!r.take('}')) return Status::invalid_argument("expected ',' or '}' after a label");
      break;
    }
  }
  r.skip_blanks();
  auto value = parse_value(r.token());
  if (!value) return Status::invalid_argument("a malformed value");
  sample.value = *value;
  r.skip_blanks();
  if (!r.at_end()) {
    int64_t timestamp = 0;
    std::string_view t = r.token();
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), timestamp);
    if (ec != std::errc() || end != t.data() + t.size()) {
      return Status::invalid_argument("a malformed timestamp");
    }
    r.skip_blanks();
    if (!r.at_end()) return Status::invalid_argument("text after the timestamp");
  }
  return sample;
}

}  // namespace

std::optional<std::string_view> Sample::label(std::string_view name) const {
  for (const auto& [k, v] : labels) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Result<std::vector<Sample>> parse_exposition(std::string_view text) {
  std::vector<Sample> samples;
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    auto sample = parse_line(line.substr(first));
    if (!sample) {
      return Status::invalid_argument("line " + std::to_string(line_number) + ": " +
                                      sample.error().message());
    }
    samples.push_back(std::move(*sample));
  }
  return samples;
}

}  // namespace cairn::tools
