#pragma once

// FaultBackend: an in-memory IoBackend for tests, after leveldb's FaultInjectionTestEnv.
//
// It keeps, for every file, the bytes written and the bytes last synced, and for every
// directory, its entries and the entries as of its last sync. crash() models a power loss: file
// contents fall back to what was synced and directories to their synced entries, so a file
// created or renamed without a directory sync disappears. It also injects errors: a write or
// sync that fails with a given errno, and a disk that fills up after a number of bytes (writes
// past it come up short, then fail with ENOSPC). Completions are posted to the io_context like
// the real backends'. Single-threaded, like the core it stands in for: work given to
// async_run() runs at once (unless held), on the caller's thread, and only its completion is
// posted.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/io/io_backend.h"

namespace cairn::testing {

class FaultBackend final : public storage::IoBackend {
 public:
  explicit FaultBackend(boost::asio::io_context& context);

  std::string_view name() const override { return "fault"; }
  boost::asio::io_context& context() override { return context_; }

  Result<std::shared_ptr<storage::File>> open_file(const std::filesystem::path& path,
                                                   bool create) override;
  Status write_at(storage::File& file, storage::FilePosition pos, storage::Bytes data) override;
  Status truncate(storage::File& file, uint64_t size) override;
  Status sync_file(storage::File& file) override;
  Status create_directory(const std::filesystem::path& path) override;
  Status sync_directory(const std::filesystem::path& path) override;
  Status remove_file(const std::filesystem::path& path) override;
  Status rename_file(const std::filesystem::path& from, const std::filesystem::path& to) override;
  Status remove_directory(const std::filesystem::path& path) override;
  Result<std::vector<std::string>> list_directory(const std::filesystem::path& path) override;
  void async_write(storage::File& file, storage::FilePosition pos,
                   std::vector<storage::Bytes> buffers, bool datasync,
                   WriteCompletion done) override;
  void async_sync(storage::File& file, SyncCompletion done) override;
  void async_run(std::function<Status()> work, SyncCompletion done) override;

  // The next `count` data writes (sync or async) fail with `err`, writing nothing. With
  // `name_suffix`, only writes to files whose name ends with it count.
  void fail_writes(int err, int count = 1, std::string name_suffix = {}) {
    write_err_ = err, write_failures_ = count, write_failure_suffix_ = std::move(name_suffix);
  }
  // After `skip` more syncs succeed, the next `count` syncs fail with `err`; the data stays
  // unsynced.
  void fail_syncs(int err, int count = 1, int skip = 0) {
    sync_err_ = err, sync_failures_ = count, sync_skips_ = skip;
  }
  // After `n` more synchronous operations that change the disk (a file created, written,
  // truncated or synced, a file renamed or removed, a directory synced) succeed, every later one
  // fails with EIO and changes nothing: a disk that died there, for a test that then crash()es
  // to see what each step leaves. A negative `n` lifts it.
  void fail_operations_after(int n) { operations_left_ = n; }
  // The disk holds at most `bytes` of file data in all; nullopt removes the limit.
  void set_capacity(std::optional<uint64_t> bytes) { capacity_ = bytes; }
  uint64_t used_bytes() const;

  // From now on, write and sync completions are kept instead of posted, so a test can act while
  // writes are in flight (the data itself is written at once, as before).
  void hold_completions() { holding_ = true; }
  // Stops holding and posts every held completion, in the order they were made.
  void release_completions();
  size_t held_completions() const { return held_.size(); }

  // While held, an asynchronous write lands its bytes at once but its fdatasync and its
  // completion wait, as do asynchronous syncs: the state of a group write in flight.
  void hold_syncs(bool hold) { hold_syncs_ = hold; }
  // While held, work given to async_run() waits too.
  void hold_runs(bool hold) { hold_runs_ = hold; }
  // Runs the held syncs and work and posts their completions, in order.
  void release_deferred();
  size_t deferred() const { return deferred_.size(); }

  // Power loss: drops everything not synced (and every held operation).
  void crash();
  // Power loss in which the disk wrote a later part of an unsynced write but not an earlier
  // one: `file` keeps every byte written to it, except [zero_begin, zero_end), which reads as
  // zeros; every other file loses its unsynced bytes as in crash().
  void crash_tearing(const std::filesystem::path& file, uint64_t zero_begin, uint64_t zero_end);

  // Direct access to a file's current bytes, to corrupt or inspect them.
  std::vector<std::byte>* contents(const std::filesystem::path& path);
  bool exists(const std::filesystem::path& path) const;
  int syncs() const { return syncs_; }

 private:
  struct Inode {
    std::vector<std::byte> data;
    std::vector<std::byte> synced;
  };
  struct Node {
    bool is_dir = false;
    std::shared_ptr<Inode> inode;  // files only
  };
  struct Dir {
    std::map<std::string, Node> entries;
    std::map<std::string, Node> durable;
  };
  class MemFile;

  Dir* dir(const std::filesystem::path& path);
  const Node* lookup(const std::filesystem::path& path) const;
  Status write_inode(Inode& inode, uint64_t pos, storage::Bytes data, uint64_t& written);
  std::optional<Status> take_write_failure(const std::filesystem::path& path);
  std::optional<Status> take_sync_failure(const std::filesystem::path& path);
  // The failure fail_operations_after() asks for, if its count has run out.
  std::optional<Status> take_operation_failure(std::string_view what,
                                               const std::filesystem::path& path);

  void complete(std::function<void()> completion);

  boost::asio::io_context& context_;
  std::map<std::filesystem::path, Dir> dirs_;
  bool holding_ = false;
  std::vector<std::function<void()>> held_;
  std::optional<uint64_t> capacity_;
  int write_err_ = 0, write_failures_ = 0;
  std::string write_failure_suffix_;
  bool hold_syncs_ = false;
  bool hold_runs_ = false;
  std::vector<std::function<void()>> deferred_;
  int sync_err_ = 0, sync_failures_ = 0, sync_skips_ = 0;
  int syncs_ = 0;
  int operations_left_ = -1;
};

}  // namespace cairn::testing
