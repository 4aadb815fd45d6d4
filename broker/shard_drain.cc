#include "broker/shard_drain.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

#include "broker/group/coordinator.h"
#include "broker/txn_coordinator/coordinator.h"
#include "broker/net/session.h"
#include "broker/partition.h"
#include "broker/services.h"
#include "broker/shard.h"
#include "storage/partition_log.h"

namespace cairn::broker {

namespace {

// Closes run on this many threads per shard: a clean close is a handful of small-file syncs,
// which the file system commits together when they come together.
constexpr size_t kCloseThreads = 16;

awaitable<void> close_sessions(Shard& shard) {
  for (Session* s : std::vector<Session*>(shard.sessions().begin(), shard.sessions().end())) {
    s->shutdown();
  }
  // Long polls would otherwise wait out their timeouts (stop() woke the group joins).
  for (Partition* p : shard.partitions()) p->wake_all();
  shard.budget().wake_all();
  asio::steady_timer timer(shard.context());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!shard.sessions().empty() && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(10));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  for (Session* s : std::vector<Session*>(shard.sessions().begin(), shard.sessions().end())) {
    s->close("broker stopping");
  }
  shard.budget().wake_all();
}

}  // namespace

awaitable<int> drain_shard(BrokerServices& services, Shard& shard) {
  // First, so that nothing of the group coordinator's is appended while partitions close.
  services.coordinator(shard.id()).stop();
  services.txn_coordinator(shard.id()).stop();
  shard.stop_cleaner();
  co_await close_sessions(shard);
  // Every partition refuses appends from here on (a commit or a produce from another core may
  // still arrive), so each flush below covers all that its close records. The flushes run at
  // once: each syncs what its partition wrote last.
  std::vector<std::pair<std::string, int32_t>> keys;
  for (Partition* p : shard.partitions()) {
    if (!p->log()) continue;
    keys.emplace_back(p->topic(), p->id());
    p->log()->begin_close();
  }
  std::vector<std::optional<Status>> flushed(keys.size());
  size_t pending = keys.size();
  Notifier done(shard.executor());
  for (size_t i = 0; i < keys.size(); ++i) {
    shard.find(keys[i].first, keys[i].second)->log()->flush([&, i](Status s) {
      flushed[i] = std::move(s);
      if (--pending == 0) done.notify_all();
    });
  }
  while (pending > 0) co_await done.wait();
  // Looked up again after the suspension: a partition may be gone (its topic deleted).
  int failures = 0;
  std::vector<storage::PartitionLog*> logs;
  std::vector<size_t> which;
  for (size_t i = 0; i < keys.size(); ++i) {
    Partition* p = shard.find(keys[i].first, keys[i].second);
    if (p == nullptr || !p->log()) continue;
    if (!flushed[i]->is_ok()) {
      ++failures;
      spdlog::error("{}-{}: clean close failed: {}", keys[i].first, keys[i].second,
                    flushed[i]->to_string());
      continue;
    }
    logs.push_back(p->log());
    which.push_back(i);
  }
  // This core runs nothing else until the closes return: the broker is stopping.
  std::vector<Status> closed = storage::PartitionLog::close_all(logs, kCloseThreads);
  for (size_t j = 0; j < closed.size(); ++j) {
    if (closed[j].is_ok()) continue;
    ++failures;
    const auto& [topic, id] = keys[which[j]];
    spdlog::error("{}-{}: clean close failed: {}", topic, id, closed[j].to_string());
  }
  co_return failures;
}

awaitable<void> finish_admin_in_flight(BrokerServices& services) {
  asio::steady_timer timer(services.shard(0).context());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (services.admin_in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(1));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

}  // namespace cairn::broker
