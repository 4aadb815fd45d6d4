#include "storage/io/posix_backend.h"

#include <sys/uio.h>
#include <unistd.h>

#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace cairn::storage {

struct PosixBackend::Task {
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

  Task(boost::asio::io_context& ctx, File& f) : guard(ctx.get_executor()), file(f) {}

  Guard guard;  // keeps the io_context running until the completion is posted
  File& file;
  FilePosition pos;
  std::vector<Bytes> buffers;
  bool write = false;
  bool datasync = false;
  WriteCompletion write_done;
  SyncCompletion sync_done;
};

PosixBackend::PosixBackend(boost::asio::io_context& context)
    : PosixFileSystem(context), worker_([this] { run(); }) {}

PosixBackend::~PosixBackend() {
  stop_jobs();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

void PosixBackend::async_write(File& file, FilePosition pos, std::vector<Bytes> buffers,
                               bool datasync, WriteCompletion done) {
  auto task = std::make_unique<Task>(context_, file);
  task->pos = pos;
  task->buffers = std::move(buffers);
  task->write = true;
  task->datasync = datasync;
  task->write_done = std::move(done);
  submit(std::move(task));
}

void PosixBackend::async_sync(File& file, SyncCompletion done) {
  auto task = std::make_unique<Task>(context_, file);
  task->datasync = true;
  task->sync_done = std::move(done);
  submit(std::move(task));
}

void PosixBackend::submit(std::unique_ptr<Task> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

namespace {

Status datasync(File& file) {
  if (::fdatasync(file.native_handle()) != 0) {
    return Status::from_errno(errno, "fdatasync " + file.path().string());
  }
  return Status::ok();
}

}  // namespace

void PosixBackend::run() {
  for (;;) {
    std::unique_ptr<Task> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    if (task->write) {
      WriteOutcome outcome;
      IovecCursor cursor(task->buffers);
      outcome.write = write_all(task->file, task->pos, cursor);
      if (outcome.write.is_ok() && task->datasync) outcome.sync = datasync(task->file);
      boost::asio::post(context_, [done = std::move(task->write_done), outcome]() mutable {
        done(std::move(outcome));
      });
    } else {
      Status s = datasync(task->file);
      boost::asio::post(context_,
                        [done = std::move(task->sync_done), s]() mutable { done(std::move(s)); });
    }
  }
}

}  // namespace cairn::storage
