// The mirror's run: planning, copying, committing what the destination acknowledged, reporting.

#include "tools/cairn/mirror.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "tools/cairn/common.h"
#include "tools/cairn/signals.h"

namespace cairn::tools {

using client::TopicPartition;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

namespace {

void say(const std::string& line) { fmt::print(stderr, "cairn {}\n", line); }

// Sleeps up to `d`, waking early on a stop signal.
void nap(milliseconds d) {
  auto until = SteadyClock::now() + d;
  while (!stop_requested() && SteadyClock::now() < until) {
    std::this_thread::sleep_for(std::min<milliseconds>(
        milliseconds(50),
        std::chrono::duration_cast<milliseconds>(until - SteadyClock::now()) + milliseconds(1)));
  }
}

}  // namespace

// Lists the selected source topics, creates the missing ones at the destination, and reads
// each one's partition mapping; topics_ becomes the ones to mirror.
Status Mirror::plan_topics() {
  auto names =
      source_.call<std::vector<std::string>>([](client::Admin& a) { return a.list_topics(); });
  if (!names) return names.error();
  auto existing =
      destination_.call<std::vector<std::string>>([](client::Admin& a) { return a.list_topics(); });
  if (!existing) return existing.error();
  std::set<std::string> at_destination(existing->begin(), existing->end());
  std::map<std::string, int32_t> planned;
  for (const auto& topic : selector_.select(*names)) {
    auto src = source_.call<client::TopicDescription>(
        [&](client::Admin& a) { return a.describe_topic(topic); });
    if (!src) return src.error();
    auto source_partitions = static_cast<int32_t>(src->partitions.size());
    std::optional<int32_t> dest_partitions;
    if (at_destination.contains(topic)) {
      auto dst = destination_.call<client::TopicDescription>(
          [&](client::Admin& a) { return a.describe_topic(topic); });
      if (!dst) return dst.error();
      dest_partitions = static_cast<int32_t>(dst->partitions.size());
    }
    PartitionMapping mapping = map_partitions(topic, source_partitions, dest_partitions);
    if (!mapping.message.empty() && said_.insert(mapping.message).second)
      say("mirror: " + mapping.message);
    if (mapping.kind == PartitionMapping::Kind::kCreate) {
      auto created = destination_.call<bool>([&](client::Admin& a) -> Result<bool> {
        CAIRN_RETURN_IF_ERROR(a.create_topic({topic, source_partitions, {}}));
        return true;
      });
      if (!created) return created.error();
      say(fmt::format("mirror: created topic '{}' with {} partition{} at the destination", topic,
                      source_partitions, source_partitions == 1 ? "" : "s"));
    }
    if (mapping.partitions > 0) planned[topic] = mapping.partitions;
  }
  if (planned.empty() && said_.insert("no topics").second) {
    say(fmt::format("mirror: no source topic matches --topics '{}' yet; looking again every {} ms",
                    opts_.topics, opts_.refresh_interval_ms));
  }
  last_plan_ = SteadyClock::now();
  if (planned == topics_ && consumer_) return Status::ok();
  topics_ = std::move(planned);
  if (consumer_) {
    std::vector<TopicPartition> partitions;
    for (const auto& [topic, count] : topics_) {
      for (int32_t p = 0; p < count; ++p) partitions.push_back({topic, p});
    }
    CAIRN_RETURN_IF_ERROR(consumer_->assign(partitions));
    // Partitions already mirrored resume where the destination acknowledged; new ones at the
    // group's committed offset, or the earliest.
    for (const auto& [tp, next] : acks_->next_offsets()) {
      if (topics_.contains(tp.topic)) CAIRN_RETURN_IF_ERROR(consumer_->seek(tp, next));
    }
  }
  return Status::ok();
}

Status Mirror::make_clients() {
  if (!producer_) {
    client::ProducerConfig config;
    config.broker = opts_.to.broker;
    config.tls = opts_.to.tls;
    config.sasl = opts_.to.sasl;
    config.client_id = "cairn-mirror";
    config.acks = -1;
    config.idempotent = true;
    config.connect_timeout = milliseconds(2000);
    config.max_block = milliseconds(1000);
    config.delivery_timeout = milliseconds(opts_.delivery_timeout_ms);
    auto made = client::Producer::create(config);
    if (!made) return made.error().with_context("destination " + opts_.to.broker);
    producer_ = std::move(*made);
  }
  if (!consumer_) {
    client::ConsumerConfig config;
    config.broker = opts_.from.broker;
    config.tls = opts_.from.tls;
    config.sasl = opts_.from.sasl;
    config.client_id = "cairn-mirror";
    config.group_id = opts_.group;
    config.enable_auto_commit = false;  // commits only what the destination acknowledged
    config.auto_offset_reset = client::ConsumerConfig::OffsetReset::kEarliest;
    config.connect_timeout = milliseconds(2000);
    config.max_poll_records = 2000;
    auto made = client::Consumer::create(config);
    if (!made) return made.error().with_context("source " + opts_.from.broker);
    consumer_ = std::move(*made);
    topics_.clear();  // plan_topics assigns the new consumer its partitions
  }
  return Status::ok();
}

// One poll, its records sent to the destination.
Status Mirror::copy_some() {
  if (topics_.empty() || acks_->unacknowledged() >= opts_.max_unacknowledged) {
    nap(milliseconds(20));  // nothing to read, or waiting for the destination to catch up
    return Status::ok();
  }
  auto records = consumer_->poll(milliseconds(200));
  if (!records) {
    if (records.error().is_corruption()) {
      auto bad = consumer_->last_corrupt_batch();
      if (!bad) return records.error();
      return Status::corruption(fmt::format(
          "source {}: {}; skip it with cairn groups reset-offsets {} "
          "--topic {} --partition {} --to {}",
          opts_.from.broker, records.error().message(), opts_.group, bad->topic_partition.topic,
          bad->topic_partition.partition, bad->next_offset));
    }
    return records.error().with_context("source " + opts_.from.broker);
  }
  for (auto& r : *records) {
    TopicPartition tp = r.topic_partition;
    int64_t offset = r.offset;
    client::ProducerRecord out{tp.topic,           std::move(r.key),
                               std::move(r.value), std::move(r.headers),
                               tp.partition,       r.timestamp};
    acks_->sending(tp, offset);
    std::weak_ptr<MirrorAckTracker> acks = acks_;
    Status sent = producer_->send(std::move(out),
                                  [acks, tp, offset](const Result<client::RecordMetadata>& m) {
                                    auto tracker = acks.lock();
                                    if (!tracker) return;
                                    if (m) {
                                      tracker->acknowledged(tp, offset);
                                    } else {
                                      tracker->failed(tp, m.error());
                                    }
                                  });
    if (!sent.is_ok()) acks_->failed(tp, sent);
  }
  return Status::ok();
}

// Partitions whose delivery failed are read again from their first unacknowledged record once
// every delivery in flight has ended, so that none is skipped (some may be copied twice).
void Mirror::rewind_failed() {
  if (!acks_->any_failed()) return;
  // Every delivery in flight ends first: until then a failed partition's offset stays frozen,
  // and afterwards no late acknowledgement can move it past the failed record.
  auto give_up = SteadyClock::now() + milliseconds(opts_.delivery_timeout_ms);
  while (!producer_->flush(milliseconds(500)).is_ok()) {
    if (stop_requested()) return;  // the final flush waits for them; the offsets stay frozen
    maybe_report(false);
    if (SteadyClock::now() >= give_up) {
      // Records queued behind the failure can wait for a producer id the destination cannot
      // give now. Closing the producer fails them (after its delivery timeout); a new one
      // starts afresh once the destination answers.
      producer_.reset();
      break;
    }
  }
  Status why;
  auto failed = acks_->take_failed(&why);
  std::string line = fmt::format(
      "mirror: destination {}: {}; copying {} partition(s) again from the "
      "first unacknowledged record",
      opts_.to.broker, why.message(), failed.size());
  if (line != last_rewind_) say(line);  // once while the destination stays away
  last_rewind_ = line;
  for (const auto& [tp, next] : failed) consumer_->seek(tp, next).ignore_error();
}

void Mirror::maybe_commit(bool force) {
  auto now = SteadyClock::now();
  if (!force && now - last_commit_ < milliseconds(opts_.commit_interval_ms)) return;
  last_commit_ = now;
  std::map<TopicPartition, int64_t> changed;
  for (const auto& [tp, next] : acks_->next_offsets()) {
    auto it = committed_.find(tp);
    if (it == committed_.end() || it->second != next) changed[tp] = next;
  }
  if (changed.empty() || !consumer_) return;
  Status s = consumer_->commit(changed);
  if (!s.is_ok()) {
    say(fmt::format("mirror: source {}: committing offsets of group '{}' failed ({}); trying again",
                    opts_.from.broker, opts_.group, s.message()));
    return;
  }
  for (const auto& [tp, next] : changed) committed_[tp] = next;
}

// One line when a broker stops answering, one when it answers again; the clients retry meanwhile.
void Mirror::note_health(const std::string& side, const Status& status, std::string& problem) {
  if (!status.is_ok()) {
    if (problem.empty()) say(fmt::format("mirror: {}; retrying", status.message()));
    problem = status.message();
  } else if (!problem.empty()) {
    say(fmt::format("mirror: {} reachable again", side));
    problem.clear();
  }
}

void Mirror::maybe_report(bool force) {
  auto now = SteadyClock::now();
  if (!force && now - last_report_ < milliseconds(opts_.status_interval_ms)) return;
  MirrorStats stats;
  stats.copied = acks_->copied();
  stats.copied_before = force ? 0 : copied_at_report_;
  stats.seconds = std::chrono::duration<double>(now - (force ? started_ : last_report_)).count();
  stats.topics = static_cast<int32_t>(topics_.size());
  last_report_ = now;
  copied_at_report_ = stats.copied;
  std::string ending = force ? fmt::format(", in {:.1f} s; stopped", stats.seconds) : "";
  auto reachable =
      destination_.call<std::vector<std::string>>([](client::Admin& a) { return a.list_topics(); });
  note_health("destination " + opts_.to.broker, reachable ? Status::ok() : reachable.error(),
              destination_problem_);
  auto next = acks_->next_offsets();
  std::vector<PartitionProgress> progress;
  Status source_status;
  for (const auto& [topic, count] : topics_) {
    auto d = source_.call<client::TopicDescription>(
        [&name = topic](client::Admin& a) { return a.describe_topic(name); });
    if (!d) {
      source_status = d.error();
      break;
    }
    for (const auto& p : d->partitions) {
      if (p.partition >= count) continue;
      auto it = next.find({topic, p.partition});
      progress.push_back({p.log_start_offset, p.high_watermark,
                          it == next.end() ? std::optional<int64_t>() : it->second});
    }
  }
  note_health("source " + opts_.from.broker, source_status, source_problem_);
  if (!source_status.is_ok()) {
    say(fmt::format("mirror: copied {} records, lag unknown while the source is unreachable{}",
                    stats.copied, ending));
    return;
  }
  stats.lag = summarize_lag(progress);
  say(format_lag_line(stats) + ending);
}

int Mirror::run() {
  auto backoff = milliseconds(100);
  std::string last_problem;
  bool corrupt = false;
  while (!stop_requested()) {
    Status s = make_clients();
    auto replan = topics_.empty() ? milliseconds(1000) : milliseconds(opts_.refresh_interval_ms);
    if (s.is_ok() && SteadyClock::now() - last_plan_ >= replan) {
      Status planned = plan_topics();
      if (!planned.is_ok() && !topics_.empty()) {
        // The topics planned before are copied on; the plan is tried again at the next refresh.
        if (planned.message() != last_problem)
          say(fmt::format("mirror: {}; retrying", planned.message()));
        last_problem = planned.message();
        last_plan_ = SteadyClock::now();
      } else {
        if (planned.is_ok()) last_problem.clear();
        s = planned;
      }
    }
    if (s.is_ok()) s = copy_some();
    if (s.is_ok() && producer_) rewind_failed();
    if (!s.is_ok()) {
      if (s.is_corruption()) {
        say("mirror: " + s.message());
        corrupt = true;
        break;
      }
      if (s.message() != last_problem) say(fmt::format("mirror: {}; retrying", s.message()));
      last_problem = s.message();
      maybe_commit(false);
      maybe_report(false);
      nap(backoff);
      backoff = std::min(backoff * 2, milliseconds(5000));
      last_plan_ = {};
      continue;
    }
    backoff = milliseconds(100);
    maybe_commit(false);
    maybe_report(false);
  }
  // Stopping: wait for what is in flight, then commit what the destination acknowledged.
  int code = corrupt ? kExitCorrupt : kExitOk;
  if (producer_ && !producer_->flush(milliseconds(30000)).is_ok()) {
    say("mirror: the destination did not acknowledge everything in 30 s; committing what it did");
  }
  committed_.clear();
  maybe_commit(true);
  auto next = acks_->next_offsets();
  for (const auto& [tp, offset] : next) {
    if (!committed_.contains(tp)) code = kExitUnreachable;
  }
  maybe_report(true);
  if (consumer_) consumer_->close();
  if (producer_) producer_->close();
  return code;
}

}  // namespace cairn::tools
