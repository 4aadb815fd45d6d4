// cairn produce TOPIC: one record per line of standard input, sent by the client library's
// Producer (batched per partition, idempotent, retried across a lost connection or a broker
// restart until its delivery timeout). Exits 6 if any record was not acknowledged; on a
// terminal, says how many were. With --transactional-id, the records go in transactions: each
// blank line, and each --transaction-records records, ends one (committed; a transaction that
// fails is aborted and the command exits 6 after the transactions committed before it).
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <optional>

#include "cairn/producer.h"
#include "protocol/types.h"
#include "tools/cairn/common.h"
#include "tools/cairn/json_record.h"
#include "tools/cairn/record_format.h"

namespace cairn::tools {

namespace {

struct ProduceOptions {
  std::string topic;
  int32_t partition = -1;
  std::string key_separator;
  std::vector<std::string> headers;
  std::string input = "lines";
  std::string acks = "all";
  uint32_t batch_bytes = 256 * 1024;
  int linger_ms = 5;
  uint32_t max_in_flight = 5;
  std::string compression = "none";
  bool null_empty = false;
  std::string transactional_id;
  int64_t transaction_records = 0;  // 0: only blank lines end a transaction
};

// Throws CliError for a failed transaction call, as check() does for a Result.
void check_status(const Status& s, const std::string& what) {
  if (s.is_ok()) return;
  int code = s.is_unavailable() || s.is_timed_out() ? kExitUnreachable : kExitError;
  throw CliError(code, what + ": " + s.message());
}

// The transactions of a transactional `cairn produce`: one opens before its first record and is
// committed at a blank line, every `records` records, or at the end of input.
class LineTransactions {
 public:
  LineTransactions(client::Producer& producer, int64_t records)
      : producer_(producer), records_(records) {}

  // Before a record is sent.
  void before_record() {
    if (open_records_ == 0) {
      check_status(producer_.begin_transaction(), "begin transaction");
    }
    ++open_records_;
  }
  // After a record is sent, and at a blank line (`boundary`) or the end of input (`boundary`).
  void after(int64_t line, bool boundary) {
    if (open_records_ == 0) return;
    if (!boundary && (records_ <= 0 || open_records_ < records_)) return;
    Status s = producer_.commit_transaction();
    if (!s.is_ok()) {
      Status aborted = s.is_fenced() ? s : producer_.abort_transaction();
      throw CliError(
          kExitNotAcknowledged,
          fmt::format("the transaction ending at line {} failed ({}){}; {} transaction{} "
                      "committed before it",
                      line, s.message(), aborted.is_ok() ? " and was aborted" : "", committed_,
                      committed_ == 1 ? " was" : "s were"));
    }
    ++committed_;
    open_records_ = 0;
  }

 private:
  client::Producer& producer_;
  const int64_t records_;
  int64_t open_records_ = 0;
  int64_t committed_ = 0;
};

// Reads lines from a descriptor, whatever bytes they hold.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd), buf_(1 << 20) {}

  // The next line without its newline; nullopt at the end of input.
  std::optional<std::string_view> next() {
    for (;;) {
      if (auto nl = find_newline()) {
        std::string_view line(buf_.data() + begin_, *nl - begin_);
        begin_ = *nl + 1;
        return line;
      }
      if (eof_) {
        if (begin_ == end_) return std::nullopt;
        std::string_view line(buf_.data() + begin_,
                              end_ - begin_);  // a last line without a newline
        begin_ = end_;
        return line;
      }
      fill();
    }
  }

 private:
  std::optional<size_t> find_newline() {
    for (size_t i = scanned_ < begin_ ? begin_ : scanned_; i < end_; ++i) {
      if (buf_[i] == '\n') {
        scanned_ = i + 1;
        return i;
      }
    }
    scanned_ = end_;
    return std::nullopt;
  }
  void fill() {
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      scanned_ -= std::min(scanned_, begin_);
      begin_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);  // a line longer than the buffer
    ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) return;
      eof_ = true;
      return;
    }
    end_ += static_cast<size_t>(n);
  }

  int fd_;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0, scanned_ = 0;
  bool eof_ = false;
};

// What came back, from the producer's I/O thread.
class Outcome {
 public:
  void record(int64_t line, const Status& s) {
    std::lock_guard lock(mu_);
    if (s.is_ok()) {
      ++acked_;
      return;
    }
    ++failed_;
    if (first_error_.empty()) first_error_ = fmt::format("line {}: {}", line, s.message());
  }
  int64_t acked() const {
    std::lock_guard lock(mu_);
    return acked_;
  }
  int64_t failed() const {
    std::lock_guard lock(mu_);
    return failed_;
  }
  std::string first_error() const {
    std::lock_guard lock(mu_);
    return first_error_;
  }

 private:
  mutable std::mutex mu_;
  int64_t acked_ = 0, failed_ = 0;
  std::string first_error_;
};

std::vector<client::Header> parse_headers(const std::vector<std::string>& specs) {
  std::vector<client::Header> headers;
  for (const auto& spec : specs) {
    auto eq = spec.find('=');
    if (eq == 0 || eq == std::string::npos) {
      throw CliError(kExitUsage, "--header must be KEY=VALUE, got '" + spec + "'");
    }
    headers.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
  }
  return headers;
}

client::Compression parse_codec(const std::string& name) {
  if (name == "gzip") return client::Compression::kGzip;
  if (name == "snappy") return client::Compression::kSnappy;
  if (name == "lz4") return client::Compression::kLz4;
  if (name == "zstd") return client::Compression::kZstd;
  return client::Compression::kNone;
}

void run_produce(const ProduceOptions& opts, const GlobalOptions& global) {
  if (opts.acks != "0" && opts.acks != "1" && opts.acks != "all" && opts.acks != "-1") {
    throw CliError(kExitUsage, "--acks must be 0, 1 or all");
  }
  if (opts.partition < -1)
    throw CliError(kExitUsage, "--partition must be a partition number >= 0");
  auto separator = unescape(opts.key_separator);
  if (!separator) throw CliError(kExitUsage, "--key-separator: " + separator.error().message());
  auto headers = parse_headers(opts.headers);
  bool json = opts.input == "json";
  if (json && !opts.key_separator.empty()) {
    throw CliError(kExitUsage,
                   "--key-separator does not go with --input json (the key is a field)");
  }
  {
    auto conn = connect(global);
    // A producer's question: a broker that auto-creates topics creates this one now.
    auto partitions = static_cast<int32_t>(
        describe_topic(*conn, opts.topic, /*create_missing=*/true).partitions.size());
    if (opts.partition >= partitions) {
      throw CliError(kExitNotFound, fmt::format("topic '{}' has no partition {} (it has {})",
                                                opts.topic, opts.partition, partitions));
    }
  }

  client::ProducerConfig config;
  config.broker = global.broker;
  config.tls = global.tls;
  config.sasl = sasl_from_environment();
  config.client_id = "cairn-cli";
  config.acks = opts.acks == "all" || opts.acks == "-1" ? -1 : opts.acks == "0" ? 0 : 1;
  config.idempotent = config.acks != 0;
  config.batch_bytes = opts.batch_bytes;
  config.linger = std::chrono::milliseconds(opts.linger_ms);
  config.max_in_flight = opts.max_in_flight;
  config.request_timeout = std::chrono::milliseconds(global.timeout_ms);
  config.compression = parse_codec(opts.compression);
  bool transactional = !opts.transactional_id.empty();
  if (transactional) {
    if (config.acks != -1) throw CliError(kExitUsage, "--transactional-id needs --acks all");
    config.transactional_id = opts.transactional_id;
  } else if (opts.transaction_records != 0) {
    throw CliError(kExitUsage, "--transaction-records needs --transactional-id");
  }
  auto producer = check(client::Producer::create(config), "producer");
  std::optional<LineTransactions> transactions;
  if (transactional) {
    check_status(producer->init_transactions(), "init transactions");
    transactions.emplace(*producer, opts.transaction_records);
  }

  Outcome outcome;
  LineReader reader(STDIN_FILENO);
  int64_t line_number = 0;
  while (auto line = reader.next()) {
    ++line_number;
    client::ProducerRecord record;
    record.topic = opts.topic;
    bool blank = line->find_first_not_of(" \t\r") == std::string_view::npos;
    if (transactions && blank) {
      transactions->after(line_number, /*boundary=*/true);
      continue;
    }
    if (json) {
      if (blank) continue;
      auto parsed = parse_json_record(*line);
      if (!parsed) {
        outcome.record(line_number, parsed.error());
        continue;
      }
      record.key = std::move(parsed->key);
      record.value = std::move(parsed->value);
      for (auto& [k, v] : parsed->headers) record.headers.push_back({std::move(k), std::move(v)});
      record.partition = parsed->partition;
      if (parsed->timestamp_ms) record.timestamp = timestamp_from_millis(*parsed->timestamp_ms);
    } else {
      std::string_view value = *line;
      if (!separator->empty()) {
        if (auto at = value.find(*separator); at != std::string_view::npos) {
          record.key = std::string(value.substr(0, at));
          value = value.substr(at + separator->size());
        }
      }
      record.value = std::string(value);
      // With --null-empty, "key<SEP>" is a tombstone (a null value), as kcat's -Z.
      if (opts.null_empty && record.key && value.empty()) record.value.reset();
    }
    record.headers.insert(record.headers.end(), headers.begin(), headers.end());
    if (opts.partition >= 0) record.partition = opts.partition;
    if (transactions) transactions->before_record();
    Status s =
        producer->send(record, [&outcome, line_number](const Result<client::RecordMetadata>& r) {
          outcome.record(line_number, r ? Status::ok() : r.error());
        });
    if (!s.is_ok()) outcome.record(line_number, s);  // refused before sending: too large, say
    if (transactions) transactions->after(line_number, /*boundary=*/false);
  }
  if (transactions) transactions->after(line_number, /*boundary=*/true);
  producer->close();  // sends the rest and waits for every acknowledgement or failure
  if (outcome.failed() > 0) {
    throw CliError(kExitNotAcknowledged,
                   fmt::format("{} of {} records were not acknowledged; the first, {}",
                               outcome.failed(), line_number, outcome.first_error()));
  }
  if (::isatty(STDERR_FILENO)) {
    fmt::print(stderr, "{} record{} produced to {}\n", outcome.acked(),
               outcome.acked() == 1 ? "" : "s", opts.topic);
  }
}

}  // namespace

void add_produce_command(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<ProduceOptions>();
  auto* cmd = app.add_subcommand(
      "produce", "Produce one record per line of standard input (idempotent, acks=all, retried)");
  cmd->add_option("topic", opts->topic, "Topic")->required();
  cmd->add_option("-p,--partition", opts->partition, "Send every record to this partition");
  cmd->add_option("-K,--key-separator", opts->key_separator,
                  "Split each line into key and value at the first SEP (escapes: \\\\t, \\\\xNN); "
                  "keyed records go to a partition by hash of the key");
  cmd->add_option("-H,--header", opts->headers,
                  "Add a header KEY=VALUE to every record (repeatable)");
  cmd->add_option("--input", opts->input,
                  "lines (one record per line) or json (one object per line, as consume -f json "
                  "prints: key, value, key_base64, value_base64, headers, partition, timestamp)")
      ->capture_default_str()
      ->check(CLI::IsMember({"lines", "json"}));
  cmd->add_option("--acks", opts->acks, "0 (no acknowledgement), 1 or all")->capture_default_str();
  cmd->add_option("--batch-bytes", opts->batch_bytes, "Largest batch sent")->capture_default_str();
  cmd->add_option("--linger-ms", opts->linger_ms, "How long a batch waits for more records")
      ->capture_default_str();
  cmd->add_option("--max-in-flight", opts->max_in_flight,
                  "Requests awaiting acknowledgement, per partition")
      ->capture_default_str();
  cmd->add_option("--compression", opts->compression,
                  "Compress batches: none, gzip, snappy, lz4 or zstd")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}));
  cmd->add_flag("--null-empty", opts->null_empty,
                "With --key-separator, an empty value after the separator is sent as a null "
                "value (a tombstone on a compacted topic)");
  cmd->add_option("--transactional-id", opts->transactional_id,
                  "Produce in transactions with this transactional id (fencing any other "
                  "producer using it): each blank line ends one, and so does the end of input");
  cmd->add_option("--transaction-records", opts->transaction_records,
                  "With --transactional-id, also end a transaction every N records")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([opts, &global] { run_produce(*opts, global); });
}

}  // namespace cairn::tools
