#pragma once

// Reading the Prometheus text exposition format (0.0.4), as `cairn top` scrapes it from
// cairnd's /metrics: sample lines with their labels and values. HELP and TYPE lines and
// timestamps are skipped; a malformed line is an error naming its line number.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/status.h"

namespace cairn::tools {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  std::string name;  // with any _bucket/_sum/_count suffix
  Labels labels;     // in the order written; values unescaped
  double value = 0;

  // The value of label `name`, or nullopt.
  std::optional<std::string_view> label(std::string_view name) const;
};

Result<std::vector<Sample>> parse_exposition(std::string_view text);

}  // namespace cairn::tools
