#pragma once

// IoBackend: every byte storage/ reads or writes goes through this interface, so tests can run
// the same engine on a fault-injecting in-memory file system.
//
// One backend belongs to one core: it is created with that core's io_context and every method is
// called from the thread running it, with one exception: the shipped backends' synchronous
// methods are plain system calls, safe from several threads at once, which a clean stop uses to
// close many partitions together (PartitionLog::close_all; an in-memory test backend is
// single-threaded: close with one thread there). Metadata operations and small writes (indexes,
// checkpoints) are synchronous. The data path (segment appends and their fdatasync) is
// asynchronous: the completion runs on the backend's io_context. Small-file work that must not
// stall the core (snapshots, index files, the recovery point: several fsyncs each) goes to
// async_run(). Two implementations ship: io_uring (liburing) and a portable pwritev/fdatasync
// fallback on a helper thread; make_io_backend picks at runtime.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"
#include "storage/file_position.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace cairn::storage {

using Bytes = std::span<const std::byte>;

// An open file. Shared by its segment and by readers that still hold a slice of it, so a file
// deleted by retention stays readable until the last reader lets go.
class File {
 public:
  virtual ~File() = default;

  // Reads up to out.size() bytes at `pos`; returns fewer only at the end of the file.
  virtual Result<size_t> read_at(FilePosition pos, std::span<std::byte> out) const = 0;
  virtual Result<uint64_t> size() const = 0;
  // The descriptor, for sendfile; -1 when the file has none (in-memory backends).
  virtual int native_handle() const = 0;
  virtual const std::filesystem::path& path() const = 0;
};

// What an asynchronous write reports: whether the bytes were written, and, when a sync was asked
// for, whether it succeeded. A failed write is never followed by a sync.
struct WriteOutcome {
  Status write;
  Status sync;  // OK when no sync was asked for or when the write failed first
  bool ok() const { return write.is_ok() && sync.is_ok(); }
};

enum class IoBackendKind { kAuto, kUring, kPosix };

std::string_view backend_kind_name(IoBackendKind kind);
// Parses "auto", "uring" or "posix".
Result<IoBackendKind> parse_backend_kind(std::string_view text);

class IoBackend {
 public:
  using WriteCompletion = std::function<void(WriteOutcome)>;
  using SyncCompletion = std::function<void(Status)>;

  virtual ~IoBackend() = default;

  virtual std::string_view name() const = 0;
  virtual boost::asio::io_context& context() = 0;

  // Opens `path` for reading and writing, creating it (empty) when `create` is set.
  virtual Result<std::shared_ptr<File>> open_file(const std::filesystem::path& path,
                                                  bool create) = 0;
  // Writes all of `data` at `pos`, synchronously.
  virtual Status write_at(File& file, FilePosition pos, Bytes data) = 0;
  virtual Status truncate(File& file, uint64_t size) = 0;
  // fdatasync, synchronously.
  virtual Status sync_file(File& file) = 0;

  virtual Status create_directory(const std::filesystem::path& path) = 0;  // OK if it exists
  virtual Status sync_directory(const std::filesystem::path& path) = 0;
  virtual Status remove_file(const std::filesystem::path& path) = 0;
  virtual Status rename_file(const std::filesystem::path& from,
                             const std::filesystem::path& to) = 0;
  virtual Status remove_directory(const std::filesystem::path& path) = 0;  // must be empty
  virtual Result<std::vector<std::string>> list_directory(const std::filesystem::path& path) = 0;

  // Writes `buffers` back to back at `pos` and, when `datasync` is set, fdatasyncs the file.
  // `file` and the buffers must stay alive until `done` runs on context().
  virtual void async_write(File& file, FilePosition pos, std::vector<Bytes> buffers, bool datasync,
                           WriteCompletion done) = 0;
  // fdatasync without blocking the caller; `file` must stay alive until `done` runs.
  virtual void async_sync(File& file, SyncCompletion done) = 0;
  // Runs `work` away from the core's thread, one piece of work at a time in the order given, then
  // `done` with its status on context(). `work` may call this backend's synchronous methods
  // (and nothing else of the core's): they are safe from that thread. It must own what it uses.
  virtual void async_run(std::function<Status()> work, SyncCompletion done) = 0;
};

// kAuto tries io_uring and falls back to the portable backend when the kernel refuses it.
Result<std::unique_ptr<IoBackend>> make_io_backend(boost::asio::io_context& context,
                                                   IoBackendKind kind);

// Writes `data` to `path` so that after a crash the file holds either its old or its new
// contents: write a temporary file, fsync it, rename it over `path`, fsync the directory.
Status write_file_atomically(IoBackend& io, const std::filesystem::path& path, Bytes data);
// Removes `path`; OK when it does not exist.
Status remove_file_if_exists(IoBackend& io, const std::filesystem::path& path);
// Reads a whole (small) file.
Result<std::vector<std::byte>> read_whole_file(IoBackend& io, const std::filesystem::path& path);

}  // namespace cairn::storage
