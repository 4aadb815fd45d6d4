// cairn produce TOPIC: one record per line of standard input, batched per partition, several
// requests in flight. Prints nothing on success; exits 6 if any record was not acknowledged.
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>

#include "cairn/partitioner.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch_builder.h"
#include "tools/cairn/common.h"

namespace cairn::tools {

namespace {

struct ProduceOptions {
  std::string topic;
  int32_t partition = -1;
  std::string key_separator;
  std::string acks = "1";
  uint32_t batch_bytes = 256 * 1024;
  int linger_ms = 5;
  uint32_t max_in_flight = 16;
  std::string compression = "none";
  bool null_empty = false;
};

// Reads lines from a descriptor; next() waits at most `linger` for more input so that a slow
// writer's lines are not held back in a half-full batch.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd), buf_(1 << 20) {}

  enum class Got { kLine, kIdle, kEnd };
  Got next(std::string_view& line, std::chrono::milliseconds linger) {
    for (;;) {
      if (auto nl = find_newline()) {
        line = std::string_view(buf_.data() + begin_, *nl - begin_);
        begin_ = *nl + 1;
        return Got::kLine;
      }
      if (eof_) {
        if (begin_ < end_) {  // a last line without a newline
          line = std::string_view(buf_.data() + begin_, end_ - begin_);
          begin_ = end_;
          return Got::kLine;
        }
        return Got::kEnd;
      }
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(linger.count()));
      if (ready == 0) return Got::kIdle;
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

// Requests in flight and what came back, shared with the connection's I/O thread.
class Tracker {
 public:
  explicit Tracker(uint32_t max_in_flight) : max_(max_in_flight) {}

  void wait_for_room() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return in_flight_ < max_; });
    ++in_flight_;
  }
  void done(int64_t records, const Status& error) {
    std::lock_guard lock(mu_);
    --in_flight_;
    if (error.is_ok()) {
      acked_ += records;
    } else {
      failed_ += records;
      if (first_error_.empty()) first_error_ = error.message();
    }
    cv_.notify_all();
  }
  void wait_all() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return in_flight_ == 0; });
  }
  int64_t failed() const { return failed_; }
  int64_t acked() const { return acked_; }
  const std::string& first_error() const { return first_error_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint32_t max_;
  uint32_t in_flight_ = 0;
  int64_t acked_ = 0, failed_ = 0;
  std::string first_error_;
};

void run_produce(const ProduceOptions& opts, const GlobalOptions& global) {
  int16_t acks = opts.acks == "all" || opts.acks == "-1" ? -1 : opts.acks == "0" ? 0 : 1;
  if (opts.acks != "0" && opts.acks != "1" && opts.acks != "all" && opts.acks != "-1") {
    throw CliError(kExitUsage, "--acks must be 0, 1 or all");
  }
  auto conn = connect(global);
  auto topic = describe_topic(*conn, opts.topic);
  auto partitions = static_cast<int32_t>(topic.partitions.size());
  if (opts.partition >= partitions) {
    throw CliError(kExitNotFound, fmt::format("topic '{}' has no partition {} (it has {})",
                                              opts.topic, opts.partition, partitions));
  }

  auto codec = protocol::parse_compression(opts.compression);
  if (!codec) throw CliError(kExitUsage, "--compression must be none, gzip, snappy, lz4 or zstd");
  std::vector<protocol::RecordBatchBuilder> builders(
      static_cast<size_t>(partitions), protocol::RecordBatchBuilder({.compression = *codec}));
  Tracker tracker(opts.max_in_flight);
  int32_t sticky = 0;  // unkeyed records fill one partition's batch, then the next one's

  auto send = [&](int32_t p) {
    auto& builder = builders[static_cast<size_t>(p)];
    if (builder.empty()) return;
    int64_t records = builder.record_count();
    auto batch = builder.seal();
    protocol::ProduceRequest req;
    req.acks = acks;
    req.timeout_ms = static_cast<uint32_t>(global.timeout_ms);
    req.topics.push_back({opts.topic, {{p, batch}}});
    tracker.wait_for_room();
    if (acks == 0) {
      conn->send_oneway(protocol::ApiKey::kProduce, req,
                        [&tracker, records](Status s) { tracker.done(records, s); });
      return;
    }
    conn->call_async<protocol::ProduceRequest, protocol::ProduceResponse>(
        protocol::ApiKey::kProduce, req,
        [&tracker, records](Result<client::Reply<protocol::ProduceResponse>> r) {
          if (!r) return tracker.done(records, r.error());
          const auto& part = r->body.topics.at(0).partitions.at(0);
          if (part.error != protocol::ErrorCode::kNone) {
            return tracker.done(records, Status::unavailable(std::string(protocol::error_name(part.error)) +
                                                             (part.message.empty() ? "" : ": " + part.message)));
          }
          tracker.done(records, Status::ok());
        });
  };

  LineReader reader(STDIN_FILENO);
  std::string_view line;
  auto now = timestamp_from_millis(0);
  for (;;) {
    auto got = reader.next(line, std::chrono::milliseconds(opts.linger_ms));
    if (got == LineReader::Got::kEnd) break;
    if (got == LineReader::Got::kIdle) {
      for (int32_t p = 0; p < partitions; ++p) send(p);
      continue;
    }
    std::optional<protocol::Bytes> key;
    std::string_view value_text = line;
    if (!opts.key_separator.empty()) {
      if (auto at = line.find(opts.key_separator); at != std::string_view::npos) {
        key = protocol::as_bytes(line.substr(0, at));
        value_text = line.substr(at + opts.key_separator.size());
      }
    }
    // With --null-empty, "key<SEP>" is a tombstone (a null value), as kcat's -Z.
    std::optional<protocol::Bytes> value = protocol::as_bytes(value_text);
    if (opts.null_empty && key && value_text.empty()) value.reset();
    int32_t p = opts.partition >= 0 ? opts.partition
                : key            ? client::partition_for_key(*key, partitions)
                                 : sticky;
    now = system_now();
    auto& builder = builders[static_cast<size_t>(p)];
    if (!builder.empty() &&
        builder.size_bytes() + builder.record_size(now, key, value) > opts.batch_bytes) {
      send(p);
      if (!key && opts.partition < 0) {
        sticky = (sticky + 1) % partitions;
        p = sticky;
      }
    }
    builders[static_cast<size_t>(p)].append(now, key, value);
  }
  for (int32_t p = 0; p < partitions; ++p) send(p);
  tracker.wait_all();
  if (tracker.failed() > 0) {
    throw CliError(kExitNotAcknowledged,
                   fmt::format("{} of {} records were not acknowledged: {}", tracker.failed(),
                               tracker.failed() + tracker.acked(), tracker.first_error()));
  }
}

}  // namespace

void add_produce_command(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<ProduceOptions>();
  auto* cmd = app.add_subcommand("produce", "Produce one record per line of standard input");
  cmd->add_option("topic", opts->topic, "Topic")->required();
  cmd->add_option("--partition", opts->partition, "Send every record to this partition");
  cmd->add_option("--key-separator", opts->key_separator,
                  "Split each line into key and value at the first SEP; keyed records go to a "
                  "partition by hash of the key");
  cmd->add_option("--acks", opts->acks, "0 (no acknowledgement), 1 or all")->capture_default_str();
  cmd->add_option("--batch-bytes", opts->batch_bytes, "Largest batch sent")->capture_default_str();
  cmd->add_option("--linger-ms", opts->linger_ms, "Send a partial batch when input pauses this long")
      ->capture_default_str();
  cmd->add_option("--max-in-flight", opts->max_in_flight, "Requests awaiting acknowledgement")
      ->capture_default_str();
  cmd->add_option("--compression", opts->compression,
                  "Compress batches: none, gzip, snappy, lz4 or zstd")
      ->capture_default_str();
  cmd->add_flag("--null-empty", opts->null_empty,
                "With --key-separator, an empty value after the separator is sent as a null "
                "value (a tombstone on a compacted topic)");
  cmd->callback([opts, &global] { run_produce(*opts, global); });
}

}  // namespace cairn::tools
