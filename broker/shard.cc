#include "broker/shard.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include "broker/broker_metrics.h"
#include "broker/net/front_end.h"
#include "protocol/check.h"

namespace cairn::broker {

unsigned owner_shard(std::string_view topic, int32_t partition, unsigned shard_count) {
  uint64_t h = XXH3_64bits_withSeed(topic.data(), topic.size(), static_cast<uint64_t>(partition));
  return static_cast<unsigned>(h % shard_count);
}

void SingleOwner::add(std::string_view topic, int32_t partition) {
  unsigned s = owner_shard(topic, partition, shard_count_);
  if (owner_ && *owner_ != s) several_ = true;
  owner_ = s;
}

namespace {
thread_local unsigned current_shard = 0;
}  // namespace

unsigned Shard::current_id() { return current_shard; }

Shard::Shard(unsigned id, const BrokerConfig& config)
    : id_(id),
      config_(config),
      work_(context_.get_executor()),
      budget_(std::make_shared<MemoryBudget>(
          context_.get_executor(),
          config.limits.request_memory_bytes / std::max(1u, config.threads))) {}

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
  running_ = true;
  thread_ = std::thread([this] {
    current_shard = id_;
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
  running_ = false;
}

bool Shard::on_own_thread() {
  return !running_.load(std::memory_order_relaxed) ||
         context_.get_executor().running_in_this_thread();
}

Partition* Shard::find(std::string_view topic, int32_t partition) {
  CAIRN_DCHECK(on_own_thread());
  auto it = partitions_.find(std::pair<std::string_view, int32_t>(topic, partition));
  return it == partitions_.end() ? nullptr : it->second.get();
}

Result<Partition*> Shard::find_online(std::string_view topic, int32_t partition) {
  Partition* p = find(topic, partition);
  if (p == nullptr) {
    return Status::not_found("the topic has no partition " + std::to_string(partition));
  }
  if (p->log() == nullptr) return Status::unavailable(p->offline_reason().message());
  return p;
}

void Shard::add(std::unique_ptr<Partition> partition) {
  CAIRN_DCHECK(on_own_thread());
  if (partition->log() && producer_id_issued_) {
    partition->log()->set_producer_id_filter(producer_id_issued_);
  }
  if (metrics_ != nullptr) {
    partition->set_metrics(metrics_->topic_counters(partition->topic()),
                           metrics_->partition_gauges(partition->topic(), partition->id()));
    if (partition->log()) partition->log()->set_flush_observer(&metrics_->flush_observer(id_));
  }
  partition->replica().set_lag_max(config_.replication.lag_max);
  Key key(partition->topic(), partition->id());
  partitions_[std::move(key)] = std::move(partition);
}

std::unique_ptr<Partition> Shard::remove(std::string_view topic, int32_t partition) {
  CAIRN_DCHECK(on_own_thread());
  auto it = partitions_.find(std::pair<std::string_view, int32_t>(topic, partition));
  if (it == partitions_.end()) return nullptr;
  auto p = std::move(it->second);
  partitions_.erase(it);
  return p;
}

std::vector<Partition*> Shard::partitions() {
  CAIRN_DCHECK(on_own_thread());
  std::vector<Partition*> out;
  out.reserve(partitions_.size());
  for (auto& [key, p] : partitions_) out.push_back(p.get());
  return out;
}

std::set<Session*>& Shard::sessions() {
  CAIRN_DCHECK(on_own_thread());
  return sessions_;
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
