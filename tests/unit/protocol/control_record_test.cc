// Control batches (protocol/control_record.h): the broker's marker batch is a stored batch every
// reader takes, its record decodes back to the marker, and every broken rule of PROTOCOL.md's
// "Control batches and transactional batches" is refused.
#include "protocol/control_record.h"

#include <gtest/gtest.h>

#include "protocol/record_batch_builder.h"
#include "protocol/wire_format.h"

namespace cairn::protocol {
namespace {

MarkerOptions commit_marker() {
  return {.producer_id = 77,
          .producer_epoch = 3,
          .result = TxnResult::kCommit,
          .coordinator_epoch = 5,
          .timestamp = timestamp_from_millis(1000)};
}

std::vector<std::byte> stored(std::vector<std::byte> batch) {
  assign_offsets(batch, Offset(40), 2);
  return batch;
}

TEST(ControlRecord, AMarkerBatchIsAStoredBatchWhoseRecordDecodesToTheMarker) {
  auto bytes = stored(build_control_batch(commit_marker()));
  auto view = RecordBatchView::parse(bytes, Verify::kStored);
  ASSERT_TRUE(view) << view.error().to_string();
  EXPECT_TRUE(view->header().is_control());
  EXPECT_TRUE(view->header().is_transactional());
  EXPECT_EQ(view->header().producer_id, 77);
  EXPECT_EQ(view->header().producer_epoch, 3);
  EXPECT_EQ(view->header().base_sequence, -1);
  EXPECT_TRUE(view->validate_records().is_ok());
  auto marker = read_control_batch(*view);
  ASSERT_TRUE(marker) << marker.error().to_string();
  EXPECT_EQ(marker->result, TxnResult::kCommit);
  EXPECT_EQ(marker->coordinator_epoch, 5);
}

TEST(ControlRecord, AnAbortMarkerReadsAsAbort) {
  auto options = commit_marker();
  options.result = TxnResult::kAbort;
  auto bytes = stored(build_control_batch(options));
  auto view = RecordBatchView::parse(bytes, Verify::kStored);
  ASSERT_TRUE(view);
  auto marker = read_control_batch(*view);
  ASSERT_TRUE(marker);
  EXPECT_EQ(marker->result, TxnResult::kAbort);
}

TEST(ControlRecord, AProducedControlBatchIsRefused) {
  auto bytes = build_control_batch(commit_marker());
  auto view = RecordBatchView::parse(bytes, Verify::kProduced);
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().code(), Status::Code::kInvalidArgument);
}

TEST(ControlRecord, AnOrdinaryBatchIsNotAMarker) {
  RecordBatchBuilder b;
  std::byte v{1};
  b.append(timestamp_from_millis(1), std::nullopt, Bytes(&v, 1));
  auto bytes = stored(b.seal());
  auto view = RecordBatchView::parse(bytes, Verify::kStored);
  ASSERT_TRUE(view);
  EXPECT_FALSE(read_control_batch(*view));
}

// A batch with the control bit that breaks one rule of a control batch.
Result<ControlRecord> read_built(RecordBatchBuilder::Options o, int records,
                                 std::optional<Bytes> key, std::optional<Bytes> value) {
  o.control = true;
  RecordBatchBuilder b(o);
  for (int i = 0; i < records; ++i) b.append(timestamp_from_millis(1), key, value);
  auto bytes = stored(b.seal());
  auto view = RecordBatchView::parse(bytes, Verify::kStored);
  if (!view) return view.error();
  return read_control_batch(*view);
}

TEST(ControlRecord, AControlBatchBreakingARuleIsDamaged) {
  auto key = encode_control_key(TxnResult::kCommit);
  auto value = encode_control_value(1);
  RecordBatchBuilder::Options good{.producer_id = 1, .producer_epoch = 0, .transactional = true};
  ASSERT_TRUE(read_built(good, 1, Bytes(key), Bytes(value)));

  auto not_transactional = good;
  not_transactional.transactional = false;
  EXPECT_FALSE(read_built(not_transactional, 1, Bytes(key), Bytes(value)));
  EXPECT_FALSE(read_built(good, 2, Bytes(key), Bytes(value))) << "two records";
  auto no_producer = good;
  no_producer.producer_id = -1;
  EXPECT_FALSE(read_built(no_producer, 1, Bytes(key), Bytes(value)));
  auto sequenced = good;
  sequenced.base_sequence = 0;
  EXPECT_FALSE(read_built(sequenced, 1, Bytes(key), Bytes(value)));
  auto compressed = good;
  compressed.compression = Compression::kZstd;
  EXPECT_FALSE(read_built(compressed, 1, Bytes(key), Bytes(value)));
}

TEST(ControlRecord, AKeyOrValueThatIsNullShortOfAnotherTypeOrNegativeVersionIsRefused) {
  auto key = encode_control_key(TxnResult::kCommit);
  auto value = encode_control_value(1);
  EXPECT_TRUE(decode_control_record(Bytes(key), Bytes(value)));
  EXPECT_FALSE(decode_control_record(std::nullopt, Bytes(value)));
  EXPECT_FALSE(decode_control_record(Bytes(key), std::nullopt));
  EXPECT_FALSE(decode_control_record(Bytes(key).first(3), Bytes(value)));
  EXPECT_FALSE(decode_control_record(Bytes(key), Bytes(value).first(5)));
  auto other_type = key;
  other_type[3] = std::byte{2};
  EXPECT_FALSE(decode_control_record(Bytes(other_type), Bytes(value)));
  auto negative_key = key;
  negative_key[0] = std::byte{0x80};
  EXPECT_FALSE(decode_control_record(Bytes(negative_key), Bytes(value)));
  auto negative_value = value;
  negative_value[0] = std::byte{0xff};
  EXPECT_FALSE(decode_control_record(Bytes(key), Bytes(negative_value)));
}

}  // namespace
}  // namespace cairn::protocol
