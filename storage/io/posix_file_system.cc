#include "storage/io/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace cairn::storage {

namespace {

std::string describe(std::string_view op, const std::filesystem::path& path) {
  std::string s(op);
  s += ' ';
  s += path.string();
  return s;
}

}  // namespace

PosixFile::~PosixFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> PosixFile::read_at(FilePosition pos, std::span<std::byte> out) const {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n =
        ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(pos.value() + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::from_errno(errno, describe("read", path_));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Result<uint64_t> PosixFile::size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return Status::from_errno(errno, describe("stat", path_));
  return static_cast<uint64_t>(st.st_size);
}

Result<std::shared_ptr<File>> PosixFileSystem::open_file(const std::filesystem::path& path,
                                                         bool create) {
  int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return Status::from_errno(errno, describe("open", path));
  return std::shared_ptr<File>(std::make_shared<PosixFile>(fd, path));
}

Status PosixFileSystem::write_at(File& file, FilePosition pos, Bytes data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(file.native_handle(), data.data() + done, data.size() - done,
                         static_cast<off_t>(pos.value() + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::from_errno(errno, describe("write", file.path()));
    }
    if (n == 0) return Status::io_error(describe("write made no progress on", file.path()));
    done += static_cast<size_t>(n);
  }
  return Status::ok();
}

Status PosixFileSystem::truncate(File& file, uint64_t size) {
  if (::ftruncate(file.native_handle(), static_cast<off_t>(size)) != 0) {
    return Status::from_errno(errno, describe("truncate", file.path()));
  }
  return Status::ok();
}

Status PosixFileSystem::sync_file(File& file) {
  if (::fdatasync(file.native_handle()) != 0) {
    return Status::from_errno(errno, describe("fdatasync", file.path()));
  }
  return Status::ok();
}

Status PosixFileSystem::create_directory(const std::filesystem::path& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::from_errno(errno, describe("mkdir", path));
  }
  return Status::ok();
}

Status PosixFileSystem::sync_directory(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::from_errno(errno, describe("open directory", path));
  Status s;
  if (::fsync(fd) != 0) s = Status::from_errno(errno, describe("fsync directory", path));
  ::close(fd);
  return s;
}

Status PosixFileSystem::remove_file(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0) return Status::from_errno(errno, describe("unlink", path));
  return Status::ok();
}

Status PosixFileSystem::rename_file(const std::filesystem::path& from,
                                    const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::from_errno(errno, describe("rename", from) + " to " + to.string());
  }
  return Status::ok();
}

Status PosixFileSystem::remove_directory(const std::filesystem::path& path) {
  if (::rmdir(path.c_str()) != 0) return Status::from_errno(errno, describe("rmdir", path));
  return Status::ok();
}

Result<std::vector<std::string>> PosixFileSystem::list_directory(
    const std::filesystem::path& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return Status::from_errno(errno, describe("list", path));
  std::vector<std::string> names;
  errno = 0;
  while (dirent* e = ::readdir(dir)) {
    std::string_view name(e->d_name);
    if (name != "." && name != "..") names.emplace_back(name);
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return Status::from_errno(err, describe("list", path));
  std::sort(names.begin(), names.end());
  return names;
}

IovecCursor::IovecCursor(const std::vector<Bytes>& buffers) {
  iov_.reserve(buffers.size());
  for (Bytes b : buffers) {
    if (b.empty()) continue;
    iov_.push_back(iovec{const_cast<std::byte*>(b.data()), b.size()});
    remaining_bytes_ += b.size();
  }
}

std::span<const iovec> IovecCursor::remaining() const {
  size_t n = std::min<size_t>(iov_.size() - first_, IOV_MAX);
  return {iov_.data() + first_, n};
}

void IovecCursor::advance(uint64_t bytes) {
  remaining_bytes_ -= bytes;
  while (bytes > 0 && first_ < iov_.size()) {
    iovec& v = iov_[first_];
    if (bytes >= v.iov_len) {
      bytes -= v.iov_len;
      ++first_;
    } else {
      v.iov_base = static_cast<std::byte*>(v.iov_base) + bytes;
      v.iov_len -= bytes;
      bytes = 0;
    }
  }
}

struct PosixFileSystem::Job {
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

  Job(boost::asio::io_context& ctx, std::function<Status()> w, SyncCompletion d)
      : guard(ctx.get_executor()), work(std::move(w)), done(std::move(d)) {}

  Guard guard;  // keeps the io_context running until the completion is posted
  std::function<Status()> work;
  SyncCompletion done;
};

PosixFileSystem::PosixFileSystem(boost::asio::io_context& context) : context_(context) {}

PosixFileSystem::~PosixFileSystem() { stop_jobs(); }

void PosixFileSystem::stop_jobs() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
}

void PosixFileSystem::async_run(std::function<Status()> work, SyncCompletion done) {
  auto job = std::make_unique<Job>(context_, std::move(work), std::move(done));
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;  // the backend is being destroyed; nothing waits for this any more
    jobs_.push_back(std::move(job));
    if (!worker_.joinable()) worker_ = std::thread([this] { run_jobs(); });
  }
  wake_.notify_one();
}

void PosixFileSystem::run_jobs() {
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    Status s = job->work();
    boost::asio::post(context_, [done = std::move(job->done), s]() mutable { done(std::move(s)); });
  }
}

Status write_all(File& file, FilePosition pos, IovecCursor& cursor) {
  uint64_t at = pos.value();
  while (cursor.remaining_bytes() > 0) {
    auto iov = cursor.remaining();
    ssize_t n = ::pwritev(file.native_handle(), iov.data(), static_cast<int>(iov.size()),
                          static_cast<off_t>(at));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::from_errno(errno, "write " + file.path().string());
    }
    if (n == 0) return Status::io_error("write made no progress on " + file.path().string());
    cursor.advance(static_cast<uint64_t>(n));
    at += static_cast<uint64_t>(n);
  }
  return Status::ok();
}

}  // namespace cairn::storage
