#include "storage/io/uring_backend.h"

#include <liburing.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

namespace cairn::storage {

namespace {

enum class Tag { kWrite, kSync };

}  // namespace

struct UringBackend::Op {
  Op(File& f, FilePosition p, const std::vector<Bytes>& buffers)
      : file(f), start(p), cursor(buffers), total(cursor.remaining_bytes()) {}

  File& file;
  FilePosition start;
  IovecCursor cursor;
  uint64_t total;
  bool write = false;
  bool datasync = false;
  bool synced = false;
  int pending = 0;  // completions still to come from the kernel
  Status write_status;
  Status sync_status;
  WriteCompletion write_done;
  SyncCompletion sync_done;

  // Its completions point at it: it stays where it was made.
  Op(const Op&) = delete;
  Op& operator=(const Op&) = delete;

  uint64_t written() const { return total - cursor.remaining_bytes(); }

  // What a submission's user data points at: which of the op's two completions it is.
  struct Completion {
    Op* op;
    Tag tag;
  };
  Completion write_completion{this, Tag::kWrite};
  Completion sync_completion{this, Tag::kSync};
};

struct UringBackend::Impl {
  explicit Impl(boost::asio::io_context& ctx) : eventfd(ctx) {}
  ~Impl() {
    // Let the kernel finish what it holds: the buffers it writes from belong to our callers.
    for (auto [data, res] : stashed) forget(data);
    while (inflight > 0) {
      io_uring_cqe* cqe = nullptr;
      if (io_uring_wait_cqe(&ring, &cqe) != 0) break;
      void* data = io_uring_cqe_get_data(cqe);
      io_uring_cqe_seen(&ring, cqe);
      forget(data);
    }
    boost::system::error_code ignored;
    eventfd.close(ignored);
    io_uring_queue_exit(&ring);
  }

  // A completion whose callbacks will not run (the backend is going): its op is freed with its
  // last one.
  void forget(void* data) noexcept {
    Op* op = static_cast<const Op::Completion*>(data)->op;
    if (--op->pending > 0) return;
    --inflight;
    delete op;
  }

  // A free submission entry. Callers reserve what they need first (reserve()), so the ring
  // never has to be submitted between two entries that belong together.
  io_uring_sqe* next_sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    if (sqe == nullptr) {
      spdlog::critical("io_uring submission queue full after a reservation");
      std::abort();  // our own bug: reserve() guarantees the room
    }
    return sqe;
  }

  // Makes room for `count` entries in a row. A linked write and its fsync must reach the kernel
  // in the same submission (a link ends at a submission's boundary), so both are reserved before
  // either is filled.
  void reserve(unsigned count) {
    if (io_uring_sq_space_left(&ring) < count) submit_now();  // drains: the whole ring is free
  }

  // Submits everything queued. The kernel may take only part of the queue in one call (it stops
  // at a request it cannot allocate or an entry it refuses), so this loops until the queue is
  // empty. When the kernel holds completions we have not reaped (a full completion queue:
  // -EBUSY), they are moved aside to be handled from the event loop, then it retries.
  void submit_now() {
    int stalled = 0;
    while (io_uring_sq_ready(&ring) > 0) {
      int rc = io_uring_submit(&ring);
      if (rc > 0) {
        stalled = 0;
        continue;
      }
      if (rc == -EINTR) continue;
      if ((rc == 0 || rc == -EBUSY || rc == -EAGAIN) && ++stalled < 1000) {
        stash_completions();
        if (rc != -EBUSY) std::this_thread::yield();
        continue;
      }
      spdlog::critical("io_uring_submit failed: {}",
                       rc < 0 ? std::strerror(-rc) : "no progress on a non-empty queue");
      std::abort();  // the operations queued can neither proceed nor be failed safely
    }
  }

  void stash_completions() {
    io_uring_cqe* cqe = nullptr;
    bool any = false;
    while (io_uring_peek_cqe(&ring, &cqe) == 0 && cqe != nullptr) {
      stashed.emplace_back(io_uring_cqe_get_data(cqe), cqe->res);
      io_uring_cqe_seen(&ring, cqe);
      any = true;
    }
    if (any && !stash_posted) {
      stash_posted = true;
      boost::asio::post(eventfd.get_executor(), [this, alive = std::weak_ptr<int>(token)] {
        if (alive.expired()) return;
        stash_posted = false;
        on_ready();
      });
    }
  }

  void submit(Op* op) {
    int fd = op->file.native_handle();
    bool write = op->write && op->cursor.remaining_bytes() > 0;
    reserve(write && op->datasync ? 2 : 1);
    if (write) {
      op->synced = false;  // a sync from an earlier round does not cover these bytes
      auto iov = op->cursor.remaining();
      io_uring_sqe* sqe = next_sqe();
      io_uring_prep_writev(sqe, fd, iov.data(), static_cast<unsigned>(iov.size()),
                           op->start.value() + op->written());
      io_uring_sqe_set_data(sqe, &op->write_completion);
      ++op->pending;
      if (op->datasync) {
        sqe->flags |= IOSQE_IO_LINK;  // the sync starts only after the write completes in full
        io_uring_sqe* sync = next_sqe();
        io_uring_prep_fsync(sync, fd, IORING_FSYNC_DATASYNC);
        io_uring_sqe_set_data(sync, &op->sync_completion);
        ++op->pending;
      }
    } else {
      io_uring_sqe* sync = next_sqe();
      io_uring_prep_fsync(sync, fd, IORING_FSYNC_DATASYNC);
      io_uring_sqe_set_data(sync, &op->sync_completion);
      ++op->pending;
    }
    ++inflight;
    submit_now();
    arm();
  }

  void arm() {
    if (waiting) return;
    waiting = true;
    eventfd.async_wait(boost::asio::posix::descriptor_base::wait_read,
                       [this](const boost::system::error_code& ec) {
                         if (ec == boost::asio::error::operation_aborted) return;
                         waiting = false;
                         on_ready();
                       });
  }

  void on_ready() {
    uint64_t counter;
    while (::read(eventfd.native_handle(), &counter, sizeof counter) > 0) {
    }
    auto stashed_now = std::move(stashed);
    stashed.clear();
    for (auto [data, res] : stashed_now) reap(data, res);
    io_uring_cqe* cqe = nullptr;
    while (io_uring_peek_cqe(&ring, &cqe) == 0 && cqe != nullptr) {
      void* data = io_uring_cqe_get_data(cqe);
      int res = cqe->res;
      io_uring_cqe_seen(&ring, cqe);
      reap(data, res);
    }
    if (inflight > 0) arm();
  }

  void reap(void* data, int res) {
    const auto* completion = static_cast<const Op::Completion*>(data);
    Op* op = completion->op;
    Tag tag = completion->tag;
    --op->pending;
    if (tag == Tag::kWrite) {
      if (res < 0) {
        op->write_status = Status::from_errno(-res, "write " + op->file.path().string());
      } else if (res == 0) {
        op->write_status =
            Status::io_error("write made no progress on " + op->file.path().string());
      } else {
        op->cursor.advance(static_cast<uint64_t>(res));
      }
    } else if (res == -ECANCELED) {
      // The linked write came up short or failed, so the kernel never ran this sync.
    } else if (res < 0) {
      op->sync_status = Status::from_errno(-res, "fdatasync " + op->file.path().string());
    } else {
      op->synced = true;
    }
    if (op->pending > 0) return;
    --inflight;
    bool more_to_write = op->write && op->write_status.is_ok() && op->cursor.remaining_bytes() > 0;
    bool sync_missing =
        op->datasync && !op->synced && op->sync_status.is_ok() && op->write_status.is_ok();
    if (more_to_write || sync_missing) {
      submit(op);  // a short write: write the rest, then sync
      return;
    }
    finish(op);
  }

  static void finish(Op* op) {
    std::unique_ptr<Op> owned(op);
    if (op->write) {
      WriteOutcome outcome{std::move(op->write_status), std::move(op->sync_status)};
      auto done = std::move(op->write_done);
      owned.reset();
      done(std::move(outcome));
    } else {
      Status s = std::move(op->sync_status);
      auto done = std::move(op->sync_done);
      owned.reset();
      done(std::move(s));
    }
  }

  io_uring ring{};
  boost::asio::posix::stream_descriptor eventfd;
  size_t inflight = 0;
  bool waiting = false;
  std::vector<std::pair<void*, int>> stashed;  // completions moved aside by submit_now()
  bool stash_posted = false;
  std::shared_ptr<int> token = std::make_shared<int>(0);  // expires with this object
};

Result<std::unique_ptr<UringBackend>> UringBackend::create(boost::asio::io_context& context,
                                                           unsigned queue_depth) {
  if (queue_depth < 2) {
    return Status::invalid_argument("an io_uring queue needs room for a write and its fsync");
  }
  auto impl = std::make_unique<Impl>(context);
  int rc = io_uring_queue_init(queue_depth, &impl->ring, 0);
  if (rc < 0) return Status::unavailable("io_uring_queue_init: " + std::string(strerror(-rc)));
  int efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd < 0) {
    int err = errno;
    io_uring_queue_exit(&impl->ring);
    return Status::from_errno(err, "eventfd");
  }
  rc = io_uring_register_eventfd(&impl->ring, efd);
  if (rc < 0) {
    ::close(efd);
    io_uring_queue_exit(&impl->ring);
    return Status::unavailable("io_uring_register_eventfd: " + std::string(strerror(-rc)));
  }
  impl->eventfd.assign(efd);
  return std::unique_ptr<UringBackend>(new UringBackend(context, std::move(impl)));
}

UringBackend::UringBackend(boost::asio::io_context& context, std::unique_ptr<Impl> impl)
    : PosixFileSystem(context), impl_(std::move(impl)) {}

UringBackend::~UringBackend() { stop_jobs(); }

void UringBackend::async_write(File& file, FilePosition pos, std::vector<Bytes> buffers,
                               bool datasync, WriteCompletion done) {
  auto op = std::make_unique<Op>(file, pos, buffers);
  if (op->total == 0 && !datasync) {
    // Nothing for the kernel to do; complete on the loop like any other operation.
    boost::asio::post(context_, [done = std::move(done)] { done(WriteOutcome{}); });
    return;
  }
  op->write = true;
  op->datasync = datasync;
  op->write_done = std::move(done);
  if (!datasync && op->total <= kInlineWriteBytes) {
    // A small write without a sync goes to the page cache at once, on this thread. Through the
    // ring, a buffered write on a file system without non-blocking buffered writes (ext4) is
    // handed to one of the kernel's io_uring workers and its completion comes back through the
    // eventfd: two thread wake-ups for a copy of a few microseconds. A write with its sync stays
    // on the ring: made here, it could wait for the pages the last sync is writing back.
    op->write_status = write_all(op->file, op->start, op->cursor);
    boost::asio::post(context_, [op = std::move(op)]() mutable { Impl::finish(op.release()); });
    return;
  }
  impl_->submit(op.release());
}

void UringBackend::async_sync(File& file, SyncCompletion done) {
  auto op = std::make_unique<Op>(file, FilePosition(0), std::vector<Bytes>{});
  op->datasync = true;
  op->sync_done = std::move(done);
  impl_->submit(op.release());
}

}  // namespace cairn::storage
