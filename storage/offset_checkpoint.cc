#include "storage/offset_checkpoint.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <vector>

#include "protocol/byte_io.h"
#include "storage/format.h"

namespace cairn::storage {

using protocol::load_le;
using protocol::store_le;

namespace {
constexpr size_t kChecksummed = 16;  // magic, version, offset
}  // namespace

std::optional<Offset> read_offset_checkpoint(IoBackend& io, const std::filesystem::path& dir,
                                             OffsetCheckpointFile file) {
  auto bytes = read_whole_file(io, dir / std::string(file.name));
  if (!bytes) return std::nullopt;
  const std::byte* p = bytes->data();
  if (bytes->size() != format::kOffsetCheckpointSize || load_le<uint32_t>(p) != file.magic ||
      load_le<uint32_t>(p + 4) != format::kOffsetCheckpointVersion ||
      load_le<uint64_t>(p + kChecksummed) != XXH3_64bits(p, kChecksummed)) {
    spdlog::warn("{}: ignoring a damaged {}", dir.string(), file.name);
    return std::nullopt;
  }
  return Offset(load_le<int64_t>(p + format::kOffsetCheckpointOffsetAt));
}

Status write_offset_checkpoint(IoBackend& io, const std::filesystem::path& dir,
                               OffsetCheckpointFile file, Offset offset) {
  std::vector<std::byte> out(format::kOffsetCheckpointSize);
  store_le<uint32_t>(out.data(), file.magic);
  store_le<uint32_t>(out.data() + 4, format::kOffsetCheckpointVersion);
  store_le<int64_t>(out.data() + format::kOffsetCheckpointOffsetAt, offset.value());
  store_le<uint64_t>(out.data() + kChecksummed, XXH3_64bits(out.data(), kChecksummed));
  return write_file_atomically(io, dir / std::string(file.name), out);
}

}  // namespace cairn::storage
