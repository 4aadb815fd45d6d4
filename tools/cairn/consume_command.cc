// cairn consume TOPIC: fetch records from every partition (or one) and print them, until
// --count records or until nothing arrives for --timeout-ms.
#include <fmt/format.h>

#include <cstdio>
#include <map>

#include "protocol/messages/fetch.h"
#include "protocol/record_batch.h"
#include "tools/cairn/common.h"
#include "tools/cairn/text.h"

namespace cairn::tools {

namespace {

struct ConsumeOptions {
  std::string topic;
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

  void print(std::FILE* out, int32_t partition, const protocol::RecordView& r) const {
    for (const auto& [field, text] : parts_) {
      switch (field) {
        case Field::kText: std::fwrite(text.data(), 1, text.size(), out); break;
        case Field::kKey:
          if (r.key) std::fwrite(r.key->data(), 1, r.key->size(), out);
          break;
        case Field::kValue:
          if (r.value) std::fwrite(r.value->data(), 1, r.value->size(), out);
          break;
        case Field::kPartition: fmt::print(out, "{}", partition); break;
        case Field::kOffset: fmt::print(out, "{}", r.offset.value()); break;
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

std::map<int32_t, int64_t> start_offsets(client::Connection& conn, const ConsumeOptions& opts,
                                         const std::vector<int32_t>& partitions) {
  std::map<int32_t, int64_t> out;
  if (opts.offset != "earliest" && opts.offset != "latest") {
    int64_t n = parse_offset(opts.offset);
    for (int32_t p : partitions) out[p] = n;
    return out;
  }
  protocol::ListOffsetsRequest req;
  auto& t = req.topics.emplace_back();
  t.name = opts.topic;
  int64_t ts = opts.offset == "earliest" ? protocol::kEarliestTimestamp : protocol::kLatestTimestamp;
  for (int32_t p : partitions) t.partitions.push_back({p, ts});
  auto reply = check(conn.call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
                         protocol::ApiKey::kListOffsets, req),
                     "list offsets");
  for (const auto& r : reply->topics.at(0).partitions) {
    if (r.error != protocol::ErrorCode::kNone) {
      throw CliError(kExitError, fmt::format("partition {}: {}", r.partition, protocol::error_name(r.error)));
    }
    out[r.partition] = r.offset;
  }
  return out;
}

void run_consume(const ConsumeOptions& opts, const GlobalOptions& global) {
  Format format(opts.format);
  if (opts.offset != "earliest" && opts.offset != "latest") parse_offset(opts.offset);
  auto conn = connect(global);
  auto topic = describe_topic(*conn, opts.topic);
  std::vector<int32_t> partitions;
  if (opts.partition >= 0) {
    if (opts.partition >= static_cast<int32_t>(topic.partitions.size())) {
      throw CliError(kExitNotFound, fmt::format("topic '{}' has no partition {}", opts.topic, opts.partition));
    }
    partitions.push_back(opts.partition);
  } else {
    for (const auto& p : topic.partitions) partitions.push_back(p.partition);
  }
  auto next = start_offsets(*conn, opts, partitions);

  int64_t printed = 0;
  auto last_data = std::chrono::steady_clock::now();
  while (opts.count < 0 || printed < opts.count) {
    auto quiet = std::chrono::steady_clock::now() - last_data;
    auto wait = std::chrono::milliseconds(500);
    if (opts.timeout_ms >= 0) {
      auto left = std::chrono::milliseconds(opts.timeout_ms) -
                  std::chrono::duration_cast<std::chrono::milliseconds>(quiet);
      if (left.count() <= 0) break;
      wait = std::min(wait, left);
    }
    protocol::FetchRequest req;
    req.max_wait_ms = static_cast<uint32_t>(wait.count());
    req.min_bytes = 1;
    req.max_bytes = 8 << 20;
    auto& t = req.topics.emplace_back();
    t.name = opts.topic;
    for (int32_t p : partitions) t.partitions.push_back({p, next[p], 1 << 20});
    auto reply = check(conn->call<protocol::FetchRequest, protocol::FetchResponse>(
                           protocol::ApiKey::kFetch, req),
                       "fetch");
    bool got = false;
    for (const auto& pr : reply->topics.at(0).partitions) {
      if (pr.error != protocol::ErrorCode::kNone) {
        int code = pr.error == protocol::ErrorCode::kUnknownTopicOrPartition ? kExitNotFound : kExitError;
        throw CliError(code, fmt::format("partition {} at offset {}: {}", pr.partition,
                                         next[pr.partition], protocol::error_name(pr.error)));
      }
      protocol::Bytes rest = pr.records;
      while (!rest.empty() && (opts.count < 0 || printed < opts.count)) {
        auto batch = protocol::RecordBatchView::parse(rest, protocol::Verify::kStored);
        if (!batch) {
          throw CliError(kExitCorrupt, fmt::format("partition {}: broker sent a bad batch: {}",
                                                   pr.partition, batch.error().message()));
        }
        protocol::RecordReader records(*batch);
        protocol::RecordView r;
        while ((opts.count < 0 || printed < opts.count) && records.next(r)) {
          if (r.offset < Offset(next[pr.partition])) continue;
          format.print(stdout, pr.partition, r);
          ++printed;
          got = true;
          next[pr.partition] = r.offset.value() + 1;
        }
        if (!records.status().is_ok()) {
          throw CliError(kExitCorrupt, fmt::format("partition {}: {}", pr.partition,
                                                   records.status().message()));
        }
        rest = rest.subspan(batch->bytes().size());
      }
    }
    std::fflush(stdout);
    if (got) last_data = std::chrono::steady_clock::now();
  }
}

}  // namespace

void add_consume_command(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<ConsumeOptions>();
  auto* cmd = app.add_subcommand("consume", "Print records from a topic");
  cmd->add_option("topic", opts->topic, "Topic")->required();
  cmd->add_option("--partition", opts->partition, "Read only this partition (default: all)");
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
