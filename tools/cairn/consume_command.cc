// cairn consume TOPIC: fetch records from every partition (or one) and print them, until
// --count records, until nothing arrives for --timeout-ms, or until a stop signal.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "cairn/consumer.h"
#include "tools/cairn/common.h"
#include "tools/cairn/signals.h"
#include "tools/cairn/text.h"

namespace cairn::tools {

namespace {

struct ConsumeOptions {
  std::string topic;
  std::string group;
  int32_t partition = -1;
  std::string offset = "earliest";
  int64_t count = -1;
  int64_t timeout_ms = -1;
  std::string format = "{value}";
};

// A --format string cut into literal text and fields.
class Format {
 public:
  enum class Field { kText, kKey, kValue, kPartition, kOffset, kTimestamp, kTime };

  explicit Format(std::string_view spec) {
    std::string text;
    for (size_t i = 0; i < spec.size(); ++i) {
      char c = spec[i];
      if (c == '\\' && i + 1 < spec.size()) {
        char n = spec[++i];
        text += n == 'n' ? '\n' : n == 't' ? '\t' : n;
        continue;
      }
      if (c == '{') {
        auto close = spec.find('}', i);
        if (close == std::string_view::npos) throw CliError(kExitUsage, "--format: unclosed {");
        auto name = spec.substr(i + 1, close - i - 1);
        Field f = name == "key"         ? Field::kKey
                  : name == "value"     ? Field::kValue
                  : name == "partition" ? Field::kPartition
                  : name == "offset"    ? Field::kOffset
                  : name == "timestamp" ? Field::kTimestamp
                  : name == "time"      ? Field::kTime
                                        : Field::kText;
        if (f == Field::kText) {
          throw CliError(kExitUsage, "--format: unknown field {" + std::string(name) +
                                         "} (key, value, partition, offset, timestamp, time)");
        }
        if (!text.empty()) parts_.push_back({Field::kText, std::move(text)});
        text.clear();
        parts_.push_back({f, {}});
        i = close;
        continue;
      }
      text += c;
    }
    text += '\n';
    parts_.push_back({Field::kText, std::move(text)});
  }

  void print(std::FILE* out, const client::ConsumerRecord& r) const {
    for (const auto& [field, text] : parts_) {
      switch (field) {
        case Field::kText: std::fwrite(text.data(), 1, text.size(), out); break;
        case Field::kKey:
          if (r.key) std::fwrite(r.key->data(), 1, r.key->size(), out);
          break;
        case Field::kValue:
          if (r.value) std::fwrite(r.value->data(), 1, r.value->size(), out);
          break;
        case Field::kPartition: fmt::print(out, "{}", r.topic_partition.partition); break;
        case Field::kOffset: fmt::print(out, "{}", r.offset); break;
        case Field::kTimestamp: fmt::print(out, "{}", to_millis(r.timestamp)); break;
        case Field::kTime: fmt::print(out, "{}", format_timestamp(to_millis(r.timestamp))); break;
      }
    }
  }

 private:
  std::vector<std::pair<Field, std::string>> parts_;
};

// A numeric --offset, or a usage error.
int64_t parse_offset(const std::string& offset) {
  try {
    size_t used = 0;
    int64_t n = std::stoll(offset, &used);
    if (used != offset.size() || n < 0) throw std::invalid_argument("offset");
    return n;
  } catch (const std::exception&) {
    throw CliError(kExitUsage, "--offset must be earliest, latest or a number >= 0");
  }
}

// Where a numeric --offset starts a partition: clamped to the partition's [log start, log end],
// with a warning, so that an offset it does not have never sends it back to its beginning.
int64_t clamped_start(int64_t offset, const std::string& topic, const protocol::PartitionMetadata& p) {
  if (p.error != protocol::ErrorCode::kNone) return offset;  // offline: nothing to clamp to
  int64_t at = std::clamp(offset, p.log_start_offset, p.high_watermark);
  if (at != offset) {
    fmt::print(stderr, "cairn: warning: --offset {} is outside the offsets of {}-{}, [{}, {}]: starting it at {}\n",
               offset, topic, p.partition, p.log_start_offset, p.high_watermark, at);
  }
  return at;
}

// The error for a corrupt batch, saying how to read on past it.
CliError corrupt_batch_error(const Status& error, const std::optional<client::CorruptBatch>& bad,
                             const ConsumeOptions& opts) {
  std::string message = error.message();
  if (!bad) return CliError(kExitCorrupt, message);
  int32_t partition = bad->topic_partition.partition;
  message += opts.group.empty()
                 ? fmt::format("; every record before it was printed; to skip it, rerun with "
                               "--partition {} --offset {}",
                               partition, bad->next_offset)
                 : fmt::format("; every record before it was printed and committed; to skip it, "
                               "run cairn groups reset-offsets {} --topic {} --partition {} --to {}",
                               opts.group, opts.topic, partition, bad->next_offset);
  if (bad->next_offset == bad->offset + 1) message += " (the bad batch may cover that offset too)";
  return CliError(kExitCorrupt, message);
}

void run_consume(const ConsumeOptions& opts, const GlobalOptions& global) {
  trap_stop_signals();
  Format format(opts.format);
  bool numeric = opts.offset != "earliest" && opts.offset != "latest";
  int64_t start = numeric ? parse_offset(opts.offset) : 0;
  if (numeric && !opts.group.empty()) {
    throw CliError(kExitUsage, "--offset N does not go with --group: use 'cairn groups reset-offsets'");
  }
  std::vector<protocol::PartitionMetadata> partitions;
  {
    auto conn = connect(global);
    auto topic = describe_topic(*conn, opts.topic);
    if (opts.partition >= static_cast<int32_t>(topic.partitions.size())) {
      throw CliError(kExitNotFound, fmt::format("topic '{}' has no partition {}", opts.topic, opts.partition));
    }
    for (const auto& p : topic.partitions) {
      if (opts.partition < 0 || p.partition == opts.partition) partitions.push_back(p);
    }
  }
  client::ConsumerConfig config;
  config.broker = global.broker;
  config.client_id = "cairn-cli";
  config.group_id = opts.group;
  config.enable_auto_commit = !opts.group.empty();  // a group's consumer commits as it goes
  config.auto_commit_interval = std::chrono::milliseconds(1000);
  config.request_timeout = std::chrono::milliseconds(global.timeout_ms);
  config.auto_offset_reset = opts.offset == "latest" ? client::ConsumerConfig::OffsetReset::kLatest
                                                     : client::ConsumerConfig::OffsetReset::kEarliest;
  config.max_poll_records = 10000;
  auto consumer = check(client::Consumer::create(config), "consumer");
  if (!opts.group.empty()) {
    if (opts.partition >= 0) throw CliError(kExitUsage, "--partition does not go with --group");
    if (auto s = consumer->subscribe({opts.topic}); !s.is_ok()) throw CliError(kExitError, s.message());
  } else {
    std::vector<client::TopicPartition> tps;
    for (const auto& p : partitions) tps.push_back({opts.topic, p.partition});
    if (auto s = consumer->assign(tps); !s.is_ok()) throw CliError(kExitError, s.message());
    Status s = opts.offset == "earliest" ? consumer->seek_to_beginning(tps)
             : opts.offset == "latest"   ? consumer->seek_to_end(tps)
                                         : Status::ok();
    for (const auto& p : partitions) {
      if (!numeric || !s.is_ok()) continue;
      s = consumer->seek({opts.topic, p.partition}, clamped_start(start, opts.topic, p));
    }
    if (!s.is_ok()) throw CliError(kExitUnreachable, s.message());
  }

  int64_t printed = 0;
  auto last_data = std::chrono::steady_clock::now();
  while ((opts.count < 0 || printed < opts.count) && !stop_requested()) {
    auto wait = std::chrono::milliseconds(500);
    if (opts.timeout_ms >= 0) {
      auto left = std::chrono::milliseconds(opts.timeout_ms) -
                  std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - last_data);
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
      format.print(stdout, r);
      ++printed;
    }
    // Printed enough, or stopping: the rest goes back, so that it is not committed as consumed.
    for (const auto& [tp, offset] : unprinted) consumer->seek(tp, offset).ignore_error();
    std::fflush(stdout);
    if (!records->empty()) last_data = std::chrono::steady_clock::now();
  }
  std::fflush(stdout);
  consumer->close();  // with a group: the final commit of what was printed, then LeaveGroup
}

}  // namespace

void add_consume_command(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<ConsumeOptions>();
  auto* cmd = app.add_subcommand(
      "consume", "Print records from a topic (SIGINT, SIGTERM or SIGHUP stop it cleanly, exit code 0)");
  cmd->add_option("topic", opts->topic, "Topic")->required();
  cmd->add_option("--partition", opts->partition, "Read only this partition (default: all)");
  cmd->add_option("--group", opts->group,
                  "Consume as a member of this group, from its committed offsets, committing as "
                  "it goes (--offset then says where to start without a commit)");
  cmd->add_option("--offset", opts->offset,
                  "earliest, latest or an offset (clamped to each partition's offsets, with a warning)")
      ->capture_default_str();
  cmd->add_option("--count", opts->count, "Stop after this many records");
  cmd->add_option("--timeout-ms", opts->timeout_ms,
                  "Stop when nothing arrives for this long (default: wait forever)");
  cmd->add_option("--format", opts->format,
                  "Output per record, with fields {key} {value} {partition} {offset} "
                  "{timestamp} (ms) {time} (ISO 8601) and escapes \\t \\n")
      ->capture_default_str();
  cmd->callback([opts, &global] { run_consume(*opts, global); });
}

}  // namespace cairn::tools
