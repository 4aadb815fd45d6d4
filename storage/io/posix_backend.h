#pragma once

// PosixBackend: the portable data path. One helper thread per backend runs pwritev and
// fdatasync in submission order and posts each completion back to the owning io_context, so
// the core's event loop never blocks on the disk. Used when io_uring is unavailable or when the
// configuration forces it.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/io/posix_file_system.h"

namespace cairn::storage {

class PosixBackend final : public PosixFileSystem {
 public:
  explicit PosixBackend(boost::asio::io_context& context);
  // Waits for the helper thread to finish what was submitted; completions not yet run are
  // dropped with the io_context's queue.
  ~PosixBackend() override;

  std::string_view name() const override { return "posix"; }

  void async_write(File& file, FilePosition pos, std::vector<Bytes> buffers, bool datasync,
                   WriteCompletion done) override;
  void async_sync(File& file, SyncCompletion done) override;

 private:
  struct Task;
  void run();
  void submit(std::unique_ptr<Task> task);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Task>> tasks_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace cairn::storage
