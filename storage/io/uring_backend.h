#pragma once

// UringBackend: the data path on io_uring. A write and its fdatasync go to the kernel as one
// linked pair of submissions; completions are signalled on an eventfd that the owning
// io_context watches through a posix::stream_descriptor, so they run on the core's own thread
// with no helper threads and no locks. A write of at most kInlineWriteBytes without a sync (the
// `interval` policy's) is made at once with pwritev on the calling thread: a copy into the page
// cache, where the ring would hand it to a kernel worker thread (ext4 cannot take a buffered
// write without blocking).

#include <memory>

#include "storage/io/posix_file_system.h"

namespace cairn::storage {

class UringBackend final : public PosixFileSystem {
 public:
  // Fails with kUnavailable when the kernel refuses io_uring (old kernel, seccomp, limits), and
  // with kInvalidArgument for a queue of fewer than 2 entries (a linked write and fsync).
  static Result<std::unique_ptr<UringBackend>> create(boost::asio::io_context& context,
                                                      unsigned queue_depth = 1024);
  // Waits for operations still in the kernel; their completions are not run.
  ~UringBackend() override;

  std::string_view name() const override { return "io_uring"; }

  void async_write(File& file, FilePosition pos, std::vector<Bytes> buffers, bool datasync,
                   WriteCompletion done) override;
  void async_sync(File& file, SyncCompletion done) override;

  static constexpr uint64_t kInlineWriteBytes = uint64_t{8} * 1024;

 private:
  struct Impl;
  struct Op;
  UringBackend(boost::asio::io_context& context, std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::storage
