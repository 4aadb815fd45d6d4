#include "broker/shard.h"

#include <spdlog/spdlog.h>

namespace cairn::broker {

awaitable<bool> MemoryBudget::acquire(uint64_t bytes, const bool& give_up) {
  while (!give_up && used_ > 0 && used_ + bytes > capacity_) co_await notifier_.wait();
  if (give_up) co_return false;
  used_ += bytes;
  co_return true;
}

void MemoryBudget::release(uint64_t bytes) {
  used_ -= bytes;
  notifier_.notify_all();
}

Shard::Shard(unsigned id, const BrokerConfig& config)
    : id_(id),
      config_(config),
      work_(context_.get_executor()),
      budget_(std::make_shared<MemoryBudget>(
          context_.get_executor(), config.limits.request_memory_bytes / std::max(1u, config.threads))) {}

Shard::~Shard() {
  stop();
  join();
  // Before the context: destroying it destroys suspended sessions, whose charges must then
  // find the budget gone rather than freed.
  budget_.reset();
  // Partitions go before the backend their files belong to.
  partitions_.clear();
}

Status Shard::init() {
  auto io = storage::make_io_backend(context_, config_.io_backend);
  if (!io) return io.error();
  io_ = std::move(*io);
  return Status::ok();
}

void Shard::start() {
  thread_ = std::thread([this] {
    try {
      context_.run();
    } catch (const std::exception& e) {
      spdlog::critical("shard {} stopped on an uncaught exception: {}", id_, e.what());
      std::abort();
    }
  });
}

void Shard::stop() {
  work_.reset();
  context_.stop();
}

void Shard::join() {
  if (thread_.joinable()) thread_.join();
}

Partition* Shard::find(std::string_view topic, int32_t partition) {
  auto it = partitions_.find(std::pair<std::string_view, int32_t>(topic, partition));
  return it == partitions_.end() ? nullptr : it->second.get();
}

void Shard::add(std::unique_ptr<Partition> partition) {
  if (partition->log() && producer_id_issued_) {
    partition->log()->set_producer_id_filter(producer_id_issued_);
  }
  Key key(partition->topic(), partition->id());
  partitions_[std::move(key)] = std::move(partition);
}

std::unique_ptr<Partition> Shard::remove(std::string_view topic, int32_t partition) {
  auto it = partitions_.find(std::pair<std::string_view, int32_t>(topic, partition));
  if (it == partitions_.end()) return nullptr;
  auto p = std::move(it->second);
  partitions_.erase(it);
  return p;
}

std::vector<Partition*> Shard::partitions() {
  std::vector<Partition*> out;
  out.reserve(partitions_.size());
  for (auto& [key, p] : partitions_) out.push_back(p.get());
  return out;
}

void Shard::start_retention_timer(std::chrono::milliseconds interval) {
  retention_interval_ = interval;
  retention_timer_ = std::make_unique<asio::steady_timer>(context_);
  arm_retention();
}

void Shard::arm_retention() {
  retention_timer_->expires_after(retention_interval_);
  retention_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    for (Partition* p : partitions()) {
      if (!p->log()) continue;
      auto deleted = p->log()->enforce_retention();
      if (!deleted) {
        spdlog::warn("{}-{}: retention: {}", p->topic(), p->id(), deleted.error().to_string());
      }
    }
    arm_retention();
  });
}

}  // namespace cairn::broker
