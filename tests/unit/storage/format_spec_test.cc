// storage/FORMAT.md as executable examples: the `.timeindex`, `recovery-point` and producer
// snapshot files a partition writes and the `topic.conf` text, with the expected bytes typed by
// hand from the spec's tables, not produced by the writer, and read back by the reader. Only the
// XXH3-64 checksums are computed, over the typed bytes.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/record_batch_builder.h"
#include "storage/format.h"
#include "storage/leader_epoch_cache.h"
#include "storage/offset_checkpoint.h"
#include "storage/producer_state.h"
#include "storage/recovery.h"
#include "storage/time_index.h"
#include "storage/topic_store.h"
#include "tests/unit/storage/partition_fixture.h"

// The byte tables below are laid out as the spec's tables, one field per line with its comment;
// clang-format would pack them.
// clang-format off

namespace cairn::storage {
namespace {

using testing::BatchSpec;
using testing::make_batch;
using testing::PartitionFixture;

using Golden = std::vector<uint8_t>;

void expect_same(const std::vector<std::byte>& got, const Golden& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(static_cast<uint8_t>(got[i]), want[i]) << "byte " << i;
  }
}

std::vector<std::byte> to_bytes(const Golden& g) {
  std::vector<std::byte> out(g.size());
  for (size_t i = 0; i < g.size(); ++i) out[i] = std::byte{g[i]};
  return out;
}

// `body` followed by the u64 XXH3-64 of it, little-endian: how the small files end.
Golden with_checksum(Golden body) {
  uint64_t sum = XXH3_64bits(body.data(), body.size());
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<uint8_t>(sum >> (8 * i)));
  return body;
}

Timestamp at(int64_t ms) { return timestamp_from_millis(ms); }

std::vector<std::byte> file_bytes(IoBackend& io, const std::filesystem::path& path) {
  auto bytes = read_whole_file(io, path);
  EXPECT_TRUE(bytes) << path << ": " << bytes.error().to_string();
  return bytes ? *bytes : std::vector<std::byte>();
}

// Every batch gets an offset index entry, so every batch but a segment's first gets a time index
// entry; the wall clock stays near the record timestamps so no segment rolls by age.
PartitionConfig indexed_config() {
  PartitionConfig config;
  config.index_interval_bytes = 1;
  config.clock = [] { return timestamp_from_millis(5000); };
  return config;
}

// --- .timeindex ---------------------------------------------------------------------------------

TEST(FormatSpec, TheTimeIndexOfASealedSegmentHoldsTheRunningMaximumBeforeEachIndexedBatch) {
  PartitionFixture fx("fault");
  std::vector<std::vector<std::byte>> batches = {
      make_batch({.records = 2, .timestamp_ms = 1000}),                           // offsets 0-1
      make_batch({.records = 1, .timestamp_ms = 900}),                            // offset 2
      make_batch({.records = 3, .timestamp_ms = 1500, .timestamp_step_ms = 10}),  // offsets 3-5
      make_batch({.records = 1, .timestamp_ms = 2000}),                           // offset 6
  };
  PartitionConfig config = indexed_config();
  // The fourth batch would pass the segment size: it starts segment 6, and segment 0 is sealed.
  config.segment_bytes = batches[0].size() + batches[1].size() + batches[2].size();
  auto log = fx.open_ok(config);
  ASSERT_TRUE(log);
  for (auto& batch : batches) ASSERT_TRUE(fx.append(*log, batch));
  ASSERT_EQ(log->segment_count(), 2u);
  fx.flush_and_close(*log);

  expect_same(file_bytes(fx.io(), fx.segment_path(Offset(0), format::kTimeIndexSuffix)), {
      // No entry for the segment's first batch.
      0xe8, 0x03, 0, 0, 0, 0, 0, 0,  // T 1000: the largest timestamp before offset 2
      2, 0, 0, 0,                    // O 2 - base offset 0
      0xe8, 0x03, 0, 0, 0, 0, 0, 0,  // T 1000: still the largest before offset 3 (900 < 1000)
      3, 0, 0, 0,                    // O 3
      0xf0, 0x05, 0, 0, 0, 0, 0, 0,  // final entry, T 1520: the segment's max timestamp
      6, 0, 0, 0,                    // O 6: the segment's end (one past its last offset, 5)
  });
  // The active segment's indexes are written on a clean close, with its final entry.
  expect_same(file_bytes(fx.io(), fx.segment_path(Offset(6), format::kTimeIndexSuffix)), {
      0xd0, 0x07, 0, 0, 0, 0, 0, 0,  // final entry, T 2000
      1, 0, 0, 0,                    // O 7 - base offset 6
  });
}

TEST(FormatSpec, ATimeIndexFileDecodesAsTheSpecSays) {
  const Golden file = {
      0xe8, 0x03, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,  // (1000, base + 2)
      0xf0, 0x05, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0,  // (1520, base + 6)
  };
  std::vector<std::byte> bytes(file.size());
  for (size_t i = 0; i < file.size(); ++i) bytes[i] = std::byte{file[i]};
  auto index = TimeIndex::decode(Offset(100), bytes, 6);
  ASSERT_TRUE(index) << index.error().to_string();
  EXPECT_EQ(index->size(), 2u);
  EXPECT_EQ(index->entry(0).timestamp, timestamp_from_millis(1000));
  EXPECT_EQ(index->entry(0).offset, Offset(102));
  EXPECT_EQ(index->entry(1).timestamp, timestamp_from_millis(1520));
  EXPECT_EQ(index->entry(1).offset, Offset(106));
  // Scanning for the first timestamp >= 1001 may start at the last entry with T < 1001.
  EXPECT_EQ(index->scan_start(timestamp_from_millis(1001)), Offset(102));
  EXPECT_FALSE(index->scan_start(timestamp_from_millis(1000)));

  auto decreasing = bytes;
  decreasing[12] = std::byte{0x10};  // the second entry's T becomes 16, below the first's 1000
  decreasing[13] = std::byte{0};
  EXPECT_FALSE(TimeIndex::decode(Offset(100), decreasing, 6)) << "T must never decrease";
  EXPECT_FALSE(TimeIndex::decode(Offset(100), bytes, 5)) << "O past the segment's end";
  EXPECT_FALSE(TimeIndex::decode(Offset(100), std::span(bytes).first(23), 6)) << "ragged";
}

// --- leader-epoch-checkpoint --------------------------------------------------------------------

// Epoch 0 from offset 0, epoch 3 from offset 4096.
const Golden kLeaderEpochCheckpoint = with_checksum({
    0x43, 0x4c, 0x45, 0x31,        // magic 0x31454c43 ("CLE1")
    1, 0, 0, 0,                    // version 1
    2, 0, 0, 0,                    // entry count 2
    0, 0, 0, 0,                    // epoch 0
    0, 0, 0, 0, 0, 0, 0, 0,        // start offset 0
    3, 0, 0, 0,                    // epoch 3
    0x00, 0x10, 0, 0, 0, 0, 0, 0,  // start offset 4096
});                                // XXH3-64 of bytes [0, 36)

TEST(FormatSpec, ALeaderEpochCheckpointIsWrittenAsTheSpecsTable) {
  boost::asio::io_context ctx;
  testing::FaultBackend io(ctx);
  ASSERT_TRUE(io.create_directory("/p").is_ok());
  LeaderEpochCache cache;
  ASSERT_TRUE(cache.assign(0, Offset(0)));
  ASSERT_TRUE(cache.assign(3, Offset(4096)));
  ASSERT_TRUE(write_leader_epoch_checkpoint(io, "/p", cache).is_ok());
  expect_same(file_bytes(io, "/p/leader-epoch-checkpoint"), kLeaderEpochCheckpoint);
}

TEST(FormatSpec, ALeaderEpochCheckpointReadsAsTheSpecSays) {
  auto cache = LeaderEpochCache::decode(to_bytes(kLeaderEpochCheckpoint));
  ASSERT_TRUE(cache) << cache.error().to_string();
  ASSERT_EQ(cache->entries().size(), 2u);
  EXPECT_EQ(cache->entries()[1], (EpochEntry{3, Offset(4096)}));
  EXPECT_EQ(cache->end_offset_for(0, Offset(5000)), (EpochEnd{0, Offset(4096)}));
}

// --- recovery-point -----------------------------------------------------------------------------

// Version 2: R = 4096, S = 1000.
const Golden kRecoveryPointV2 = with_checksum({
    0x43, 0x52, 0x50, 0x31,        // magic 0x31505243 ("CRP1")
    2, 0, 0, 0,                    // version 2
    0x00, 0x10, 0, 0, 0, 0, 0, 0,  // recovery point R 4096
    0xe8, 0x03, 0, 0, 0, 0, 0, 0,  // synced bytes S 1000
});                                // XXH3-64 of bytes [0, 24)

TEST(FormatSpec, ARecoveryPointIsWrittenAsTheSpecsTable) {
  boost::asio::io_context ctx;
  testing::FaultBackend io(ctx);
  ASSERT_TRUE(io.create_directory("/p").is_ok());
  ASSERT_TRUE(write_recovery_point(io, "/p", Offset(4096), 1000).is_ok());
  expect_same(file_bytes(io, "/p/recovery-point"), kRecoveryPointV2);
}

TEST(FormatSpec, RecoveryPointsOfBothVersionsReadAsTheSpecSays) {
  auto v2 = decode_recovery_point(to_bytes(kRecoveryPointV2));
  ASSERT_TRUE(v2) << v2.error().to_string();
  EXPECT_EQ(v2->offset, Offset(4096));
  EXPECT_EQ(v2->synced_bytes, 1000u);

  const Golden v1 = with_checksum({
      0x43, 0x52, 0x50, 0x31,        // magic
      1, 0, 0, 0,                    // version 1
      0x00, 0x10, 0, 0, 0, 0, 0, 0,  // R 4096
  });                                // XXH3-64 of bytes [0, 16); no S
  auto old = decode_recovery_point(to_bytes(v1));
  ASSERT_TRUE(old) << old.error().to_string();
  EXPECT_EQ(old->offset, Offset(4096));
  EXPECT_FALSE(old->synced_bytes);

  auto wrong_version = kRecoveryPointV2;
  wrong_version[4] = 1;  // a 32-byte file that says version 1
  EXPECT_FALSE(decode_recovery_point(to_bytes(wrong_version)));
  auto bad_sum = kRecoveryPointV2;
  bad_sum[16] ^= 1;  // S changed after the checksum was taken
  EXPECT_FALSE(decode_recovery_point(to_bytes(bad_sum)));
}

// --- offset checkpoints --------------------------------------------------------------------------

const Golden kLogStartOffset = with_checksum({
    0x4c, 0x53, 0x54, 0x31,        // magic 0x3154534c ("LST1")
    1, 0, 0, 0,                    // version 1
    0x2a, 0x01, 0, 0, 0, 0, 0, 0,  // offset 298
});                                // XXH3-64 of bytes [0, 16)

TEST(FormatSpec, ALogStartOffsetCheckpointIsWrittenAsTheSpecsTableAndReadsBack) {
  boost::asio::io_context ctx;
  testing::FaultBackend io(ctx);
  ASSERT_TRUE(io.create_directory("/p").is_ok());
  ASSERT_TRUE(write_offset_checkpoint(io, "/p", kLogStartCheckpoint, Offset(298)).is_ok());
  expect_same(file_bytes(io, "/p/log-start-offset"), kLogStartOffset);
  EXPECT_EQ(read_offset_checkpoint(io, "/p", kLogStartCheckpoint), Offset(298));
  // The same layout under another magic is another checkpoint, not this one.
  EXPECT_EQ(read_offset_checkpoint(io, "/p", {"log-start-offset", 0x31504343}), std::nullopt);
}

// --- producer snapshots --------------------------------------------------------------------------

// The state after producer 7 (epoch 2) stored offsets 0-2 (sequences 0-2) at 5000 ms, producer 9
// (epoch 0) offset 3 (sequence 0) at 6000 ms, and producer 7 offsets 4-5 (sequences 3-4) at
// 7000 ms, as of offset 6.
Golden producer_snapshot(uint8_t version) {
  // Version 3 adds each producer's transaction first offset after its batch count.
  Golden no_txn = version >= 3 ? Golden{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff} : Golden{};
  Golden g = {
      0x43, 0x50, 0x53, 0x31,        // magic 0x31535043 ("CPS1")
      version, 0, 0, 0,              // version
      6, 0, 0, 0, 0, 0, 0, 0,        // offset 6
      2, 0, 0, 0,                    // producer count 2
      // Least recently appended first: producer 9.
      9, 0, 0, 0, 0, 0, 0, 0,        // producer id 9
      0, 0,                          // epoch 0
      0x70, 0x17, 0, 0, 0, 0, 0, 0,  // last append 6000 ms
      1,                             // batch count 1
  };
  g.insert(g.end(), no_txn.begin(), no_txn.end());  // (v3) transaction first offset -1
  g.insert(g.end(), {
      0, 0, 0, 0,                    //   first sequence 0
      0, 0, 0, 0,                    //   last sequence 0
      3, 0, 0, 0, 0, 0, 0, 0,        //   base offset 3
      3, 0, 0, 0, 0, 0, 0, 0,        //   last offset 3
      7, 0, 0, 0, 0, 0, 0, 0,        // producer id 7
      2, 0,                          // epoch 2
      0x58, 0x1b, 0, 0, 0, 0, 0, 0,  // last append 7000 ms
      2,                             // batch count 2, oldest first
  });
  g.insert(g.end(), no_txn.begin(), no_txn.end());  // (v3) transaction first offset -1
  g.insert(g.end(), {
      0, 0, 0, 0,                    //   first sequence 0
      2, 0, 0, 0,                    //   last sequence 2
      0, 0, 0, 0, 0, 0, 0, 0,        //   base offset 0
      2, 0, 0, 0, 0, 0, 0, 0,        //   last offset 2
      3, 0, 0, 0,                    //   first sequence 3
      4, 0, 0, 0,                    //   last sequence 4
      4, 0, 0, 0, 0, 0, 0, 0,        //   base offset 4
      5, 0, 0, 0, 0, 0, 0, 0,        //   last offset 5
  });
  return with_checksum(g);           // XXH3-64 of everything before
}

std::vector<std::byte> idempotent_batch(int64_t producer, int16_t epoch, int32_t sequence,
                                        int records) {
  protocol::RecordBatchBuilder b(
      {.producer_id = producer, .producer_epoch = epoch, .base_sequence = sequence});
  for (int i = 0; i < records; ++i) b.append(at(1000), std::nullopt, protocol::as_bytes("v"));
  return b.seal();
}

TEST(FormatSpec, ACleanCloseWritesTheProducerSnapshotAsTheSpecsTable) {
  PartitionFixture fx("fault");
  Timestamp now = at(5000);
  PartitionConfig config;
  config.clock = [&now] { return now; };
  auto log = fx.open_ok(config);
  ASSERT_TRUE(fx.append(*log, idempotent_batch(7, 2, 0, 3)));  // offsets 0-2
  now = at(6000);
  ASSERT_TRUE(fx.append(*log, idempotent_batch(9, 0, 0, 1)));  // offset 3
  now = at(7000);
  ASSERT_TRUE(fx.append(*log, idempotent_batch(7, 2, 3, 2)));  // offsets 4-5
  fx.flush_and_close(*log);
  // Named by its offset, the log end.
  expect_same(file_bytes(fx.io(), fx.segment_path(Offset(6), format::kSnapshotSuffix)),
              producer_snapshot(3));
}

TEST(FormatSpec, ProducerSnapshotsOfEveryVersionReadAsTheSpecSays) {
  for (uint8_t version : {2, 3}) {
    auto read = ProducerState::decode(to_bytes(producer_snapshot(version)), 1000, at(60'000));
    ASSERT_TRUE(read) << int{version} << ": " << read.error().to_string();
    EXPECT_EQ(read->second.size(), 2u);
    EXPECT_FALSE(read->second.first_unstable_offset());
  }
  auto v2 = ProducerState::decode(to_bytes(producer_snapshot(3)), 1000, at(60'000));
  ASSERT_TRUE(v2) << v2.error().to_string();
  EXPECT_EQ(v2->first, Offset(6));
  ProducerState& state = v2->second;
  EXPECT_EQ(state.size(), 2u);
  auto retry = state.check(protocol::decode_batch_header(idempotent_batch(7, 2, 0, 3)).value());
  EXPECT_EQ(retry.verdict, ProducerState::Verdict::kDuplicate);
  EXPECT_EQ(retry.duplicate_of.base_offset, Offset(0));
  EXPECT_EQ(retry.duplicate_of.last_offset, Offset(2));
  auto next = protocol::decode_batch_header(idempotent_batch(9, 0, 1, 1)).value();
  EXPECT_EQ(state.check(next).verdict, ProducerState::Verdict::kAppend);
  state.expire(at(6500));  // producer 9 last appended at 6000, producer 7 at 7000
  EXPECT_EQ(state.size(), 1u);

  // Version 1: the same layout; each producer counts as appended when it is read.
  auto v1 = ProducerState::decode(to_bytes(producer_snapshot(1)), 1000, at(60'000));
  ASSERT_TRUE(v1) << v1.error().to_string();
  v1->second.expire(at(59'999));
  EXPECT_EQ(v1->second.size(), 2u);
  v1->second.expire(at(60'001));
  EXPECT_EQ(v1->second.size(), 0u);
}

// --- topic.conf ---------------------------------------------------------------------------------

// The example in FORMAT.md ("Topics"), character for character.
constexpr std::string_view kSpecExample =
    "# cairn topic config v1\n"
    "partitions=4\n"
    "segment.bytes=1073741824\n"
    "segment.ms=604800000\n"
    "retention.bytes=-1\n"
    "retention.ms=-1\n"
    "durability=always\n"
    "cleanup.policy=delete\n"
    "compression=producer\n"
    "min.compaction.lag.ms=0\n"
    "delete.retention.ms=86400000\n"
    "min.cleanable.dirty.ratio=0.5\n";

TopicConfig spec_example_config() {
  TopicConfig c;
  c.partitions = 4;
  c.segment_bytes = 1073741824;
  c.segment_age = std::chrono::milliseconds(604800000);
  c.retention_bytes = std::nullopt;
  c.retention_age = std::nullopt;
  c.durability = DurabilityPolicy::always();
  return c;
}

TEST(FormatSpec, ATopicConfIsWrittenAsTheSpecExample) {
  EXPECT_EQ(spec_example_config().encode(), kSpecExample);

  boost::asio::io_context ctx;
  testing::FaultBackend io(ctx);
  ASSERT_TRUE(io.create_directory("/data").is_ok());
  TopicStore store(io, "/data");
  ASSERT_TRUE(store.init().is_ok());
  ASSERT_TRUE(store.create("orders", spec_example_config()).is_ok());
  auto bytes = file_bytes(io, "/data/topics/orders/topic.conf");
  EXPECT_EQ(std::string(protocol::as_string_view(bytes)), kSpecExample);
}

TEST(FormatSpec, TheSpecExampleTopicConfReadsBack) {
  auto c = TopicConfig::decode(kSpecExample);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->partitions, 4);
  EXPECT_EQ(c->segment_bytes, 1073741824u);
  EXPECT_EQ(c->segment_age, std::chrono::milliseconds(604800000));
  EXPECT_FALSE(c->retention_bytes) << "-1 means no limit";
  EXPECT_FALSE(c->retention_age) << "-1 means no limit";
  EXPECT_EQ(c->durability.to_string(), "always");
}

TEST(FormatSpec, ATopicConfWithLimitsAndAnIntervalPolicyRoundTrips) {
  const std::string text =
      "# cairn topic config v1\n"
      "partitions=1\n"
      "segment.bytes=1048576\n"
      "segment.ms=3600000\n"
      "retention.bytes=5000000\n"
      "retention.ms=86400000\n"
      "durability=interval:250\n"
      "cleanup.policy=compact,delete\n"
      "compression=zstd\n"
      "min.compaction.lag.ms=60000\n"
      "delete.retention.ms=1000\n"
      "min.cleanable.dirty.ratio=0.25\n";
  auto c = TopicConfig::decode(text);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->retention_bytes, 5000000u);
  EXPECT_EQ(c->retention_age, std::chrono::milliseconds(86400000));
  EXPECT_EQ(c->durability.to_string(), "interval:250");
  EXPECT_EQ(c->cleanup, (CleanupPolicy{true, true}));
  EXPECT_EQ(c->compression, protocol::Compression::kZstd);
  EXPECT_EQ(c->compaction.min_lag, std::chrono::milliseconds(60000));
  EXPECT_EQ(c->compaction.delete_retention, std::chrono::milliseconds(1000));
  EXPECT_EQ(c->compaction.min_dirty_ratio, 0.25);
  EXPECT_EQ(c->encode(), text);
}

TEST(FormatSpec, ATopicConfSkipsCommentsBlankLinesAndUnknownKeys) {
  auto c = TopicConfig::decode(
      "# written by a newer broker\n"
      "\n"
      "partitions=2\n"
      "message.timestamp.type=1000\n"
      "# segment.bytes=1\n");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->partitions, 2);
}

TEST(FormatSpec, AMissingTopicConfKeyTakesTheValueOfTheSpecExample) {
  auto c = TopicConfig::decode("partitions=4\n");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->encode(), kSpecExample);
}

// FORMAT.md: "Unknown keys are ignored, whatever their value (a newer broker's file still
// loads)".
TEST(FormatSpec, ATopicConfWithAnUnknownTextValuedKeyStillLoads) {
  auto c = TopicConfig::decode("partitions=2\nmessage.timestamp.type=LogAppendTime\n");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->partitions, 2);
}

TEST(FormatSpec, ATopicConfWithoutPartitionsOrWithABadLineIsRefused) {
  EXPECT_FALSE(TopicConfig::decode("segment.bytes=1048576\n")) << "no partitions line";
  EXPECT_FALSE(TopicConfig::decode("partitions=2\nsegment.bytes\n")) << "no '='";
  EXPECT_FALSE(TopicConfig::decode("partitions=two\n")) << "not a number";
  EXPECT_FALSE(TopicConfig::decode("partitions = 2\n")) << "spaces around '='";
  EXPECT_FALSE(TopicConfig::decode("partitions=2 # two\n")) << "'#' only starts a line";
  EXPECT_FALSE(TopicConfig::decode("partitions=2\r\n")) << "lines end with \\n alone";
}

TEST(FormatSpec, ATopicConfValueOutOfRangeIsRefused) {
  auto with = [](const std::string& line) { return TopicConfig::decode("partitions=1\n" + line + "\n"); };
  ASSERT_TRUE(with("segment.bytes=69"));
  ASSERT_TRUE(with("segment.bytes=2147483648"));
  ASSERT_TRUE(with("durability=interval:86400000"));
  EXPECT_FALSE(TopicConfig::decode("partitions=0\n"));
  EXPECT_FALSE(TopicConfig::decode("partitions=10001\n"));
  EXPECT_FALSE(with("segment.bytes=68"));
  EXPECT_FALSE(with("segment.bytes=2147483649"));
  EXPECT_FALSE(with("segment.ms=0"));
  EXPECT_FALSE(with("segment.ms=-1")) << "-1 means no limit only for retention";
  EXPECT_FALSE(with("retention.ms=0"));
  EXPECT_FALSE(with("durability=interval:0"));
  EXPECT_FALSE(with("durability=interval:86400001"));
  EXPECT_FALSE(with("durability=sometimes"));
  EXPECT_FALSE(with("cleanup.policy=archive"));
  EXPECT_FALSE(with("compression=brotli"));
  EXPECT_FALSE(with("min.compaction.lag.ms=-1"));
  EXPECT_FALSE(with("delete.retention.ms=-1"));
  EXPECT_FALSE(with("min.cleanable.dirty.ratio=1.5"));
  EXPECT_FALSE(with("min.cleanable.dirty.ratio=-0.1"));
  EXPECT_TRUE(with("cleanup.policy=delete,compact"));
  EXPECT_TRUE(with("compression=none"));
}

TEST(FormatSpec, ATopicSettingIsChangedByItsKeyAndAnUnknownKeyIsNotFound) {
  TopicConfig c;
  ASSERT_TRUE(c.set("cleanup.policy", "compact").is_ok());
  ASSERT_TRUE(c.set("compression", "lz4").is_ok());
  ASSERT_TRUE(c.set("retention.ms", "-1").is_ok());
  EXPECT_EQ(c.cleanup, (CleanupPolicy{true, false}));
  EXPECT_EQ(c.compression, protocol::Compression::kLz4);
  EXPECT_FALSE(c.retention_age);
  EXPECT_TRUE(c.set("retention.size", "1").is_not_found());
  EXPECT_EQ(c.set("compression", "fast").code(), Status::Code::kInvalidArgument);
}

TEST(FormatSpec, KafkasUncompressedIsTakenForCompressionNoneAndWrittenAsNone) {
  TopicConfig c;
  ASSERT_TRUE(c.set("compression", "uncompressed").is_ok());
  EXPECT_EQ(c.compression, protocol::Compression::kNone);
  EXPECT_NE(c.encode().find("\ncompression=none\n"), std::string::npos) << c.encode();
}

TEST(FormatSpec, AlteringATopicRewritesItsTopicConf) {
  boost::asio::io_context ctx;
  testing::FaultBackend io(ctx);
  ASSERT_TRUE(io.create_directory("/data").is_ok());
  TopicStore store(io, "/data");
  ASSERT_TRUE(store.init().is_ok());
  TopicConfig c = spec_example_config();
  ASSERT_TRUE(store.create("orders", c).is_ok());
  ASSERT_TRUE(c.set("cleanup.policy", "compact").is_ok());
  ASSERT_TRUE(store.alter("orders", c).is_ok());
  auto loaded = store.load_all();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->at("orders").cleanup, (CleanupPolicy{true, false}));
  EXPECT_TRUE(store.alter("missing", c).is_not_found());
}

}  // namespace
}  // namespace cairn::storage

// clang-format on
