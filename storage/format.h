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
// Time index entry: i64 timestamp (ms), u32 offset relative to the segment base.
inline constexpr size_t kTimeIndexEntrySize = 12;

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

// <20-digit offset>.snapshot: producer state as of that offset (FORMAT.md, "Producer snapshots").
inline constexpr std::string_view kSnapshotSuffix = ".snapshot";
inline constexpr uint32_t kProducerSnapshotMagic = 0x31535043;  // "CPS1" read as little-endian
inline constexpr uint32_t kProducerSnapshotVersion = 2;
inline constexpr uint32_t kProducerSnapshotVersion1 = 1;  // still read: batch timestamps, any order
inline constexpr size_t kProducerSnapshotHeaderSize = 20;  // magic, version, offset, count
inline constexpr size_t kSnapshotsKept = 2;

}  // namespace cairn::storage::format
