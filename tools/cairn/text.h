#pragma once

// Formatting helpers for the CLI's human output.

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/byte_io.h"

namespace cairn::tools {

// "2026-11-24T18:42:59.123Z".
std::string format_timestamp(int64_t ms);
// A value for a terminal: printable ASCII as is, other bytes as \xNN; "null" for a null.
std::string quote(std::optional<protocol::Bytes> bytes);

}  // namespace cairn::tools
