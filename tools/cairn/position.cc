#include "tools/cairn/position.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace cairn::tools {

namespace {

// Digits only, into `out`; false if empty, not all digits, or too large.
bool parse_digits(std::string_view text, int64_t& out) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && out >= 0;
}

// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// A fixed-width number at text[at, at + width).
bool field(std::string_view text, size_t at, size_t width, int64_t& out) {
  return at + width <= text.size() && parse_digits(text.substr(at, width), out);
}

Status not_a_time(std::string_view text) {
  return Status::invalid_argument("'" + std::string(text) +
                                  "' is not a time: use ms since the epoch, ISO 8601 "
                                  "(2026-11-27T12:50:00Z) or a duration before now (-90s, -15m, -1h, -2d)");
}

Result<int64_t> parse_iso8601(std::string_view text) {
  const Status bad = not_a_time(text);
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!field(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !field(text, 5, 2, month) ||
      text[7] != '-' || !field(text, 8, 2, day)) {
    return bad;
  }
  size_t at = 10;
  if (at < text.size() && (text[at] == 'T' || text[at] == 't' || text[at] == ' ')) {
    if (!field(text, at + 1, 2, hour) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !field(text, at + 4, 2, minute)) {
      return bad;
    }
    at += 6;
    if (at < text.size() && text[at] == ':') {
      if (!field(text, at + 1, 2, second)) return bad;
      at += 3;
      if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
        size_t digits = 0;
        ++at;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
          if (digits < 3) millis = millis * 10 + (text[at] - '0');
          ++digits;
          ++at;
        }
        if (digits == 0) return bad;
        for (; digits < 3; ++digits) millis *= 10;
      }
    }
  }
  int64_t zone_minutes = 0;
  if (at < text.size()) {
    if ((text[at] == 'Z' || text[at] == 'z') && at + 1 == text.size()) {
      ++at;
    } else if (text[at] == '+' || text[at] == '-') {
      int64_t zh = 0, zm = 0;
      int sign = text[at] == '-' ? -1 : 1;
      if (!field(text, at + 1, 2, zh)) return bad;
      size_t m = at + 3;
      if (m < text.size() && text[m] == ':') ++m;
      if (!field(text, m, 2, zm) || m + 2 != text.size()) return bad;
      zone_minutes = sign * (zh * 60 + zm);
      at = text.size();
    } else {
      return bad;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return bad;
  int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
                    zone_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace

Result<int64_t> parse_time(std::string_view text, int64_t now_ms) {
  int64_t ms = 0;
  if (parse_digits(text, ms)) return ms;
  if (!text.empty() && text[0] == '-') {  // a duration before now: -90s, -15m, -1h, -2d
    int64_t n = 0;
    std::string_view number = text.substr(1, text.size() - 2);
    char unit = text.back();
    int64_t unit_ms = unit == 's' ? 1000 : unit == 'm' ? 60'000 : unit == 'h' ? 3'600'000 : unit == 'd' ? 86'400'000 : 0;
    if (text.size() < 3 || unit_ms == 0 || !parse_digits(number, n)) return not_a_time(text);
    return now_ms - n * unit_ms;
  }
  return parse_iso8601(text);
}

Result<StartPosition> parse_start_position(std::string_view text, int64_t now_ms) {
  using Kind = StartPosition::Kind;
  if (text == "beginning" || text == "earliest" || text == "start") return StartPosition{Kind::kEarliest, 0};
  if (text == "end" || text == "latest") return StartPosition{Kind::kLatest, 0};
  if (text.rfind("s@", 0) == 0) text.remove_prefix(1);  // kcat's s@MS
  if (!text.empty() && text[0] == '@') {
    auto time = parse_time(text.substr(1), now_ms);
    if (!time) return Status::invalid_argument("--offset " + std::string(text) + ": " + time.error().message());
    return StartPosition{Kind::kTimestamp, *time};
  }
  int64_t n = 0;
  if (parse_digits(text, n)) return StartPosition{Kind::kOffset, n};
  if (!text.empty() && text[0] == '-' && parse_digits(text.substr(1), n) && n > 0) {
    return StartPosition{Kind::kLastN, n};
  }
  return Status::invalid_argument(
      "--offset must be beginning, end, an offset N, -N (the last N of each partition) or "
      "@TIME (ms since the epoch, ISO 8601, or -1h); got '" + std::string(text) + "'");
}

int64_t start_offset(const StartPosition& position, int64_t log_start, int64_t log_end,
                     std::optional<int64_t> offset_at_time) {
  using Kind = StartPosition::Kind;
  switch (position.kind) {
    case Kind::kEarliest: return log_start;
    case Kind::kLatest: return log_end;
    case Kind::kOffset: return std::clamp(position.value, log_start, log_end);
    case Kind::kLastN: return std::max(log_start, log_end - position.value);
    case Kind::kTimestamp:
      return offset_at_time ? std::clamp(*offset_at_time, log_start, log_end) : log_end;
  }
  return log_start;
}

}  // namespace cairn::tools
