#pragma once

// Producer snapshots (FORMAT.md, "Producer snapshots"): the `<offset>.snapshot` files of a
// partition directory, from which a partition being opened rebuilds its ProducerState without
// replaying the whole log. These functions touch no PartitionLog: writing may run off the core's
// thread (IoBackend::async_run()), recovering runs while the partition opens.

#include <filesystem>
#include <memory>
#include <vector>

#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/io/io_backend.h"
#include "storage/producer_state.h"
#include "storage/segment.h"

namespace cairn::storage {

// Writes `bytes` (ProducerState::encode(at)) as the snapshot at offset `at`, atomically, then
// deletes all but the newest few snapshots (best effort).
Status write_producer_snapshot_file(IoBackend& io, const std::filesystem::path& dir, Offset at,
                                    const std::vector<std::byte>& bytes);

// The producer state of the partition in `dir`, whose recovered `segments` (in offset order, at
// least one) hold its log: the newest usable snapshot at or below the log end (newer ones, left
// by a crash that cut the log back, are deleted; damaged ones are skipped, with a warning), then
// every idempotent batch header after it, each counted as appended at `now` (when the replayed
// batches were appended is not known, so a restart never makes a producer expire sooner).
// Without a usable snapshot the whole log is replayed. Rebuilds on the way the aborted
// transactions index of every segment marked txn_index_stale() (FORMAT.md, ".txnindex").
Result<ProducerState> recover_producer_state(IoBackend& io, const std::filesystem::path& dir,
                                             const std::vector<std::shared_ptr<Segment>>& segments,
                                             size_t max_producers, Timestamp now);

}  // namespace cairn::storage
