#include "storage/io/io_backend.h"

#include <spdlog/spdlog.h>

#include "storage/format.h"
#include "storage/io/posix_backend.h"
#include "storage/io/uring_backend.h"

namespace cairn::storage {

std::string_view backend_kind_name(IoBackendKind kind) {
  switch (kind) {
    case IoBackendKind::kAuto: return "auto";
    case IoBackendKind::kUring: return "uring";
    case IoBackendKind::kPosix: return "posix";
  }
  return "unknown";
}

Result<IoBackendKind> parse_backend_kind(std::string_view text) {
  if (text == "auto") return IoBackendKind::kAuto;
  if (text == "uring" || text == "io_uring") return IoBackendKind::kUring;
  if (text == "posix") return IoBackendKind::kPosix;
  return Status::invalid_argument("unknown I/O backend '" + std::string(text) +
                                  "' (expected auto, uring or posix)");
}

Result<std::unique_ptr<IoBackend>> make_io_backend(boost::asio::io_context& context,
                                                   IoBackendKind kind) {
  if (kind != IoBackendKind::kPosix) {
    auto uring = UringBackend::create(context);
    if (uring) return std::unique_ptr<IoBackend>(std::move(*uring));
    if (kind == IoBackendKind::kUring) return uring.error();
    spdlog::warn("io_uring unavailable ({}); using the posix I/O backend", uring.error().message());
  }
  return std::unique_ptr<IoBackend>(std::make_unique<PosixBackend>(context));
}

Status write_file_atomically(IoBackend& io, const std::filesystem::path& path, Bytes data) {
  std::filesystem::path tmp = path;
  tmp += format::kTempSuffix;
  {
    auto file = io.open_file(tmp, /*create=*/true);
    if (!file) return file.error();
    CAIRN_RETURN_IF_ERROR(io.truncate(**file, 0));
    CAIRN_RETURN_IF_ERROR(io.write_at(**file, FilePosition(0), data));
    CAIRN_RETURN_IF_ERROR(io.sync_file(**file));
  }
  CAIRN_RETURN_IF_ERROR(io.rename_file(tmp, path));
  return io.sync_directory(path.parent_path());
}

Status remove_file_if_exists(IoBackend& io, const std::filesystem::path& path) {
  Status s = io.remove_file(path);
  return s.is_not_found() ? Status::ok() : s;
}

Result<std::vector<std::byte>> read_whole_file(IoBackend& io, const std::filesystem::path& path) {
  auto file = io.open_file(path, /*create=*/false);
  if (!file) return file.error();
  auto size = (*file)->size();
  if (!size) return size.error();
  std::vector<std::byte> data(*size);
  auto n = (*file)->read_at(FilePosition(0), data);
  if (!n) return n.error();
  data.resize(*n);
  return data;
}

}  // namespace cairn::storage
