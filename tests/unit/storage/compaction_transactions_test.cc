// Compaction and transactions (FORMAT.md, "Compaction"): transactional and control batches are
// kept whole, so no marker is ever dropped before its transaction's data, and a marker's key
// never shadows an ordinary record of the same bytes.
#include <gtest/gtest.h>

#include "protocol/byte_io.h"
#include "protocol/control_record.h"
#include "protocol/record_batch_builder.h"
#include "storage/compaction.h"

namespace cairn::storage {
namespace {

using protocol::Bytes;

std::vector<std::byte> stored(std::vector<std::byte> batch, int64_t base) {
  protocol::assign_offsets(batch, Offset(base), 0);
  return batch;
}

std::vector<std::byte> keyed(Bytes key, bool transactional, int64_t base) {
  protocol::RecordBatchBuilder b({.producer_id = transactional ? 9 : -1,
                                  .producer_epoch = transactional ? int16_t{0} : int16_t{-1},
                                  .base_sequence = transactional ? 0 : -1,
                                  .transactional = transactional});
  std::byte v{1};
  b.append(timestamp_from_millis(1), key, Bytes(&v, 1));
  return stored(b.seal(), base);
}

std::vector<std::byte> marker(int64_t base) {
  return stored(protocol::build_control_batch({.producer_id = 9,
                                               .producer_epoch = 0,
                                               .result = protocol::TxnResult::kAbort,
                                               .timestamp = timestamp_from_millis(1)}),
                base);
}

protocol::RecordBatchView view(const std::vector<std::byte>& bytes) {
  return protocol::RecordBatchView::parse(bytes, protocol::Verify::kStored).value();
}

TEST(CompactionTransactions, TransactionalAndControlBatchesAreKeptWholeWhateverNewerKeysSay) {
  auto key = protocol::encode_control_key(protocol::TxnResult::kAbort);
  KeyOffsetMap map;
  map.put(Bytes(key), Offset(1000));  // a newer record of the marker's key bytes
  map.put(protocol::as_bytes("k"), Offset(1000));
  auto data = keyed(protocol::as_bytes("k"), true, 0);
  auto end = marker(1);
  for (const auto* batch : {&data, &end}) {
    auto r = compact_batch(view(*batch), map, CompactionRules{});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->records_dropped, 0);
    EXPECT_TRUE(r->bytes.empty()) << "kept as stored";
  }
}

TEST(CompactionTransactions, AMarkersKeyDoesNotShadowAnOrdinaryRecordOfTheSameBytes) {
  auto key = protocol::encode_control_key(protocol::TxnResult::kAbort);
  auto ordinary = keyed(Bytes(key), false, 0);
  auto end = marker(1);
  KeyOffsetMap map;
  ASSERT_TRUE(
      add_to_key_map(view(ordinary), protocol::batch::kDefaultMaxDecompressedBytes, map).is_ok());
  ASSERT_TRUE(
      add_to_key_map(view(end), protocol::batch::kDefaultMaxDecompressedBytes, map).is_ok());
  EXPECT_EQ(map.find(Bytes(key)), Offset(0)) << "the marker is not a record of the key";
  auto r = compact_batch(view(ordinary), map, CompactionRules{});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->records_dropped, 0);
}

}  // namespace
}  // namespace cairn::storage
