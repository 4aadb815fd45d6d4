#pragma once

// Decoding a Fetch answer into the consumer's records: each partition's stored batches, checked
// as PROTOCOL.md says a stored batch must be, from the offset asked for up to the first batch
// that fails verification. Checking runs on whatever thread the answer arrives (the fetch
// connection's); copying the records out runs on the thread that polls, so a record's memory is
// allocated and freed by one thread (across threads, the allocator's locks cost more than the
// copy). Plain functions.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <memory>
#include <vector>

#include "cairn/consumer.h"
#include "cairn/record.h"
#include "protocol/error_code.h"
#include "protocol/messages/fetch.h"
#include "protocol/record_batch.h"
#include "protocol/wire_format.h"

namespace cairn::client {

// What a record with a key and a value of these sizes counts against the consumer's buffer
// limits: them and a fixed overhead.
inline constexpr size_t buffered_size(size_t key_bytes, size_t value_bytes) {
  return 64 + key_bytes + value_bytes;
}

// One stored batch whose records all decode, those from offset `from` on not yet copied out.
// The records are views into the fetch answer (kept by `owner`) or into the batch decompressed
// (kept by `plain`).
struct FetchedBatch {
  std::shared_ptr<const void> owner;
  std::shared_ptr<const protocol::BatchRecords> plain;
  int64_t from = 0;  // records before this offset are not the consumer's
  size_t count = 0;  // records at or past `from`
  size_t bytes = 0;  // their buffered_size(), summed
};

// One partition's part of a Fetch answer, checked.
struct FetchedPartition {
  TopicPartition tp;
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int64_t high_watermark = -1;
  std::vector<FetchedBatch> batches;  // each with at least one record to deliver, in order
  size_t bytes = 0;                   // as counted against max_buffered_bytes
  int64_t next_fetch = -1;            // after the last whole batch
  Status corruption;                  // the batch at next_fetch failed verification
  int64_t resume_at = -1;             // then: where a reader can go on past it
};

// What a record counts against the consumer's buffer limits.
size_t buffered_size(const ConsumerRecord& r);

// Where a reader can go on after the batch at the front of `bytes`, which failed verification
// at `offset`: the next batch's base offset when that one's header checksum (over its base
// offset and length) holds; else its own end, when its header checksum holds and its record
// count fits its last offset delta (at most one record per offset; fewer in a compacted batch);
// else offset + 1,
// which may meet the same batch again.
int64_t resume_offset(protocol::Bytes bytes, int64_t offset);

// Checks one partition's records from offset `asked` on, up to the first batch that fails
// verification: the batches before it are kept (views into `records`, which must outlive
// them unless the caller sets their owner), and that batch is described in `out`. A
// compressed batch is decompressed into at most `max_decompressed_bytes`; one that needs more
// fails like a damaged one. Control batches (transaction markers) are skipped. With `aborted`
// (a read_committed answer's aborted transactions), the transactional batches of an aborted
// transaction are skipped too (Kafka's rule): walking the batches in order, a producer becomes
// aborted once a batch reaches the first offset of one of its listed transactions, and stops
// being so at its abort marker; its transactional batches in between are dropped.
void decode_partition(protocol::Bytes records, int64_t asked, FetchedPartition& out,
                      size_t max_decompressed_bytes = protocol::batch::kDefaultMaxDecompressedBytes,
                      const std::vector<protocol::FetchAbortedTransaction>* aborted = nullptr);

// Checks every partition of `response` that was asked for (`asked`: partition -> offset);
// `read_committed` applies the answer's aborted transactions. `owner` keeps the bytes the
// response views alive (its frame) for as long as the batches are buffered.
std::vector<FetchedPartition> decode_fetch(
    const protocol::FetchResponse& response, const std::shared_ptr<const void>& owner,
    const std::map<TopicPartition, int64_t>& asked,
    size_t max_decompressed_bytes = protocol::batch::kDefaultMaxDecompressedBytes,
    bool read_committed = false);

// The records of one poll_views(): views into batches it keeps alive.
struct PolledViews {
  std::vector<ConsumerRecordView> records;
  std::vector<HeaderView> headers;                   // every record's, in order
  std::vector<std::pair<size_t, size_t>> spans;      // each record's headers: (first, count)
  std::vector<std::shared_ptr<const void>> batches;  // the bytes the records view
  std::deque<std::string> topics;                    // the topic names they view
  void clear();
  // Points each record's headers at its own (headers is complete).
  void finish();
};

// view_records(): copy_records() for poll_views(), each record a view into `batch`, which `out`
// keeps alive (its owner, or its decompressed bytes).
void view_records(const FetchedBatch& batch, protocol::RecordReader& reader,
                  const TopicPartition& tp, size_t max, PolledViews& out);

// Copies up to `max` of `batch`'s records of partition `tp` to the end of `out`, reading on with
// `reader` (made by batch.plain->reader(), and kept between calls to go on where it stopped).
void copy_records(const FetchedBatch& batch, protocol::RecordReader& reader,
                  const TopicPartition& tp, size_t max, std::vector<ConsumerRecord>& out);

}  // namespace cairn::client
