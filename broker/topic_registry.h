#pragma once

// TopicRegistry: the topics the broker serves and their settings, read from any shard. Changes
// (create, delete) happen only on shard 0, which also owns the TopicStore files, so readers
// take a shared lock that writers hold only for a map update.

#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "storage/topic_store.h"

namespace cairn::broker {

class TopicRegistry {
 public:
  std::optional<storage::TopicConfig> find(std::string_view name) const {
    std::shared_lock lock(mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, storage::TopicConfig, std::less<>> snapshot() const {
    std::shared_lock lock(mu_);
    return topics_;
  }
  void set(const std::string& name, const storage::TopicConfig& config) {
    std::unique_lock lock(mu_);
    topics_[name] = config;
  }
  void erase(std::string_view name) {
    std::unique_lock lock(mu_);
    if (auto it = topics_.find(name); it != topics_.end()) topics_.erase(it);
  }

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, storage::TopicConfig, std::less<>> topics_;
};

}  // namespace cairn::broker
