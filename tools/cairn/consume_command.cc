// cairn consume TOPIC: fetch records from every partition (or one) and print them, from where
// --offset says, until --count records, the ends seen at start (--exit-at-end), nothing
// arriving for --timeout-ms, or a stop signal.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "cairn/consumer.h"
#include "tools/cairn/common.h"
#include "tools/cairn/position.h"
#include "tools/cairn/record_format.h"
#include "tools/cairn/signals.h"
#include "tools/cairn/text.h"

namespace cairn::tools {

namespace {

struct ConsumeOptions {
  std::string topic;
  std::string group;
  int32_t partition = -1;
  std::string offset = "beginning";
  int64_t count = -1;
  int64_t timeout_ms = -1;
  bool exit_at_end = false;
  std::string format = "{value}";
  std::string isolation = "read_uncommitted";
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RecordView view_of(const client::ConsumerRecord& r) {
  RecordView v;
  v.topic = r.topic_partition.topic;
  v.partition = r.topic_partition.partition;
  v.offset = r.offset;
  v.timestamp_ms = to_millis(r.timestamp);
  if (r.key) v.key = *r.key;
  if (r.value) v.value = *r.value;
  for (const auto& h : r.headers) {
    v.headers.push_back(
        {h.key, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
  }
  return v;
}

// Where each partition starts without a group: --offset resolved against the partition's
// offsets (and, for @TIME, the broker's offsets by time). An offset N outside a partition is
// clamped to its nearer end with a warning, so that it never sends the partition back to its
// beginning.
std::map<int32_t, int64_t> start_offsets(const StartPosition& position, const std::string& topic,
                                         const std::vector<protocol::PartitionMetadata>& partitions,
                                         const GlobalOptions& global) {
  std::map<int32_t, std::optional<int64_t>> at_time;
  if (position.kind == StartPosition::Kind::kTimestamp) {
    std::vector<int32_t> ids;
    ids.reserve(partitions.size());
    for (const auto& p : partitions) ids.push_back(p.partition);
    auto conn = connect(global);
    at_time = offsets_at_time(*conn, topic, ids, position.value);
  }
  std::map<int32_t, int64_t> starts;
  for (const auto& p : partitions) {
    int64_t at = start_offset(position, p.log_start_offset, p.high_watermark, at_time[p.partition]);
    if (position.kind == StartPosition::Kind::kOffset && at != position.value &&
        p.error == protocol::ErrorCode::kNone) {
      fmt::print(stderr,
                 "cairn: warning: --offset {} is outside the offsets of {}-{}, [{}, {}]: starting "
                 "it at {}\n",
                 position.value, topic, p.partition, p.log_start_offset, p.high_watermark, at);
    }
    starts[p.partition] = at;
  }
  return starts;
}

// The error for a corrupt batch, saying how to read on past it.
CliError corrupt_batch_error(const Status& error, const std::optional<client::CorruptBatch>& bad,
                             const ConsumeOptions& opts) {
  std::string message = error.message();
  if (!bad) return CliError(kExitCorrupt, message);
  int32_t partition = bad->topic_partition.partition;
  message += opts.group.empty()
                 ? fmt::format(
                       "; every record before it was printed; to skip it, rerun with "
                       "--partition {} --offset {}",
                       partition, bad->next_offset)
                 : fmt::format(
                       "; every record before it was printed and committed; to skip it, "
                       "run cairn groups reset-offsets {} --topic {} --partition {} --to {}",
                       opts.group, opts.topic, partition, bad->next_offset);
  if (bad->next_offset == bad->offset + 1) message += " (the bad batch may cover that offset too)";
  return CliError(kExitCorrupt, message);
}

void run_consume(const ConsumeOptions& opts, const GlobalOptions& global) {
  trap_stop_signals();
  auto format = RecordFormat::parse(opts.format);
  if (!format) throw CliError(kExitUsage, format.error().message());
  auto position = parse_start_position(opts.offset, now_ms());
  if (!position) throw CliError(kExitUsage, position.error().message());
  using Kind = StartPosition::Kind;
  bool from_ends = position->kind == Kind::kEarliest || position->kind == Kind::kLatest;
  if (!opts.group.empty() && !from_ends) {
    throw CliError(kExitUsage,
                   "--offset " + opts.offset +
                       " does not go with --group (a group starts from its "
                       "committed offsets): move the group with 'cairn groups reset-offsets'");
  }
  if (!opts.group.empty() && opts.partition >= 0)
    throw CliError(kExitUsage, "--partition does not go with --group");
  if (opts.partition < -1)
    throw CliError(kExitUsage, "--partition must be a partition number >= 0");
  std::vector<protocol::PartitionMetadata> partitions;
  {
    auto conn = connect(global);
    auto topic = describe_topic(*conn, opts.topic);
    if (opts.partition >= static_cast<int32_t>(topic.partitions.size())) {
      throw CliError(kExitNotFound,
                     fmt::format("topic '{}' has no partition {} (it has {})", opts.topic,
                                 opts.partition, topic.partitions.size()));
    }
    for (const auto& p : topic.partitions) {
      if (opts.partition < 0 || p.partition == opts.partition) partitions.push_back(p);
    }
  }
  // --exit-at-end: the end offsets seen now; a partition is done once its position reaches it.
  std::map<int32_t, int64_t> ends;
  for (const auto& p : partitions) ends[p.partition] = p.high_watermark;

  client::ConsumerConfig config;
  config.isolation = opts.isolation == "read_committed"
                         ? client::ConsumerConfig::Isolation::kReadCommitted
                         : client::ConsumerConfig::Isolation::kReadUncommitted;
  config.broker = global.broker;
  config.tls = global.tls;
  config.sasl = sasl_from_environment();
  config.client_id = "cairn-cli";
  config.group_id = opts.group;
  config.enable_auto_commit = !opts.group.empty();  // a group's consumer commits as it goes
  config.auto_commit_interval = std::chrono::milliseconds(1000);
  config.request_timeout = std::chrono::milliseconds(global.timeout_ms);
  config.auto_offset_reset = position->kind == Kind::kLatest
                                 ? client::ConsumerConfig::OffsetReset::kLatest
                                 : client::ConsumerConfig::OffsetReset::kEarliest;
  config.max_poll_records = 10000;
  auto consumer = check(client::Consumer::create(config), "consumer");
  if (!opts.group.empty()) {
    if (auto s = consumer->subscribe({opts.topic}); !s.is_ok())
      throw CliError(kExitError, s.message());
  } else {
    std::vector<client::TopicPartition> tps;
    tps.reserve(partitions.size());
    for (const auto& p : partitions) tps.push_back({opts.topic, p.partition});
    if (auto s = consumer->assign(tps); !s.is_ok()) throw CliError(kExitError, s.message());
    for (const auto& [partition, offset] :
         start_offsets(*position, opts.topic, partitions, global)) {
      if (auto s = consumer->seek({opts.topic, partition}, offset); !s.is_ok()) {
        throw CliError(kExitUnreachable, s.message());
      }
    }
  }
  // True once every partition this consumer reads has reached the end it had at start.
  auto at_end = [&] {
    auto assigned = consumer->assignment();
    if (assigned.empty()) return false;  // a group member before its first assignment
    for (const auto& tp : assigned) {
      auto at = consumer->position(tp);
      if (!at || *at < ends[tp.partition]) return false;
    }
    return true;
  };

  int64_t printed = 0;
  std::string out;
  auto last_data = std::chrono::steady_clock::now();
  while ((opts.count < 0 || printed < opts.count) && !stop_requested()) {
    if (opts.exit_at_end && opts.group.empty() && at_end()) break;
    auto wait = std::chrono::milliseconds(500);
    if (opts.timeout_ms >= 0) {
      auto left = std::chrono::milliseconds(opts.timeout_ms) -
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - last_data);
      if (left.count() <= 0) break;
      wait = std::min(wait, left);
    }
    auto records = consumer->poll(wait);
    if (!records && records.error().is_corruption()) {
      auto bad = consumer->last_corrupt_batch();
      std::fflush(stdout);
      consumer->close();  // commits what was printed
      throw corrupt_batch_error(records.error(), bad, opts);
    }
    if (!records) throw CliError(kExitError, records.error().message());
    std::map<client::TopicPartition, int64_t> unprinted;  // first record not printed, per partition
    for (const auto& r : *records) {
      if ((opts.count >= 0 && printed >= opts.count) || stop_requested()) {
        unprinted.try_emplace(r.topic_partition, r.offset);
        continue;
      }
      out = format->render(view_of(r));
      std::fwrite(out.data(), 1, out.size(), stdout);
      ++printed;
    }
    // Printed enough, or stopping: the rest goes back, so that it is not committed as consumed.
    for (const auto& [tp, offset] : unprinted) consumer->seek(tp, offset).ignore_error();
    std::fflush(stdout);
    if (!records->empty()) last_data = std::chrono::steady_clock::now();
    if (opts.exit_at_end && !opts.group.empty() && at_end()) break;
  }
  std::fflush(stdout);
  consumer->close();  // with a group: the final commit of what was printed, then LeaveGroup
}

}  // namespace

void add_consume_command(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<ConsumeOptions>();
  auto* cmd = app.add_subcommand(
      "consume",
      "Print records from a topic (SIGINT, SIGTERM or SIGHUP stop it cleanly, exit code 0)");
  cmd->add_option("topic", opts->topic, "Topic")->required();
  cmd->add_option("-p,--partition", opts->partition, "Read only this partition (default: all)");
  cmd->add_option("-g,--group", opts->group,
                  "Consume as a member of this group, from its committed offsets, committing as "
                  "it goes (--offset beginning or end then says where to start without a commit)");
  cmd->add_option("-o,--offset", opts->offset,
                  "beginning, end, an offset N (clamped to each partition's offsets, with a "
                  "warning), -N (the last N of each partition) or @TIME (ms since the epoch, "
                  "ISO 8601 such as 2026-11-27T12:50:00Z, or -1h)")
      ->capture_default_str();
  cmd->add_flag("-e,--exit-at-end", opts->exit_at_end,
                "Stop once every partition read reaches the end it had at start");
  cmd->add_option("-c,-n,--count", opts->count, "Stop after this many records")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--timeout-ms", opts->timeout_ms,
                  "Stop when nothing arrives for this long (default: wait forever)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-f,--format", opts->format,
                  "Output per record: json (one object per line), a template with {topic} "
                  "{partition} {offset} {timestamp} (ms) {time} (ISO 8601) {key} {value} {headers} "
                  "({key:hex}, {value:base64}, ...), or kcat's %t %p %o %k %s %T %h; escapes \\t "
                  "\\n \\xNN; a newline is added unless the format ends with one")
      ->capture_default_str();
  cmd->add_option("--isolation", opts->isolation,
                  "read_uncommitted: every record as soon as it is stored; read_committed: only "
                  "committed transactions' records, once committed (an open transaction holds "
                  "its partition back, --exit-at-end included)")
      ->check(CLI::IsMember({"read_uncommitted", "read_committed"}))
      ->capture_default_str();
  cmd->callback([opts, &global] { run_consume(*opts, global); });
}

}  // namespace cairn::tools
