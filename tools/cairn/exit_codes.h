#pragma once

// Exit codes of the `cairn` tool, documented in the README ("CLI").
namespace cairn::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;          // anything else that went wrong
inline constexpr int kExitUsage = 2;          // a bad flag or argument
inline constexpr int kExitUnreachable = 3;    // the broker could not be reached
inline constexpr int kExitNotFound = 4;       // unknown topic, partition or path
inline constexpr int kExitCorrupt = 5;        // `log dump --verify` found corruption
inline constexpr int kExitNotAcknowledged = 6;  // a produced record was not acknowledged

}  // namespace cairn::tools
