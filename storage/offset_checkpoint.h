#pragma once

// Offset checkpoints (FORMAT.md, "Offset checkpoints"): a partition file that holds one offset,
// written atomically and checked by its magic, version and checksum. The cleaner checkpoint and
// the log start offset are two.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "storage/format.h"
#include "storage/io/io_backend.h"
#include "protocol/types.h"

namespace cairn::storage {

struct OffsetCheckpointFile {
  std::string_view name;
  uint32_t magic;
};

inline constexpr OffsetCheckpointFile kCleanerCheckpoint{format::kCleanerCheckpointFile,
                                                         format::kCleanerCheckpointMagic};
inline constexpr OffsetCheckpointFile kLogStartCheckpoint{format::kLogStartFile,
                                                          format::kLogStartMagic};

// The offset in `file` under `dir`; nullopt when the file is missing, or damaged (logged).
std::optional<Offset> read_offset_checkpoint(IoBackend& io, const std::filesystem::path& dir,
                                             OffsetCheckpointFile file);
Status write_offset_checkpoint(IoBackend& io, const std::filesystem::path& dir,
                               OffsetCheckpointFile file, Offset offset);

}  // namespace cairn::storage
