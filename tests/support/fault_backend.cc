#include "tests/support/fault_backend.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace cairn::testing {

using storage::Bytes;
using storage::File;
using storage::FilePosition;

namespace {

std::filesystem::path norm(const std::filesystem::path& p) {
  auto n = p.lexically_normal();
  std::string s = n.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

class FaultBackend::MemFile final : public File {
 public:
  MemFile(std::shared_ptr<Inode> inode, std::filesystem::path path)
      : inode_(std::move(inode)), path_(std::move(path)) {}

  Result<size_t> read_at(FilePosition pos, std::span<std::byte> out) const override {
    const auto& data = inode_->data;
    if (pos.value() >= data.size()) return size_t{0};
    size_t n = std::min<size_t>(out.size(), data.size() - pos.value());
    std::memcpy(out.data(), data.data() + pos.value(), n);
    return n;
  }
  Result<uint64_t> size() const override { return uint64_t{inode_->data.size()}; }
  int native_handle() const override { return -1; }
  const std::filesystem::path& path() const override { return path_; }

  Inode& inode() { return *inode_; }

 private:
  std::shared_ptr<Inode> inode_;
  std::filesystem::path path_;
};

FaultBackend::FaultBackend(boost::asio::io_context& context) : context_(context) { dirs_["/"]; }

FaultBackend::Dir* FaultBackend::dir(const std::filesystem::path& path) {
  auto it = dirs_.find(norm(path));
  return it == dirs_.end() ? nullptr : &it->second;
}

const FaultBackend::Node* FaultBackend::lookup(const std::filesystem::path& path) const {
  auto p = norm(path);
  auto it = dirs_.find(p.parent_path());
  if (it == dirs_.end()) return nullptr;
  auto e = it->second.entries.find(p.filename().string());
  return e == it->second.entries.end() ? nullptr : &e->second;
}

bool FaultBackend::exists(const std::filesystem::path& path) const {
  return lookup(path) != nullptr;
}

std::vector<std::byte>* FaultBackend::contents(const std::filesystem::path& path) {
  const Node* node = lookup(path);
  if (node == nullptr || node->is_dir) return nullptr;
  return &node->inode->data;
}

uint64_t FaultBackend::used_bytes() const {
  uint64_t total = 0;
  for (const auto& [path, d] : dirs_) {
    for (const auto& [name, node] : d.entries) {
      if (!node.is_dir) total += node.inode->data.size();
    }
  }
  return total;
}

Result<std::shared_ptr<File>> FaultBackend::open_file(const std::filesystem::path& path,
                                                      bool create) {
  auto p = norm(path);
  Dir* parent = dir(p.parent_path());
  if (parent == nullptr) return Status::from_errno(ENOENT, "open " + p.string());
  auto it = parent->entries.find(p.filename().string());
  if (it == parent->entries.end()) {
    if (!create) return Status::from_errno(ENOENT, "open " + p.string());
    if (auto failure = take_operation_failure("create", p)) return *failure;
    it = parent->entries.emplace(p.filename().string(), Node{false, std::make_shared<Inode>()})
             .first;
  }
  if (it->second.is_dir) return Status::from_errno(EISDIR, "open " + p.string());
  return std::shared_ptr<File>(std::make_shared<MemFile>(it->second.inode, p));
}

std::optional<Status> FaultBackend::take_operation_failure(std::string_view what,
                                                           const std::filesystem::path& path) {
  if (operations_left_ < 0) return std::nullopt;
  if (operations_left_ == 0) {
    return Status::from_errno(EIO, std::string(what) + " " + path.string() + " (a dead disk)");
  }
  --operations_left_;
  return std::nullopt;
}

std::optional<Status> FaultBackend::take_write_failure(const std::filesystem::path& path) {
  if (write_failures_ <= 0) return std::nullopt;
  if (!path.filename().string().ends_with(write_failure_suffix_)) return std::nullopt;
  --write_failures_;
  return Status::from_errno(write_err_, "write " + path.string());
}

std::optional<Status> FaultBackend::take_sync_failure(const std::filesystem::path& path) {
  if (sync_failures_ <= 0) return std::nullopt;
  if (sync_skips_ > 0) {
    --sync_skips_;
    return std::nullopt;
  }
  --sync_failures_;
  return Status::from_errno(sync_err_, "fdatasync " + path.string());
}

Status FaultBackend::write_inode(Inode& inode, uint64_t pos, Bytes data, uint64_t& written) {
  written = 0;
  uint64_t end = pos + data.size();
  uint64_t grow = end > inode.data.size() ? end - inode.data.size() : 0;
  uint64_t allowed = data.size();
  bool full = false;
  if (capacity_ && grow > 0) {
    uint64_t used = used_bytes();
    uint64_t free = *capacity_ > used ? *capacity_ - used : 0;
    if (grow > free) {
      allowed = data.size() - (grow - free);
      full = true;
    }
  }
  if (pos + allowed > inode.data.size()) inode.data.resize(pos + allowed);
  if (allowed > 0) std::memcpy(inode.data.data() + pos, data.data(), allowed);
  written = allowed;
  if (full) return Status::from_errno(ENOSPC, "write");
  return Status::ok();
}

Status FaultBackend::write_at(File& file, FilePosition pos, Bytes data) {
  if (auto failure = take_operation_failure("write", file.path())) return *failure;
  if (auto failure = take_write_failure(file.path())) return *failure;
  uint64_t written = 0;
  return write_inode(static_cast<MemFile&>(file).inode(), pos.value(), data, written);
}

Status FaultBackend::truncate(File& file, uint64_t size) {
  if (auto failure = take_operation_failure("truncate", file.path())) return *failure;
  static_cast<MemFile&>(file).inode().data.resize(size);
  return Status::ok();
}

Status FaultBackend::sync_file(File& file) {
  if (auto failure = take_operation_failure("fdatasync", file.path())) return *failure;
  ++syncs_;
  if (auto failure = take_sync_failure(file.path())) return *failure;
  Inode& inode = static_cast<MemFile&>(file).inode();
  inode.synced = inode.data;
  return Status::ok();
}

Status FaultBackend::create_directory(const std::filesystem::path& path) {
  auto p = norm(path);
  if (dirs_.count(p)) return Status::ok();
  Dir* parent = dir(p.parent_path());
  if (parent == nullptr) return Status::from_errno(ENOENT, "mkdir " + p.string());
  parent->entries[p.filename().string()] = Node{true, nullptr};
  dirs_[p];
  return Status::ok();
}

Status FaultBackend::sync_directory(const std::filesystem::path& path) {
  Dir* d = dir(path);
  if (d == nullptr) return Status::from_errno(ENOENT, "fsync directory " + path.string());
  if (auto failure = take_operation_failure("fsync directory", path)) return *failure;
  ++syncs_;
  d->durable = d->entries;
  return Status::ok();
}

Status FaultBackend::remove_file(const std::filesystem::path& path) {
  auto p = norm(path);
  if (auto failure = take_operation_failure("unlink", p)) return *failure;
  Dir* parent = dir(p.parent_path());
  if (parent == nullptr || parent->entries.erase(p.filename().string()) == 0) {
    return Status::from_errno(ENOENT, "unlink " + p.string());
  }
  return Status::ok();
}

Status FaultBackend::rename_file(const std::filesystem::path& from,
                                 const std::filesystem::path& to) {
  auto f = norm(from), t = norm(to);
  if (auto failure = take_operation_failure("rename", f)) return *failure;
  Dir* src = dir(f.parent_path());
  Dir* dst = dir(t.parent_path());
  if (src == nullptr || dst == nullptr) return Status::from_errno(ENOENT, "rename " + f.string());
  auto it = src->entries.find(f.filename().string());
  if (it == src->entries.end()) return Status::from_errno(ENOENT, "rename " + f.string());
  Node node = it->second;
  src->entries.erase(it);
  dst->entries[t.filename().string()] = node;
  return Status::ok();
}

Status FaultBackend::remove_directory(const std::filesystem::path& path) {
  auto p = norm(path);
  Dir* d = dir(p);
  if (d == nullptr) return Status::from_errno(ENOENT, "rmdir " + p.string());
  if (!d->entries.empty()) return Status::from_errno(ENOTEMPTY, "rmdir " + p.string());
  dirs_.erase(p);
  dir(p.parent_path())->entries.erase(p.filename().string());
  return Status::ok();
}

Result<std::vector<std::string>> FaultBackend::list_directory(const std::filesystem::path& path) {
  Dir* d = dir(path);
  if (d == nullptr) {
    return Status::from_errno(exists(path) ? ENOTDIR : ENOENT, "list " + path.string());
  }
  std::vector<std::string> names;
  for (const auto& [name, node] : d->entries) names.push_back(name);
  return names;
}

void FaultBackend::async_write(File& file, FilePosition pos, std::vector<Bytes> buffers,
                               bool datasync, WriteCompletion done) {
  storage::WriteOutcome outcome;
  if (auto failure = take_write_failure(file.path())) {
    outcome.write = *failure;
  } else {
    uint64_t at = pos.value();
    for (Bytes b : buffers) {
      uint64_t written = 0;
      outcome.write = write_inode(static_cast<MemFile&>(file).inode(), at, b, written);
      at += written;
      if (!outcome.write.is_ok()) break;
    }
    if (outcome.write.is_ok() && datasync) {
      if (hold_syncs_) {
        deferred_.push_back([this, &file, done = std::move(done), outcome]() mutable {
          outcome.sync = sync_file(file);
          complete([done = std::move(done), outcome] { done(outcome); });
        });
        return;
      }
      outcome.sync = sync_file(file);
    }
  }
  complete([done = std::move(done), outcome] { done(outcome); });
}

void FaultBackend::async_sync(File& file, SyncCompletion done) {
  auto run = [this, &file, done = std::move(done)]() mutable {
    Status s = sync_file(file);
    complete([done = std::move(done), s] { done(s); });
  };
  if (hold_syncs_) {
    deferred_.push_back(std::move(run));
    return;
  }
  run();
}

void FaultBackend::async_run(std::function<Status()> work, SyncCompletion done) {
  auto run = [this, work = std::move(work), done = std::move(done)]() mutable {
    Status s = work();
    boost::asio::post(context_, [done = std::move(done), s] { done(s); });
  };
  if (hold_runs_) {
    deferred_.push_back(std::move(run));
    return;
  }
  run();
}

void FaultBackend::release_deferred() {
  auto held = std::move(deferred_);
  deferred_.clear();
  for (auto& run : held) run();
}

void FaultBackend::crash_tearing(const std::filesystem::path& file, uint64_t zero_begin,
                                 uint64_t zero_end) {
  const Node* node = lookup(file);
  std::vector<std::byte> kept;
  if (node != nullptr && !node->is_dir) {
    kept = node->inode->data;
    for (uint64_t i = zero_begin; i < zero_end && i < kept.size(); ++i) kept[i] = std::byte{0};
  }
  std::shared_ptr<Inode> inode = node != nullptr ? node->inode : nullptr;
  crash();
  if (inode) inode->data = inode->synced = std::move(kept);
}

void FaultBackend::complete(std::function<void()> completion) {
  if (holding_) {
    held_.push_back(std::move(completion));
    return;
  }
  boost::asio::post(context_, std::move(completion));
}

void FaultBackend::release_completions() {
  holding_ = false;
  for (auto& c : held_) boost::asio::post(context_, std::move(c));
  held_.clear();
}

void FaultBackend::crash() {
  deferred_.clear();
  for (auto& [path, d] : dirs_) {
    d.entries = d.durable;
    for (auto& [name, node] : d.entries) {
      if (!node.is_dir) node.inode->data = node.inode->synced;
    }
  }
  // Directories whose own entry was not durable go, with everything in them.
  for (auto it = dirs_.begin(); it != dirs_.end();) {
    if (it->first == "/") {
      ++it;
      continue;
    }
    auto parent = dirs_.find(it->first.parent_path());
    bool reachable =
        parent != dirs_.end() && parent->second.entries.count(it->first.filename().string()) > 0;
    it = reachable ? std::next(it) : dirs_.erase(it);
  }
}

}  // namespace cairn::testing
