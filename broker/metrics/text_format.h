#pragma once

// The Prometheus text exposition format, version 0.0.4: for each metric a "# HELP" and a
// "# TYPE" line, then one line per sample. Histograms give cumulative `_bucket{le="..."}`
// samples ending with le="+Inf", then `_sum` and `_count`. Help text escapes backslash and
// newline; label values escape backslash, double quote and newline.

#include <span>
#include <string>
#include <string_view>

#include "broker/metrics/registry.h"

namespace cairn::broker::metrics {

// The Content-Type of a scrape's response.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Appends the exposition of `families` to `out`.
void write_text(std::span<const FamilySnapshot> families, std::string& out);

// Everything `registry` holds now.
std::string to_text(const Registry& registry);

// A sample value as the format spells it: shortest round-trip decimal, "+Inf", "-Inf", "NaN".
std::string format_value(double value);

}  // namespace cairn::broker::metrics
