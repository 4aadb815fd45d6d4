// Exactly-once consume-transform-produce: read records from an input topic as a member of a
// group, transform each ("t-" + value, the key kept), write the results to an output topic and
// commit the input offsets in the same transaction. A read_committed reader of the output sees
// each input record transformed exactly once, whatever kills or restarts happen: a transaction
// either commits both the outputs and the input offsets, or neither (and the inputs are read
// again from the committed offsets).
//
// Usage: exactly_once BROKER INPUT OUTPUT GROUP TRANSACTIONAL_ID [flags]
//   --transaction-records N|MIN-MAX  records per transaction (a range: a random size each); 1000
//   --idle-exit-ms MS                stop after MS without input records (0: never); 0
//   --session-timeout-ms MS          the group session timeout; 10000
//   --at-least-once                  the same loop without transactions: produce, flush, then
//                                    commit the offsets (a crash between the two duplicates)
// It stops on SIGTERM or SIGINT (aborting the open transaction), prints "moved N records in S s
// (R records/s)" to stderr (from the first record polled to the last commit), and exits 1 when a
// newer instance fenced it or an error it does not handle occurs (restart it: it resumes from the
// committed offsets).
#include <cairn/consumer.h>
#include <cairn/producer.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using cairn::Status;
using cairn::client::Consumer;
using cairn::client::Producer;
using cairn::client::TopicPartition;

volatile std::sig_atomic_t stop_requested = 0;

struct Options {
  std::string broker, input, output, group, transactional_id;
  long min_records = 1000, max_records = 1000;
  long idle_exit_ms = 0;
  long session_timeout_ms = 10'000;
  bool at_least_once = false;
};

bool parse(int argc, char** argv, Options& o) {
  if (argc < 6) return false;
  o.broker = argv[1];
  o.input = argv[2];
  o.output = argv[3];
  o.group = argv[4];
  o.transactional_id = argv[5];
  for (int i = 6; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--at-least-once") {
      o.at_least_once = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    std::string value = argv[++i];
    if (flag == "--transaction-records") {
      auto dash = value.find('-');
      o.min_records = std::atol(value.substr(0, dash).c_str());
      o.max_records =
          dash == std::string::npos ? o.min_records : std::atol(value.c_str() + dash + 1);
    } else if (flag == "--idle-exit-ms") {
      o.idle_exit_ms = std::atol(value.c_str());
    } else if (flag == "--session-timeout-ms") {
      o.session_timeout_ms = std::atol(value.c_str());
    } else {
      return false;
    }
  }
  return o.min_records > 0 && o.max_records >= o.min_records;
}

int fail(const char* what, const Status& s) {
  std::fprintf(stderr, "%s: %s\n", what, s.to_string().c_str());
  return 1;
}

// Moves every assigned partition back to its committed offset (after an abort, the records of
// the aborted transaction are read again).
Status rewind(Consumer& consumer) {
  for (const TopicPartition& tp : consumer.assignment()) {
    auto committed = consumer.committed(tp);
    if (!committed) return committed.error();
    Status s = *committed ? consumer.seek(tp, **committed) : consumer.seek_to_beginning({tp});
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

// A transaction open on revoked partitions is aborted: their new owner reads them again from the
// committed offsets.
class AbortOnRevoke : public cairn::client::RebalanceListener {
 public:
  explicit AbortOnRevoke(std::function<void()> abort) : abort_(std::move(abort)) {}
  void on_partitions_revoked(Consumer&, const std::vector<TopicPartition>&) override { abort_(); }

 private:
  std::function<void()> abort_;
};

}  // namespace

int main(int argc, char** argv) try {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: %s BROKER INPUT OUTPUT GROUP TRANSACTIONAL_ID [--transaction-records "
                 "N|MIN-MAX] [--idle-exit-ms MS] [--session-timeout-ms MS] [--at-least-once]\n",
                 argv[0]);
    return 2;
  }
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  bool exactly_once = !o.at_least_once;

  cairn::client::ProducerConfig pc;
  pc.broker = o.broker;
  if (exactly_once) pc.transactional_id = o.transactional_id;
  auto producer = Producer::create(pc);
  if (!producer) return fail("producer", producer.error());
  // First: fences an older instance and aborts what it left open, so that the committed offsets
  // the consumer starts from are settled.
  if (exactly_once) {
    Status s = (*producer)->init_transactions();
    if (!s.is_ok()) return fail("init_transactions", s);
  }

  cairn::client::ConsumerConfig cc;
  cc.broker = o.broker;
  cc.group_id = o.group;
  cc.enable_auto_commit = false;
  cc.auto_offset_reset = cairn::client::ConsumerConfig::OffsetReset::kEarliest;
  cc.isolation = cairn::client::ConsumerConfig::Isolation::kReadCommitted;
  cc.session_timeout = std::chrono::milliseconds(o.session_timeout_ms);
  cc.heartbeat_interval = cc.session_timeout / 4;
  cc.max_poll_records = 2000;
  auto consumer = Consumer::create(cc);
  if (!consumer) return fail("consumer", consumer.error());
  bool open = false;  // a transaction is open

  std::mt19937_64 random(std::random_device{}());
  auto next_size = [&] {
    return std::uniform_int_distribution<long>(o.min_records, o.max_records)(random);
  };
  long target = next_size();
  long in_transaction = 0;
  std::map<TopicPartition, int64_t> offsets;  // next offsets of the records in the transaction
  long moved = 0;
  // The throughput printed at the end runs from the first record polled to the last commit.
  std::optional<std::chrono::steady_clock::time_point> first_record;
  auto last_commit = std::chrono::steady_clock::now();
  auto last_record = last_commit;

  AbortOnRevoke listener([&] {
    if (!open) return;
    Status s = (*producer)->abort_transaction();
    if (!s.is_ok()) std::fprintf(stderr, "abort on revoke: %s\n", s.to_string().c_str());
    open = false;
    in_transaction = 0;
    offsets.clear();
  });
  if (Status s = (*consumer)->subscribe({o.input}, &listener); !s.is_ok()) {
    return fail("subscribe", s);
  }

  // Records the at-least-once loop failed to write: it stops before committing past them.
  std::atomic<long> failed_sends{0};

  // Ends the current unit of work: exactly-once commits the outputs and offsets together;
  // at-least-once flushes the outputs, then commits the offsets. kAborted: the transaction was
  // aborted and the consumer rewound, so the records polled with it are dropped too.
  enum class Finished { kDone, kAborted };
  auto finish = [&]() -> cairn::Result<Finished> {
    if (in_transaction == 0) return Finished::kDone;
    long records = in_transaction;
    in_transaction = 0;
    target = next_size();
    auto committed = std::move(offsets);
    offsets.clear();
    if (!exactly_once) {
      Status s = (*producer)->flush();
      if (s.is_ok() && failed_sends > 0) s = Status::unavailable("records not written");
      if (s.is_ok()) s = (*consumer)->commit(committed);
      if (!s.is_ok()) return s;
      moved += records;
      last_commit = std::chrono::steady_clock::now();
      return Finished::kDone;
    }
    open = false;
    Status s = (*producer)->send_offsets_to_transaction(committed, (*consumer)->group_metadata());
    if (s.is_ok()) s = (*producer)->commit_transaction();
    if (s.is_ok()) {
      moved += records;
      last_commit = std::chrono::steady_clock::now();
      return Finished::kDone;
    }
    if (s.is_fenced()) return s;  // a newer instance took over (or the transaction timed out)
    // Abortable: drop the transaction and read its inputs again.
    std::fprintf(stderr, "aborting a transaction of %ld records: %s\n", records,
                 s.to_string().c_str());
    if (Status aborted = (*producer)->abort_transaction(); !aborted.is_ok()) return aborted;
    if (Status rewound = rewind(**consumer); !rewound.is_ok()) return rewound;
    return Finished::kAborted;
  };

  while (stop_requested == 0) {
    auto records = (*consumer)->poll(std::chrono::milliseconds(100));
    if (!records) return fail("poll", records.error());
    auto now = std::chrono::steady_clock::now();
    if (records->empty()) {
      if (auto f = finish(); !f) return fail("commit", f.error());
      if (o.idle_exit_ms > 0 && now - last_record > std::chrono::milliseconds(o.idle_exit_ms)) {
        break;
      }
      continue;
    }
    last_record = now;
    if (!first_record) first_record = now;
    for (const auto& r : *records) {
      if (exactly_once && !open) {
        if (Status s = (*producer)->begin_transaction(); !s.is_ok()) return fail("begin", s);
        open = true;
      }
      cairn::client::ProducerRecord out;
      out.topic = o.output;
      out.key = r.key;
      out.value = "t-" + r.value.value_or("");
      // An error here (but fencing) also fails the commit, which aborts and rewinds.
      Status sent = (*producer)->send(
          out, [&failed_sends](const cairn::Result<cairn::client::RecordMetadata>& m) {
            if (!m) ++failed_sends;
          });
      if (sent.is_fenced()) return fail("send", sent);
      if (!sent.is_ok()) ++failed_sends;
      offsets[r.topic_partition] = r.offset + 1;
      if (++in_transaction < target) continue;
      auto f = finish();
      if (!f) return fail("commit", f.error());
      if (*f == Finished::kAborted) break;
    }
  }
  if (exactly_once && open) (*producer)->abort_transaction().ignore_error();
  double seconds =
      first_record ? std::chrono::duration<double>(last_commit - *first_record).count() : 0.0;
  std::fprintf(stderr, "moved %ld records in %.3f s (%.0f records/s)\n", moved, seconds,
               seconds > 0 ? moved / seconds : 0.0);
  (*producer)->close();
  (*consumer)->close();
  return 0;
} catch (const std::exception& e) {  // out of memory, say: report it rather than abort
  std::fprintf(stderr, "exactly_once: %s\n", e.what());
  return 1;
}
