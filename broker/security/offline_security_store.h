#pragma once

// OfflineSecurityStore: the security records of a data directory, edited with the broker
// stopped (`cairn users ... --data-dir`, `cairn acl ... --data-dir`), the way the first users
// are created before cairnd ever serves (as Kafka's `kafka-storage format --add-scram`).
//
// open() takes the data directory's lock (DATA_DIR/.lock, the flock a running cairnd holds;
// creating the directory and the lock file if needed), so it fails while a cairnd runs there,
// and a cairnd started meanwhile refuses to run. It then creates the `__cairn_security` topic
// if it is missing (its directory only for the broker's user: it holds password verifiers)
// and replays it. append() writes one batch through the storage engine, synced, and applies
// it. The lock is held until the store is closed or destroyed.
//
// Used by one thread; it runs its own event loop for the storage engine's completions.

#include <filesystem>
#include <memory>
#include <vector>

#include "broker/security/security_log.h"
#include "protocol/status.h"

namespace cairn::broker::security {

class OfflineSecurityStore {
 public:
  // kUnavailable while a cairnd holds the lock; kCorruption if the records cannot be replayed.
  static Result<std::unique_ptr<OfflineSecurityStore>> open(const std::filesystem::path& data_dir);
  // Closes the log cleanly if close() was not called, then releases the lock.
  ~OfflineSecurityStore();
  OfflineSecurityStore(const OfflineSecurityStore&) = delete;
  OfflineSecurityStore& operator=(const OfflineSecurityStore&) = delete;

  const SecurityState& state() const;
  // Validates the changes against the current state (kInvalidArgument, nothing written), then
  // appends them as one batch, synced, and applies them.
  Status append(const std::vector<SecurityChange>& changes);
  // Flushes and closes the log, recording a clean recovery point. Called once.
  Status close();

 private:
  struct Impl;
  explicit OfflineSecurityStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Creates `kSecurityTopic` in `store` if it has no topic.conf yet, with security_topic_config(),
// and limits its directory to the owner (mode 0700). Returns whether it created it.
Result<bool> ensure_security_topic(storage::TopicStore& store);

}  // namespace cairn::broker::security
