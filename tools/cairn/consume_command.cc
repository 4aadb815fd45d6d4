// cairn consume TOPIC: fetch records from every partition (or one) and print them, until
// --count records or until nothing arrives for --timeout-ms.
#include <fmt/format.h>

#include <cstdio>
#include <map>

#include "cairn/consumer.h"
#include "tools/cairn/common.h"
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

void run_consume(const ConsumeOptions& opts, const GlobalOptions& global) {
  Format format(opts.format);
  bool numeric = opts.offset != "earliest" && opts.offset != "latest";
  int64_t start = numeric ? parse_offset(opts.offset) : 0;
  if (numeric && !opts.group.empty()) {
    throw CliError(kExitUsage, "--offset N does not go with --group: use 'cairn groups reset-offsets'");
  }
  std::vector<int32_t> partitions;
  {
    auto conn = connect(global);
    auto topic = describe_topic(*conn, opts.topic);
    if (opts.partition >= static_cast<int32_t>(topic.partitions.size())) {
      throw CliError(kExitNotFound, fmt::format("topic '{}' has no partition {}", opts.topic, opts.partition));
    }
    for (const auto& p : topic.partitions) {
      if (opts.partition < 0 || p.partition == opts.partition) partitions.push_back(p.partition);
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
    for (int32_t p : partitions) tps.push_back({opts.topic, p});
    if (auto s = consumer->assign(tps); !s.is_ok()) throw CliError(kExitError, s.message());
    Status s = opts.offset == "earliest" ? consumer->seek_to_beginning(tps)
             : opts.offset == "latest"   ? consumer->seek_to_end(tps)
                                         : Status::ok();
    for (const auto& tp : tps) {
      if (numeric && s.is_ok()) s = consumer->seek(tp, start);
    }
    if (!s.is_ok()) throw CliError(kExitUnreachable, s.message());
  }

  int64_t printed = 0;
  auto last_data = std::chrono::steady_clock::now();
  while (opts.count < 0 || printed < opts.count) {
    auto wait = std::chrono::milliseconds(500);
    if (opts.timeout_ms >= 0) {
      auto left = std::chrono::milliseconds(opts.timeout_ms) -
                  std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - last_data);
      if (left.count() <= 0) break;
      wait = std::min(wait, left);
    }
    auto records = consumer->poll(wait);
    if (!records) {
      int code = records.error().code() == Status::Code::kCorruption ? kExitCorrupt : kExitError;
      throw CliError(code, records.error().message());
    }
    std::map<client::TopicPartition, int64_t> unprinted;  // first record not printed, per partition
    for (const auto& r : *records) {
      if (opts.count >= 0 && printed >= opts.count) {
        unprinted.try_emplace(r.topic_partition, r.offset);
        continue;
      }
      format.print(stdout, r);
      ++printed;
    }
    // Printed enough: the rest goes back, so that it is not committed as consumed.
    for (const auto& [tp, offset] : unprinted) consumer->seek(tp, offset).ignore_error();
    std::fflush(stdout);
    if (!records->empty()) last_data = std::chrono::steady_clock::now();
  }
  consumer->close();
}

}  // namespace

void add_consume_command(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<ConsumeOptions>();
  auto* cmd = app.add_subcommand("consume", "Print records from a topic");
  cmd->add_option("topic", opts->topic, "Topic")->required();
  cmd->add_option("--partition", opts->partition, "Read only this partition (default: all)");
  cmd->add_option("--group", opts->group,
                  "Consume as a member of this group, from its committed offsets, committing as "
                  "it goes (--offset then says where to start without a commit)");
  cmd->add_option("--offset", opts->offset, "earliest, latest or an offset")->capture_default_str();
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
