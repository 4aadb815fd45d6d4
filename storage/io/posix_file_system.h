#pragma once

// PosixFileSystem: the synchronous half of the real backends (open, pread, pwrite, ftruncate,
// fdatasync, directory operations) on Linux system calls, which are safe from any thread, and
// async_run() on a helper thread of its own, started on first use. UringBackend and PosixBackend
// derive from it and add their own asynchronous data path.

#include <sys/uio.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "storage/io/io_backend.h"

namespace cairn::storage {

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override;
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Result<size_t> read_at(FilePosition pos, std::span<std::byte> out) const override;
  Result<uint64_t> size() const override;
  int native_handle() const override { return fd_; }
  const std::filesystem::path& path() const override { return path_; }

 private:
  int fd_;
  std::filesystem::path path_;
};

class PosixFileSystem : public IoBackend {
 public:
  explicit PosixFileSystem(boost::asio::io_context& context);
  ~PosixFileSystem() override;

  boost::asio::io_context& context() override { return context_; }

  Result<std::shared_ptr<File>> open_file(const std::filesystem::path& path, bool create) override;
  Status write_at(File& file, FilePosition pos, Bytes data) override;
  Status truncate(File& file, uint64_t size) override;
  Status sync_file(File& file) override;
  Status create_directory(const std::filesystem::path& path) override;
  Status sync_directory(const std::filesystem::path& path) override;
  Status remove_file(const std::filesystem::path& path) override;
  Status rename_file(const std::filesystem::path& from, const std::filesystem::path& to) override;
  Status remove_directory(const std::filesystem::path& path) override;
  Result<std::vector<std::string>> list_directory(const std::filesystem::path& path) override;
  void async_run(std::function<Status()> work, SyncCompletion done) override;

 protected:
  // Waits for the work given to async_run() to finish; completions not yet run are dropped with
  // the io_context's queue. Derived backends call it first in their destructors: the work calls
  // their virtual methods.
  void stop_jobs();

  boost::asio::io_context& context_;

 private:
  struct Job;
  void run_jobs();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Job>> jobs_;
  bool stopping_ = false;
  std::thread worker_;  // started by the first async_run()
};

// Tracks the progress of one write of several buffers that may take several system calls.
class IovecCursor {
 public:
  explicit IovecCursor(const std::vector<Bytes>& buffers);
  // Iovecs for what remains, at most IOV_MAX of them.
  std::span<const iovec> remaining() const;
  uint64_t remaining_bytes() const { return remaining_bytes_; }
  void advance(uint64_t bytes);

 private:
  std::vector<iovec> iov_;
  size_t first_ = 0;
  uint64_t remaining_bytes_ = 0;
};

// Writes what remains of `cursor` at `pos` (where the cursor began) with pwritev, as many calls
// as it takes, advancing the cursor; the first error stops it.
Status write_all(File& file, FilePosition pos, IovecCursor& cursor);

}  // namespace cairn::storage
