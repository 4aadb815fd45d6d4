#include "broker/metrics/text_format.h"

#include <charconv>
#include <cmath>

namespace cairn::broker::metrics {

namespace {

void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '"':
        if (quote) {
          out += "\\\"";
        } else {
          out += c;
        }
        break;
      default: out += c;
    }
  }
}

void append_labels(std::string& out, const Descriptor& d, const LabelValues& values,
                   std::string_view le = {}) {
  if (values.empty() && le.empty()) return;
  out += '{';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += label_name(d.labels[i]);
    out += "=\"";
    append_escaped(out, values[i], true);
    out += '"';
  }
  if (!le.empty()) {
    if (!values.empty()) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void append_uint(std::string& out, uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const Descriptor& d, const LabelValues& values, std::string_view value,
                   std::string_view le = {}) {
  out += name;
  out += suffix;
  append_labels(out, d, values, le);
  out += ' ';
  out += value;
  out += '\n';
}

std::string uint_text(uint64_t value) {
  std::string s;
  append_uint(s, value);
  return s;
}

}  // namespace

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, end);
}

void write_text(std::span<const FamilySnapshot> families, std::string& out) {
  for (const auto& family : families) {
    const Descriptor& d = *family.descriptor;
    out += "# HELP ";
    out += d.name;
    out += ' ';
    append_escaped(out, d.help, false);
    out += "\n# TYPE ";
    out += d.name;
    out += ' ';
    out += type_name(d.type);
    out += '\n';
    for (const auto& s : family.series) {
      switch (d.type) {
        case MetricType::kCounter:
          append_sample(out, d.name, "", d, s.label_values, uint_text(s.counter));
          break;
        case MetricType::kGauge:
          append_sample(out, d.name, "", d, s.label_values, format_value(s.gauge));
          break;
        case MetricType::kHistogram: {
          uint64_t cumulative = 0;
          const auto& counts = s.histogram.bucket_counts;
          for (size_t b = 0; b < counts.size(); ++b) {
            cumulative += counts[b];
            std::string le = b < d.buckets.size() ? format_value(d.buckets[b]) : "+Inf";
            append_sample(out, d.name, "_bucket", d, s.label_values, uint_text(cumulative), le);
          }
          append_sample(out, d.name, "_sum", d, s.label_values, format_value(s.histogram.sum));
          append_sample(out, d.name, "_count", d, s.label_values, uint_text(cumulative));
          break;
        }
      }
    }
  }
}

std::string to_text(const Registry& registry) {
  std::string out;
  auto families = registry.collect();
  write_text(families, out);
  return out;
}

}  // namespace cairn::broker::metrics
