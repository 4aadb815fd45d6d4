#pragma once

// Constants of the on-disk format. storage/FORMAT.md is the spec; the writers, the readers,
// recovery and the format tests all include this file. Every integer is little-endian.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cairn::storage::format {

// Segment files are named by their base offset, zero-padded to 20 digits.
inline constexpr int kFileNameDigits = 20;
inline constexpr std::string_view kLogSuffix = ".log";
inline constexpr std::string_view kOffsetIndexSuffix = ".index";
inline constexpr std::string_view kTimeIndexSuffix = ".timeindex";
inline constexpr std::string_view kTempSuffix = ".tmp";

// Offset index entry: u32 offset relative to the segment base, u32 position in the .log file.
inline constexpr size_t kOffsetIndexEntrySize = 8;
inline constexpr size_t kOffsetIndexOffsetAt = 0;
inline constexpr size_t kOffsetIndexPositionAt = 4;
// Time index entry: i64 timestamp (ms), u32 offset relative to the segment base.
inline constexpr size_t kTimeIndexEntrySize = 12;
inline constexpr size_t kTimeIndexTimestampAt = 0;
inline constexpr size_t kTimeIndexOffsetAt = 8;

// Aborted transaction index entry (FORMAT.md, ".txnindex"): i64 producer id, i64 first offset,
// i64 last offset (the abort marker), i64 last stable offset; absolute offsets.
inline constexpr std::string_view kTxnIndexSuffix = ".txnindex";
inline constexpr size_t kTxnIndexEntrySize = 32;
inline constexpr size_t kTxnIndexProducerIdAt = 0;
inline constexpr size_t kTxnIndexFirstOffsetAt = 8;
inline constexpr size_t kTxnIndexLastOffsetAt = 16;
inline constexpr size_t kTxnIndexLastStableOffsetAt = 24;

// The small files below end with a u64 XXH3-64 of every byte before it.
inline constexpr size_t kChecksumSize = 8;

// A segment's .log is addressed with 32-bit positions in its index, so it stays below 4 GiB.
inline constexpr uint64_t kMaxSegmentBytes = 2ull << 30;

// recovery-point file: magic "CRP1", u32 version, i64 offset, (version 2:) u64 synced bytes,
// then u64 XXH3-64 of everything before it.
inline constexpr std::string_view kRecoveryPointFile = "recovery-point";
inline constexpr uint32_t kRecoveryPointMagic = 0x31505243;  // "CRP1" read as little-endian
inline constexpr uint32_t kRecoveryPointVersion = 2;
inline constexpr size_t kRecoveryPointSize = 32;
inline constexpr uint32_t kRecoveryPointVersion1 = 1;  // still read: no synced bytes
inline constexpr size_t kRecoveryPointVersion1Size = 24;
inline constexpr size_t kRecoveryPointMagicAt = 0;
inline constexpr size_t kRecoveryPointVersionAt = 4;
inline constexpr size_t kRecoveryPointOffsetAt = 8;
inline constexpr size_t kRecoveryPointSyncedBytesAt = 16;  // version 2 only
// The checksum follows the last field: at 24 in version 2, at 16 in version 1.

// <20-digit offset>.snapshot: producer state as of that offset (FORMAT.md, "Producer snapshots").
inline constexpr std::string_view kSnapshotSuffix = ".snapshot";
inline constexpr uint32_t kProducerSnapshotMagic = 0x31535043;  // "CPS1" read as little-endian
inline constexpr uint32_t kProducerSnapshotVersion = 3;
inline constexpr uint32_t kProducerSnapshotVersion2 = 2;  // still read: no open transactions
inline constexpr uint32_t kProducerSnapshotVersion1 = 1;  // still read: batch timestamps, any order
inline constexpr size_t kSnapshotsKept = 2;
// Header.
inline constexpr size_t kProducerSnapshotMagicAt = 0;
inline constexpr size_t kProducerSnapshotVersionAt = 4;
inline constexpr size_t kProducerSnapshotOffsetAt = 8;
inline constexpr size_t kProducerSnapshotCountAt = 16;
inline constexpr size_t kProducerSnapshotHeaderSize = 20;  // the producers follow
// One producer: its fixed part, then `batch count` batches.
inline constexpr size_t kSnapshotProducerIdAt = 0;
inline constexpr size_t kSnapshotEpochAt = 8;
inline constexpr size_t kSnapshotLastAppendAt = 10;
inline constexpr size_t kSnapshotBatchCountAt = 18;
inline constexpr size_t kSnapshotTxnFirstOffsetAt = 19;  // version 3: -1 when none is open
inline constexpr size_t kSnapshotProducerSize = 27;
inline constexpr size_t kSnapshotProducerSizeVersion2 = 19;
inline constexpr size_t kSnapshotMaxBatches = 5;
// One of a producer's batches.
inline constexpr size_t kSnapshotFirstSequenceAt = 0;
inline constexpr size_t kSnapshotLastSequenceAt = 4;
inline constexpr size_t kSnapshotBaseOffsetAt = 8;
inline constexpr size_t kSnapshotLastOffsetAt = 16;
inline constexpr size_t kSnapshotBatchSize = 24;

// Compaction (FORMAT.md, "Compaction").
inline constexpr std::string_view kCleanedSuffix = ".log.cleaned";
inline constexpr std::string_view kSwapFile = "cleaner-swap";
inline constexpr uint32_t kSwapMagic = 0x31535343;  // "CSS1" read as little-endian
inline constexpr uint32_t kSwapVersion = 1;
inline constexpr size_t kSwapMagicAt = 0;
inline constexpr size_t kSwapVersionAt = 4;
inline constexpr size_t kSwapCountAt = 8;
inline constexpr size_t kSwapBasesAt = 12;  // count i64 base offsets, then the checksum

// Offset checkpoints (FORMAT.md, "Offset checkpoints"): u32 magic, u32 version, i64 offset, u64
// XXH3-64 of bytes [0, 16); written atomically.
inline constexpr uint32_t kOffsetCheckpointVersion = 1;
inline constexpr size_t kOffsetCheckpointOffsetAt = 8;
inline constexpr size_t kOffsetCheckpointSize = 24;
inline constexpr std::string_view kCleanerCheckpointFile = "cleaner-checkpoint";
inline constexpr uint32_t kCleanerCheckpointMagic = 0x31504343;  // "CCP1" read as little-endian
inline constexpr std::string_view kLogStartFile = "log-start-offset";
inline constexpr uint32_t kLogStartMagic = 0x3154534c;  // "LST1" read as little-endian

// leader-epoch-checkpoint (FORMAT.md, "Leader epochs"): magic "CLE1", u32 version, u32 count,
// count entries of i32 epoch and i64 start offset, then u64 XXH3-64 of everything before it.
inline constexpr std::string_view kLeaderEpochFile = "leader-epoch-checkpoint";
inline constexpr uint32_t kLeaderEpochMagic = 0x31454c43;  // "CLE1" read as little-endian
inline constexpr uint32_t kLeaderEpochVersion = 1;
inline constexpr size_t kLeaderEpochMagicAt = 0;
inline constexpr size_t kLeaderEpochVersionAt = 4;
inline constexpr size_t kLeaderEpochCountAt = 8;
inline constexpr size_t kLeaderEpochEntriesAt = 12;
inline constexpr size_t kLeaderEpochEntryEpochAt = 0;
inline constexpr size_t kLeaderEpochEntryOffsetAt = 4;
inline constexpr size_t kLeaderEpochEntrySize = 12;
// More entries than any partition's history of leader changes could hold: a larger count is
// damage, refused before anything is allocated.
inline constexpr uint32_t kLeaderEpochMaxEntries = 1u << 20;

}  // namespace cairn::storage::format
