#pragma once

// The mirror behind `cairn mirror` (README, "Mirroring"): its options and the run itself.

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>

#include "cairn/admin.h"
#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "tools/cairn/mirror_ack_tracker.h"
#include "tools/cairn/mirror_plan.h"

namespace cairn::tools {

// How the mirror reaches one broker: TLS and SASL as the client library takes them.
struct MirrorEnd {
  std::string broker;  // HOST:PORT
  client::TlsConfig tls;
  client::SaslConfig sasl;
};

struct MirrorOptions {
  MirrorEnd from;
  MirrorEnd to;
  std::string topics;
  std::string group = "cairn-mirror";
  int64_t status_interval_ms = 5000;
  int64_t commit_interval_ms = 1000;
  int64_t refresh_interval_ms = 30000;
  int64_t delivery_timeout_ms = 120000;
  size_t max_unacknowledged = 50000;
};

// An admin client made on first use and dropped after a failed call (it does not reconnect).
class LazyAdmin {
 public:
  LazyAdmin(std::string side, MirrorEnd end) : side_(std::move(side)), end_(std::move(end)) {}

  template <typename T, typename Call>
  Result<T> call(Call&& fn) {
    if (!admin_) {
      client::AdminConfig config;
      config.broker = end_.broker;
      config.tls = end_.tls;
      config.sasl = end_.sasl;
      config.client_id = "cairn-mirror";
      config.connect_timeout = std::chrono::milliseconds(2000);
      config.request_timeout = std::chrono::milliseconds(10000);
      auto made = client::Admin::create(config);
      if (!made) return failure(made.error());
      admin_ = std::move(*made);
    }
    Result<T> r = fn(*admin_);
    if (!r && (r.error().is_unavailable() || r.error().is_timed_out())) admin_.reset();
    if (!r) return failure(r.error());
    return r;
  }

 private:
  Status failure(const Status& s) const {
    return s.with_context(fmt::format("{} {}", side_, end_.broker));
  }
  std::string side_;
  MirrorEnd end_;
  std::unique_ptr<client::Admin> admin_;
};

// One mirror run, on the thread that called run() (the producer's callbacks reach it only
// through acks_). It owns one consumer at the source (assigned the selected partitions, never a
// group member, committing to the group only what acks_ says the destination acknowledged), one
// idempotent acks=all producer at the destination (made again after a failure it cannot finish),
// and an admin client per side for planning and lag. Invariant: a committed source offset never
// passes a record the destination has not acknowledged.
class Mirror {
 public:
  Mirror(MirrorOptions options, TopicSelector selector)
      : opts_(std::move(options)),
        selector_(std::move(selector)),
        source_("source", opts_.from),
        destination_("destination", opts_.to) {}

  int run();

 private:
  Status plan_topics();
  Status make_clients();
  Status copy_some();
  void rewind_failed();
  void maybe_commit(bool force);
  void maybe_report(bool force);
  void note_health(const std::string& side, const Status& status, std::string& problem);

  MirrorOptions opts_;
  TopicSelector selector_;
  LazyAdmin source_;
  LazyAdmin destination_;
  std::shared_ptr<MirrorAckTracker> acks_ = std::make_shared<MirrorAckTracker>();
  std::unique_ptr<client::Producer> producer_;
  std::unique_ptr<client::Consumer> consumer_;
  std::map<std::string, int32_t> topics_;  // mirrored topic -> its partitions
  std::set<std::string> said_;             // one-line notices already printed
  std::string source_problem_;             // why a broker does not answer; empty while it does
  std::string destination_problem_;
  std::string last_rewind_;
  std::map<client::TopicPartition, int64_t> committed_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_commit_ = started_;
  std::chrono::steady_clock::time_point last_report_ = started_;
  std::chrono::steady_clock::time_point last_plan_{};
  int64_t copied_at_report_ = 0;
};

}  // namespace cairn::tools
