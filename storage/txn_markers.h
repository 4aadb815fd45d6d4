#pragma once

// Transaction markers as the log stores them: recording a stored batch in the producer state and,
// for an abort marker, in its segment's aborted transactions index (FORMAT.md, ".txnindex").
// Shared by appends (leader, marker and replica alike) and by recovery, which replays the batch
// headers of a partition being opened. No PartitionLog: runs on the partition's core or while it
// opens.

#include <memory>
#include <vector>

#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/producer_state.h"
#include "storage/segment.h"

namespace cairn::storage {

// Records `header` (a stored batch of an idempotent or transactional producer, appended at `now`)
// in `producers`. When it is an abort marker, first adds to `index` (if not null) the entry
// naming the producer, its open transaction's first offset (the marker's own offset when it had
// none), the marker and the last stable offset once the marker is written. `batch` is the whole
// batch; it is read only for a control batch. kCorruption for a control batch whose marker does
// not decode.
Status record_stored_batch(ProducerState& producers, Segment* index, const protocol::BatchHeader& h,
                           Bytes batch, Timestamp now);

// Reads the whole batch at `position` of `segment` whose header is `h`, into `buffer`.
Result<Bytes> read_stored_batch(const Segment& segment, FilePosition position,
                                const protocol::BatchHeader& h, std::vector<std::byte>& buffer);

// Rebuilds the aborted transactions index of every segment marked txn_index_stale() that starts
// before `replay_start` (the offset the recovered producer state was replayed from, which
// rebuilds the later ones itself) by replaying the log from its start with a fresh producer
// state. Segments must be in offset order.
Status rebuild_early_txn_indexes(const std::vector<std::shared_ptr<Segment>>& segments,
                                 Offset replay_start, size_t max_producers, Timestamp now);

// The sealed segments (every one but the last, ending at or below `recovery_point`) whose
// aborted transactions index recovery must rebuild; once it has, write_rebuilt_txn_indexes()
// writes their files back, so that the next open need not replay the log for them again.
std::vector<std::shared_ptr<Segment>> stale_sealed_txn_indexes(
    const std::vector<std::shared_ptr<Segment>>& segments, Offset recovery_point);
// Best effort: a file that cannot be written is rebuilt again by the next open (a warning).
void write_rebuilt_txn_indexes(IoBackend& io, const std::vector<std::shared_ptr<Segment>>& rebuilt);

// The aborted transactions overlapping [from, to) of a log made of `segments` (in offset order):
// from the segment holding `from`, the entries whose [first offset, marker] overlaps the range,
// stopping after the first entry whose last stable offset reaches `to`.
std::vector<AbortedTxn> collect_aborted_txns(const std::vector<std::shared_ptr<Segment>>& segments,
                                             Offset from, Offset to);

}  // namespace cairn::storage
