#include "broker/security/offline_security_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <optional>

#include "storage/io/posix_backend.h"
#include "storage/partition_log.h"

namespace cairn::broker::security {

namespace {

constexpr auto kStorageDeadline = std::chrono::seconds(60);

// The data directory's lock, as cairnd takes it (FORMAT.md, "Topics"), with this process's
// pid in it.
Result<int> lock_data_dir(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Status::io_error("cannot create " + data_dir.string() + ": " + ec.message());
  auto path = data_dir / ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::from_errno(errno, "open " + path.string());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::unavailable(data_dir.string() +
                               " is in use by a running cairnd; stop it first, or use the "
                               "online form against the broker");
  }
  std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    Status::from_errno(errno, "record the pid in " + path.string()).ignore_error();
  }
  return fd;
}

}  // namespace

struct OfflineSecurityStore::Impl {
  int lock_fd = -1;
  boost::asio::io_context ctx;
  std::unique_ptr<storage::PosixBackend> io;
  std::unique_ptr<storage::PartitionLog> log;
  SecurityState state;
  bool closed = false;

  ~Impl() {
    log.reset();
    io.reset();
    if (lock_fd >= 0) ::close(lock_fd);
  }

  // Runs the event loop until `outcome` is set, and returns it; kTimedOut past the deadline.
  // The callback that sets it may outlive a timed-out wait, so it shares ownership.
  Status wait_for(const std::shared_ptr<std::optional<Status>>& outcome) {
    // The last wait's guard, released with no work left, stopped the loop.
    ctx.restart();
    auto guard = boost::asio::make_work_guard(ctx);
    auto deadline = std::chrono::steady_clock::now() + kStorageDeadline;
    while (!outcome->has_value()) {
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::timed_out("the security log did not finish writing");
      }
      ctx.run_one_for(std::chrono::milliseconds(100));
    }
    return **outcome;
  }

  Status replay() { return replay_security_log(*log, state); }
};

Result<bool> ensure_security_topic(storage::TopicStore& store) {
  auto dir = store.topic_dir(kSecurityTopic);
  std::error_code ec;
  bool created = false;
  if (!std::filesystem::exists(dir / "topic.conf", ec)) {
    CAIRN_RETURN_IF_ERROR(store.create(kSecurityTopic, security_topic_config()));
    created = true;
  }
  if (::chmod(dir.c_str(), 0700) != 0) return Status::from_errno(errno, "chmod " + dir.string());
  return created;
}

OfflineSecurityStore::OfflineSecurityStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OfflineSecurityStore::~OfflineSecurityStore() {
  if (impl_ && !impl_->closed) close().ignore_error();  // the log's recovery covers a failure
}

Result<std::unique_ptr<OfflineSecurityStore>> OfflineSecurityStore::open(
    const std::filesystem::path& data_dir) {
  auto impl = std::make_unique<Impl>();
  auto lock = lock_data_dir(data_dir);
  if (!lock) return lock.error();
  impl->lock_fd = *lock;
  impl->io = std::make_unique<storage::PosixBackend>(impl->ctx);
  storage::TopicStore topics(*impl->io, data_dir);
  CAIRN_RETURN_IF_ERROR(topics.init());
  auto created = ensure_security_topic(topics);
  if (!created) return created.error();
  auto log = storage::PartitionLog::open(*impl->io, topics.partition_dir(kSecurityTopic, 0),
                                         security_topic_config().partition_config());
  if (!log) return log.error();
  impl->log = std::move(*log);
  CAIRN_RETURN_IF_ERROR(impl->replay());
  return std::unique_ptr<OfflineSecurityStore>(new OfflineSecurityStore(std::move(impl)));
}

const SecurityState& OfflineSecurityStore::state() const { return impl_->state; }

Status OfflineSecurityStore::append(const std::vector<SecurityChange>& changes) {
  if (changes.empty()) return Status::ok();
  if (impl_->closed) return Status::unavailable("the security store is closed");
  SecurityState next = impl_->state;
  for (const auto& change : changes) CAIRN_RETURN_IF_ERROR(next.apply(change));
  auto batch = encode_security_batch(changes, system_now());
  // The log writes the batch's offsets into it until the append completes.
  auto owned = std::make_shared<std::vector<std::byte>>(std::move(batch));
  auto outcome = std::make_shared<std::optional<Status>>();
  impl_->log->append(*owned,
                     [owned, outcome](Result<storage::AppendResult> r) { *outcome = r.status(); });
  CAIRN_RETURN_IF_ERROR(impl_->wait_for(outcome));
  impl_->state = std::move(next);
  return Status::ok();
}

Status OfflineSecurityStore::close() {
  if (impl_->closed) return Status::ok();
  impl_->closed = true;
  impl_->log->begin_close();
  auto outcome = std::make_shared<std::optional<Status>>();
  impl_->log->flush([outcome](Status s) { *outcome = std::move(s); });
  CAIRN_RETURN_IF_ERROR(impl_->wait_for(outcome));
  return impl_->log->close();
}

}  // namespace cairn::broker::security
