#pragma once

// repair_log: the operator's way back for a partition recovery left offline (corruption with
// valid data after it, FORMAT.md "Recovery"). It keeps the longest valid prefix of the log (every
// batch up to the first that fails a check, across segments), cuts the rest, and removes the
// recovery point so the next open verifies everything. Whatever followed the damage is lost,
// acknowledged or not: run `cairn log dump --verify` first. A whole log whose recovery point
// recovery refuses (past the end of the log) keeps every batch and loses only the recovery
// point. Only with the broker stopped.

#include <filesystem>
#include <optional>
#include <string>

#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/io/io_backend.h"

namespace cairn::storage {

struct RepairReport {
  bool damaged = false;         // false: the log was whole, nothing changed
  std::string segment;          // where the damage starts
  uint64_t position = 0;        // byte position in that segment
  Offset kept_until;            // the log now ends at this offset
  uint64_t bytes_removed = 0;
  size_t segments_removed = 0;
  std::string reason;
  std::optional<Offset> recovery_point;  // as found
  bool drops_recovery_point = false;     // removed (or, in a dry run, would be)
};

// With `apply` false, only reports what it would do.
Result<RepairReport> repair_log(IoBackend& io, const std::filesystem::path& dir, bool apply);

}  // namespace cairn::storage
