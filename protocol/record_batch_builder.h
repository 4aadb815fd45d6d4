#pragma once

// RecordBatchBuilder packs records for one partition into a sealed record batch.
//
// Not thread-safe; one builder per producer partition buffer. The builder owns its buffer; seal()
// hands the finished batch to the caller and leaves the builder empty for the next batch.

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/record_batch.h"
#include "protocol/types.h"
#include "protocol/wire_format.h"

namespace cairn::protocol {

struct HeaderEntry {
  std::string_view key;
  std::optional<Bytes> value;
};

// An idempotent producer's fields of a batch (PROTOCOL.md, "Record batch").
struct ProducerStamp {
  int64_t producer_id = batch::kNoProducerId;
  int16_t producer_epoch = batch::kNoProducerEpoch;
  int32_t base_sequence = batch::kNoSequence;
};

// Writes `stamp` into a sealed batch and recomputes its checksum over the whole batch (and the
// header checksum), so that a producer can seal (compress) a batch before it knows the batch's
// sequence. `batch` must be one whole batch.
void stamp_producer(MutableBytes batch, const ProducerStamp& stamp);

class RecordBatchBuilder {
 public:
  struct Options {
    int64_t producer_id = batch::kNoProducerId;
    int16_t producer_epoch = batch::kNoProducerEpoch;
    int32_t base_sequence = batch::kNoSequence;
    bool transactional = false;
    bool control = false;
    // The codec seal() compresses the records with (PROTOCOL.md, "Compression").
    Compression compression = Compression::kNone;
  };

  RecordBatchBuilder() : RecordBatchBuilder(Options{}) {}
  explicit RecordBatchBuilder(Options options);

  void append(Timestamp timestamp, std::optional<Bytes> key, std::optional<Bytes> value,
              std::span<const HeaderEntry> headers = {});

  bool empty() const { return record_count_ == 0; }
  int32_t record_count() const { return record_count_; }
  // The size in bytes of the batch seal() would return now, before compression.
  size_t size_bytes() const { return buffer_.size(); }
  // The size a record would add to the batch if appended now.
  size_t record_size(Timestamp timestamp, std::optional<Bytes> key, std::optional<Bytes> value,
                     std::span<const HeaderEntry> headers = {}) const;

  // Compresses the records (when the options name a codec), writes the header and both
  // checksums and returns the batch (base offset 0, leader epoch 0). Requires at least one
  // record. The builder is empty afterwards, with the same options. Should the codec's library
  // fail (out of memory), the batch is sealed uncompressed, which every reader takes.
  std::vector<std::byte> seal();

  void set_options(const Options& options) { options_ = options; }
  // Makes room for a batch of `bytes` at once, instead of growing the buffer as records come.
  void reserve(size_t bytes) { buffer_.reserve(bytes); }
  // Builds in `buffer`'s memory from now on (its contents are dropped): a sealed batch's buffer,
  // reused. Requires empty().
  void reuse(std::vector<std::byte> buffer);

 private:
  size_t body_size(int64_t ts_delta, std::optional<Bytes> key, std::optional<Bytes> value,
                   std::span<const HeaderEntry> headers) const;
  void reset();

  Options options_;
  std::vector<std::byte> buffer_;
  int32_t record_count_ = 0;
  int64_t first_timestamp_ = 0;
  int64_t max_timestamp_ = 0;
};

}  // namespace cairn::protocol
