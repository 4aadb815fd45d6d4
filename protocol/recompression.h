#pragma once

// Recompression of a produced record batch to another codec (PROTOCOL.md, "Compression": a
// topic's `compression` setting). Sans-I/O and stateless; may run on any thread.

#include <cstddef>
#include <optional>
#include <vector>

#include "protocol/compression.h"
#include "protocol/record_batch.h"
#include "protocol/status.h"

namespace cairn::protocol {

struct RecompressedBatch {
  std::vector<std::byte> bytes;  // the whole new batch
  size_t plain_bytes = 0;        // what its records decompressed to on the way
};

// The batch to store instead of `batch` so that its records are compressed with `codec`
// (Compression::kNone: plain), or nullopt when `batch` already has that codec or holds no
// records. The new batch keeps every header field of the old one but its length, codec bits and
// checksum, which is recomputed over the new bytes; the records are the same bytes, so offsets,
// timestamps and the idempotent producer's id, epoch and sequence all stay. The base offset,
// leader epoch and header checksum are copied as they were: the broker writes them when it
// appends. The records are decompressed into at most `max_decompressed_bytes`.
// Errors: kInvalidArgument when the records do not decompress within the limit; kUnavailable
// when the codec's library fails.
Result<std::optional<RecompressedBatch>> recompress_batch(const RecordBatchView& batch,
                                                          Compression codec,
                                                          size_t max_decompressed_bytes);

}  // namespace cairn::protocol
